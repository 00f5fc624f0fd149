"""Japanese-Heron-Bench (spec tasks.md §1): 103 questions on 21 images, judged by an LLM
against a text-only GPT-4 reference answer; the Heron relative score per category.

The judge prompt version (`heron_llmjp_v2` by default, `heron_original_v1` for the
benchmark authors' prompt) is chosen with `--judge-prompt`."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from eval_mm.core.sample import Sample, user_turn
from eval_mm.core.task import DatasetRef, Task
from eval_mm.registries import register_task
from eval_mm.tasks._common import (
    ASAGI_DETAILED,
    asagi_prompt,
    image_key,
    reference_text,
    require_columns,
    to_rgb,
)

REFERENCE_KEY = "gpt-4-0125-preview"  # the reference used by the original and llm-jp-eval-mm [V]
COLUMNS = ("question_id", "image", "category", "image_category", "context", "text", "answer")


@register_task
class JapaneseHeronBench(Task):
    id = "japanese-heron-bench"
    short_name = "Heron"
    aliases = ("heron", "heron-bench")
    version = "1"
    description = "Japanese-Heron-Bench: judged answers vs a GPT-4 reference (conv/detail/complex)"
    dataset = DatasetRef("Silviase/Japanese-Heron-Bench", "train", None, "main")
    metrics = ("heron_rel", "heron_rel_legacy")
    primary_metric = "heron_rel"
    breakdown_keys = ("category", "image_category")
    cluster_key = "image_id"  # 103 questions on 21 images
    prompt_variants = ("llmjp", "asagi")
    group = "judge"

    def build_samples(self, rows: Iterable[dict[str, Any]]) -> Iterator[Sample]:
        for row in rows:
            require_columns(self.id, row, COLUMNS)
            text = str(row["text"])
            prompt = text if self.prompt_variant == "llmjp" else asagi_prompt(ASAGI_DETAILED, text)
            image = to_rgb(row["image"])
            yield Sample(
                id=str(row["question_id"]),
                messages=user_turn(prompt, [image]),
                references=[reference_text(row["answer"], REFERENCE_KEY)],
                metadata={
                    "category": row["category"],
                    "image_category": row["image_category"],
                    "context": row["context"],
                    "image_id": image_key(image),  # the data has no image id column
                },
                judge_question=text,
            )

    def prompt_templates(self) -> dict[str, str]:
        if self.prompt_variant == "asagi":
            return {"prompt": asagi_prompt(ASAGI_DETAILED, "{question}")}
        return {"prompt": "{question}"}
