"""ChartQA, test split (spec tasks-2026.md §5.3): questions on charts, one short answer each.

Headline `relaxed_acc` (numbers within 5 %), overall and per `split` (the human-written
`human_test` questions vs the generated ones); `substring_acc_legacy` is the snapshot-D column."""

from __future__ import annotations

from typing import Any, ClassVar

from eval_mm.core.task import DatasetRef
from eval_mm.registries import register_task
from eval_mm.tasks._common import P_WORD, SimpleTask


@register_task
class ChartQA(SimpleTask):
    id = "chartqa"
    short_name = "ChartQA"
    version = "1"
    description = "ChartQA test: chart questions; relaxed accuracy (human / augmented splits)"
    dataset = DatasetRef("lmms-lab/ChartQA", "test", None, "main")
    metrics = ("relaxed_acc", "substring_acc_legacy")
    primary_metric = "relaxed_acc"
    group = "english"
    breakdown_keys = ("split",)
    columns: ClassVar[tuple[str, ...]] = ("image", "question", "answer", "type")
    post_prompts: ClassVar[dict[str, str]] = {"llmjp": P_WORD}

    def golds(self, row: dict[str, Any]) -> list[str]:
        # The reference would read a `label` column first if the data had one.
        answer = row.get("label", row["answer"])
        return [str(a) for a in answer] if isinstance(answer, list) else [str(answer)]

    def metadata(self, row: dict[str, Any]) -> dict[str, Any]:
        return {"split": "human" if row["type"] == "human_test" else "augmented"}
