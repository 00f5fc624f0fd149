"""JA-Multi-Image-VQA (spec tasks.md §10): 55 questions over several photos each, all
images in list order, then the question without its `<image>` markers; the judge sees the
question unmodified, markers included (reference behaviour)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from eval_mm.core.sample import Sample, user_turn
from eval_mm.core.task import DatasetRef, Task
from eval_mm.registries import register_task
from eval_mm.tasks._common import image_key, require_columns, shared_groups, to_rgb


def model_prompt(question: str) -> str:
    """Remove every "<image> " (marker and one space), then any bare marker [V]."""
    return question.replace("<image> ", "").replace("<image>", "")


@register_task
class JaMultiImageVqa(Task):
    id = "ja-multi-image-vqa"
    short_name = "MulIm-VQA"
    aliases = ("mulim-vqa", "multi-image")
    version = "1"
    description = "JA-Multi-Image-VQA: questions over several photos; 1-5 judge and ROUGE-L"
    dataset = DatasetRef("SakanaAI/JA-Multi-Image-VQA", "test", None, "main")
    metrics = ("judge_1to5", "judge_1to5_legacy", "rougel")
    primary_metric = "judge_1to5"
    breakdown_keys = ("num_images",)
    cluster_key = "image_set"  # 55 questions on 39 images: questions sharing a photo
    prompt_variants = ("llmjp",)
    group = "judge"

    def build_samples(self, rows: Iterable[dict[str, Any]]) -> Iterator[Sample]:
        samples: list[Sample] = []
        keys: list[list[str]] = []
        for index, row in enumerate(rows):
            require_columns(self.id, row, ("images", "question", "answer"))
            images = [to_rgb(img) for img in row["images"]]
            question = str(row["question"])
            keys.append([str(u) for u in row.get("image_urls") or []]
                        or [image_key(img) for img in images])
            samples.append(Sample(
                id=str(index),
                messages=user_turn(model_prompt(question), images),
                references=[str(row["answer"])],
                metadata={"num_images": len(images)},
                judge_question=question,
            ))
        for sample, group in zip(samples, shared_groups(keys), strict=True):
            if group is not None:
                sample.metadata["image_set"] = group
        yield from samples

    def prompt_templates(self) -> dict[str, str]:
        return {"prompt": "{question} without '<image> ' and '<image>' markers"}
