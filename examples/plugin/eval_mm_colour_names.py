"""An example plugin: a task and a metric in one file, tried without installing anything.

    eval-mm run --plugin examples/plugin/eval_mm_colour_names.py \
        --model oracle --task colour-names --data my_colours.parquet

Installed as a package instead (see pyproject.toml beside this file), the same file is found
through the `eval_mm.tasks` and `eval_mm.metrics` entry points and `--plugin` is not needed.

The data: one row per image with the columns `id` (string), `image` (an image), `question`
(the question in Japanese) and `answer` (the colour's name, e.g. 赤).
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Iterator
from typing import Any

from eval_mm.core.sample import Sample, user_turn
from eval_mm.core.scoring import Score, Scorer
from eval_mm.core.task import DatasetRef, Task
from eval_mm.registries import register_metric, register_task
from eval_mm.tasks._common import require_columns, to_rgb

# Names a careful grader accepts for the same colour (kanji, kana, katakana loanword).
SYNONYMS = {
    "赤": {"赤", "あか", "赤色", "レッド"},
    "青": {"青", "あお", "青色", "ブルー"},
    "緑": {"緑", "みどり", "緑色", "グリーン"},
    "黄": {"黄", "き", "黄色", "きいろ", "イエロー"},
}


@register_metric
class ColourMatch(Scorer):
    """1 when the answer names the reference colour, in any accepted form."""

    id = "colour_match"
    version = "1"
    description = "colour name matches the reference (synonyms accepted)"

    def score_golds(self, sample: Sample, golds: list[str], output: str) -> Score:
        answer = unicodedata.normalize("NFKC", output).strip().rstrip("。.")
        accepted = set().union(*(SYNONYMS.get(g, {g}) for g in golds))
        return Score(1.0 if answer in accepted else 0.0)


@register_task
class ColourNames(Task):
    id = "colour-names"
    aliases = ("colours",)
    version = "1"
    description = "Example plugin: name the colour of a solid image"
    dataset = DatasetRef("example/colour-names", "test")  # a stand-in: use --data PATH
    metrics = ("colour_match", "exact_match")
    primary_metric = "colour_match"
    prompt_variants = ("default",)

    def build_samples(self, rows: Iterable[dict[str, Any]]) -> Iterator[Sample]:
        for row in rows:
            require_columns(self.id, row, ("id", "image", "question", "answer"))
            yield Sample(
                id=str(row["id"]),
                messages=user_turn(str(row["question"]), [to_rgb(row["image"])]),
                references=[str(row["answer"])],
            )

    def prompt_templates(self) -> dict[str, str]:
        return {"prompt": "{question}"}
