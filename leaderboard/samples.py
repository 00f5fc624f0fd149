"""Per-sample data of one run for the sample browser: inputs, outputs, scores, judge replies."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from eval_mm.store import PREDICTIONS, SAMPLES, contained, read_jsonl, reported_scores


@dataclass
class SampleView:
    id: str
    question: str
    references: list[str]
    prediction: str | None
    error: str | None
    images: list[Path]
    metadata: dict[str, Any]
    scores: dict[str, dict[str, Any]] = field(default_factory=dict)  # metric -> score record

    def value(self, metric: str) -> float | None:
        v = (self.scores.get(metric) or {}).get("value")
        return float(v) if isinstance(v, (int, float)) and not isinstance(v, bool) else None

    def haystack(self) -> str:
        return "\n".join([self.id, self.question, *self.references, self.prediction or ""]).lower()


def question_text(record: dict[str, Any]) -> str:
    """Every text part of every message, with image placeholders, as plain text."""
    out = []
    for m in record.get("messages") or []:
        parts = []
        for p in m.get("content") or []:
            if p.get("type") == "text":
                parts.append(str(p.get("text", "")))
            else:
                parts.append("<image>")
        role = m.get("role", "user")
        out.append(f"[{role}] " + "\n".join(parts))
    return "\n\n".join(out)


def _image_paths(run_dir: Path, names: list[Any]) -> list[Path]:
    paths = []
    for name in names:
        try:  # a crafted path in samples.jsonl must not read outside the run folder
            p = contained(run_dir, str(name))
        except ValueError:
            continue
        if p.is_file():
            paths.append(p)
    return paths


def load_samples(run_dir: Path) -> tuple[list[SampleView], list[str]]:
    """All samples of a run joined with predictions and every metric's scores."""
    warnings: list[str] = []
    records = read_jsonl(run_dir / SAMPLES)
    if not records:
        warnings.append(f"{run_dir.name}: samples.jsonl is missing or empty")
    preds = {r["id"]: r for r in read_jsonl(run_dir / PREDICTIONS) if "id" in r}
    views: dict[str, SampleView] = {}
    for rec in records:
        sid = str(rec.get("id"))
        pred = preds.get(sid) or {}
        views[sid] = SampleView(
            id=sid,
            question=question_text(rec),
            references=[str(r) for r in rec.get("references") or []],
            prediction=None if pred.get("output") is None else str(pred.get("output")),
            error=pred.get("error"),
            images=_image_paths(run_dir, list(rec.get("images") or [])),
            metadata=dict(rec.get("metadata") or {}),
        )
    for metric, by_id in reported_scores(run_dir).items():
        for sid, score in by_id.items():
            if sid in views:
                views[sid].scores[str(score.get("metric") or metric)] = score
    return list(views.values()), warnings


def filter_samples(
    samples: list[SampleView],
    metric: str | None = None,
    low: float | None = None,
    high: float | None = None,
    search: str = "",
    include_unscored: bool = True,
) -> list[SampleView]:
    """Samples whose `metric` value lies in [low, high] and whose text contains `search`."""
    out = []
    needle = search.lower().strip()
    for s in samples:
        if metric:
            v = s.value(metric)
            if v is None:
                if not include_unscored:
                    continue
            elif (low is not None and v < low) or (high is not None and v > high):
                continue
        if needle and needle not in s.haystack():
            continue
        out.append(s)
    return out


def judge_runs(details: dict[str, Any]) -> list[dict[str, Any]] | None:
    """The per-run judge records inside a score's details, if there is a list of them.

    The judge module decides the key; any list of objects is taken (e.g. `runs`)."""
    for key in ("runs", "judge_runs", "judgements", "replies"):
        val = details.get(key)
        if isinstance(val, list) and val and all(isinstance(x, dict) for x in val):
            return val
    for val in details.values():
        if isinstance(val, list) and val and all(isinstance(x, dict) for x in val):
            return val
    return None


def runs_table(runs: list[dict[str, Any]]) -> list[dict[str, str]]:
    """Judge runs as rows of plain strings (nested values as JSON text)."""
    import json

    rows = []
    for r in runs:
        rows.append({
            str(k): v if isinstance(v, str) else json.dumps(v, ensure_ascii=False)
            for k, v in r.items()
        })
    return rows
