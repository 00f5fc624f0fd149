"""The per-sample files of a run folder (samples, predictions, scores), read line by line
so that a torn or partly unreadable file costs only its bad lines, which are reported.

Scores are looked up here by metric (`metric_scores`): the one place that knows how a run
folder stores them."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from eval_mm.store import SCORES_DIR, SUMMARY, read_json, score_path, slugify


@dataclass
class Records:
    """The valid records of a JSONL file and what was wrong with the rest."""

    records: list[dict[str, Any]] = field(default_factory=list)
    torn: bool = False  # the last line has no newline: a writer was interrupted
    invalid: list[int] = field(default_factory=list)  # 1-based numbers of unreadable lines

    def problem(self, name: str) -> str | None:
        parts = []
        if self.torn:
            parts.append("its last line is cut off (an interrupted write)")
        if self.invalid:
            shown = ", ".join(str(i) for i in self.invalid[:5])
            more = f" and {len(self.invalid) - 5} more" if len(self.invalid) > 5 else ""
            parts.append(f"line{'s' if len(self.invalid) > 1 else ''} {shown}{more} "
                         "could not be read (not UTF-8 or not a JSON object)")
        if not parts:
            return None
        skipped = "that line was" if len(self.invalid) + self.torn == 1 else "those lines were"
        return f"{name}: " + "; ".join(parts) + f"; {skipped} skipped"


def read_records(path: Path) -> Records:
    """Every complete, valid JSON object line of `path` (none when it does not exist).
    Bytes are decoded per line, so a line cut inside a UTF-8 character costs that line
    only."""
    out = Records()
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        return out
    lines = data.split(b"\n")
    tail = lines.pop()  # after the last newline: empty, or a torn line
    if tail.strip():
        out.torn = True
    for number, raw in enumerate(lines, start=1):
        if not raw.strip():
            continue
        try:
            rec = json.loads(raw.decode("utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError):
            out.invalid.append(number)
            continue
        if isinstance(rec, dict):
            out.records.append(rec)
        else:
            out.invalid.append(number)
    return out


def score_file(run_dir: Path, metric: str, fingerprint: str | None) -> Path:
    """`scores/<metric>/<fp>.jsonl` of a scorer fingerprint; without one, the single file of
    a folder written before scores were kept per fingerprint (`scores/<metric>.jsonl`)."""
    if fingerprint:
        return score_path(run_dir, metric, fingerprint)
    return run_dir / SCORES_DIR / f"{slugify(metric)}.jsonl"


def reported_score_files(run_dir: Path) -> dict[str, Path]:
    """metric -> the score file of the fingerprint the summary reports, for every metric
    of the summary, plus any older per-metric file."""
    try:
        metrics = read_json(run_dir / SUMMARY).get("metrics") or {}
    except (OSError, ValueError, AttributeError):
        metrics = {}
    out = {str(m): score_file(run_dir, str(m), e.get("fingerprint") if isinstance(e, dict)
                              else None) for m, e in metrics.items()}
    folder = run_dir / SCORES_DIR
    for legacy in sorted(folder.glob("*.jsonl")) if folder.is_dir() else []:
        out.setdefault(legacy.stem, legacy)
    return out


def metric_scores(run_dir: Path, metric: str, fingerprint: str | None = None) -> Records:
    """Per-sample score records of one metric (of one fingerprint)."""
    return read_records(score_file(run_dir, metric, fingerprint))


def sample_clusters(run_dir: Path, key: str | None) -> dict[str, str]:
    """Sample id -> its cluster (the value of metadata[`key`] in samples.jsonl); samples
    without one are missing, and resample on their own."""
    if not key:
        return {}
    out: dict[str, str] = {}
    for rec in read_records(run_dir / "samples.jsonl").records:
        label = (rec.get("metadata") or {}).get(key)
        if label is not None:
            out[str(rec.get("id"))] = str(label)
    return out
