"""JAMMEval yes/no grader metrics (spec tasks-2026.md §7.3-§7.4), on the judge engine (runs,
cache, fingerprint, failures as unscored).

The grader (prompt `jammeval_hle_ja_v1`, text only) sees the full prompt sent to the model,
the gold and the model's final answer, and answers with labelled lines ending in
`correct: yes|no`; the first such match counts. Repeats are judge runs (`--judge-runs`).

- `jammeval_acc`: an empty reply, one starting with "No response", or no verdict is unscored
  (simple-evals-mm's newer `grader_failed`), excluded from the means and counted.
- `jammeval_acc_v0`: the older convention, unparseable = wrong (0).

Multiple-choice items (`metadata["options"]`, CVQA-JA) are decided by the "Answer: X" regex
first; only answers it cannot read go to the grader, with the gold letter as the answer.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from typing import Any, ClassVar

from eval_mm.core.sample import Sample
from eval_mm.core.scoring import Score, ScoreContext
from eval_mm.judges.settings import MODEL_ENV
from eval_mm.judges.yes_no import YesNoJudge
from eval_mm.metrics.base import options_of
from eval_mm.metrics.choice import option_letters
from eval_mm.metrics.final_answer import answer_letter
from eval_mm.metrics.verdicts import first_verdict
from eval_mm.registries import register_metric

REGEX = "regex"


def grader_answer(golds: Sequence[str]) -> str:
    """One gold as is; several as simple-evals-mm phrases them for the grader."""
    unique = list(dict.fromkeys(g.strip() for g in golds if g and g.strip()))
    if len(unique) <= 1:
        return unique[0] if unique else ""
    quoted = ", ".join(f'"{g}"' for g in unique)
    return f"Any one of the following is an acceptable answer: {quoted}"


def regex_score(sample: Sample, output: str) -> Score | None:
    """The letter the regex reads, scored against the gold; None when it reads none."""
    options = options_of(sample)
    if options is None:
        return None
    letter = answer_letter(output, option_letters(len(options)))
    if letter is None:
        return None
    return Score(1.0 if letter in sample.references else 0.0, None,
                 {"status": REGEX, "parsed": letter})  # fmt: skip


# JAMMEval's default grader (spec tasks-2026 §7.3): gpt-5.1 without reasoning, 1024 tokens.
GRADER = {
    "model": "gpt-5.1-2025-11-13",
    "reasoning_effort": "none",
    "token_param": "max_completion_tokens",
    "max_tokens": 1024,
}


class _Jammeval(YesNoJudge):
    prompts: ClassVar[tuple[str, ...]] = ("jammeval_hle_ja_v1",)

    def protocol(self, options: dict[str, Any]) -> dict[str, Any]:
        """The JAMMEval grader unless the user chose a judge (a model or a profile such as
        gpt-oss-20b-local, the spec's alternative); the grader id is in the fingerprint,
        so numbers of two graders never share a column."""
        chosen = options.get("model") or options.get("profile") or os.environ.get(MODEL_ENV)
        return {} if chosen else dict(GRADER)

    def values(self, sample: Sample, output: str) -> dict[str, str]:
        question = sample.judge_question if sample.judge_question is not None else sample.prompt
        return {
            "question": question,
            "correct_answer": grader_answer(sample.references),
            "response": output,
        }

    def verdict(self, reply: str) -> bool | None:
        if not reply or reply.startswith("No response"):
            return None
        return first_verdict(reply)

    def score(
        self, samples: Sequence[Sample], outputs: Sequence[str], ctx: ScoreContext
    ) -> list[Score]:
        direct = [regex_score(s, o) for s, o in zip(samples, outputs, strict=True)]
        todo = [i for i, d in enumerate(direct) if d is None]
        judged = iter(
            super().score([samples[i] for i in todo], [outputs[i] for i in todo], ctx)
            if todo
            else []
        )
        return [d if d is not None else next(judged) for d in direct]


@register_metric
class JammevalAcc(_Jammeval):
    id = "jammeval_acc"
    version = "1"
    variant: ClassVar[str] = "strict"
    description = "JAMMEval yes/no grader accuracy; grader failures unscored; runs = repeats"


@register_metric
class JammevalAccV0(_Jammeval):
    id = "jammeval_acc_v0"
    version = "1"
    variant: ClassVar[str] = "legacy"
    description = "JAMMEval grader accuracy, older convention (unparseable reply = wrong)"
