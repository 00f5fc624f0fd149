"""InfographicVQA, validation split (spec tasks-2026.md §5.6): questions on infographics,
several accepted answers, from the `InfographicVQA` config of `lmms-lab/DocVQA` (the loader
the reference uses). Metrics as DocVQA."""

from __future__ import annotations

from typing import Any, ClassVar

from eval_mm.core.task import DatasetRef
from eval_mm.registries import register_task
from eval_mm.tasks._common import P_PHRASE, SimpleTask


@register_task
class InfoVQA(SimpleTask):
    id = "infovqa"
    short_name = "InfoVQA"
    aliases = ("infographicvqa", "infovqa-val")
    version = "1"
    description = "InfographicVQA validation: infographic questions; ANLS"
    dataset = DatasetRef("lmms-lab/DocVQA", "validation", "InfographicVQA", "main")
    metrics = ("anls", "anls_lmms", "substring_acc_legacy")
    primary_metric = "anls"
    group = "english"
    columns: ClassVar[tuple[str, ...]] = ("questionId", "question", "image", "answers")
    id_column: ClassVar[str | None] = "questionId"
    post_prompts: ClassVar[dict[str, str]] = {"llmjp": P_PHRASE}

    def metadata(self, row: dict[str, Any]) -> dict[str, Any]:
        return {"answer_type": [str(t) for t in row.get("answer_type") or []]}
