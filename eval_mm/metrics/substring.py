"""`substring_acc_legacy` (spec tasks-2026.md §6.1): the reference's `substring-match` scorer of
2026, the snapshot-D metric of the six English short-answer columns (DocVQA, InfoVQA, TextVQA,
OK-VQA, ChartQA, ChartQAPro).

After the reference's `<think>` strip: lower-case, English number words to digits, correct
when any gold (`sample.references`) occurs in the prediction. Substring matching rewards long
answers that happen to contain a gold ("concatenate" contains "cat"): never a headline.
"""

from __future__ import annotations

from typing import ClassVar

from eval_mm.core.sample import Sample
from eval_mm.core.scoring import Score, Scorer
from eval_mm.metrics.exact import cvqa_contains
from eval_mm.registries import register_metric


@register_metric
class SubstringAccLegacy(Scorer):
    """Reference `substring-match` (2026): lower-cased, number words as digits, any gold."""

    id = "substring_acc_legacy"
    version = "1"
    kind: ClassVar[str] = "accuracy"
    reasoning: ClassVar[str | None] = "legacy"
    description = "llm-jp-eval-mm substring-match: any gold inside the lower-cased output"

    def score_golds(self, sample: Sample, golds: list[str], output: str) -> Score:
        return Score(1.0 if cvqa_contains(golds, output) else 0.0)
