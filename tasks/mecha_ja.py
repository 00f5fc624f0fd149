"""MECHA-ja (spec tasks.md §5): four-way multiple choice on Japanese cultural common sense
and daily life. Circular evaluation by default: each question is asked four times with the
options rotated, and `mecha_circular_acc` counts a question only when all four are right.

Task options: `rotate=false` asks each question once (never compare with rotated numbers).
Prompt variant `with_background` shows `background_text` before the question (not
anchor-comparable: the reference never shows it)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any, cast

from eval_mm.core.options import Options, option
from eval_mm.core.sample import Sample, user_turn
from eval_mm.core.task import DatasetRef, Task
from eval_mm.errors import UserError
from eval_mm.registries import register_task
from eval_mm.tasks._common import (
    LETTERS,
    MC_INSTRUCTION,
    image_key,
    mc_prompt,
    require_columns,
    to_rgb,
)

ANSWER_TYPES = ("Factoid", "Non-Factoid")
COLUMNS = ("question", "background_text", "options", "image", "answer", "answer_type")


def _label(value: Any, names: tuple[str, ...], what: str) -> int:
    """A ClassLabel integer; a local copy may store the label name instead."""
    if isinstance(value, str) and value in names:
        return names.index(value)
    index = int(value)
    if not 0 <= index < len(names):
        raise UserError(f"mecha-ja: {what} {value!r} is out of range")
    return index


def rotate(options: list[str], answer: int, shift: int) -> tuple[list[str], int]:
    """Options rotated left by `shift` and the moved gold index."""
    return options[shift:] + options[:shift], (answer - shift) % len(options)


@dataclass(frozen=True)
class MechaOptions(Options):
    rotate: bool = option(True, help="ask each question in 4 rotations (false: once)")


@register_task
class MechaJa(Task):
    id = "mecha-ja"
    short_name = "MECHA"
    aliases = ("mecha",)
    version = "1"
    description = "MECHA-ja: 4-way multiple choice on Japanese culture, 4 rotations"
    dataset = DatasetRef("llm-jp/MECHA-ja", "test", None, "main")
    metrics = ("mecha_acc", "mecha_circular_acc", "mecha_acc_legacy")
    primary_metric = "mecha_acc"
    breakdown_keys = ("answer_type", "background", "rotation_id")
    # 1,821 questions on 603 images, each asked in 4 rotations: questions on one image (and
    # so the rotations of each) are one cluster. The data has no image id: a content key.
    cluster_key = "image_id"
    prompt_variants = ("llmjp", "with_background")
    group = "multiple-choice"

    options_schema = MechaOptions

    @property
    def rotated(self) -> bool:
        return cast(MechaOptions, self.options).rotate

    def build_samples(self, rows: Iterable[dict[str, Any]]) -> Iterator[Sample]:
        for index, row in enumerate(rows):
            require_columns(self.id, row, COLUMNS)
            options = [str(o) for o in row["options"]]
            if len(options) != 4:
                raise UserError(f"mecha-ja: row {index} has {len(options)} options, expected 4")
            answer = _label(row["answer"], ("1", "2", "3", "4"), "answer")
            kind = ANSWER_TYPES[_label(row["answer_type"], ANSWER_TYPES, "answer_type")]
            background = str(row["background_text"] or "")
            question = str(row["question"])
            if self.prompt_variant == "with_background" and background:
                question = background + "\n" + question
            image = to_rgb(row["image"])
            image_id = image_key(image)
            base = str(index)  # row index, as the reference implementation [V]
            shifts = range(4) if self.rotated else [None]
            for shift in shifts:
                opts, gold = rotate(options, answer, shift or 0)
                letter = LETTERS[gold]
                yield Sample(
                    id=base if shift is None else f"{base}_rot{shift}",
                    messages=user_turn(mc_prompt(question, opts), [image]),
                    references=[letter],
                    metadata={
                        "base_id": base,
                        "rotation": shift,
                        "rotation_id": "rot_no_rot" if shift is None else f"rot_{shift}",
                        "answer_type": kind,
                        "has_background": bool(background),
                        "background": "with_background" if background else "without_background",
                        "options": opts,
                        "id": str(row.get("id", "")),
                        "image_id": image_id,
                        "oracle_answer": letter,
                    },
                )
        self.data_info["rotated"] = self.rotated

    def prompt_templates(self) -> dict[str, str]:
        question = (
            "{background_text}\n{question}"
            if self.prompt_variant == "with_background"
            else "{question}"
        )
        return {
            "prompt": question + "\nA. {opt0}\nB. {opt1}\nC. {opt2}\nD. {opt3}\n\n" + MC_INSTRUCTION
        }
