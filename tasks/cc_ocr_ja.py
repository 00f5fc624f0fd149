"""CC-OCR, Japanese rows of the multilingual OCR set (spec tasks.md §11): whole-image
transcription, ANLS at tau = 0.5 as the headline and CC-OCR's character F1 (the published
leaderboard column) beside it.

A local copy may hold the whole `multi_lan_ocr` config or only its Japanese rows; the
`l2-category == "Japanese"` filter is applied either way. Prompt variant `ja_instruction`
replaces the stored English instruction by a Japanese one (not anchor-comparable)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from eval_mm.core.sample import Sample, user_turn
from eval_mm.core.task import DatasetRef, RowSource, Task
from eval_mm.registries import register_task
from eval_mm.tasks._common import decode_base64_image, filter_by_column, require_columns, to_rgb
from eval_mm.tasks.synthdog_ja import OCR_PROMPT_JA

LANGUAGE = "Japanese"


@register_task
class CcOcrJa(Task):
    id = "cc-ocr-ja"
    aliases = ("cc-ocr",)
    version = "1"
    description = "CC-OCR multilingual OCR, Japanese rows: ANLS (tau=0.5) and CC-OCR character F1"
    dataset = DatasetRef("wulipc/CC-OCR", "test", "multi_lan_ocr", "main")
    metrics = ("anls", "ccocr_f1", "ccocr_f1_micro", "ccocr_f1_nfkc", "nls")
    primary_metric = "anls"
    breakdown_keys = ("split",)
    prompt_variants = ("llmjp", "ja_instruction")
    group = "ocr"

    def load_rows(self, source: RowSource) -> Iterable[dict[str, Any]]:
        rows = super().load_rows(source)
        return filter_by_column(
            self, rows, "l2-category", lambda v: v == LANGUAGE, f"l2-category == {LANGUAGE!r}"
        )

    def build_samples(self, rows: Iterable[dict[str, Any]]) -> Iterator[Sample]:
        for index, row in enumerate(rows):
            require_columns(self.id, row, ("question", "answer", "image"))
            image = row["image"]
            image = decode_base64_image(image) if isinstance(image, str) else to_rgb(image)
            prompt = str(row["question"]) if self.prompt_variant == "llmjp" else OCR_PROMPT_JA
            yield Sample(
                id=str(index),  # index within the filtered rows [V]
                messages=user_turn(prompt, [image]),
                references=[str(row["answer"])],
                metadata={
                    "image_name": str(row.get("image_name", "")),
                    "split": str(row.get("split", "")),
                },
            )

    def prompt_templates(self) -> dict[str, str]:
        if self.prompt_variant == "ja_instruction":
            return {"prompt": OCR_PROMPT_JA}
        return {"prompt": "{question} (the dataset's own OCR instruction)"}
