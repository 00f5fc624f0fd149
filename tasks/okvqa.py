"""OK-VQA, val2014 (spec tasks-2026.md §5.8): questions that need outside knowledge; ten
annotator answers each. Headline `vqa_acc` over the ten raw answers; `substring_acc_legacy`
is the snapshot-D column (the reference de-duplicates the golds, which does not change a
substring match). Variant `lmms`: lmms-eval's "Unanswerable" and phrase instructions."""

from __future__ import annotations

from typing import Any, ClassVar

from eval_mm.core.task import DatasetRef
from eval_mm.registries import register_task
from eval_mm.tasks._common import P_PHRASE, SimpleTask

UNANSWERABLE = "\nWhen the provided information is insufficient, respond with 'Unanswerable'."


@register_task
class OKVQA(SimpleTask):
    id = "okvqa"
    short_name = "OK-VQA"
    aliases = ("ok-vqa",)
    version = "1"
    description = "OK-VQA val2014: outside-knowledge questions; VQA accuracy over 10 answers"
    dataset = DatasetRef("lmms-lab/OK-VQA", "val2014", None, "main")
    metrics = ("vqa_acc", "substring_acc_legacy")
    primary_metric = "vqa_acc"
    group = "english"
    breakdown_keys = ("question_type",)
    prompt_variants = ("llmjp", "lmms")
    columns: ClassVar[tuple[str, ...]] = ("question_id", "question", "image", "answers")
    id_column: ClassVar[str | None] = "question_id"
    post_prompts: ClassVar[dict[str, str]] = {"llmjp": "", "lmms": UNANSWERABLE + P_PHRASE}

    def metadata(self, row: dict[str, Any]) -> dict[str, Any]:
        return {k: str(row[k]) for k in ("question_type", "answer_type") if k in row}
