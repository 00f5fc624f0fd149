"""Every strict metric reports how many responses it could not parse and how many were ambiguous."""

from __future__ import annotations

from typing import Any

import pytest

from eval_mm.core.sample import Sample
from eval_mm.registries import METRICS
from tests.metrics.helpers import make_sample

OPTS = ["東京", "大阪", "京都", "奈良"]


def _mc(metric: str) -> list[tuple[Sample, str]]:
    meta: dict[str, Any] = {"options": OPTS, "question_type": "multiple-choice"}
    outs = ["B", "答えはAではなくBです", "AかBです", "わかりません", "ABCD"]
    return [(make_sample("B", sid=f"test_Math_{i}", **meta), o) for i, o in enumerate(outs)]


JIC = [("桜", "桜ではなく梅です"), ("梅", "桜か梅"), ("菊", "わかりません"), ("菊", "菊です"),
       ("梅", "梅")]  # fmt: skip
CASES: dict[str, list[tuple[Sample, str]]] = {
    "mecha_acc": _mc("mecha_acc"),
    "cvqa_acc": _mc("cvqa_acc"),
    "jmmmu_acc": [
        *_mc("jmmmu_acc")[:3],
        (make_sample("3.5", sid="test_Math_7", question_type="open"), "5か6です"),
        (make_sample("3.5", sid="test_Math_8", question_type="open"), "わかりません"),
    ],
    "jdocqa_closed_acc": [
        (make_sample("はい", sid="0", answer_type=0), "は い"),
        (make_sample("はい", sid="1", answer_type=0), "はい、いいえのどちらとも言えません。"),
        (make_sample("いいえ", sid="2", answer_type=0), "判断できません。"),
        (make_sample("120人", sid="3", answer_type=2), "120人か130人です"),
        (make_sample("120人", sid="4", answer_type=2), "１２０　人"),
    ],
    "jic_acc": [
        (make_sample(g, sid=str(i), domain="d", category_set=["桜", "梅", "菊"]), o)
        for i, (g, o) in enumerate(JIC)
    ],
}
# (unparsed, ambiguous) of the cases above, out of 5 scored items each.
WANT = {"mecha_acc": (2, 1), "cvqa_acc": (2, 1), "jmmmu_acc": (1, 2),
        "jdocqa_closed_acc": (1, 2), "jic_acc": (1, 1)}  # fmt: skip


@pytest.mark.parametrize("metric", sorted(WANT))
def test_unparsed_and_ambiguous_shares(metric: str) -> None:
    scorer = METRICS.get(metric)()
    samples = [s for s, _ in CASES[metric]]
    scores = [scorer.score_one(s, o) for s, o in CASES[metric]]
    extra = scorer.aggregate(samples, scores).extra
    unparsed, ambiguous = WANT[metric]
    assert (extra["unparsed"], extra["ambiguous"]) == (unparsed, ambiguous)
    assert extra["unparsed_share"] == pytest.approx(unparsed / 5)
    assert extra["ambiguous_share"] == pytest.approx(ambiguous / 5)


def test_circular_reports_over_rotations() -> None:
    scorer = METRICS.get("mecha_circular_acc")()
    outs = ["A", "AかBです", "C", "ABCD"]
    samples = [make_sample("ABCD"[r], sid=f"q_rot{r}", options=OPTS) for r in range(4)]
    extra = scorer.aggregate(samples, [scorer.score_one(s, o) for s, o in zip(samples, outs)]).extra
    assert (extra["unparsed"], extra["ambiguous"], extra["ambiguous_share"]) == (1, 1, 0.25)


def test_legacy_metrics_have_no_parse_counts() -> None:
    scorer = METRICS.get("mecha_acc_legacy")()
    samples = [make_sample("B", options=OPTS)]
    assert "ambiguous" not in scorer.aggregate(samples, [scorer.score_one(samples[0], "B")]).extra
