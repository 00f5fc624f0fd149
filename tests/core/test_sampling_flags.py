"""`eval-mm run`'s sampling flags as the generation overrides they become: what implies
sampling, and which combinations are refused (the messages: tests/errors/cases.py)."""

from __future__ import annotations

from typing import Any

import pytest

from eval_mm.cli.main import build_parser
from eval_mm.cli.run import _sampling, check_sampling
from eval_mm.errors import UserError


def overrides(*flags: str) -> dict[str, Any]:
    args = build_parser().parse_args(["run", "-m", "oracle", "-t", "word-ocr", *flags])
    check_sampling(args)
    return {k: v for k, v in _sampling(args).items() if v is not None}


@pytest.mark.parametrize(
    ("flags", "want"),
    [
        ((), {"seed": 0}),  # greedy: nothing said, nothing sent
        (("--temperature", "0.7"), {"temperature": 0.7, "do_sample": True}),
        (("--top-p", "0.9"), {"top_p": 0.9, "do_sample": True}),
        (("--do-sample",), {"do_sample": True}),
        (("--no-do-sample",), {"do_sample": False}),
        (("--temperature", "0", "--no-do-sample"), {"temperature": 0.0, "do_sample": False}),
        (("--do-sample", "--temperature", "1.3"), {"temperature": 1.3, "do_sample": True}),
    ],
)
def test_flags_become_overrides(flags: tuple[str, ...], want: dict[str, Any]) -> None:
    assert overrides(*flags) == {"seed": 0, **want}


@pytest.mark.parametrize(
    "flags",
    [
        ("--do-sample", "--temperature", "0"),
        ("--no-do-sample", "--temperature", "0.5"),
        ("--no-do-sample", "--top-p", "0.5"),
        ("--temperature", "0", "--top-p", "0.5"),
    ],
)
def test_contradictions_are_refused(flags: tuple[str, ...]) -> None:
    with pytest.raises(UserError):
        overrides(*flags)
