"""Small helpers shared by the built-in scorers."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from typing import Any

from eval_mm.core.sample import Sample
from eval_mm.core.scoring import Score

NO_REFERENCE = "no_reference"


def golds_of(sample: Sample) -> list[str] | None:
    """The sample's gold strings, or None when it has none (the scorer then returns unscored).

    An empty *string* is a valid gold (ANLS scores empty vs empty as 1.0); an empty *list* is not.
    """
    refs = [r for r in sample.references if r is not None]
    return [str(r) for r in refs] if refs else None


def no_reference() -> Score:
    return Score.unscored(NO_REFERENCE)


def count_detail(scores: Sequence[Score], key: str, value: Any = True) -> int:
    """How many scored items carry `details[key] == value`."""
    return sum(1 for s in scores if s.value is not None and s.details.get(key) == value)


def reason_counts(scores: Sequence[Score], key: str = "reason") -> dict[str, int]:
    """Counts of `details[key]` over scored items (e.g. extraction reason codes)."""
    c: Counter[str] = Counter()
    for s in scores:
        if s.value is not None and key in s.details:
            c[str(s.details[key])] += 1
    return dict(sorted(c.items()))


NOT_APPLICABLE = "not_applicable"


def not_applicable() -> Score:
    """An item outside the metric's scope (e.g. open-ended items for a closed-type accuracy).

    Scorers move these out of the unscored counts into `extra["not_applicable"]`."""
    return Score.unscored(NOT_APPLICABLE)


def options_of(sample: Sample) -> list[str] | None:
    """`metadata["options"]` as a list of strings (a Python-literal string is parsed safely)."""
    opts = sample.metadata.get("options")
    if isinstance(opts, str):
        import ast

        try:
            opts = ast.literal_eval(opts)
        except (ValueError, SyntaxError):
            return None
    if not isinstance(opts, (list, tuple)) or not opts or len(opts) > 26:
        return None
    return [str(o) for o in opts]


def mc_strict_score(sample: Sample, output: str) -> Score:
    """1/0 by the strict extractor against the gold letter(s); unparsed = 0 with its reason.

    Reads `metadata["options"]`; missing options -> unscored `no_options`."""
    from eval_mm.metrics.choice import extract_strict

    golds = golds_of(sample)
    if golds is None:
        return no_reference()
    options = options_of(sample)
    if options is None:
        return Score.unscored("no_options")
    ext = extract_strict(output, options)
    ok = ext.letter is not None and ext.letter in golds
    return Score(1.0 if ok else 0.0, details={"parsed": ext.letter, "reason": ext.reason})


UNPARSED_REASONS = frozenset({"unparsed", "no_answer"})


def parse_stats(scores: Sequence[Score]) -> dict[str, Any]:
    """What a strict metric could not read, over its scored items: `unparsed` (no answer found
    or a refusal) and `ambiguous` (several answers, none chosen), as counts and shares."""
    scored = [s for s in scores if s.value is not None]
    unparsed = sum(1 for s in scored if s.details.get("reason") in UNPARSED_REASONS)
    ambiguous = sum(1 for s in scored if str(s.details.get("reason", "")).startswith("ambiguous"))
    n = len(scored)
    return {
        "unparsed": unparsed,
        "ambiguous": ambiguous,
        "unparsed_share": unparsed / n if n else None,
        "ambiguous_share": ambiguous / n if n else None,
    }
