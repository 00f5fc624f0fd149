"""LLaVA-Bench-in-the-Wild, English (spec tasks-2026.md §4): 60 open questions on 24 photos
(conversation, detail, complex reasoning), judged 1-5 against GPT-4 reference answers.

The snapshot-D "LLAVA" column is this English set judged by the generic llm-jp 1-5 prompt
(`judge_1to5_legacy`); ROUGE-L is reported as the reference does (with the Japanese MeCab
tokeniser on English text): report it, never rank by it. No Japanese variant is built: the
id `llava-bench-in-the-wild-ja` is reserved until its data layout is specified."""

from __future__ import annotations

from typing import Any, ClassVar

from eval_mm.core.task import DatasetRef
from eval_mm.registries import register_task
from eval_mm.tasks._common import SimpleTask


@register_task
class LlavaBenchInTheWildEn(SimpleTask):
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
    columns: ClassVar[tuple[str, ...]] = ("question_id", "question", "gpt_answer", "image")
    id_column: ClassVar[str | None] = "question_id"
    judged: ClassVar[bool] = True  # the judge sees the question, which is the whole prompt

    def golds(self, row: dict[str, Any]) -> list[str]:
        return [str(row["gpt_answer"])]

    def metadata(self, row: dict[str, Any]) -> dict[str, Any]:
        return {"category": str(row.get("category", ""))}
