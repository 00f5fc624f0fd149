"""Reasoning ("thinking") outputs: the final answer apart from the `<think>` reasoning.

Two rules (spec tasks-2026.md §1):

- `strict` (ours, used by every strict metric and the judge): the answer is the text after
  the last `</think>`; an output whose last `<think>` is not closed has no final answer.
- `legacy` (the reference's `strip_reasoning` of 2026-04-18, reproduced bug for bug for the
  `_legacy` metrics that apply it): closed blocks are deleted, an unclosed `<think>` keeps the
  reasoning after it as the answer, a `</think>` without an opening tag is left alone.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_OPEN = "<think>"
_CLOSE = "</think>"
_BLOCK = re.compile(r"<think>.*?</think>", re.IGNORECASE | re.DOTALL)
_OPEN_RE = re.compile(re.escape(_OPEN), re.IGNORECASE)


@dataclass(frozen=True)
class SplitOutput:
    """An output split into reasoning and final answer.

    `answer` is None when the output has no final answer (an unclosed `<think>`, typically a
    thinking model cut by the token limit)."""

    answer: str | None
    reasoning: str

    @property
    def has_answer(self) -> bool:
        return self.answer is not None


def split_reasoning(text: str | None) -> SplitOutput:
    """The strict rule: the answer follows the last `</think>`; an open `<think>` after it
    means no final answer. Tags match case-insensitively."""
    if not text:
        return SplitOutput(text or "", "")
    low = text.lower()
    o, c = low.rfind(_OPEN), low.rfind(_CLOSE)
    if o > c:
        return SplitOutput(None, text.strip())
    if c >= 0:
        return SplitOutput(text[c + len(_CLOSE) :].strip(), text[:c].strip())
    return SplitOutput(text.strip(), "")


def strip_reasoning_legacy(text: str | None) -> str | None:
    """The reference's rule, quirks included (spec §1.1 steps 1-4)."""
    if not text:
        return text
    out = _BLOCK.sub("", text)
    m = _OPEN_RE.search(out)
    if m:
        out = out[m.end() :]
        if _OPEN_RE.search(out):
            return ""
    return out.strip()


def with_api_reasoning(content: str | None, reasoning_content: str | None) -> SplitOutput:
    """An API reply whose reasoning arrives in its own field (`reasoning_content`, vLLM's and
    DeepSeek's name; `reasoning` in some servers): the content may still carry tags."""
    split = split_reasoning(content)
    if not reasoning_content:
        return split
    reasoning = "\n".join(p for p in (reasoning_content.strip(), split.reasoning) if p)
    return SplitOutput(split.answer, reasoning)
