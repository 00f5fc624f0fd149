"""CVQA, Japanese subset (spec tasks.md §9): culturally diverse multiple-choice VQA,
the 203 rows whose `Subset` is the string "('Japanese', 'Japan')"."""

from __future__ import annotations

import ast
from collections.abc import Iterable, Iterator
from typing import Any

from eval_mm.core.sample import Sample, user_turn
from eval_mm.core.task import DatasetRef, RowSource, Task
from eval_mm.errors import UserError
from eval_mm.registries import register_task
from eval_mm.tasks._common import (
    LETTERS,
    MC_INSTRUCTION,
    filter_by_column,
    mc_prompt,
    require_columns,
    to_rgb,
)

SUBSET = "('Japanese', 'Japan')"  # a string in the data, not a tuple [V]


def parse_options(value: Any) -> list[str]:
    """A list of four strings; an older card revision stored a list literal string [D]."""
    if isinstance(value, str):
        try:
            value = ast.literal_eval(value)
        except (ValueError, SyntaxError):
            raise UserError(
                f"cvqa-ja: Options {value[:60]!r} are neither a list nor a list literal"
            ) from None
    options = [str(v) for v in value]
    if len(options) != 4:
        raise UserError(f"cvqa-ja: expected 4 options, got {len(options)}")
    return options


@register_task
class CvqaJa(Task):
    id = "cvqa-ja"
    aliases = ("cvqa",)
    version = "1"
    description = "CVQA Japanese subset: 4-way multiple-choice VQA on Japanese culture"
    dataset = DatasetRef("afaji/cvqa", "test", None, "main")
    metrics = ("cvqa_acc", "cvqa_acc_legacy")
    primary_metric = "cvqa_acc"
    breakdown_keys = ("category",)
    prompt_variants = ("llmjp",)
    group = "multiple-choice"

    def load_rows(self, source: RowSource) -> Iterable[dict[str, Any]]:
        rows = super().load_rows(source)
        return filter_by_column(
            self, rows, "Subset", lambda v: v == SUBSET, f"Subset == {SUBSET!r}"
        )

    def build_samples(self, rows: Iterable[dict[str, Any]]) -> Iterator[Sample]:
        for index, row in enumerate(rows):
            require_columns(
                self.id, row, ("image", "ID", "Question", "Options", "Label", "Category")
            )
            options = parse_options(row["Options"])
            label = int(row["Label"])
            if not 0 <= label < len(options):  # e.g. a hidden label (-1) would index "Z"
                raise UserError(
                    f"cvqa-ja: row {row['ID']} has Label {label}, expected 0-{len(options) - 1}"
                )
            letter = LETTERS[label]
            yield Sample(
                id=str(index),  # index within the filtered set [V]
                messages=user_turn(
                    mc_prompt(str(row["Question"]), options), [to_rgb(row["image"])]
                ),
                references=[letter],
                metadata={
                    "options": options,
                    "category": str(row["Category"]),
                    "cvqa_id": str(row["ID"]),
                    "oracle_answer": letter,
                },
            )

    def prompt_templates(self) -> dict[str, str]:
        return {
            "prompt": "{Question}\nA. {Options[0]}\nB. {Options[1]}\nC. {Options[2]}\n"
            "D. {Options[3]}\n\n"
            + MC_INSTRUCTION
        }
