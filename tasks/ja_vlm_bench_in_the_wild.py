"""JA-VLM-Bench-In-the-Wild (spec tasks.md §2): 50 open questions on 42 photos,
scored by ROUGE-L against GPT-4V-written references and by the 1-5 LLM judge."""

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
    require_columns,
    to_rgb,
)


@register_task
class JaVlmBenchInTheWild(Task):
    id = "ja-vlm-bench-in-the-wild"
    short_name = "JVB-ItW"
    aliases = ("ja-vlm-bench", "jvb-itw")
    version = "1"
    description = (
        "JA-VLM-Bench-In-the-Wild: open questions on photos of Japan; 1-5 judge and ROUGE-L"
    )
    dataset = DatasetRef("SakanaAI/JA-VLM-Bench-In-the-Wild", "test", None, "main")
    metrics = ("judge_1to5", "judge_1to5_legacy", "rougel")
    primary_metric = "judge_1to5"
    prompt_variants = ("llmjp", "asagi")
    group = "judge"
    cluster_key = "image_id"  # 50 questions on 42 photos

    def build_samples(self, rows: Iterable[dict[str, Any]]) -> Iterator[Sample]:
        for index, row in enumerate(rows):
            require_columns(self.id, row, ("image", "question", "answer"))
            question = str(row["question"])
            prompt = (
                question
                if self.prompt_variant == "llmjp"
                else asagi_prompt(ASAGI_DETAILED, question)
            )
            image = to_rgb(row["image"])
            yield Sample(
                id=str(index),  # row index, as the reference implementation [V]
                messages=user_turn(prompt, [image]),
                references=[str(row["answer"])],
                metadata={"image_id": str(row.get("image_url") or image_key(image))},
                judge_question=question,
            )

    def prompt_templates(self) -> dict[str, str]:
        if self.prompt_variant == "asagi":
            return {"prompt": asagi_prompt(ASAGI_DETAILED, "{question}")}
        return {"prompt": "{question}"}
