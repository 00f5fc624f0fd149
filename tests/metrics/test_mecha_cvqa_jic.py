"""MECHA-ja (§10), CVQA (§11.1) and JIC-VQA (§11.2) vectors and aggregation."""

from __future__ import annotations

import pytest

from eval_mm.metrics.jic import jic_strict, mentioned_labels
from eval_mm.registries import METRICS
from tests.metrics.helpers import make_sample

OPTS = ["東京", "大阪", "京都", "奈良"]


def test_mecha_legacy_vectors() -> None:
    m = METRICS.get("mecha_acc_legacy")()
    assert m.score_one(make_sample("A"), "ABCD").value == 1.0
    assert m.score_one(make_sample("C"), "答えはBです").value == 0.0


def _rotations(base: str, outcomes: list[int], atype: int = 0, bg: bool = False) -> list:
    out = []
    for rot, ok in enumerate(outcomes):
        gold = "ABCD"[rot]
        answer = gold if ok else "ABCD"[(rot + 1) % 4]
        s = make_sample(gold, sid=f"{base}_rot{rot}", options=OPTS, answer_type=atype,
                        has_background=bg)  # fmt: skip
        out.append((s, answer))
    return out


def test_mecha_strict_and_circular() -> None:
    pairs = _rotations("q0", [1, 1, 1, 1]) + _rotations("q1", [1, 0, 1, 1], atype=1, bg=True)
    samples = [s for s, _ in pairs]
    acc, circ = METRICS.get("mecha_acc")(), METRICS.get("mecha_circular_acc")()
    acc_sum = acc.aggregate(samples, [acc.score_one(s, o) for s, o in pairs])
    assert acc_sum.value == pytest.approx(87.5)
    groups = acc_sum.extra["groups"]
    assert groups["Factoid"]["value"] == 100.0 and groups["Non-Factoid"]["value"] == 75.0
    assert groups["with_background"]["n"] == 4 and groups["rot_1"]["value"] == 50.0
    assert groups["rot_1/Non-Factoid"]["value"] == 0.0
    circ_sum = circ.aggregate(samples, [circ.score_one(s, o) for s, o in pairs])
    assert circ_sum.value == pytest.approx(50.0) and circ_sum.n == 2
    assert circ_sum.extra["incomplete"] == 0


def test_mecha_circular_missing_rotation_excluded() -> None:
    pairs = _rotations("q0", [1, 1, 1, 1]) + _rotations("q1", [1, 1, 1])
    circ = METRICS.get("mecha_circular_acc")()
    summary = circ.aggregate([s for s, _ in pairs], [circ.score_one(s, o) for s, o in pairs])
    assert summary.value == 100.0 and summary.n == 1 and summary.extra["incomplete"] == 1


def test_mecha_strict_unparsed_counted() -> None:
    acc = METRICS.get("mecha_acc")()
    samples = [make_sample("B", sid=f"{i}_rot0", options=OPTS) for i in range(3)]
    scores = [acc.score_one(s, o) for s, o in zip(samples, ["ABCD", "B", "東京と大阪"],
                                                          strict=True)]  # fmt: skip
    summary = acc.aggregate(samples, scores)
    assert summary.value == pytest.approx(100 / 3)
    assert (summary.extra["unparsed"], summary.extra["ambiguous"]) == (1, 1)
    shares = (summary.extra["unparsed_share"], summary.extra["ambiguous_share"])
    assert shares == (pytest.approx(1 / 3), pytest.approx(1 / 3))
    assert summary.extra["reasons"] == {"ambiguous_text": 1, "bare": 1, "unparsed": 1}
    assert acc.score_one(make_sample("B"), "B").reason == "no_options"


def test_cvqa_vectors() -> None:
    legacy, strict = METRICS.get("cvqa_acc_legacy")(), METRICS.get("cvqa_acc")()
    s = make_sample("A", options=OPTS)
    assert legacy.score_one(s, "I think the answer is C").value == 1.0
    assert strict.score_one(s, "I think the answer is C").value == 0.0
    assert strict.score_one(make_sample("B", options=OPTS), "b").value == 1.0


JIC = [("桜", "これは桜です。", 1, 1), ("桜", "桜か梅か菊のどれかです。", 1, 0),
       ("梅", "紅梅です。", 1, 0), ("紅梅", "紅梅です。", 1, 1)]  # fmt: skip
LABELS = ["桜", "梅", "紅梅", "菊"]


@pytest.mark.parametrize(("gold", "out", "legacy", "strict"), JIC)
def test_jic_vectors(gold: str, out: str, legacy: int, strict: int) -> None:
    assert jic_strict(gold, out, LABELS) == bool(strict)
    s = make_sample(gold, domain="jaflower30", category_set=LABELS)
    assert METRICS.get("jic_acc_legacy")().score_one(s, out).value == legacy
    assert METRICS.get("jic_acc")().score_one(s, out).value == strict


def test_jic_nested_labels() -> None:
    assert mentioned_labels("紅梅と梅", LABELS) == {"紅梅", "梅"}
    assert mentioned_labels("紅梅です", LABELS) == {"紅梅"}


def test_jic_macro_average() -> None:
    rows = [("jaflower30", "桜", "桜"), ("jaflower30", "桜", "桜"), ("jaflower30", "桜", "梅"),
            ("jafood101", "寿司", "ラーメン")]  # fmt: skip
    samples = [make_sample(g, sid=str(i), domain=d, category_set=["桜", "梅", "寿司", "ラーメン"])
               for i, (d, g, _) in enumerate(rows)]  # fmt: skip
    for metric in ("jic_acc_legacy", "jic_acc"):
        scorer = METRICS.get(metric)()
        scores = [scorer.score_one(s, o) for s, (_, _, o) in zip(samples, rows, strict=True)]
        summary = scorer.aggregate(samples, scores)
        assert summary.value == pytest.approx(100 / 3, abs=1e-2)
        assert summary.extra["micro"] == pytest.approx(50.0)
        assert summary.extra["domains"]["jaflower30"]["value"] == pytest.approx(200 / 3)


def test_jic_domain_none_reported_apart() -> None:
    scorer = METRICS.get("jic_acc_legacy")()
    samples = [make_sample("桜", sid="0", domain="jaflower30"), make_sample("桜", sid="1"),
               make_sample("梅", sid="2", domain="none")]  # fmt: skip
    summary = scorer.aggregate(samples, [scorer.score_one(s, "桜") for s in samples])
    assert summary.value == 100.0 and summary.extra["domain_none"] == {"value": 50.0, "n": 2}
    assert list(summary.extra["domains"]) == ["jaflower30"]
    assert METRICS.get("jic_acc")().score_one(samples[0], "桜").reason == "no_category_set"
