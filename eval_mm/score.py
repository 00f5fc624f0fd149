"""Scoring phase: re-runnable on saved predictions.

Each scorer fingerprint (metric, version, judge, prompt, ...) keeps its own file of records;
a record says what it scored (the digest of the prediction and the gold) and is reused only
for the same content under the same fingerprint, and never when it asked to be retried.
New records are appended as they are computed and the file is compacted atomically at the
end, so a kill at any moment leaves every earlier record readable."""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tqdm import tqdm

from eval_mm.core.aggregate import MetricSummary
from eval_mm.core.sample import Message, Sample, TextPart
from eval_mm.core.scoring import Score, ScoreContext, Scorer
from eval_mm.generate import load_predictions
from eval_mm.identity import digest, gold_digest, score_input_digest
from eval_mm.reasoning import score_outputs, with_reasoning_counts
from eval_mm.store import (
    JsonlAppender,
    atomic_write_jsonl,
    iter_jsonl,
    read_samples_checked,
    score_path,
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


def fingerprint_of(scorer: Scorer, ctx: ScoreContext) -> tuple[str, dict[str, Any]]:
    """The short id of a scorer's fingerprint, and the fingerprint itself."""
    fp = scorer.fingerprint(ctx)
    return digest(fp, 12), fp


def _to_record(sample_id: str, scorer: Scorer, fp: str, inp: str, score: Score) -> dict[str, Any]:
    rec: dict[str, Any] = {
        "id": sample_id,
        "metric": scorer.id,
        "version": scorer.version,
        "fp": fp,
        "input": inp,
        "value": score.value,
        "reason": score.reason,
        "details": score.details,
    }
    if score.retry:
        rec["retry"] = True
    return rec


def _from_record(rec: dict[str, Any]) -> Score:
    return Score(rec["value"], rec.get("reason"), rec.get("details") or {}, bool(rec.get("retry")))


@dataclass
class MetricOutcome:
    """One metric scored on a run: its summary and what this invocation did."""

    fingerprint: str
    scorer: dict[str, Any]
    summary: MetricSummary
    scored_now: int
    reused: int
    retry: int  # records a rerun should retry (transient judge failures)
    seconds: float


def score_metric(
    scorer: Scorer,
    fp: str,
    samples: Sequence[Sample],
    predictions: dict[str, dict[str, Any]],
    inputs: dict[str, str],
    run_dir: Path,
    ctx: ScoreContext,
    rescore: bool = False,
    progress: bool = True,
) -> tuple[list[Score], int]:
    """Scores of one metric for the samples that have a prediction, reusing stored records
    of the same fingerprint `fp` and content (`inputs`: the digest of each sample's prediction
    and gold). Returns the scores and how many were computed."""
    path = score_path(run_dir, scorer.id, fp)
    todo_samples = [s for s in samples if s.id in predictions]
    on_disk = [r for r in iter_jsonl(path) if "id" in r]
    stored: dict[str, dict[str, Any]] = {}
    if not rescore:
        for r in on_disk:  # the last record of an id wins; one asking for a retry is redone
            if r["id"] in inputs and r.get("input") == inputs[r["id"]]:
                if r.get("retry"):
                    stored.pop(r["id"], None)
                else:
                    stored[r["id"]] = r
    todo = [s for s in todo_samples if s.id not in stored]
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
            outputs = [predictions[s.id].get("output") or "" for s in ok]
            opened = [bool(predictions[s.id].get("prompt_opened_reasoning")) for s in ok]
            # The scorer reads the output its reasoning rule prepares (eval_mm.reasoning).
            scored = score_outputs(scorer, ok, outputs, ctx, opened) if ok else []
            scores = dict(zip([s.id for s in ok], scored))
            records = []
            for s in chunk:
                sc = scores.get(s.id) or Score.unscored(
                    "generation_error", error=predictions[s.id].get("error")
                )
                records.append(_to_record(s.id, scorer, fp, inputs[s.id], sc))
                stored[s.id] = records[-1]
            out.write_many(records)
            bar.update(len(chunk))
    final = [stored[s.id] for s in todo_samples]
    if len(on_disk) + len(todo) != len(final):  # superseded or stale records: compact
        atomic_write_jsonl(path, final)
    return [_from_record(r) for r in final], len(todo)


def score_inputs(
    samples: Sequence[Sample], predictions: dict[str, dict[str, Any]]
) -> dict[str, str]:
    """The digest of each (prediction, gold) pair, by sample id, in sample order."""
    return {
        s.id: score_input_digest(predictions[s.id], gold_digest(s))
        for s in samples
        if s.id in predictions
    }


def score_run(
    run_dir: Path,
    scorers: Sequence[Scorer],
    ctx: ScoreContext,
    breakdown_keys: Sequence[str],
    rescore: bool = False,
    progress: bool = True,
    cluster_key: str | None = None,
) -> tuple[dict[str, MetricOutcome], str]:
    """Score every metric on the stored predictions of a run; also return the digest of the
    (prediction, gold) pairs scored (`predictions_state`). Intervals resample the clusters
    named by `cluster_key` (the task's, a metadata key)."""
    samples = load_samples(run_dir)
    predictions = load_predictions(run_dir)
    scored_samples = [s for s in samples if s.id in predictions]
    inputs = score_inputs(samples, predictions)
    outcomes: dict[str, MetricOutcome] = {}
    for scorer in scorers:
        t0 = time.perf_counter()
        fp, fingerprint = fingerprint_of(scorer, ctx)
        scores, now = score_metric(
            scorer, fp, samples, predictions, inputs, run_dir, ctx, rescore, progress
        )
        summary = with_reasoning_counts(
            scorer.summary(scored_samples, scores, breakdown_keys, ctx.seed, cluster_key), scores
        )
        outcomes[scorer.id] = MetricOutcome(
            fingerprint=fp,
            scorer={**scorer.card(), "fingerprint": fingerprint},
            summary=summary,
            scored_now=now,
            reused=len(scores) - now,
            retry=sum(1 for s in scores if s.retry),
            seconds=round(time.perf_counter() - t0, 3),
        )
    return outcomes, digest(list(inputs.items()))  # summaries from other inputs are stale
