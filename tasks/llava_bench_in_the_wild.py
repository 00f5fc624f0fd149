"""LLaVA-Bench-in-the-Wild, English (spec tasks-2026.md §4): 60 open questions on 24 photos
(conversation, detail, complex reasoning), judged 1-5 against GPT-4 reference answers.

The snapshot-D "LLAVA" column is this English set judged by the generic llm-jp 1-5 prompt
(`judge_1to5_legacy`); ROUGE-L is reported as the reference does (with the Japanese MeCab
tokeniser on English text): report it, never rank by it. No Japanese variant is built: the
id `llava-bench-in-the-wild-ja` is reserved until its data layout is specified."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from eval_mm.core.sample import Sample, user_turn
from eval_mm.core.task import DatasetRef, Task
from eval_mm.registries import register_task
from eval_mm.tasks._common import require_columns, to_rgb

COLUMNS = ("question_id", "question", "gpt_answer", "image")


@register_task
class LlavaBenchInTheWildEn(Task):
    id = "llava-bench-in-the-wild-en"
    short_name = "LLAVA"
    aliases = ("llava-bench", "llava", "llava-bench-in-the-wild")
    version = "1"
    description = "LLaVA-Bench-in-the-Wild (English): open questions; 1-5 judge and ROUGE-L"
    dataset = DatasetRef("lmms-lab/llava-bench-in-the-wild", "train", None, "main")
    metrics = ("judge_1to5", "judge_1to5_legacy", "rougel")
    primary_metric = "judge_1to5"
    breakdown_keys = ("category",)
    group = "judge"

    def build_samples(self, rows: Iterable[dict[str, Any]]) -> Iterator[Sample]:
        for row in rows:
            require_columns(self.id, row, COLUMNS)
            question = str(row["question"])
            yield Sample(
                id=str(row["question_id"]),
                messages=user_turn(question, [to_rgb(row["image"])]),
                references=[str(row["gpt_answer"])],
                metadata={"category": str(row.get("category", ""))},
                judge_question=question,
            )

    def prompt_templates(self) -> dict[str, str]:
        return {"prompt": "{question}"}
