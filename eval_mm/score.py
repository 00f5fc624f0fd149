"""Scoring phase: re-runnable on saved predictions; each metric keeps its own file."""

from __future__ import annotations

import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from tqdm import tqdm

from eval_mm.core.aggregate import MetricSummary
from eval_mm.core.sample import Message, Sample, TextPart
from eval_mm.core.scoring import Score, ScoreContext, Scorer
from eval_mm.generate import load_predictions
from eval_mm.store import (
    SCORES_DIR,
    JsonlAppender,
    atomic_write_jsonl,
    read_jsonl,
    read_samples_checked,
    slugify,
)
from eval_mm.terminal import cell

CHUNK = 256  # scores are appended per chunk, so an interrupted judge run keeps its work


def sample_record(sample: Sample, image_paths: Sequence[str] = ()) -> dict[str, Any]:
    """What samples.jsonl keeps of a sample: enough to rescore and to browse, as text."""
    return {
        "id": sample.id,
        "messages": [
            {
                "role": m.role,
                "content": [
                    {"type": "text", "text": p.text}
                    if isinstance(p, TextPart)
                    else {"type": "image"}
                    for p in m.content
                ],
            }
            for m in sample.messages
        ],
        "references": sample.references,
        "metadata": sample.metadata,
        "judge_question": sample.judge_question,
        "images": list(image_paths),
    }


def sample_from_record(rec: dict[str, Any]) -> Sample:
    """A text-only Sample (images dropped) rebuilt from samples.jsonl, for scoring."""
    messages = [
        Message(m["role"], tuple(TextPart(p["text"]) for p in m["content"] if p["type"] == "text"))
        for m in rec["messages"]
    ]
    return Sample(
        id=rec["id"],
        messages=messages,
        references=list(rec["references"]),
        metadata=dict(rec.get("metadata") or {}),
        judge_question=rec.get("judge_question"),
    )


def load_samples(run_dir: Path) -> list[Sample]:
    return [sample_from_record(r) for r in read_samples_checked(run_dir)]


def score_file(run_dir: Path, scorer: Scorer) -> Path:
    return run_dir / SCORES_DIR / f"{slugify(scorer.id)}.jsonl"


def _to_record(sample_id: str, scorer: Scorer, score: Score) -> dict[str, Any]:
    return {
        "id": sample_id,
        "metric": scorer.id,
        "version": scorer.version,
        "value": score.value,
        "reason": score.reason,
        "details": score.details,
    }


def _from_record(rec: dict[str, Any]) -> Score:
    return Score(rec["value"], rec.get("reason"), rec.get("details") or {})


def score_metric(
    scorer: Scorer,
    samples: Sequence[Sample],
    predictions: dict[str, dict[str, Any]],
    run_dir: Path,
    ctx: ScoreContext,
    rescore: bool = False,
    progress: bool = True,
) -> list[Score]:
    """Scores of one metric for `samples`, reusing stored ones of the same version."""
    path = score_file(run_dir, scorer)
    stored = (
        {}
        if rescore
        else {r["id"]: r for r in read_jsonl(path) if r.get("version") == scorer.version}
    )
    # A stored score whose prediction changed since (regenerated) is stale.
    stored = {i: r for i, r in stored.items() if i in predictions}
    if rescore or len(stored) != len(read_jsonl(path)):
        atomic_write_jsonl(path, list(stored.values()))
    todo = [s for s in samples if s.id in predictions and s.id not in stored]
    with (
        JsonlAppender(path) as out,
        tqdm(
            total=len(todo),
            desc=cell(f"score {scorer.id}"),
            unit="sample",
            disable=not progress or not todo,
            leave=False,
        ) as bar,
    ):
        for start in range(0, len(todo), CHUNK):
            chunk = todo[start : start + CHUNK]
            ok = [s for s in chunk if predictions[s.id].get("error") is None]
            scores = dict(
                zip(
                    [s.id for s in ok],
                    scorer.score(ok, [predictions[s.id]["output"] or "" for s in ok], ctx)
                    if ok
                    else [],
                )
            )
            records = []
            for s in chunk:
                sc = scores.get(s.id) or Score.unscored(
                    "generation_error", error=predictions[s.id].get("error")
                )
                records.append(_to_record(s.id, scorer, sc))
                stored[s.id] = records[-1]
            out.write_many(records)
            bar.update(len(chunk))
    return [_from_record(stored[s.id]) for s in samples if s.id in stored]


def score_run(
    run_dir: Path,
    scorers: Sequence[Scorer],
    ctx: ScoreContext,
    breakdown_keys: Sequence[str],
    rescore: bool = False,
    progress: bool = True,
) -> tuple[dict[str, MetricSummary], dict[str, Any]]:
    """Score every metric on the stored predictions of a run; return summaries and timings."""
    samples = load_samples(run_dir)
    predictions = load_predictions(run_dir)
    summaries: dict[str, MetricSummary] = {}
    timings: dict[str, float] = {}
    for scorer in scorers:
        t0 = time.perf_counter()
        scores = score_metric(scorer, samples, predictions, run_dir, ctx, rescore, progress)
        scored_samples = [s for s in samples if s.id in predictions]
        summaries[scorer.id] = scorer.aggregate(scored_samples, scores, breakdown_keys, ctx.seed)
        timings[scorer.id] = round(time.perf_counter() - t0, 3)
    return summaries, timings
