"""AI2D, test split (spec tasks-2026.md §5.2): four-way multiple choice on science diagrams.

Prompt: question, `A. ...` option lines, the letter instruction after one newline (as
lmms-eval). Headline `ai2d_acc` (strict extractor over the options); `ai2d_acc_legacy` is the
snapshot-D column (first character, else first standalone A-D, after the `<think>` strip)."""

from __future__ import annotations

from typing import Any, ClassVar

from eval_mm.core.task import DatasetRef
from eval_mm.errors import UserError
from eval_mm.registries import register_task
from eval_mm.tasks._common import LETTERS, P_MC, SimpleTask, option_lines


@register_task
class AI2D(SimpleTask):
    id = "ai2d"
    short_name = "AI2D"
    version = "1"
    description = "AI2D test: diagram multiple choice; strict and legacy letter extraction"
    dataset = DatasetRef("lmms-lab/ai2d", "test", None, "main")
    metrics = ("ai2d_acc", "ai2d_acc_legacy")
    primary_metric = "ai2d_acc"
    group = "multiple-choice"
    columns: ClassVar[tuple[str, ...]] = ("question", "options", "answer", "image")
    post_prompts: ClassVar[dict[str, str]] = {"llmjp": P_MC}

    def question(self, row: dict[str, Any]) -> str:
        return str(row["question"]) + "\n" + option_lines([str(o) for o in row["options"]])

    def golds(self, row: dict[str, Any]) -> list[str]:
        index = int(row["answer"])  # the option index, stored as a string
        if not 0 <= index < len(row["options"]):
            raise UserError(f"ai2d: answer {row['answer']!r} is not an option index")
        return [LETTERS[index]]

    def metadata(self, row: dict[str, Any]) -> dict[str, Any]:
        return {"options": [str(o) for o in row["options"]]}

    def prompt_templates(self) -> dict[str, str]:
        return {"prompt": "{question}\n{A. option lines}" + P_MC}
