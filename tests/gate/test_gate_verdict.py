"""The gate's decision rules on given numbers: Holm, exact McNemar, the verdict per metric
and overall, exit codes."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from eval_mm.gate.stats import holm, mcnemar_drop_p, min_detectable_drop
from eval_mm.gate.verdict import (
    INCONCLUSIVE,
    PASS,
    REGRESSION,
    SKIPPED,
    decide,
    exit_code,
    overall,
)


def test_holm_textbook_example() -> None:
    """The standard worked example of Holm's procedure (Holm 1979; e.g. the Holm-Bonferroni
    article of Wikipedia): p = 0.01, 0.04, 0.03, 0.005 at alpha 0.05 rejects H1 and H4
    (0.005 < 0.05/4, 0.01 < 0.05/3, then 0.03 > 0.05/2 stops). Adjusted p-values
    (min(1, max over the steps so far of (m - i) p)): 0.03, 0.06, 0.06, 0.02."""
    adjusted = holm([0.01, 0.04, 0.03, 0.005])
    assert adjusted == pytest.approx([0.03, 0.06, 0.06, 0.02])
    assert [a <= 0.05 for a in adjusted] == [True, False, False, True]
    assert holm([0.2, 0.45]) == [pytest.approx(0.4), pytest.approx(0.45)]
    assert holm([0.3, 0.35]) == [pytest.approx(0.6), pytest.approx(0.6)]  # made monotone
    assert holm([0.6, 0.7]) == [1.0, 1.0] and holm([]) == []


def test_exact_mcnemar_textbook_example() -> None:
    """Fagerland, Lydersen & Laake 2013 (BMC Med Res Methodol 13:91), airway
    hyper-responsiveness before/after stem cell transplantation, 21 children: 1 yes->no,
    7 no->yes. Exact conditional McNemar p = 0.070 two-sided: 2 * P(X <= 1), X ~ Bin(8, 1/2)
    = 2 * 9/256; one-sided 9/256."""
    one_sided = mcnemar_drop_p(worse=7, better=1, n=21)
    assert one_sided == pytest.approx(9 / 256, abs=1e-12)
    assert 2 * one_sided == pytest.approx(0.0703, abs=1e-4)
    assert mcnemar_drop_p(worse=1, better=7, n=21) == pytest.approx(1 - 1 / 256, abs=1e-12)
    assert mcnemar_drop_p(0, 0, 21) == 1.0


def test_mcnemar_with_a_tolerance() -> None:
    # 40 right->wrong, 15 wrong->right of 500: -5 points. With a 12-point tolerance even 55
    # of 55 discordant pairs going wrong (-11 points) would be allowed: nothing to test.
    assert mcnemar_drop_p(40, 15, 500, tolerance=0.12) == 1.0
    assert mcnemar_drop_p(40, 15, 500, tolerance=0.10) > 0.99  # -5 is well within -10
    strict, lenient = mcnemar_drop_p(40, 15, 500), mcnemar_drop_p(40, 15, 500, tolerance=0.01)
    assert strict < lenient < 0.05  # a 1-point tolerance makes the same drop less surprising


@dataclass
class _C:
    gated: bool = True
    verdict: str = PASS
    reason: str | None = None
    p_value: float | None = 0.5
    p_adjusted: float | None = None
    p_within: float | None = 0.5
    se: float | None = 1.0
    clusters: int | None = 100
    tolerance: float | None = 1.0
    mde: float | None = None
    alpha: float | None = None


def test_verdicts_regression_pass_and_inconclusive() -> None:
    regression = _C(p_value=0.001, p_within=0.999)
    shown = _C(p_within=0.0001)  # the interval lies above -tolerance: a pass whatever the MDE
    powered = _C(se=0.2)  # no drop found, and a drop of 0.2 * ~2.8 < 1 would have been seen
    blind = _C(se=1.0)  # no drop found, but it could only see drops of ~2.8 > 1
    informational = _C(gated=False, p_value=0.001)
    not_assessed = _C(verdict=INCONCLUSIVE, reason="not assessed: x", p_value=None)
    cs = [regression, shown, powered, blind, informational, not_assessed]
    decide(cs, confidence=0.95, correction="holm", power=0.8)
    assert [c.verdict for c in cs] == [REGRESSION, PASS, PASS, INCONCLUSIVE, REGRESSION,
                                       INCONCLUSIVE]
    assert blind.reason is not None and blind.reason.startswith("underpowered")
    # Holm over the 4 assessed gated metrics; the informational one is left out of the family.
    assert regression.p_adjusted == pytest.approx(0.004) and informational.p_adjusted == 0.001
    assert regression.alpha == pytest.approx(0.025)
    assert powered.mde == pytest.approx(min_detectable_drop(0.2, 100, 0.025 / 4, 0.8))
    assert overall(cs) == REGRESSION and exit_code(REGRESSION, strict=False) == 1


def test_holm_can_turn_a_lone_significant_drop_into_no_regression() -> None:
    a, b = _C(p_value=0.02, se=0.1), _C(p_value=0.02, se=0.1)
    decide([a], 0.95, "holm", 0.8)
    assert a.verdict == REGRESSION  # alone: 0.02 <= 0.025
    a.verdict = PASS
    decide([a, b], 0.95, "holm", 0.8)
    assert a.p_adjusted == pytest.approx(0.04) and a.verdict == b.verdict == PASS
    decide([a, b], 0.95, "none", 0.8)
    assert a.verdict == b.verdict == REGRESSION


def test_overall_verdict_and_exit_codes() -> None:
    assert overall([_C(verdict=PASS), _C(verdict=SKIPPED)]) == PASS
    assert overall([_C(verdict=PASS), _C(verdict=INCONCLUSIVE)]) == INCONCLUSIVE
    assert overall([_C(verdict=INCONCLUSIVE, gated=False)]) == PASS  # informational only
    assert overall([_C(verdict=REGRESSION), _C(verdict=INCONCLUSIVE)]) == REGRESSION
    assert [exit_code(v, False) for v in (PASS, REGRESSION, INCONCLUSIVE)] == [0, 1, 3]
    assert exit_code(INCONCLUSIVE, strict=True) == 1 and exit_code(PASS, strict=True) == 0
