"""Aggregation of judge metrics: per run, then over runs (the summary and the bootstrap
statistic of `JudgeScorer`). Each item carries all its runs, so that resampling never treats
an item's correlated runs as independent items."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from eval_mm.core.aggregate import MetricSummary, group_means
from eval_mm.core.bootstrap import Statistic, ratio
from eval_mm.core.sample import Sample
from eval_mm.core.scoring import Score

if TYPE_CHECKING:
    from eval_mm.judges.scorer import JudgeScorer


def std_or_none(xs: Sequence[float]) -> float | None:
    """The sample standard deviation; None for fewer than two values."""
    return float(np.std(xs, ddof=1)) if len(xs) > 1 else None


def judge_summary(
    scorer: JudgeScorer,
    samples: Sequence[Sample],
    scores: Sequence[Score],
    breakdown_keys: Sequence[str] = (),
) -> MetricSummary:
    """The metric per run (`scorer.per_run`), averaged over the runs where it is defined,
    with the spread over runs, failures by reason and what the judge API reported."""
    per_run = scorer.per_run(samples, scores)
    heads = [r["value"] for r in per_run]
    defined = [h for h in heads if h is not None]
    reasons = Counter(s.reason or "unknown" for s in scores if s.value is None)
    values = [s.value for s in scores]
    runs_seen = [r for s in scores for r in s.details.get("runs", [])]
    extra: dict[str, Any] = {
        "runs": len(per_run),
        "per_run": heads,
        "std": std_or_none(defined),
        "undefined_runs": len(heads) - len(defined),
        "per_run_unscored": [r["unscored"] for r in per_run],
        "empty_predictions": sum(
            1 for s in scores if s.details.get("status") == "empty_prediction"
        ),
        "system_fingerprints": sorted(
            {str(r["system_fingerprint"]) for r in runs_seen if r.get("system_fingerprint")}
        ),
        "judge_models_returned": sorted({str(r["model"]) for r in runs_seen if r.get("model")}),
        "run_status_counts": dict(Counter(str(r.get("status")) for r in runs_seen)),
        "reasked_runs": sum(1 for r in runs_seen if "reasks" in r),
    }
    extra.update(scorer.extra(per_run))
    return MetricSummary(
        value=float(np.mean(defined)) if defined else None,
        n=sum(v is not None for v in values),
        unscored=sum(reasons.values()),
        unscored_reasons=dict(reasons),
        scale=scorer.scale,
        extra=extra,
        breakdown={
            k: group_means(values, [s.metadata for s in samples], k, 1.0) for k in breakdown_keys
        },
    )


def judge_statistic(
    scorer: JudgeScorer, samples: Sequence[Sample], scores: Sequence[Score]
) -> Statistic:
    """The headline of a judge mean for the bootstrap: per run, the mean over the items
    scored in that run (an item judged without calling the judge counts in every run); then
    the mean over the runs where it is defined. One unit per item, carrying all its runs."""
    runs = max((len(s.details.get("runs") or []) for s in scores), default=0) or 1
    vals = np.full((len(scores), runs), np.nan)
    for i, s in enumerate(scores):
        recs = s.details.get("runs")
        if recs is None:  # judged without the judge (empty prediction), or not generated
            vals[i] = np.nan if s.value is None else s.value
            continue
        for k, rec in enumerate(recs[:runs]):
            if rec.get("parsed") is not None:
                vals[i, k] = scorer.item_value([rec["parsed"]])
    ok = ~np.isnan(vals)
    cols = np.concatenate([np.where(ok, vals, 0.0), ok.astype(float)], axis=1)
    scale = scorer.scale

    def combine(sums: np.ndarray) -> np.ndarray:
        per_run = ratio(sums[:, :runs], sums[:, runs:])
        defined = ~np.isnan(per_run)
        return scale * ratio(np.where(defined, per_run, 0.0).sum(axis=1), defined.sum(axis=1))

    return Statistic([s.id for s in samples], [s.metadata for s in samples], cols, combine)
