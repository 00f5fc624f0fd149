"""JaWildText Dense STVQA (board VQA, spec tasks-2026.md §3.4): questions on photographed
Japanese notice boards and signs, answered in `\\boxed{...}` and judged yes/no by an LLM.

The judge sees the question with the boxed-answer suffix (as the reference). Headline
`jwt_board_acc` (no box = 0 and counted; verdict from the judge's final channel);
`jwt_board_acc_legacy` is the snapshot-D column (snapshot D: judge gpt-oss-20b inferred,
`--judge-mode single` for its one run)."""

from __future__ import annotations

from typing import Any, ClassVar

from eval_mm.core.task import DatasetRef
from eval_mm.registries import register_task
from eval_mm.tasks._common import SimpleTask

# Starts with a newline; one backslash before "boxed" [V].
SUFFIX = (
    "\n画像を参照して回答してください。推論過程は出力しても構いませんが、"
    "最終回答は必ず \\boxed{...} で囲み、ボックス内には最終回答のみを1つだけ記載してください。"
)


@register_task
class JaWildTextBoardVqa(SimpleTask):
    id = "jawildtext-board-vqa"
    short_name = "JWTxt-Board"
    aliases = ("jwt-board", "dense-stvqa")
    version = "1"
    description = "JaWildText Dense STVQA: board/sign questions, boxed answer judged yes/no"
    dataset = DatasetRef("llm-jp/jawildtext", "train", "board_vqa", "main")
    metrics = ("jwt_board_acc", "jwt_board_acc_legacy")
    primary_metric = "jwt_board_acc"
    group = "judge"
    columns: ClassVar[tuple[str, ...]] = ("image", "question", "answer")  # id: row index [V]
    post_prompts: ClassVar[dict[str, str]] = {"llmjp": SUFFIX}
    judged: ClassVar[bool] = True

    def question(self, row: dict[str, Any]) -> str:
        return str(row["question"] or "")

    def golds(self, row: dict[str, Any]) -> list[str]:
        return [str(row["answer"] or "")]

    def metadata(self, row: dict[str, Any]) -> dict[str, Any]:
        return {"oracle_answer": f"\\boxed{{{self.golds(row)[0]}}}"}
