"""VQA accuracy with the official normalisation, English ANLS, ChartQA relaxed accuracy and
the ChartQAPro metric: every vector of spec tasks-2026.md §6.2-§6.4."""

from __future__ import annotations

import pytest

from eval_mm.metrics.anls import anls_item
from eval_mm.metrics.chart import chartqapro_score, relaxed_correct
from eval_mm.metrics.vqa import CONTRACTIONS, vqa_accuracy, vqa_norm
from tests.metrics.helpers import make_sample, score

NORM = [
    ("Two", "2"), ("The Cat.", "cat"), ("dont", "don't"), ("3.5", "3.5"), ("a dog", "dog"),
    ("yes!", "yes"), ("red-blue", "red blue"), ("1,000", "1000"), ("man's hat", "man 's hat"),
    ("Hello, World?", "hello world"), ("none", "0"), ("10 dollars.", "10 dollars"), ("(a)", ""),
    ("twenty", "twenty"), ("U.S.A.", "usa"), ("e-mail", "e mail"), ("oclock", "o'clock"),
]  # fmt: skip


@pytest.mark.parametrize(("text", "expected"), NORM)
def test_vqa_norm(text: str, expected: str) -> None:
    assert vqa_norm(text) == expected


def test_vqa_norm_quirks() -> None:
    # Keys with capitals can never match after lower-casing; "somebody'd" maps the wrong way.
    assert CONTRACTIONS["Im"] == "I'm" and vqa_norm("Im") == "Im".lower()
    assert vqa_norm("somebody'd") == "somebodyd"
    # At most 32 periods are deleted (re.UNICODE passed as the count in the original).
    assert vqa_norm("." * 40 + "x") == "." * 8 + "x"
    # A mark next to a space is deleted, else replaced by a space (tested on the step input).
    assert vqa_norm("a/b") == "b" and vqa_norm("x / y") == "x y"


ACC = [
    ("two", ["2"] * 10, 1.0),
    ("2", ["2"] * 3 + ["3"] * 7, 0.9),
    ("2", ["2"] * 2 + ["3"] * 8, 0.6),
    ("2", ["2"] + ["3"] * 9, 0.3),
    ("the red car", ["red car"] * 3 + ["red"] * 7, 0.9),
    ("Red", ["red", "red", "Red."] + ["blue"] * 7, 0.9),
    ("It is a dog", ["dog"] * 10, 0.0),
    ("none", ["0"] * 3 + ["zero"] * 7, 1.0),
    ("dog", ["dog"] * 3 + ["dogs"] * 2, 0.8),
]


@pytest.mark.parametrize(("pred", "golds", "expected"), ACC)
def test_vqa_acc(pred: str, golds: list[str], expected: float) -> None:
    assert vqa_accuracy(golds, pred) == pytest.approx(expected)
    assert score("vqa_acc", make_sample(golds), pred).value == pytest.approx(expected)


def test_vqa_acc_steps_and_empty() -> None:
    assert [vqa_accuracy(["a1"] * k + ["b"] * (10 - k), "a1") for k in (0, 4, 7)] == [0, 1, 1]
    assert score("vqa_acc", make_sample([]), "x").reason == "no_reference"


ANLS_EN = [
    ("Paris", ["paris"], 1.0), ("Pariss", ["Paris"], 0.8333), ("1,000", ["1000"], 0.8),
    ("abc", ["xyz"], 0.0), ("the  office", ["The Office"], 1.0), ("", ["x"], 0.0),
    ("$1.2 million", ["1.2 million", "$1.2 million"], 1.0),
    ("June 5, 2020", ["5 June 2020"], 0.5833), ("New York City", ["New York"], 0.6154),
]  # fmt: skip


@pytest.mark.parametrize(("pred", "golds", "expected"), ANLS_EN)
def test_english_anls(pred: str, golds: list[str], expected: float) -> None:
    assert anls_item(golds, pred)[0] == pytest.approx(expected, abs=1e-4)
    assert score("anls", make_sample(golds), pred).value == pytest.approx(expected, abs=1e-4)


RELAXED = [
    ("105", "100", 1), ("106", "100", 0), ("95.0", "100", 1), ("94", "100", 0),
    ("12%", "0.12", 1), ("12", "12%", 0), ("0", "0", 1), ("0.0", "0", 0), ("Yes", "yes", 1),
    ("yes.", "Yes", 0), ("1,000", "1000", 0), ("inf", "5", 0), ("-3", "3", 0),
]  # fmt: skip


@pytest.mark.parametrize(("pred", "gold", "expected"), RELAXED)
def test_relaxed_acc(pred: str, gold: str, expected: int) -> None:
    assert relaxed_correct(pred, gold) is bool(expected)
    assert score("relaxed_acc", make_sample(gold), pred).value == expected


def test_relaxed_acc_trims_and_reads_python_floats() -> None:
    assert relaxed_correct(" Yes ", "yes") and relaxed_correct("1e2", "100")
    assert not relaxed_correct("nan", "nan")  # a NaN gold never compares within 5 %


PRO = [
    ("2016", "Factoid", ["YES"], "2016.", 1.0), ("2016", "Factoid", ["YES"], "2017", 0.0),
    ("45", "Factoid", ["NO"], "44", 1.0), ("45%", "Factoid", ["NO"], "45", 1.0),
    ("Japan", "Factoid", ["NO"], "japan", 1.0),
    ("United States", "Factoid", ["NO"], "United State", 0.9231),
    ("b", "Multi Choice", ["NO"], "a", 0.0), ("True", "Fact Checking", ["NO"], "Tru", 0.75),
    ("[2010, 2015]", "Factoid", ["YES"], "[2010, 2016]", 0.5),
    ("[apple, banana]", "Factoid", ["NO"], "['apple', 'banana', 'cherry']", 0.6667),
    ("20", "Conversational", ["NO", "NO"], "20", 1.0), ("0", "Factoid", ["NO"], "0.0", 1.0),
]  # fmt: skip


@pytest.mark.parametrize(("gold", "qtype", "flags", "pred", "expected"), PRO)
def test_chartqapro_acc(
    gold: str, qtype: str, flags: list[str], pred: str, expected: float
) -> None:
    assert chartqapro_score(gold, pred, flags, qtype) == pytest.approx(expected, abs=1e-4)
    sample = make_sample([gold], answer_last=gold, year_flags=flags, question_type=qtype)
    assert score("chartqapro_acc", sample, pred).value == pytest.approx(expected, abs=1e-4)


def test_chartqapro_reads_the_last_flag_of_a_conversation_and_survives_odd_input() -> None:
    # Conversational: only the last flag counts ("YES" asks for an exact match).
    assert chartqapro_score("2019", "2019.5", ["YES", "NO"], "Conversational") == 1.0
    assert chartqapro_score("2019", "2019.5", ["NO", "YES"], "Conversational") == 0.0
    # No flag at all (the authors' script would crash) reads as "NO"; junk is not a list.
    assert chartqapro_score("45", "45", [], "Factoid") == 1.0
    assert chartqapro_score("45", "[[[[", ["NO"], "Factoid") == 0.0
