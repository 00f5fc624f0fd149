"""CVQA (Japanese subset) scorers (spec metrics.md §11.1).

Metadata read: `options` (strict variant). Gold letter: `references` (any).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from typing import ClassVar

from eval_mm.core.aggregate import MetricSummary
from eval_mm.core.sample import Sample
from eval_mm.core.scoring import Score, Scorer
from eval_mm.metrics.base import (
    mc_strict_score,
    parse_stats,
    reason_counts,
)
from eval_mm.metrics.exact import cvqa_contains
from eval_mm.registries import register_metric


@register_metric
class CvqaAccLegacy(Scorer):
    """Reference `substring-match`: lower-case, number words to digits, gold letter contained."""

    id = "cvqa_acc_legacy"
    version = "1"
    kind: ClassVar[str] = "accuracy"
    description = "CVQA legacy: lower-cased gold letter anywhere in the output"

    def score_golds(self, sample: Sample, golds: list[str], output: str) -> Score:
        return Score(1.0 if cvqa_contains(golds, output) else 0.0)


@register_metric
class CvqaAcc(Scorer):
    """Strict Japanese-aware letter extraction on `options`; unparsed = wrong, counted."""

    id = "cvqa_acc"
    version = "2"
    kind: ClassVar[str] = "accuracy"
    description = "CVQA accuracy with strict letter extraction"

    def score_one(self, sample: Sample, output: str) -> Score:
        return mc_strict_score(sample, output)

    def aggregate(
        self,
        samples: Sequence[Sample],
        scores: Sequence[Score],
        breakdown_keys: Sequence[str] = (),
        seed: int = 0,
    ) -> MetricSummary:
        summary = super().aggregate(samples, scores, breakdown_keys, seed)
        extra = {**summary.extra, **parse_stats(scores), "reasons": reason_counts(scores)}
        return replace(summary, extra=extra)
