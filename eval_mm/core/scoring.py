"""Scorers turn (sample, output) pairs into scores or explicit unscored results."""

from __future__ import annotations

import re
from abc import ABC
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, ClassVar

from eval_mm.core.aggregate import MetricSummary, summarise
from eval_mm.core.sample import Sample


@dataclass(frozen=True)
class Score:
    """A per-sample result. `value is None` means unscored, and `reason` says why.

    `retry` marks a result that a rerun may improve (a judge run lost to a timeout or a
    server error): it is stored and shown, but never reused by the next invocation."""

    value: float | None
    reason: str | None = None
    details: dict[str, Any] = field(default_factory=dict)
    retry: bool = False

    @property
    def scored(self) -> bool:
        return self.value is not None

    @staticmethod
    def unscored(reason: str, **details: Any) -> Score:
        return Score(None, reason, dict(details))


@dataclass
class ScoreContext:
    """What a scorer may need beyond the pairs: where the run lives and shared resources.

    `resources` is shared by every scorer of one `eval-mm` invocation (for example one
    judge client with one concurrency pool across all tasks).
    """

    run_dir: Path | None = None
    seed: int = 0
    options: dict[str, Any] = field(default_factory=dict)
    resources: dict[str, Any] = field(default_factory=dict)
    card: dict[str, Any] = field(default_factory=dict)  # scorers add judge settings etc.

    def close(self) -> None:
        """Close shared resources that have a `close` method (clients, pools, caches)."""
        for res in self.resources.values():
            close = getattr(res, "close", None)
            if callable(close):
                close()
        self.resources.clear()


REASONING_RULES = ("strict", "legacy", "raw")
_PARITY_ID = re.compile(r"_(?:legacy|legacy_random|original)$")


class Scorer(ABC):
    """Base class of every metric.

    Subclasses set `id` and `version` and implement `score_one` (or `score` for batch work
    such as LLM judging). `scale` multiplies the mean for reporting (100 for 0-1 metrics).
    """

    id: ClassVar[str]
    version: ClassVar[str] = "1"
    scale: ClassVar[float] = 100.0
    description: ClassVar[str] = ""
    # Metric kind, used by the leaderboard filters and the gate's default tolerance.
    kind: ClassVar[str] = "accuracy"  # accuracy | similarity | judge
    # What a reasoning model's output becomes before scoring (spec tasks-2026.md §1, applied by
    # `eval_mm.reasoning.score_outputs`): "strict" (the answer after the last </think>),
    # "legacy" (the reference's strip) or "raw". None: "raw" for ids ending in `_legacy`,
    # `_legacy_random` or `_original` (they reproduce scorers that strip nothing), else "strict".
    reasoning: ClassVar[str | None] = None

    @property
    def key(self) -> str:
        return f"{self.id}@{self.version}"

    def reasoning_rule(self) -> str:
        """The effective rule: `reasoning`, or by id ("raw" for the reference-parity ids)."""
        rule = self.reasoning or ("raw" if _PARITY_ID.search(self.id) else "strict")
        if rule not in REASONING_RULES:
            raise ValueError(
                f"metric {self.id}: reasoning {rule!r} is not one of {REASONING_RULES}"
            )
        return rule

    def score_one(self, sample: Sample, output: str) -> Score:
        """Default: score against the sample's references; a sample without any reference is
        unscored (`no_reference`), never a silent 0."""
        golds = [str(r) for r in sample.references if r is not None]
        if not golds:
            return Score.unscored("no_reference")
        return self.score_golds(sample, golds, output)

    def score_golds(self, sample: Sample, golds: list[str], output: str) -> Score:
        raise NotImplementedError(f"{type(self).__name__} needs score_one or score_golds")

    def score(
        self, samples: Sequence[Sample], outputs: Sequence[str], ctx: ScoreContext
    ) -> list[Score]:
        return [self.score_one(s, o) for s, o in zip(samples, outputs)]

    def aggregate(
        self,
        samples: Sequence[Sample],
        scores: Sequence[Score],
        breakdown_keys: Sequence[str] = (),
        seed: int = 0,
    ) -> MetricSummary:
        """Default: mean x scale with a seeded bootstrap CI, and breakdowns by metadata keys.

        `samples[i]` is the sample of `scores[i]` (text only; images are not kept)."""
        summary = summarise(
            [s.value for s in scores],
            [s.reason for s in scores],
            [s.metadata for s in samples],
            breakdown_keys,
            scale=self.scale,
            seed=seed,
        )
        extra = self.summary_extra(samples, scores)
        return replace(summary, extra={**summary.extra, **extra}) if extra else summary

    def summary_extra(self, samples: Sequence[Sample], scores: Sequence[Score]) -> dict[str, Any]:
        """Named sub-numbers the default aggregation reports beside the mean (unparsed
        counts, per-type means, ...); none by default."""
        return {}

    def preflight(self, ctx: ScoreContext) -> None:
        """Check, before any generation starts, that scoring can run (API keys etc.);
        raise `UserError` with what to do if not."""

    def fingerprint(self, ctx: ScoreContext) -> dict[str, Any]:
        """Everything that decides this scorer's values for a given (sample, output): stored
        scores are reused only under an equal fingerprint. Judge metrics add the judge."""
        return {
            "metric": self.id,
            "version": self.version,
            "class": type(self).__qualname__,
            "reasoning": self.reasoning_rule(),
        }

    def card(self) -> dict[str, Any]:
        return {"id": self.id, "version": self.version, "kind": self.kind}
