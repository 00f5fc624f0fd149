"""Per-sample data of one run for the sample browser: inputs, outputs, scores, judge replies."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from eval_mm.leaderboard.runfiles import read_records, reported_score_files
from eval_mm.store import PREDICTIONS, SAMPLES, contained


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
    has_prediction: bool = True  # False: no readable line in predictions.jsonl

    @property
    def failed(self) -> bool:
        """A generation error, or a score that could not be computed."""
        return self.error is not None or any(
            (rec or {}).get("value") is None for rec in self.scores.values())

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
    """All samples of a run joined with predictions and every metric's scores, plus a
    warning for each file with torn or unreadable lines (the rest is still shown)."""
    warnings: list[str] = []
    read = read_records(run_dir / SAMPLES)
    records = read.records
    if not records:
        warnings.append(f"{run_dir.name}: samples.jsonl is missing or empty")
    pred_read = read_records(run_dir / PREDICTIONS)
    for name, r in ((SAMPLES, read), (PREDICTIONS, pred_read)):
        if (problem := r.problem(name)) is not None:
            warnings.append(problem + _advice(name))
    preds = {str(r["id"]): r for r in pred_read.records if "id" in r}
    views: dict[str, SampleView] = {}
    for rec in records:
        sid = str(rec.get("id"))
        pred = preds.get(sid) or {}
        views[sid] = SampleView(
            id=sid,
            question=question_text(rec),
            references=[str(r) for r in rec.get("references") or []],
            prediction=None if pred.get("output") is None else str(pred.get("output")),
            error=None if pred.get("error") is None else str(pred.get("error")),
            images=_image_paths(run_dir, list(rec.get("images") or [])),
            metadata=dict(rec.get("metadata") or {}),
            has_prediction=sid in preds,
        )
    for metric, path in reported_score_files(run_dir).items():
        got = read_records(path)
        if (problem := got.problem(str(path.relative_to(run_dir)))) is not None:
            warnings.append(problem + _advice("scores"))
        for rec in got.records:
            sid = str(rec.get("id"))
            if sid in views:
                views[sid].scores[str(rec.get("metric") or metric)] = rec
    missing = sum(1 for v in views.values() if not v.has_prediction)
    if preds and missing:
        warnings.append(f"{missing} sample(s) have no readable prediction; they are shown as "
                        "'(no prediction stored)'")
    return list(views.values()), warnings


def _advice(name: str) -> str:
    if name == PREDICTIONS:
        return ("; rerun the same `eval-mm run` command to regenerate the samples whose "
                "predictions were lost")
    if name == "scores":
        return "; `eval-mm score RUN` rescores them"
    return ""


def disagree(a: SampleView, b: SampleView | None, metric: str | None) -> bool:
    """Whether two runs' scores of one sample differ on `metric` (on any metric both
    scored when None). A sample only one run has counts as a disagreement."""
    if b is None:
        return True
    metrics = [metric] if metric else sorted(set(a.scores) & set(b.scores))
    return any(a.value(m) != b.value(m) for m in metrics)


def filter_samples(
    samples: list[SampleView],
    metric: str | None = None,
    low: float | None = None,
    high: float | None = None,
    search: str = "",
    include_unscored: bool = True,
    *,
    other: dict[str, SampleView] | None = None,
    disagreements: bool = False,
    failures_only: bool = False,
    only_id: str | None = None,
) -> list[SampleView]:
    """Samples whose `metric` value lies in [low, high] and whose text contains `search`;
    with `other` (a second run by id), optionally only where the two disagree, and only
    where either failed (generation error or unscored)."""
    out = []
    needle = search.lower().strip()
    for s in samples:
        if only_id is not None and s.id != only_id:
            continue
        if metric:
            v = s.value(metric)
            if v is None:
                if not include_unscored:
                    continue
            elif (low is not None and v < low) or (high is not None and v > high):
                continue
        twin = other.get(s.id) if other is not None else None
        if disagreements and other is not None and not disagree(s, twin, metric):
            continue
        if failures_only and not (s.failed or (twin is not None and twin.failed)):
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
