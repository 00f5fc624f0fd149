"""JMMMU open-answer vectors (spec metrics.md §8.3) and aggregation (§9)."""

from __future__ import annotations

import pytest

from eval_mm.metrics.jmmmu import CS_SUBJECTS, DOMAIN_GROUPS
from eval_mm.metrics.open_answer import eval_open, parse_open
from eval_mm.metrics.open_strict import score_open
from eval_mm.registries import METRICS
from tests.metrics.helpers import make_sample

OPEN = [
    ("よって、答えは42です。", "42", 1, 1),
    ("x=3。答えは5", "3", 0, 0),
    ("表には3つの値があり、回答は5", "3", 1, 0),
    ("回答は東京です", "東京", 1, 1),
    ("答えは１２です", "12", 1, 1),
    ("答えは12個です", "12", 1, 1),
    ("答えは1,200円です", "1200", 0, 1),
]


@pytest.mark.parametrize(("resp", "gold", "legacy", "strict"), OPEN)
def test_open_vectors(resp: str, gold: str, legacy: int, strict: int) -> None:
    assert eval_open(gold, parse_open(resp)) == bool(legacy)
    assert score_open(gold, resp).ok == bool(strict)
    for metric, want in (("jmmmu_acc_legacy", legacy), ("jmmmu_acc", strict)):
        s = make_sample(gold, sid="test_Math_1", question_type="open")
        assert METRICS.get(metric)().score_one(s, resp).value == want


def test_legacy_predictions_and_fresh_indicator_list() -> None:
    assert set(parse_open("よって、答えは42です。")) == {"42です", 42.0}
    # Each call starts from a fresh indicator list: three identical calls agree.
    assert [eval_open("3", parse_open("x=3。答えは5")) for _ in range(3)] == [False] * 3
    assert set(parse_open("答えは1,200円です")) == {"1,200円です", 200.0}


def test_mc_item_uses_mc_parser() -> None:
    opts = ["東京", "大阪", "京都", "奈良"]
    s = make_sample("B", sid="test_Math_2", question_type="multiple-choice", options=opts)
    for m in ("jmmmu_acc", "jmmmu_acc_legacy", "jmmmu_acc_legacy_random"):
        assert METRICS.get(m)().score_one(s, "答えはBです。").value == 1.0
    # 「Bです」: legacy misses it (wrong, unparsed), strict reads it.
    assert METRICS.get("jmmmu_acc_legacy")().score_one(s, "Bです").value == 0.0
    assert METRICS.get("jmmmu_acc")().score_one(s, "Bです").value == 1.0
    # Options as a Python-literal string are parsed safely.
    s2 = make_sample("A", sid="test_Math_3", question_type="multiple-choice", options=str(opts))
    assert METRICS.get("jmmmu_acc")().score_one(s2, "A").value == 1.0


def test_legacy_random_is_seeded_and_counted() -> None:
    opts = ["東京", "大阪", "京都", "奈良"]
    samples = [make_sample("A", sid=f"test_Math_{i}", question_type="multiple-choice",
                           options=opts) for i in range(40)]  # fmt: skip
    scorer = METRICS.get("jmmmu_acc_legacy_random")()
    scores = [scorer.score_one(s, "わかりません") for s in samples]
    again = [METRICS.get("jmmmu_acc_legacy_random")().score_one(s, "わかりません") for s in samples]
    assert [s.details["parsed"] for s in scores] == [s.details["parsed"] for s in again]
    assert len({s.details["parsed"] for s in scores}) > 1
    summary = scorer.aggregate(samples, scores)
    assert summary.extra["random_picks"] == 40 and summary.extra["seed"] == 0
    assert summary.value is not None and 0 < summary.value < 100
    legacy = METRICS.get("jmmmu_acc_legacy")()
    leg = legacy.aggregate(samples, [legacy.score_one(s, "わかりません") for s in samples])
    assert leg.value == 0.0 and leg.extra["mc_unparsed"] == 40


def test_aggregation_ca_cs_subjects_domains() -> None:
    assert len(CS_SUBJECTS) == 4 and sum(len(v) for v in DOMAIN_GROUPS.values()) == 24
    rows = [("Math", "1"), ("Math", "0"), ("Design", "1"), ("Japanese_Art", "1"),
            ("World_History", "0")]  # fmt: skip
    samples = [make_sample("7", sid=f"test_{subj}_{i}", question_type="open")
               for i, (subj, _) in enumerate(rows)]  # fmt: skip
    scorer = METRICS.get("jmmmu_acc")()
    scores = [scorer.score_one(s, "答えは7" if ok == "1" else "答えは8")
              for s, (_, ok) in zip(samples, rows, strict=True)]  # fmt: skip
    summary = scorer.aggregate(samples, scores)
    assert summary.value == pytest.approx(60.0)
    assert summary.extra["ca"] == pytest.approx(200 / 3)
    assert summary.extra["cs"] == pytest.approx(50.0)
    assert summary.extra["subjects"]["Math"] == {"value": 50.0, "n": 2}
    assert summary.extra["domains"]["Science"]["value"] == pytest.approx(50.0)
    assert summary.extra["domains"]["Art and Psychology"]["value"] == pytest.approx(100.0)
    assert "Japanese_Art" not in str(summary.extra["domains"])
