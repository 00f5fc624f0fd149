"""Synthetic stored runs in the exact result-store layout, for gate tests."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from eval_mm.core.aggregate import summarise
from eval_mm.core.sample import Message, Sample, TextPart
from eval_mm.runcard import ids_hash
from eval_mm.score import sample_record
from eval_mm.store import (
    CARD,
    SAMPLES,
    SCORES_DIR,
    SUMMARY,
    atomic_write_json,
    atomic_write_jsonl,
    slugify,
)

Values = Mapping[str, float | None]


def sample_ids(n: int) -> list[str]:
    return [f"q{i:05d}" for i in range(n)]


def write_run(
    root: Path,
    model: str,
    task: str,
    metrics: Mapping[str, Values],
    *,
    kinds: Mapping[str, str] | None = None,
    task_version: str = "1",
    metric_version: str = "1",
    judge: dict[str, Any] | None = None,
    metadata: Mapping[str, dict[str, Any]] | None = None,
    limit: int | None = None,
    limit_seed: int = 0,
    prompt_hash: str = "p" * 16,
    scale: float = 100.0,
    details: Mapping[str, Mapping[str, dict[str, Any]]] | None = None,
    cluster_key: str | None = None,
) -> Path:
    """One run folder `<root>/<model>/<task>/cfg-...` with card, samples, scores and summary.

    `details[metric][id]` is stored as that score's details (judge runs, say); `cluster_key`
    is recorded in the summary as `eval-mm score` records the task's."""
    ids: list[str] = list(dict.fromkeys(i for vals in metrics.values() for i in vals))
    folder = root / slugify(model) / slugify(task) / f"cfg-{ids_hash(ids)[:10]}"
    kinds = kinds or {}
    meta = metadata or {}
    samples = [
        Sample(i, [Message("user", (TextPart(f"question {i}"),))], [f"answer {i}"],
               dict(meta.get(i, {})))
        for i in ids
    ]
    atomic_write_jsonl(folder / SAMPLES, [sample_record(s) for s in samples])
    summary_metrics = {}
    for metric, vals in metrics.items():
        atomic_write_jsonl(folder / SCORES_DIR / f"{slugify(metric)}.jsonl", [
            {"id": i, "metric": metric, "version": metric_version, "value": v,
             "reason": None if v is not None else "judge_error",
             "details": dict((details or {}).get(metric, {}).get(i, {}))}
            for i, v in vals.items()
        ])
        values = list(vals.values())
        summary_metrics[metric] = summarise(
            values, [None if v is not None else "judge_error" for v in values],
            [meta.get(i, {}) for i in vals], scale=scale).to_json()
    card: dict[str, Any] = {
        "schema": 1,
        "config_id": folder.name,
        "status": "complete",
        "task": {"id": task, "version": task_version, "prompt_variant": "llmjp",
                 "prompt_hash": prompt_hash, "dataset": None, "data": None, "options": {},
                 "warnings": []},
        "model": {"id": model, "backend": "oracle", "revision": None},
        "generation": {"max_new_tokens": 256, "temperature": 0.0},
        "selection": {"limit": limit, "limit_seed": limit_seed, "sample_ids_given": False,
                      "sample_ids_sha256": ids_hash(ids), "num_shards": 1, "shard_index": 0},
        "scorers": [{"id": m, "version": metric_version, "kind": kinds.get(m, "accuracy")}
                    for m in metrics],
    }
    if judge is not None:
        card["judge"] = judge
    atomic_write_json(folder / CARD, card)
    atomic_write_json(folder / SUMMARY, {
        "task": task, "task_version": task_version, "model": model, "config_id": folder.name,
        "primary_metric": next(iter(metrics)), "breakdown_keys": [], "cluster_key": cluster_key,
        "counts": {},
        "metrics": summary_metrics,
    })
    return folder


def binary(ids: Sequence[str], correct: np.ndarray) -> dict[str, float | None]:
    return {i: float(c) for i, c in zip(ids, correct, strict=True)}


def flip_correct_to_wrong(values: Values, k: int, seed: int = 1) -> dict[str, float | None]:
    """`values` with `k` correct answers turned wrong: exactly k/N points lower."""
    rng = np.random.default_rng(seed)
    right = [i for i, v in values.items() if v == 1.0]
    out = dict(values)
    for i in rng.choice(right, size=k, replace=False):
        out[str(i)] = 0.0
    return out
