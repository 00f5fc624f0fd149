"""The base of yes/no judge metrics (JaWildText board, JAMMEval): each run's verdict is 1 or 0,
an item's value the mean over its runs; reported x100 per run, then mean, sample std, min and
max over runs, the accuracy of the per-item majority verdict, and the items decided without
the judge by status."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import replace
from typing import Any

import numpy as np

from eval_mm.core.aggregate import MetricSummary, bootstrap_ci, group_means
from eval_mm.core.sample import Sample
from eval_mm.core.scoring import Score
from eval_mm.judges.judge_1to5 import per_run_means
from eval_mm.judges.scorer import JudgeScorer


def majority(verdicts: Sequence[float]) -> float:
    """1 when most runs said yes, 0 when most said no, 0.5 on a tie."""
    yes = sum(1 for v in verdicts if v >= 0.5)
    no = len(verdicts) - yes
    return 1.0 if yes > no else 0.0 if no > yes else 0.5


class YesNoJudge(JudgeScorer):
    scale = 100.0

    def verdict(self, reply: str) -> bool | None:
        """The reply's verdict; None means unreadable (unscored in strict metrics)."""
        raise NotImplementedError

    def parse(self, text: str, prompt: Any) -> Any:
        verdict = self.verdict(text)
        if verdict is None:
            return None if self.variant == "strict" else 0.0  # legacy: no verdict means "no"
        return 1.0 if verdict else 0.0

    def failure_value(self) -> Any:
        return 0.0  # the references score a failed or empty judge call as "no"

    def item_value(self, parsed: list[Any]) -> float:
        return float(np.mean(parsed))

    def per_run(self, samples: Sequence[Sample], scores: Sequence[Score]) -> list[dict[str, Any]]:
        return per_run_means(scores, self.scale)

    def ci(
        self, samples: Sequence[Sample], scores: Sequence[Score], seed: int
    ) -> tuple[float, float] | None:
        ci = bootstrap_ci([s.value for s in scores if s.value is not None], seed=seed)
        return (ci[0] * self.scale, ci[1] * self.scale) if ci else None

    def extra(self, per_run: list[dict[str, Any]]) -> dict[str, Any]:
        heads = [r["value"] for r in per_run if r["value"] is not None]
        return {"min": min(heads, default=None), "max": max(heads, default=None)}

    def aggregate(
        self,
        samples: Sequence[Sample],
        scores: Sequence[Score],
        breakdown_keys: Sequence[str] = (),
        seed: int = 0,
    ) -> MetricSummary:
        summary = super().aggregate(samples, scores, breakdown_keys, seed)
        votes = []
        for s in scores:
            runs = s.details.get("runs")
            parsed = [r["parsed"] for r in runs or [] if r.get("parsed") is not None]
            if parsed:
                votes.append(majority(parsed))
            elif s.value is not None:  # decided without the judge
                votes.append(s.value)
        values = [s.value for s in scores]
        # Items decided without the judge, by why (no box, empty answer, regex letter, ...).
        without = Counter(
            str(s.details["status"])
            for s in scores
            if "runs" not in s.details and "status" in s.details
        )
        extra = {
            **summary.extra,
            "majority": float(np.mean(votes)) * self.scale if votes else None,
            "majority_ties": votes.count(0.5),
            "without_judge": dict(sorted(without.items())),
        }
        breakdown = {
            k: group_means(values, [s.metadata for s in samples], k, self.scale)
            for k in breakdown_keys
        }
        return replace(summary, extra=extra, breakdown=breakdown)
