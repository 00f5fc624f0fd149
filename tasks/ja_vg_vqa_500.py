"""JA-VG-VQA-500 (spec tasks.md §3): 500 Visual Genome images with Japanese QA pairs.

Two unit definitions that must never share a column:
- `ja-vg-vqa-500`: every QA pair is a sample (llm-jp-eval-mm, the llm-jp leaderboard);
- `ja-vg-vqa-500-first`: only the first QA pair of each image (SakanaAI's original scoring).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any, ClassVar

from eval_mm.core.sample import Sample, user_turn
from eval_mm.core.task import DatasetRef, Task
from eval_mm.registries import register_task
from eval_mm.tasks._common import (
    ASAGI_BRIEF,
    as_records,
    asagi_prompt,
    require_columns,
    to_rgb,
)

DATASET = DatasetRef("SakanaAI/JA-VG-VQA-500", "test", None, "main")  # never the `train` split


class _VgVqaBase(Task):
    dataset = DATASET
    prompt_variants = ("llmjp", "asagi")
    group = "judge"
    first_only: ClassVar[bool] = False

    def build_samples(self, rows: Iterable[dict[str, Any]]) -> Iterator[Sample]:
        qa_total = 0
        for row in rows:
            require_columns(self.id, row, ("image_id", "qas", "image"))
            qas = as_records(row["qas"])
            qa_total += len(qas)
            if not qas:
                self.warnings.append(f"image {row['image_id']} has no QA pairs")
                continue
            image = to_rgb(row["image"])
            for qa in qas[:1] if self.first_only else qas:
                question = str(qa["question"])
                prompt = (
                    question
                    if self.prompt_variant == "llmjp"
                    else asagi_prompt(ASAGI_BRIEF, question)
                )
                yield Sample(
                    id=str(qa["qa_id"]),
                    messages=user_turn(prompt, [image]),
                    references=[str(qa["answer"])],
                    metadata={"image_id": int(row["image_id"])},
                    judge_question=question,
                )
        self.data_info["qa_pairs"] = qa_total  # N of the flattened definition, unpublished [U]

    def prompt_templates(self) -> dict[str, str]:
        if self.prompt_variant == "asagi":
            return {"prompt": asagi_prompt(ASAGI_BRIEF, "{question}")}
        return {"prompt": "{question}"}


@register_task
class JaVgVqa500(_VgVqaBase):
    id = "ja-vg-vqa-500"
    aliases = ("vg-vqa",)
    version = "1"
    description = "JA-VG-VQA-500, all QA pairs flattened (llm-jp-eval-mm); 1-5 judge and ROUGE-L"
    metrics = ("judge_1to5", "judge_1to5_legacy", "rougel")
    primary_metric = "judge_1to5"


@register_task
class JaVgVqa500First(_VgVqaBase):
    id = "ja-vg-vqa-500-first"
    aliases = ("vg-vqa-first",)
    version = "1"
    description = (
        "JA-VG-VQA-500, first QA pair per image (SakanaAI's original unit); ROUGE-L and 1-5 judge"
    )
    metrics = ("rougel", "judge_1to5")
    primary_metric = "rougel"
    first_only = True
