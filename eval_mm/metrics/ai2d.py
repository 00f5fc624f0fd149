"""AI2D letter accuracy (spec tasks-2026.md §5.2, §6.6): `ai2d_acc` (strict extractor
`mc_extract_ja@1` over `metadata["options"]`) and `ai2d_acc_legacy` (the reference's scorer
of 2026-04-18, after its `<think>` strip). Gold letter: `sample.references`."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any, ClassVar

from eval_mm.core.sample import Sample
from eval_mm.core.scoring import Score, Scorer
from eval_mm.metrics.base import mc_strict_score, parse_stats, reason_counts
from eval_mm.registries import register_metric

_LETTER = re.compile(r"\b([A-Da-d])\b")


def ai2d_legacy_letter(text: str) -> str | None:
    """The first character when it is A-D (any case, so "Because ..." reads as B), else the
    first standalone a-d / A-D anywhere, else None."""
    head = text.strip()
    if not head:
        return None
    if head[0].upper() in "ABCD":
        return head[0].upper()
    m = _LETTER.search(text)
    return m.group(1).upper() if m else None


class _Letters(Scorer):
    kind: ClassVar[str] = "accuracy"

    def summary_extra(self, samples: Sequence[Sample], scores: Sequence[Score]) -> dict[str, Any]:
        return {**parse_stats(scores), "reasons": reason_counts(scores)}


@register_metric
class Ai2dAccLegacy(_Letters):
    """Reference `ai2d` scorer: first character or first standalone letter A-D."""

    id = "ai2d_acc_legacy"
    version = "1"
    reasoning: ClassVar[str | None] = "legacy"
    description = "AI2D as llm-jp-eval-mm (first character, else first standalone A-D)"

    def score_golds(self, sample: Sample, golds: list[str], output: str) -> Score:
        letter = ai2d_legacy_letter(output)
        gold = [g.strip().rstrip(".").upper() for g in golds]
        reason = "parsed" if letter is not None else "unparsed"
        return Score(1.0 if letter in gold else 0.0, details={"parsed": letter, "reason": reason})


@register_metric
class Ai2dAcc(_Letters):
    """Strict Japanese-aware letter extraction over the options; unparsed = wrong, counted."""

    id = "ai2d_acc"
    version = "1"
    description = "AI2D accuracy with strict letter extraction (mc_extract_ja@1)"

    def score_one(self, sample: Sample, output: str) -> Score:
        return mc_strict_score(sample, output)
