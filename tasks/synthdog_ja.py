"""SynthDoG-ja (spec tasks.md §7): synthetic Japanese document images to transcribe,
scored with ANLS at tau = 0.5 (the page-OCR protocol of Japanese VLM feature-alignment work)
and, beside it, normalised Levenshtein similarity and CC-OCR character F1."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from typing import Any

from eval_mm.core.sample import Sample, user_turn
from eval_mm.core.task import DatasetRef, Task
from eval_mm.errors import UserError
from eval_mm.registries import register_task
from eval_mm.tasks._common import require_columns, to_rgb

OCR_PROMPT_JA = "画像内の文字をすべて読み取り、そのまま書き出してください。"


def text_sequence(ground_truth: str) -> str:
    """The text to read: `gt_parse.text_sequence` inside the `ground_truth` JSON string."""
    try:
        return str(json.loads(ground_truth)["gt_parse"]["text_sequence"])
    except (ValueError, KeyError, TypeError) as exc:
        raise UserError(
            f"synthdog-ja: ground_truth is not the expected JSON ({type(exc).__name__}: {exc})"
        ) from None


@register_task
class SynthdogJa(Task):
    id = "synthdog-ja"
    short_name = "SynthDoG"
    aliases = ("synthdog",)
    version = "1"
    description = "SynthDoG-ja validation: transcribe synthetic Japanese documents; ANLS (tau=0.5)"
    dataset = DatasetRef("naver-clova-ix/synthdog-ja", "validation", None, "main")  # never `train`
    metrics = ("anls", "anls_nfkc", "nls", "ccocr_f1")
    primary_metric = "anls"
    prompt_variants = ("llmjp",)
    group = "ocr"

    def build_samples(self, rows: Iterable[dict[str, Any]]) -> Iterator[Sample]:
        for index, row in enumerate(rows):
            require_columns(self.id, row, ("image", "ground_truth"))
            yield Sample(
                id=str(index),
                messages=user_turn(OCR_PROMPT_JA, [to_rgb(row["image"])]),
                references=[text_sequence(row["ground_truth"])],
                metadata={},
            )

    def prompt_templates(self) -> dict[str, str]:
        return {"prompt": OCR_PROMPT_JA}
