"""JaWildText Dense STVQA (board VQA, spec tasks-2026.md §3.4): questions on photographed
Japanese notice boards and signs, answered in `\\boxed{...}` and judged yes/no by an LLM.

The judge sees the question with the boxed-answer suffix (as the reference). Headline
`jwt_board_acc` (no box = 0 and counted; verdict from the judge's final channel);
`jwt_board_acc_legacy` is the snapshot-D column (snapshot D: judge gpt-oss-20b inferred,
`--judge-mode single` for its one run)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from eval_mm.core.sample import Sample, user_turn
from eval_mm.core.task import DatasetRef, Task
from eval_mm.registries import register_task
from eval_mm.tasks._common import require_columns, to_rgb

# Starts with a newline; one backslash before "boxed" [V].
SUFFIX = (
    "\n画像を参照して回答してください。推論過程は出力しても構いませんが、"
    "最終回答は必ず \\boxed{...} で囲み、ボックス内には最終回答のみを1つだけ記載してください。"
)


@register_task
class JaWildTextBoardVqa(Task):
    id = "jawildtext-board-vqa"
    short_name = "JWTxt-Board"
    aliases = ("jwt-board", "dense-stvqa")
    version = "1"
    description = "JaWildText Dense STVQA: board/sign questions, boxed answer judged yes/no"
    dataset = DatasetRef("llm-jp/jawildtext", "train", "board_vqa", "main")
    metrics = ("jwt_board_acc", "jwt_board_acc_legacy")
    primary_metric = "jwt_board_acc"
    group = "judge"

    def build_samples(self, rows: Iterable[dict[str, Any]]) -> Iterator[Sample]:
        for index, row in enumerate(rows):
            require_columns(self.id, row, ("image", "question", "answer"))
            prompt = str(row["question"] or "") + SUFFIX
            gold = str(row["answer"] or "")
            yield Sample(
                id=str(index),  # row index, as the reference [V]
                messages=user_turn(prompt, [to_rgb(row["image"])]),
                references=[gold],
                metadata={"oracle_answer": f"\\boxed{{{gold}}}"},
                judge_question=prompt,
            )

    def prompt_templates(self) -> dict[str, str]:
        return {"prompt": "{question}" + SUFFIX}
