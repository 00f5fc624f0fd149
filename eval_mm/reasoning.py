"""Reasoning ("thinking") outputs: the final answer apart from the `<think>` reasoning.

Two rules (spec tasks-2026.md §1):

- `strict` (ours, used by every strict metric and the judge): the answer is the text after
  the last `</think>`; an output whose last `<think>` is not closed has no final answer.
- `legacy` (the reference's `strip_reasoning` of 2026-04-18, reproduced bug for bug for the
  `_legacy` metrics that apply it): closed blocks are deleted, an unclosed `<think>` keeps the
  reasoning after it as the answer, a `</think>` without an opening tag is left alone.

Each scorer names its rule (`Scorer.reasoning_rule()`: its `reasoning`, or "raw" for the
metrics that reproduce scorers stripping nothing), which is part of its fingerprint;
`score_outputs` prepares the scorer's input in the scoring phase.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, replace

from eval_mm.core.aggregate import MetricSummary
from eval_mm.core.sample import Sample
from eval_mm.core.scoring import Score, ScoreContext, Scorer

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


def opens_think(prompt_text: str) -> bool:
    """The prompt ends inside an open `<think>` block (Qwen3 Thinking templates end with
    one): the output then continues the block without an opening tag."""
    return prompt_text.rstrip().lower().endswith(_OPEN)


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


# ---------------------------------------------------------------- applying a rule in scoring

NO_FINAL_ANSWER = "no_final_answer"
_TAG = re.compile(r"</?think>", re.IGNORECASE)


def has_reasoning_tag(text: str | None) -> bool:
    return bool(text) and _TAG.search(text or "") is not None


@dataclass(frozen=True)
class ScorerInput:
    """What a metric scores, and what the rule took away."""

    text: str
    no_final_answer: bool = False
    reasoning_chars: int = 0


def scorer_input(rule: str, output: str, prompt_opened: bool = False) -> ScorerInput:
    """The text handed to a metric under `rule`.

    Outputs without any think tag pass through unchanged under "strict" (trimming is the
    metric's business), so tag-free scores and cached judge requests stay as they were. An
    output with no final answer becomes the metric's empty prediction, flagged.

    `prompt_opened`: the prompt ended inside a `<think>` block, so the output continues it
    without an opening tag; the strict rule reads it as if the tag were there (a cut output
    with no `</think>` has no final answer). "legacy" and "raw" read the output as generated,
    which is what the reference's scorers saw."""
    if rule == "raw":
        return ScorerInput(output)
    if rule == "legacy":
        return ScorerInput(strip_reasoning_legacy(output) or "")
    if prompt_opened:
        output = _OPEN + output
    elif not has_reasoning_tag(output):
        return ScorerInput(output)
    split = split_reasoning(output)
    if split.answer is None:
        return ScorerInput("", True, len(split.reasoning))
    return ScorerInput(split.answer, False, len(split.reasoning))


def _marked(score: Score, inp: ScorerInput) -> Score:
    if not (inp.no_final_answer or inp.reasoning_chars):
        return score
    details = {**score.details, "reasoning_chars": inp.reasoning_chars}
    if inp.no_final_answer:
        details[NO_FINAL_ANSWER] = True
    return Score(score.value, score.reason, details)


def score_outputs(
    scorer: Scorer,
    samples: Sequence[Sample],
    outputs: Sequence[str],
    ctx: ScoreContext,
    prompt_opened: Sequence[bool] | None = None,
) -> list[Score]:
    """`scorer.score` on the outputs as its reasoning rule prepares them; items without a
    final answer are marked `details["no_final_answer"]`. `prompt_opened[i]`: output i
    continues a `<think>` block its prompt opened (the prediction record says so)."""
    rule = scorer.reasoning_rule()
    opened = list(prompt_opened) if prompt_opened is not None else [False] * len(outputs)
    inputs = [scorer_input(rule, o, p) for o, p in zip(outputs, opened, strict=True)]
    scores = scorer.score(samples, [i.text for i in inputs], ctx)
    return [_marked(s, i) for s, i in zip(scores, inputs, strict=True)]


def with_reasoning_counts(summary: MetricSummary, scores: Sequence[Score]) -> MetricSummary:
    """The summary with the number of items that had no final answer (kept apart from
    ordinary empty answers)."""
    n = sum(1 for s in scores if s.details.get(NO_FINAL_ANSWER))
    return replace(summary, extra={**summary.extra, NO_FINAL_ANSWER: n})
