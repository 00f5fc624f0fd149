"""TextVQA, validation split (spec tasks-2026.md §5.7): questions that need the text in the
photo; ten annotator answers each. Headline `vqa_acc` over all ten; `substring_acc_legacy`
is the snapshot-D column. Variant `lmms`: lmms-eval's wording (`question.capitalize()`, which
also lower-cases the rest, plus the phrase instruction); the default sends the bare question,
so sentence answers lift substring scores and sink `vqa_acc`."""

from __future__ import annotations

from typing import Any, ClassVar

from eval_mm.core.task import DatasetRef
from eval_mm.registries import register_task
from eval_mm.tasks._common import P_PHRASE, SimpleTask


@register_task
class TextVQA(SimpleTask):
    id = "textvqa"
    short_name = "TextVQA"
    aliases = ("textvqa-val",)
    version = "1"
    description = "TextVQA validation: scene-text questions; VQA accuracy over 10 answers"
    dataset = DatasetRef("lmms-lab/textvqa", "validation", None, "main")
    metrics = ("vqa_acc", "substring_acc_legacy")
    primary_metric = "vqa_acc"
    group = "english"
    prompt_variants = ("llmjp", "lmms")
    columns: ClassVar[tuple[str, ...]] = ("question_id", "question", "image", "answers")
    id_column: ClassVar[str | None] = "question_id"
    post_prompts: ClassVar[dict[str, str]] = {"llmjp": "", "lmms": P_PHRASE}

    def question(self, row: dict[str, Any]) -> str:
        q = str(row["question"])
        return q.capitalize() if self.prompt_variant == "lmms" else q

    def prompt_templates(self) -> dict[str, str]:
        if self.prompt_variant == "lmms":
            return {"prompt": "{question.capitalize()}" + P_PHRASE}
        return {"prompt": "{question}"}
