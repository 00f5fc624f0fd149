"""JDocQA per-answer-type vectors (spec metrics.md §6.3)."""

from __future__ import annotations

import pytest

from eval_mm.metrics.jdocqa import polarity, sentence_bleu
from eval_mm.metrics.normalize import jdocqa_norm
from eval_mm.registries import METRICS
from tests.metrics.helpers import make_sample

ROWS = [
    ("はい", "はい、そうです。", 0, 1.0),
    ("東京", "東京都", 1, 1.0),
    ("７割です", "7割", 2, 1.0),
    ("会議の参加者数は120人です。", "会議の参加者数は120人となっています。", 3, 0.5296),
]


def _run(metric: str, rows: list[tuple[str, str, int, float]]):  # type: ignore[no-untyped-def]
    scorer = METRICS.get(metric)()
    samples = [make_sample(g, sid=str(i), answer_type=t) for i, (g, _, t, _) in enumerate(rows)]
    scores = [scorer.score_one(s, p) for s, (_, p, _, _) in zip(samples, rows, strict=True)]
    return scores, scorer.aggregate(samples, scores)


def test_legacy_vectors_and_overall() -> None:
    scores, summary = _run("jdocqa_acc_legacy", ROWS)
    assert [s.value for s in scores] == pytest.approx([r[3] for r in ROWS], abs=1e-4)
    assert summary.value == pytest.approx(88.24, abs=1e-2)
    assert summary.extra["per_type"]["open-ended_bleu"]["value"] == pytest.approx(52.96, abs=1e-2)
    assert summary.extra["per_type"]["yesno_exact"] == {"value": 100.0, "n": 1}


def test_bleu_and_norm_vectors() -> None:
    assert sentence_bleu("私は猫です。", "私は猫です。") == pytest.approx(1.0)
    assert sentence_bleu("7割", "7割です") == 0.0
    assert jdocqa_norm("７割です。") == "7割"


def test_legacy_lenient_yes_no() -> None:
    scores, _ = _run("jdocqa_acc_legacy", [("はい", "いいえ、はいではありません", 0, 1.0)])
    assert scores[0].value == 1.0


def test_strict_yes_no() -> None:
    rows = [("はい", "いいえ、はいではありません", 0, 0.0), ("はい", "はい、そうです。", 0, 1.0),
            ("はい", "Yes, it is.", 0, 1.0), ("はい", "わかりません", 0, 0.0)]  # fmt: skip
    scores, summary = _run("jdocqa_closed_acc", rows)
    assert [s.value for s in scores] == [r[3] for r in rows]
    assert summary.extra["unparsed"] == 1
    _, legacy = _run("jdocqa_acc_legacy", rows[2:3])
    assert legacy.value == 0.0
    # @2: katakana (and half-width) forms are the same words.
    assert polarity("ｲｲｴ") == "no" and polarity("No.") == "no" and polarity("ｸﾞﾚｰ") is None


def test_closed_and_open_split() -> None:
    _, closed = _run("jdocqa_closed_acc", ROWS)
    assert closed.value == 100.0 and closed.n == 3
    assert closed.unscored == 0 and closed.extra["not_applicable"] == 1
    _, open_ = _run("jdocqa_open_bleu", ROWS)
    assert open_.value == pytest.approx(52.96, abs=1e-2) and open_.n == 1


def test_missing_answer_type_unscored() -> None:
    sc = METRICS.get("jdocqa_acc_legacy")().score_one(make_sample("x"), "x")
    assert sc.value is None and sc.reason == "no_answer_type"
