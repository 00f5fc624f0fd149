"""JaWildText Dense STVQA (board) judge metrics (spec tasks-2026.md §3.4):
`jwt_board_acc_legacy` (= snapshot-D "JWTxt-Board/LLM") and `jwt_board_acc` (headline).

The judge compares the model's `\\boxed{...}` answer with the gold and answers
`correct: yes|no` (prompt `jwt_board_llmjp`); it sees the question with the task's suffix.
Legacy: no box means the whole output is judged, the first `correct: yes|no` anywhere is read
and anything else is 0. Strict: no complete box scores 0 without the judge (`no_boxed`), the
verdict is read from a gpt-oss reply's final channel only, and an unreadable verdict is
unscored. An empty answer scores 0 without the judge in both. Items decided without the judge
are counted by status in `extra.without_judge` (`no_boxed`, `empty_prediction`).
"""

from __future__ import annotations

from typing import Any, ClassVar

from eval_mm.core.sample import Sample
from eval_mm.core.scoring import Score
from eval_mm.judges.yes_no import YesNoJudge
from eval_mm.metrics.final_answer import board_answer_legacy, last_boxed
from eval_mm.metrics.judge_parsing import EMPTY_PREDICTION
from eval_mm.metrics.verdicts import first_verdict, strict_verdict
from eval_mm.registries import register_metric

NO_BOXED = "no_boxed"
LEGACY_MAX_TOKENS = 256


class _Board(YesNoJudge):
    prompts: ClassVar[tuple[str, ...]] = ("jwt_board_llmjp",)

    def answer(self, output: str) -> str | None:
        return last_boxed(output) if self.variant == "strict" else board_answer_legacy(output)

    def shortcut(self, output: str) -> Score | None:
        answer = self.answer(output)
        if answer is None:
            return Score(0.0, None, {"status": NO_BOXED})
        if answer == "":
            return Score(0.0, None, {"status": EMPTY_PREDICTION})
        return None

    def values(self, sample: Sample, output: str) -> dict[str, str]:
        question = sample.judge_question if sample.judge_question is not None else sample.prompt
        return {
            "question": question,
            "gold_answer": sample.reference,
            "prediction": self.answer(output) or "",
        }

    def verdict(self, reply: str) -> bool | None:
        return strict_verdict(reply) if self.variant == "strict" else first_verdict(reply)


@register_metric
class JwtBoardAccLegacy(_Board):
    id = "jwt_board_acc_legacy"
    version = "1"
    variant: ClassVar[str] = "legacy"
    description = "JaWildText board VQA judged yes/no as llm-jp-eval-mm (whole text if no box)"

    def protocol(self, options: dict[str, Any]) -> dict[str, Any]:
        """The reference's scorer asks with a 256-token limit (tasks-2026 §2.1, §3.4); a
        reasoning judge may stop before its verdict at that limit, which the legacy number
        reproduces. The strict metric keeps the judge's own limit (>= 1024)."""
        return {"max_tokens": LEGACY_MAX_TOKENS}


@register_metric
class JwtBoardAcc(_Board):
    id = "jwt_board_acc"
    version = "1"
    variant: ClassVar[str] = "strict"
    description = "JaWildText board VQA judged yes/no on the boxed answer; no box = 0, counted"

    def card(self) -> dict[str, Any]:
        return {**super().card(), "answer": "last complete \\boxed{}", "verdict": "final channel"}
