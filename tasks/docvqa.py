"""DocVQA, validation split (spec tasks-2026.md §5.5): questions on scanned document pages,
several accepted answers. Headline `anls` (tau 0.5, best gold); `anls_lmms` for lmms-eval
comparisons; `substring_acc_legacy` is the snapshot-D column."""

from __future__ import annotations

from typing import Any, ClassVar

from eval_mm.core.task import DatasetRef
from eval_mm.registries import register_task
from eval_mm.tasks._common import P_PHRASE, SimpleTask


@register_task
class DocVQA(SimpleTask):
    id = "docvqa"
    short_name = "DocVQA"
    aliases: ClassVar[tuple[str, ...]] = ("docvqa-val",)
    version = "1"
    description = "DocVQA validation: document page questions; ANLS"
    dataset = DatasetRef("lmms-lab/DocVQA", "validation", "DocVQA", "main")
    metrics = ("anls", "anls_lmms", "substring_acc_legacy")
    primary_metric = "anls"
    group = "english"
    columns: ClassVar[tuple[str, ...]] = ("questionId", "question", "image", "answers")
    id_column: ClassVar[str | None] = "questionId"
    post_prompts: ClassVar[dict[str, str]] = {"llmjp": P_PHRASE}

    def metadata(self, row: dict[str, Any]) -> dict[str, Any]:
        return {"question_types": [str(t) for t in row.get("question_types") or []]}
