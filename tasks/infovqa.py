"""InfographicVQA, validation split (spec tasks-2026.md §5.6): questions on infographics,
several accepted answers, from the `InfographicVQA` config of `lmms-lab/DocVQA` (the loader
the reference uses). Prompt and metrics as DocVQA."""

from __future__ import annotations

from typing import Any

from eval_mm.core.task import DatasetRef
from eval_mm.registries import register_task
from eval_mm.tasks.docvqa import DocVQA


@register_task
class InfoVQA(DocVQA):
    id = "infovqa"
    short_name = "InfoVQA"
    aliases = ("infographicvqa", "infovqa-val")
    version = "1"
    description = "InfographicVQA validation: infographic questions; ANLS"
    dataset = DatasetRef("lmms-lab/DocVQA", "validation", "InfographicVQA", "main")

    def metadata(self, row: dict[str, Any]) -> dict[str, Any]:
        return {"answer_type": [str(t) for t in row.get("answer_type") or []]}
