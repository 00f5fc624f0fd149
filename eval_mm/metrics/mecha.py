"""MECHA-ja scorers (spec metrics.md §10).

Metadata read: `options` (the rotated options, strict variants), `base_id` and `rotation`
(else parsed from the id `<base>_rot<i>`), `answer_type` (0/"Factoid", 1/"Non-Factoid"),
`has_background` (bool; else `background_text` non-empty). Gold letter: `references[0]`.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import replace
from typing import Any, ClassVar

from eval_mm.core.aggregate import MetricSummary, summarise
from eval_mm.core.sample import Sample
from eval_mm.core.scoring import Score, Scorer
from eval_mm.metrics.aggregation import group_summary
from eval_mm.metrics.base import (
    mc_strict_score,
    parse_stats,
    reason_counts,
)
from eval_mm.metrics.exact import contains
from eval_mm.registries import register_metric

_ROT = re.compile(r"^(.*)_rot(\d+)$")


def base_and_rotation(sample: Sample) -> tuple[str, str]:
    """(base id, rotation id "0".."3" or "no_rot")."""
    meta = sample.metadata
    m = _ROT.match(sample.id)
    base = meta.get("base_id", m.group(1) if m else sample.id)
    rot = meta.get("rotation", m.group(2) if m else None)
    return str(base), ("no_rot" if rot is None else str(rot))


def answer_kind(sample: Sample) -> str | None:
    at = sample.metadata.get("answer_type")
    if at in (0, "0", "Factoid"):
        return "Factoid"
    if at in (1, "1", "Non-Factoid"):
        return "Non-Factoid"
    return None


def background_kind(sample: Sample) -> str | None:
    meta = sample.metadata
    has = meta.get("has_background")
    if has is None and "background_text" in meta:
        has = bool(meta["background_text"])
    if has is None:
        return None
    return "with_background" if has else "without_background"


def mecha_groups(
    samples: Sequence[Sample], values: Sequence[float | None], scale: float, per_rotation: bool
) -> dict[str, dict[str, Any]]:
    """The spec's breakdowns: Factoid, Non-Factoid, with/without_background, and per rotation."""
    kinds = [answer_kind(s) for s in samples]
    bgs = [background_kind(s) for s in samples]
    out = {**group_summary(values, kinds, scale), **group_summary(values, bgs, scale)}
    if per_rotation:
        rots = [f"rot_{base_and_rotation(s)[1]}" for s in samples]
        out.update(group_summary(values, rots, scale))
        for labels in (kinds, bgs):
            combo = [None if k is None else f"{r}/{k}" for r, k in zip(rots, labels, strict=True)]
            out.update(group_summary(values, combo, scale))
    return out


class _Mecha(Scorer):
    kind: ClassVar[str] = "accuracy"

    def aggregate(
        self,
        samples: Sequence[Sample],
        scores: Sequence[Score],
        breakdown_keys: Sequence[str] = (),
        seed: int = 0,
    ) -> MetricSummary:
        summary = super().aggregate(samples, scores, breakdown_keys, seed)
        values = [s.value for s in scores]
        extra = {**summary.extra, "groups": mecha_groups(samples, values, self.scale, True)}
        if any("reason" in s.details for s in scores):
            extra.update(parse_stats(scores))
            extra["reasons"] = reason_counts(scores)
        return replace(summary, extra=extra)


@register_metric
class MechaAccLegacy(_Mecha):
    """1 if the gold letter occurs anywhere in the output (case-sensitive), pooled mean."""

    id = "mecha_acc_legacy"
    version = "1"
    description = "MECHA-ja legacy: gold letter as a substring of the output"

    def score_golds(self, sample: Sample, golds: list[str], output: str) -> Score:
        return Score(1.0 if contains(golds[0], output) else 0.0)


@register_metric
class MechaAcc(_Mecha):
    """Strict extraction on the rotated `options`; pooled over all rotations; unparsed counted."""

    id = "mecha_acc"
    version = "2"
    description = "MECHA-ja accuracy with strict Japanese-aware letter extraction"

    def score_one(self, sample: Sample, output: str) -> Score:
        return mc_strict_score(sample, output)


@register_metric
class MechaCircularAcc(_Mecha):
    """A base question is correct iff all its rotations are (strict extraction).

    Per-sample scores are per rotation; the headline is over base questions. A base question
    with a missing or unscored rotation is excluded and counted in `extra["incomplete"]`."""

    id = "mecha_circular_acc"
    version = "2"
    description = "MECHA-ja circular accuracy (all 4 rotations correct)"

    def score_one(self, sample: Sample, output: str) -> Score:
        return mc_strict_score(sample, output)

    def aggregate(
        self,
        samples: Sequence[Sample],
        scores: Sequence[Score],
        breakdown_keys: Sequence[str] = (),
        seed: int = 0,
    ) -> MetricSummary:
        by_base: dict[str, dict[str, float | None]] = defaultdict(dict)
        first: dict[str, Sample] = {}
        expected: dict[str, int] = {}
        for sample, sc in zip(samples, scores, strict=True):
            base, rot = base_and_rotation(sample)
            by_base[base][rot] = sc.value
            first.setdefault(base, sample)
            n_opts = len(sample.metadata.get("options") or ()) or 4
            expected[base] = 1 if rot == "no_rot" else n_opts
        bases, values = [], []
        incomplete = 0
        for base, rots in by_base.items():
            if len(rots) < expected[base] or any(v is None for v in rots.values()):
                incomplete += 1
                continue
            bases.append(first[base])
            values.append(1.0 if all(v == 1.0 for v in rots.values()) else 0.0)
        summary = summarise(
            values, [None] * len(values), [s.metadata for s in bases], breakdown_keys,
            scale=self.scale, seed=seed,
        )  # fmt: skip
        extra = {
            "incomplete": incomplete,
            "groups": mecha_groups(bases, list(values), self.scale, per_rotation=False),
            "rotation_acc": summarise([s.value for s in scores], [None] * len(scores), [],
                                      scale=self.scale).value,
            **parse_stats(scores),
        }  # fmt: skip
        # Base questions that could not be judged are the unscored units of this metric.
        reasons = {"incomplete_rotations": incomplete} if incomplete else {}
        return replace(summary, extra=extra, unscored=incomplete, unscored_reasons=reasons)
