"""MMMU parsing (legacy, official, strict), AI2D letters and the legacy substring scorer:
every vector of spec tasks-2026.md §6.1, §6.5 and §6.6, through the registered scorers."""

from __future__ import annotations

import random

import pytest

from eval_mm.metrics.choice import extract_legacy
from eval_mm.metrics.mmmu import (
    DOMAINS,
    extract_numbers,
    parse_mc_official,
    parse_open_legacy,
    parse_open_official,
)
from eval_mm.metrics.open_answer import eval_open
from eval_mm.registries import METRICS
from tests.metrics.helpers import make_sample, score

OPTIONS = ["cat", "dog", "bird", "fish"]
MC = [  # response, legacy, official (random fallback off)
    ("B", "B", "B"), ("(B)", "B", "B"), ("The answer is B.", "B", "B"), ("C.", "C", "C"),
    ("B. dog", "B", None), ("Answer: (C) bird", "C", "C"), ("I choose A and then B", "B", "B"),
    ("A or (B)", "B", "B"), ("The correct option here is clearly the dog one", "B", "B"),
    ("dog", None, None), ("b", None, None), ("**B**", None, None), ("B: dog", None, None),
]  # fmt: skip


@pytest.mark.parametrize(("response", "legacy", "official"), MC)
def test_mmmu_mc(response: str, legacy: str | None, official: str | None) -> None:
    assert extract_legacy(response, OPTIONS) == legacy
    assert parse_mc_official(response, OPTIONS) == official
    sample = make_sample(["B"], sid="validation_Art_1", question_type="multiple-choice",
                         options=OPTIONS)  # fmt: skip
    assert score("mmmu_acc_legacy", sample, response).value == float(legacy == "B")


OPEN = [  # response, gold, legacy, official
    ("The answer is 3.5", "3.5", 0, 1), ("The answer is 0.25", "0.25", 0, 1),
    ("So the value is 2.50 m", "2.5", 0, 1), ("Thus, the result is 1,200.", "1200", 1, 1),
    ("x = 7", "7", 1, 1), ("It is blue", "blue", 1, 1),
    ("The final answer is 12. The speed is 4", "12", 1, 0), ("A", "a", 1, 1),
]  # fmt: skip


@pytest.mark.parametrize(("response", "gold", "legacy", "official"), OPEN)
def test_mmmu_open(response: str, gold: str, legacy: int, official: int) -> None:
    assert eval_open(gold, parse_open_legacy(response)) is bool(legacy)
    assert eval_open(gold, parse_open_official(response)) is bool(official)
    sample = make_sample([gold], sid="validation_Math_1", question_type="open")
    assert score("mmmu_acc_legacy", sample, response).value == legacy
    assert score("mmmu_acc", sample, response).value == official  # strict reads decimals
    assert score("mmmu_acc_official", sample, response).value == official


def test_mmmu_legacy_reads_3_5_as_3() -> None:
    assert 3.0 in parse_open_legacy("The answer is 3.5")
    assert extract_numbers("12個 and 7") == ["7"]  # no Japanese counters, word boundary


def test_mmmu_strict_mc_uses_the_japanese_aware_extractor() -> None:
    sample = make_sample(["B"], sid="validation_Art_1", question_type="multiple-choice",
                         options=OPTIONS)  # fmt: skip
    for response in ("**B**", "b", "B: dog"):  # unparsed by both reference parsers
        assert score("mmmu_acc", sample, response).value == 1.0
    assert score("mmmu_acc", sample, "").details["reason"] == "unparsed"


def test_mmmu_official_random_letter_is_seeded_in_scoring_order() -> None:
    samples = [make_sample(["A"], sid=f"validation_Art_{i}", question_type="multiple-choice",
                           options=OPTIONS) for i in range(6)]  # fmt: skip
    scorer = METRICS.get("mmmu_acc_official")()
    picks = [scorer.score_one(s, "no idea").details["parsed"] for s in samples]
    rng = random.Random(42)
    assert picks == [rng.choice("ABCD") for _ in samples]
    summary = scorer.aggregate(samples, [scorer.score_one(s, "A") for s in samples])
    assert summary.extra["random_picks"] == 0 and summary.value == 100.0


def test_mmmu_aggregation_by_subject_and_domain() -> None:
    assert sum(len(v) for v in DOMAINS.values()) == 30
    subjects = ["Art", "Art", "Math", "Physics"]
    samples = [make_sample(["A"], sid=f"validation_{s}_{i}", question_type="multiple-choice",
                           options=OPTIONS) for i, s in enumerate(subjects)]  # fmt: skip
    scorer = METRICS.get("mmmu_acc")()
    scores = [scorer.score_one(s, o) for s, o in zip(samples, ["A", "B", "A", "A"], strict=True)]
    out = scorer.aggregate(samples, scores)
    assert out.value == 75.0 and out.extra["subjects"]["Art"] == {"value": 50.0, "n": 2}
    assert out.extra["domains"] == {
        "Art and Design": {"value": 50.0, "n": 2},
        "Science": {"value": 100.0, "n": 2},
    }


SUBSTRING = [
    (["1,000"], "The total is 1000", 0), (["three"], "3 apples", 1), (["3"], "three", 1),
    (["cat"], "concatenate", 1), (["Yes"], "yes.", 1), (["no"], "I do not know", 1),
    (["2"], "The year 2020", 1), (["one hundred"], "100", 0), (["22"], "twenty two", 0),
    (["TWENTY"], "20", 1),
]  # fmt: skip


@pytest.mark.parametrize(("golds", "pred", "expected"), SUBSTRING)
def test_substring_acc_legacy(golds: list[str], pred: str, expected: int) -> None:
    assert score("substring_acc_legacy", make_sample(golds), pred).value == expected


def test_substring_acc_legacy_strips_think_as_the_reference() -> None:
    sample = make_sample(["paris"])
    assert score("substring_acc_legacy", sample, "<think>maybe paris</think>London").value == 0
    assert score("substring_acc_legacy", sample, "<think>unfinished paris").value == 1  # quirk


AI2D = [("B", "B"), ("b.", "B"), ("B. D", "B"), ("(B)", "B"), ("The answer is B", "B"),
        ("Option B", "B"), ("I think b", "B"), ("**B**", "B"), ("Because of the sun", "B"),
        ("a dog", "A"), ("Cannot tell", "C"), ("<think>hmm A</think>\n\nC", "C"),
        ("D) lungs", "D"), ("E", None), ("", None)]  # fmt: skip


@pytest.mark.parametrize(("output", "letter"), AI2D)
def test_ai2d_legacy(output: str, letter: str | None) -> None:
    sample = make_sample(["B"], options=["sun", "leaf", "root", "seed"])
    got = score("ai2d_acc_legacy", sample, output)
    assert got.details["parsed"] == letter and got.value == float(letter == "B")


def test_ai2d_strict() -> None:
    sample = make_sample(["B"], options=["sun", "leaf", "root", "seed"])
    assert score("ai2d_acc", sample, "Because of the sun").value == 0.0  # no first-char guess
    assert score("ai2d_acc", sample, "The answer is (B) leaf.").value == 1.0
    assert score("ai2d_acc", sample, "<think>A?</think>B").value == 1.0
