"""`judge_1to5` (strict) and `judge_1to5_legacy`: the llm-jp 1-5 judge (metrics.md §13)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from typing import Any

import numpy as np

from eval_mm.core.sample import Sample
from eval_mm.core.scoring import Score
from eval_mm.judges.prompt import JudgePrompt
from eval_mm.judges.scorer import JudgeScorer
from eval_mm.metrics.judge_parsing import (
    EMPTY_PREDICTION,
    STRICT_EMPTY_SCORE,
    legacy_1to5_needs_judge,
    parse_1to5_legacy,
    parse_1to5_strict,
    strict_1to5_needs_judge,
)
from eval_mm.registries import register_metric

EMPTY = EMPTY_PREDICTION


def run_count(scores: Sequence[Score]) -> int:
    return max((len(s.details.get("runs", [])) for s in scores), default=0) or 1


class _OneToFive(JudgeScorer):
    prompts = ("judge_1to5_llmjp",)

    def values(self, sample: Sample, output: str) -> dict[str, str]:
        question = sample.judge_question if sample.judge_question is not None else sample.prompt
        return {"Question": question, "Answer": sample.reference, "Prediction": output}

    def parse(self, text: str, prompt: JudgePrompt) -> Any:
        return parse_1to5_strict(text) if self.variant == "strict" else parse_1to5_legacy(text)

    def failure_value(self) -> Any:
        return parse_1to5_legacy(None)  # the reference scores a failed call as an empty reply: 0

    def item_value(self, parsed: list[Any]) -> float:
        return float(np.mean(parsed))

    def per_run(self, samples: Sequence[Sample], scores: Sequence[Score]) -> list[dict[str, Any]]:
        return per_run_means(scores)


def per_run_means(scores: Sequence[Score], scale: float = 1.0) -> list[dict[str, Any]]:
    """Per judge run: the mean x `scale` of that run's parsed values over the items (items
    scored without the judge count with their value), the count, and unscored by reason."""
    out = []
    for k in range(run_count(scores)):
        vals: list[float] = []
        unscored: Counter[str] = Counter()
        for s in scores:
            runs = s.details.get("runs")
            if runs is None:  # shortcut (empty prediction) or generation error
                if s.value is not None:
                    vals.append(s.value)
                else:
                    unscored[s.reason or "unknown"] += 1
                continue
            rec = runs[k] if k < len(runs) else None
            if rec is not None and rec["parsed"] is not None:
                vals.append(float(rec["parsed"]))
            else:
                unscored[rec["status"] if rec else "missing_run"] += 1
        out.append(
            {
                "value": float(np.mean(vals)) * scale if vals else None,
                "n": len(vals),
                "unscored": dict(unscored),
            }
        )
    return out


@register_metric
class Judge1to5(_OneToFive):
    id = "judge_1to5"
    version = "1"
    variant = "strict"
    description = "LLM judge 1-5 (strict parse; failures unscored); mean over runs"

    def shortcut(self, output: str) -> Score | None:
        if strict_1to5_needs_judge(output):
            return None
        return Score(float(STRICT_EMPTY_SCORE), None, {"status": EMPTY})  # judge not called


@register_metric
class Judge1to5Legacy(_OneToFive):
    id = "judge_1to5_legacy"
    version = "1"
    variant = "legacy"
    description = "LLM judge 1-5 as llm-jp-eval-mm (first digit anywhere, failures 0)"

    def shortcut(self, output: str) -> Score | None:
        return None if legacy_1to5_needs_judge(output) else Score(0.0, None, {"status": EMPTY})
