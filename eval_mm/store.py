"""The result store: safe folder names, atomic writes and append-only JSONL logs.

Layout of one run (one model x task x run configuration):

    <results>/<model-slug>/<task-id>/<config-id>/
        run.json                 run card (how the result was made)
        samples.jsonl            inputs as text: id, prompt, references, metadata, image files
        images/                  the sample images (optional)
        predictions.jsonl        one line per sample, appended as generated
        scores/<metric>/<fp>.jsonl  per-sample scores, one file per scorer fingerprint
        summary.json             aggregated metrics with CIs and counts
        .lock                    who writes the folder now (see eval_mm.lock)

Several fingerprints of one metric (two judges, say) live side by side; summary.json names
the fingerprint of each number it reports (`metrics[m]["fingerprint"]`).
"""

from __future__ import annotations

import json
import os
import re
import tempfile
import unicodedata
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import IO, Any

CARD = "run.json"
SAMPLES = "samples.jsonl"
PREDICTIONS = "predictions.jsonl"
SUMMARY = "summary.json"
SCORES_DIR = "scores"
IMAGES_DIR = "images"

_SLUG_BAD = re.compile(r"[^A-Za-z0-9._-]+")


def slugify(text: str, max_len: int = 96) -> str:
    """A folder name that cannot escape its parent: no separators, no dot-only names."""
    norm = unicodedata.normalize("NFKC", text)
    slug = _SLUG_BAD.sub("_", norm.replace("/", "__")).strip("._-")
    slug = slug[:max_len].strip("._-")
    return slug or "unnamed"


def contained(root: Path, *parts: str) -> Path:
    """`root / parts`, refusing any result outside `root`."""
    root_r = root.resolve()
    path = root_r.joinpath(*parts).resolve()
    if path != root_r and root_r not in path.parents:
        raise ValueError(f"path {path} escapes the result store {root_r}")
    return path


def _json_default(obj: Any) -> Any:
    if hasattr(obj, "item"):  # numpy scalars
        return obj.item()
    if isinstance(obj, (set, frozenset, tuple)):
        return list(obj)
    return str(obj)


def dumps(obj: Any) -> str:
    return json.dumps(obj, ensure_ascii=False, default=_json_default, sort_keys=False)


def atomic_write_text(path: Path, text: str) -> None:
    """Write to a temporary file in the same folder, fsync, then rename over `path`."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(text)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def atomic_write_json(path: Path, obj: Any) -> None:
    atomic_write_text(
        path, json.dumps(obj, ensure_ascii=False, indent=2, default=_json_default) + "\n"
    )


def atomic_write_jsonl(path: Path, records: Iterable[dict[str, Any]]) -> None:
    atomic_write_text(path, "".join(dumps(r) + "\n" for r in records))


def read_json(path: Path) -> Any:
    with open(path, encoding="utf-8") as f:
        return json.load(f)


def read_jsonl(path: Path) -> list[dict[str, Any]]:
    """All complete records. A torn last line (from a killed writer) is ignored."""
    return list(iter_jsonl(path))


def iter_jsonl(path: Path) -> Iterator[dict[str, Any]]:
    if not path.exists():
        return
    with open(path, encoding="utf-8") as f:
        for line in f:
            if not line.endswith("\n"):
                break  # torn write: the process died mid-line
            line = line.strip()
            if line:
                try:
                    yield json.loads(line)
                except json.JSONDecodeError:
                    continue


class JsonlAppender:
    """Append-only JSONL writer; every record is flushed to the OS as it is written,
    so a killed process loses at most the line it was writing."""

    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        _truncate_torn_tail(path)
        self._f: IO[str] = open(path, "a", encoding="utf-8")  # noqa: SIM115 - closed in close()

    def write(self, record: dict[str, Any]) -> None:
        self._f.write(dumps(record) + "\n")
        self._f.flush()

    def write_many(self, records: Iterable[dict[str, Any]]) -> None:
        self._f.write("".join(dumps(r) + "\n" for r in records))
        self._f.flush()

    def close(self) -> None:
        self._f.flush()
        os.fsync(self._f.fileno())
        self._f.close()

    def __enter__(self) -> JsonlAppender:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _truncate_torn_tail(path: Path) -> None:
    """Cut a partial last line so that the next append starts on a fresh line."""
    if not path.exists() or path.stat().st_size == 0:
        return
    with open(path, "rb+") as f:
        f.seek(-1, os.SEEK_END)
        if f.read(1) == b"\n":
            return
        f.seek(0)
        cut = f.read().rfind(b"\n") + 1
        f.truncate(cut)


def score_path(run_dir: Path, metric: str, fingerprint: str) -> Path:
    return run_dir / SCORES_DIR / slugify(metric) / f"{fingerprint}.jsonl"


def active_fingerprint(run_dir: Path, metric: str) -> str | None:
    """The fingerprint whose scores the run's summary reports for `metric`."""
    path = run_dir / SUMMARY
    if not path.is_file():
        return None
    try:
        entry = (read_json(path).get("metrics") or {}).get(metric) or {}
    except (OSError, ValueError):
        return None
    fp = entry.get("fingerprint")
    return fp if isinstance(fp, str) else None


def read_scores(
    run_dir: Path, metric: str, fingerprint: str | None = None
) -> dict[str, dict[str, Any]]:
    """Score records by sample id (the last record of an id wins) of one fingerprint,
    by default the one the summary reports. A folder written before scores were kept per
    fingerprint has one `scores/<metric>.jsonl`, read when no fingerprint is named."""
    fp = fingerprint or active_fingerprint(run_dir, metric)
    if fp is not None:
        path = score_path(run_dir, metric, fp)
    elif fingerprint is None:
        path = run_dir / SCORES_DIR / f"{slugify(metric)}.jsonl"
    else:
        return {}
    return {str(r["id"]): r for r in iter_jsonl(path) if "id" in r}


def reported_scores(run_dir: Path) -> dict[str, dict[str, dict[str, Any]]]:
    """metric -> score records by sample id, for every metric the summary reports."""
    try:
        metrics = list(read_json(run_dir / SUMMARY).get("metrics") or {})
    except (OSError, ValueError):
        metrics = []
    legacy = [p.stem for p in (run_dir / SCORES_DIR).glob("*.jsonl")]
    return {m: read_scores(run_dir, m) for m in dict.fromkeys([*metrics, *legacy])}


def find_runs(root: Path) -> list[Path]:
    """Every run folder (a folder holding run.json) below `root`, sorted."""
    if not root.exists():
        return []
    return sorted(p.parent for p in root.rglob(CARD))
