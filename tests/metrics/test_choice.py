"""Multiple-choice extraction vectors (spec metrics.md §7.3), both variants, and invariants.

The legacy, MECHA-legacy and CVQA-legacy columns are the spec's verified values. The strict
column follows `mc_extract_ja@2` (docs/metrics.md); it differs from the spec's @1 column in
three rows, marked "@2".
"""

from __future__ import annotations

import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from eval_mm.metrics.choice import REASONS, extract_legacy, extract_strict
from eval_mm.metrics.exact import contains, cvqa_contains

OPTIONS = ["東京", "大阪", "京都", "奈良"]

# response, legacy parser, strict letter, strict reason, MECHA legacy (gold B), CVQA legacy (gold B)
TABLE = [
    ("B", "B", "B", "bare", 1, 1),
    ("Ｂ", None, "B", "bare", 0, 0),
    ("b", None, "B", "bare", 0, 1),
    ("答えはBです", "B", "B", "marker", 1, 1),
    ("Bです", None, "B", "standalone", 1, 1),
    ("B:大阪", None, "B", "standalone", 1, 1),
    ("**B**", None, "B", "bare", 1, 1),
    ("「B」", None, "B", "bare", 1, 1),
    ("答え：B", "B", "B", "marker", 1, 1),
    ("答えは大阪です。", None, "B", "option_text", 0, 0),
    ("(B) 大阪", "B", "B", "standalone", 1, 1),
    ("選択肢B", "B", "B", "standalone", 1, 1),  # @2: a label word, not an answer statement
    ("正解はB", "B", "B", "marker", 1, 1),
    ("ABCD", "D", None, "unparsed", 1, 1),
    ("A, B, C, or D", "D", None, "ambiguous_letters", 1, 1),
    ("Answer: B", "B", "B", "marker", 1, 1),
    ("②", None, "B", "bare", 0, 0),
    ("AではなくBが正解です", "B", "B", "marker", 1, 1),
    ("答えはAではなくBです", "A", "B", "marker", 1, 1),  # @2: the contrast's positive side
    ("B。", "B", "B", "bare", 1, 1),
    ("I think the answer is (B).", "B", "B", "marker", 1, 1),
    ("（Ｂ）", None, "B", "bare", 0, 0),
    ("最も適切なのはBの大阪です。", "B", "B", "marker", 1, 1),  # @2: 「…なのは」 states it
    ("大阪", None, "B", "option_text", 0, 0),
    ("東京と大阪", None, None, "ambiguous_text", 0, 0),
    ("選択肢 B と C で迷いましたが、答えは C です。", "C", "C", "marker", 1, 1),
    ("", None, None, "unparsed", 0, 0),
]


@pytest.mark.parametrize(("resp", "legacy", "letter", "reason", "mecha", "cvqa"), TABLE)
def test_extraction_table(
    resp: str, legacy: str | None, letter: str | None, reason: str, mecha: int, cvqa: int
) -> None:
    assert extract_legacy(resp, OPTIONS) == legacy
    got = extract_strict(resp, OPTIONS)
    assert (got.letter, got.reason) == (letter, reason)
    assert int(contains("B", resp)) == mecha
    assert int(cvqa_contains("B", resp)) == cvqa


def test_answer_b_counts_for_gold_a_in_mecha_legacy() -> None:
    assert contains("A", "Answer: B")


def test_strict_extra_vectors() -> None:
    opts = ["東京", "東京都", "京都", "奈良"]
    assert extract_strict("東京都です", opts) == extract_strict("東京都です", opts)
    got = extract_strict("東京都です", opts)
    assert (got.letter, got.reason) == ("B", "option_text")
    assert extract_legacy("東京都です", opts) is None
    nine = [f"選択肢{i}" for i in range(9)]
    assert (extract_strict("I", nine).letter, extract_strict("I", nine).reason) == ("I", "bare")
    got = extract_strict("I think it is B", nine)
    assert (got.letter, got.reason) == ("B", "standalone")


def test_strict_more_forms() -> None:
    assert extract_strict("正解は「C」", OPTIONS).letter == "C"
    assert extract_strict("Bが正解", OPTIONS).letter == "B"
    assert extract_strict("`B`", OPTIONS).letter == "B"
    # An out-of-range letter is never returned: E is not an option of four.
    assert extract_strict("答えはEです", OPTIONS).letter is None
    # Circled number beyond the options is left to NFKC (a digit), so no letter.
    assert extract_strict("⑤", OPTIONS).letter is None


def test_legacy_content_mode_and_random_fallback() -> None:
    opts = ["red apple", "green pear", "blue sky", "black cat"]
    resp = "I am quite sure that it shows a blue sky today"
    assert extract_legacy(resp, opts) == "C"
    both = "it is a red apple or maybe a blue sky today"
    assert extract_legacy(both, opts) == "C"  # last occurrence wins in content mode
    assert extract_legacy("わかりません", opts) is None
    a = extract_legacy("わかりません", opts, random.Random(0))
    assert a == extract_legacy("わかりません", opts, random.Random(0))
    assert a is not None and a in "ABCD"


responses = st.text(
    alphabet=st.sampled_from(list("ABCDEFabcd 「」()答えは正解です東京大阪①②Ｂ.:*I")), max_size=20
)


@settings(deadline=None)
@given(responses, st.integers(min_value=1, max_value=9))
def test_never_outside_options(resp: str, n: int) -> None:
    opts = ["東京", "大阪", "京都", "奈良", "名古屋", "札幌", "福岡", "仙台", "神戸"][:n]
    letters = "ABCDEFGHI"[:n]
    got = extract_strict(resp, opts)
    assert got.reason in REASONS
    assert got.letter is None or got.letter in letters
    assert (got.letter is None) == (got.ambiguous or got.reason == "unparsed")
    legacy = extract_legacy(resp, opts)
    assert legacy is None or legacy in letters
    guessed = extract_legacy(resp, opts, random.Random(1))
    assert guessed is not None and guessed in letters


@settings(deadline=None)
@given(st.integers(min_value=0, max_value=3))
def test_bare_letter_always_extracted(i: int) -> None:
    letter = "ABCD"[i]
    for form in (letter, f"({letter})", f"「{letter}」", f"**{letter}**", f"答え：{letter}"):
        assert extract_strict(form, OPTIONS).letter == letter
