"""Verdicts: regression, pass or inconclusive per metric and overall, with the exit codes.

Per gated metric, in order:

1. regression: the one-sided test of "dropped by more than the tolerance" rejects at the
   family level alpha = (1 - confidence) / 2 after Holm's adjustment over all gated metrics;
2. pass (shown): the opposite one-sided test, "dropped by more than the tolerance" as the
   null, rejects at alpha / m: the data show the change is within the tolerance;
3. inconclusive (underpowered): neither, and the smallest drop this comparison detects with
   the configured power (at the level Holm needs for its first rejection, alpha / m) is
   larger than the tolerance, so "no regression found" says nothing;
4. pass otherwise: no regression, and one of the tolerance's size would have been seen.

A gated metric that could not be assessed is inconclusive as well. Overall: regression if
any gated metric regressed, else inconclusive if any is, else pass.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from eval_mm.gate.stats import bonferroni, holm, min_detectable_drop

PASS, REGRESSION, INCONCLUSIVE, SKIPPED = "pass", "regression", "inconclusive", "skipped"

EXIT_PASS, EXIT_REGRESSION, EXIT_CANNOT_COMPARE, EXIT_INCONCLUSIVE = 0, 1, 2, 3
EXIT_INTERNAL_ERROR = 4  # a bug in eval-mm: never a verdict


class Decidable(Protocol):
    gated: bool
    verdict: str
    reason: str | None
    p_value: float | None
    p_adjusted: float | None
    p_within: float | None
    se: float | None
    clusters: int | None
    tolerance: float | None
    mde: float | None
    alpha: float | None


def family_alpha(confidence: float) -> float:
    return (1.0 - confidence) / 2.0


def decide(comparisons: Sequence[Decidable], confidence: float, correction: str,
           power: float) -> None:
    """Set `p_adjusted`, `mde`, `alpha`, `verdict` and `reason` of every assessed comparison.

    Comparisons already marked inconclusive or skipped (not assessed) keep their verdict."""
    alpha = family_alpha(confidence)
    assessed = [c for c in comparisons if c.verdict not in (INCONCLUSIVE, SKIPPED)
                and c.p_value is not None]
    family = [c for c in assessed if c.gated]
    p = [float(c.p_value or 0.0) for c in family]
    adjust = {"holm": holm, "bonferroni": bonferroni}.get(correction)
    adjusted = adjust(p) if adjust is not None else p
    m = len(family) if adjust is not None else 1
    for c, pa in zip(family, adjusted, strict=True):
        c.p_adjusted = pa
        _judge(c, alpha, alpha / max(1, m), power)
    for c in assessed:
        if not c.gated:  # informational: its own test at the family level, unadjusted
            c.p_adjusted = c.p_value
            _judge(c, alpha, alpha, power)


def _judge(c: Decidable, alpha: float, mde_level: float, power: float) -> None:
    c.alpha = alpha
    g = c.clusters or 0
    tol = c.tolerance or 0.0
    c.mde = min_detectable_drop(c.se or 0.0, g, mde_level, power) if g >= 2 else None
    if c.p_adjusted is not None and c.p_adjusted <= alpha:
        c.verdict, c.reason = REGRESSION, None
    elif c.p_within is not None and c.p_within <= mde_level:
        c.verdict, c.reason = PASS, None
    elif c.mde is None or c.mde > tol:
        c.verdict = INCONCLUSIVE
        seen = "–" if c.mde is None else f"{c.mde:.2f}"
        c.reason = (f"underpowered: with these samples the gate detects drops of {seen} "
                    f"(power {power:.0%}), the tolerance is {tol:.2f}")
    else:
        c.verdict, c.reason = PASS, None


def overall(comparisons: Sequence[Decidable]) -> str:
    gated = [c for c in comparisons if c.gated and c.verdict != SKIPPED]
    if any(c.verdict == REGRESSION for c in gated):
        return REGRESSION
    if any(c.verdict == INCONCLUSIVE for c in gated):
        return INCONCLUSIVE
    return PASS


def exit_code(verdict: str, strict: bool) -> int:
    """0 pass, 1 regression, 3 inconclusive; with `strict`, inconclusive fails as 1."""
    if verdict == REGRESSION:
        return EXIT_REGRESSION
    if verdict == INCONCLUSIVE:
        return EXIT_REGRESSION if strict else EXIT_INCONCLUSIVE
    return EXIT_PASS
