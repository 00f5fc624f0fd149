"""The two `<think>` rules against the vectors of tasks-2026.md §1.3."""

from __future__ import annotations

import pytest

from eval_mm.reasoning import split_reasoning, strip_reasoning_legacy, with_api_reasoning

NO_ANSWER = None
VECTORS = [
    ("B", "B", "B"),
    ("<think>reasoning A</think>\n\nB", "B", "B"),
    ("<THINK>x</THINK>y", "y", "y"),
    ("<think>abc", "abc", NO_ANSWER),
    ("answer <think> unfinished reasoning", "unfinished reasoning", NO_ANSWER),
    ("reasoning text only</think>\n\nB", "reasoning text only</think>\n\nB", "B"),
    ("<think>a</think>mid<think>b</think>end", "midend", "end"),
    ("<think>a</think>x<think>open", "open", NO_ANSWER),
    ("<think>a<think>b</think>c</think>d", "c</think>d", "d"),
    ("x</think>y<think>z", "z", NO_ANSWER),
]


@pytest.mark.parametrize(("output", "legacy", "strict"), VECTORS)
def test_spec_vectors(output: str, legacy: str, strict: str | None) -> None:
    assert strip_reasoning_legacy(output) == legacy
    split = split_reasoning(output)
    assert split.answer == strict
    assert split.has_answer is (strict is not None)


def test_reasoning_kept_apart() -> None:
    split = split_reasoning("<think> step 1\nstep 2 </think>\n答えは B")
    assert split.reasoning == "<think> step 1\nstep 2"
    assert split.answer == "答えは B"
    assert split_reasoning("<think>cut off").reasoning == "<think>cut off"


def test_empty_outputs_are_answers_not_missing() -> None:
    assert split_reasoning("").answer == ""
    assert split_reasoning(None).answer == ""
    assert strip_reasoning_legacy("") == ""
    assert strip_reasoning_legacy(None) is None
    assert strip_reasoning_legacy("  x  ") == "x"


def test_api_reasoning_field() -> None:
    split = with_api_reasoning("B", "the options are ...")
    assert (split.answer, split.reasoning) == ("B", "the options are ...")
    assert with_api_reasoning("<think>x", None).answer is None
