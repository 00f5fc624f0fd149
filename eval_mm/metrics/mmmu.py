"""MMMU (validation) scorers (spec tasks-2026.md §5.1, §6.5).

- `mmmu_acc_legacy` (= snapshot-D "MMMU/Acc"): MC by the reference's shared parser
  (`choice.extract_legacy`, metrics.md §7.1); open answers by the reference's English parser,
  which splits sub-responses on every `.` (so "3.5" is read as 3 and 5).
- `mmmu_acc_official`: the MMMU authors' `eval_utils.py`, a random letter from
  `random.Random(42)` when nothing parses (drawn in scoring order; equal to the authors' run
  only when every item is scored in one pass, e.g. `eval-mm score --rescore`).
- `mmmu_acc` (headline): MC by the strict extractor (`choice.extract_strict`), open answers by
  the authors' parser (decimals read whole); no random fallback, unparsed counted.

The number extraction is MMMU's own (English: no Japanese counters, a word boundary after
plain integers), written here because the JMMMU parser in `open_answer` differs. Metadata
read: `question_type`, `options`, `subject` (else from the id `validation_<Subject>_<n>`).
"""

from __future__ import annotations

import random
import re
from collections.abc import Sequence
from typing import Any, ClassVar

from eval_mm.core.sample import Sample
from eval_mm.core.scoring import Score, Scorer
from eval_mm.metrics.aggregation import group_summary, micro_mean
from eval_mm.metrics.base import options_of, parse_stats
from eval_mm.metrics.choice import extract_legacy, extract_strict, option_letters
from eval_mm.metrics.open_answer import Pred, eval_open, normalize_pred
from eval_mm.registries import register_metric

DOMAINS: dict[str, tuple[str, ...]] = {
    "Art and Design": ("Art", "Art_Theory", "Design", "Music"),
    "Business": ("Accounting", "Economics", "Finance", "Manage", "Marketing"),
    "Science": ("Biology", "Chemistry", "Geography", "Math", "Physics"),
    "Health and Medicine": ("Basic_Medical_Science", "Clinical_Medicine",
                            "Diagnostics_and_Laboratory_Medicine", "Pharmacy", "Public_Health"),
    "Humanities and Social Science": ("History", "Literature", "Sociology", "Psychology"),
    "Tech and Engineering": ("Agriculture", "Architecture_and_Engineering", "Computer_Science",
                             "Electronics", "Energy_and_Power", "Materials",
                             "Mechanical_Engineering"),
}  # fmt: skip
DOMAIN_OF = {s: d for d, subjects in DOMAINS.items() for s in subjects}
SUBJECTS = tuple(sorted(DOMAIN_OF))
OFFICIAL_SEED = 42

INDICATORS = ("could be ", "so ", "is ", "thus ", "therefore ", "final ", "answer ", "result ")
_ASCII_TRIVIAL = frozenset({":", ",", ".", "!", "?", ";", "'"})
_LEGACY_TRIVIAL = _ASCII_TRIVIAL | {"、", "。", "！", "？", "；", "："}
_LEGACY_SPLIT = re.compile(r"[。！？.]\s*|\n")
_OFFICIAL_SPLIT = re.compile(r"\.\s(?=[A-Z])|\n")
_COMMA = re.compile(r"-?\b\d{1,3}(?:,\d{3})+\b")
_SCIENTIFIC = re.compile(r"-?\d+(?:\.\d+)?[eE][+-]?\d+")
_SIMPLE = re.compile(r"-?(?:\d+\.\d+|\.\d+|\d+\b)(?![eE][+-]?\d+)(?![,\d])")
_ID = re.compile(r"^[^_]+_(.+?)_\d+$")


def extract_numbers(text: str) -> list[str]:
    """MMMU's number extraction: comma numbers, scientific, simple, in that order."""
    return [*_COMMA.findall(text), *_SCIENTIFIC.findall(text), *_SIMPLE.findall(text)]


def _key_responses(
    subs: list[str], last_extra: tuple[str, ...], trivial: frozenset[str]
) -> list[str]:
    keys = []
    for i, sub in enumerate(subs):
        indicators = INDICATORS + (last_extra if i == len(subs) - 1 else ())
        shortest: str | None = None
        for ind in indicators:
            if ind in sub:
                tail = sub.split(ind)[-1].strip()
                if not shortest or len(tail) < len(shortest):  # an empty tail is replaced
                    shortest = tail
        if shortest and shortest.strip() not in trivial:
            keys.append(shortest)
    return keys


def _predictions(keys: list[str]) -> list[Pred]:
    raw = list(keys)
    for k in keys:
        raw.extend(extract_numbers(k))
    out: list[Pred] = []
    for r in raw:
        for p in normalize_pred(r):
            if p not in out:
                out.append(p)
    return out


def parse_open_legacy(response: str) -> list[Pred]:
    """The reference's shared open parser with English indicators: no lower-casing, split on
    every `.`, `。`, `！`, `？` and newline; `＝`/`=` for the last sub-response."""
    response = response.strip().strip("。")
    keys = _key_responses(_LEGACY_SPLIT.split(response), ("＝", "="), _LEGACY_TRIVIAL)
    return _predictions(keys or [response])


def parse_open_official(response: str) -> list[Pred]:
    """The MMMU authors' parser: lower-cased, split on ". " before a capital (so, after
    lower-casing, on newlines only); `=` for the last sub-response."""
    response = response.strip().strip(".").lower()
    keys = _key_responses(_OFFICIAL_SPLIT.split(response), ("=",), _ASCII_TRIVIAL)
    return _predictions(keys or [response])


def parse_mc_official(
    response: str, options: Sequence[str], rng: random.Random | None = None
) -> str | None:
    """The MMMU authors' multiple-choice parser: `(L)`, then ` L `, then option text (only
    past five whitespace tokens); several candidates: the latest last occurrence wins. None
    (or a letter from `rng`) when nothing parses."""
    letters = option_letters(len(options))
    for ch in (",", ".", "!", "?", ";", ":", "'"):
        response = response.strip(ch)
    response = f" {response} "
    cands = [c for c in letters if f"({c})" in response]
    bracket, content = bool(cands), False
    if not cands:
        cands = [c for c in letters if f" {c} " in response]
    if not cands and len(response.split()) > 5:
        low = response.lower()
        cands = [c for c, text in zip(letters, options, strict=True) if text.lower() in low]
        content = bool(cands)
    if not cands:
        return rng.choice(letters) if rng is not None else None
    if len(cands) == 1:
        return cands[0]
    if content:
        low = response.lower()
        pos = [low.rfind(options[letters.index(c)].lower()) for c in cands]
    else:
        pos = [response.rfind(f"({c})" if bracket else f" {c} ") for c in cands]
    return cands[pos.index(max(pos))]


def subject_of(sample: Sample) -> str | None:
    subject = sample.metadata.get("subject")
    if subject:
        return str(subject)
    m = _ID.match(sample.id)
    return m.group(1) if m else None


def is_mc(sample: Sample) -> bool:
    return str(sample.metadata.get("question_type", "multiple-choice")) == "multiple-choice"


def _unparsed_mc(s: Score) -> bool:
    """A scored MC item whose answer could not be read (official: a random letter stood in)."""
    return (
        s.value is not None
        and s.details.get("type") == "mc"
        and (s.details.get("parsed") is None or bool(s.details.get("random_pick")))
    )


class _Mmmu(Scorer):
    kind: ClassVar[str] = "accuracy"
    variant: ClassVar[str] = "strict"  # strict | legacy | official

    def __init__(self) -> None:
        self._rng = random.Random(OFFICIAL_SEED)  # official only: consumed in scoring order

    def _letter(self, output: str, options: list[str], details: dict[str, Any]) -> str | None:
        if self.variant == "strict":
            ext = extract_strict(output, options)
            details["reason"] = ext.reason
            return ext.letter
        if self.variant == "legacy":
            return extract_legacy(output, options)
        letter = parse_mc_official(output, options)
        if letter is None:
            details["random_pick"] = True
            letter = self._rng.choice(option_letters(len(options)))
        return letter

    def score_golds(self, sample: Sample, golds: list[str], output: str) -> Score:
        details: dict[str, Any] = {"subject": subject_of(sample)}
        if is_mc(sample):
            options = options_of(sample)
            if options is None:
                return Score.unscored("no_options")
            letter = self._letter(output, options, details)
            details.update(type="mc", parsed=letter)
            return Score(1.0 if letter is not None and letter in golds else 0.0, details=details)
        parse = parse_open_legacy if self.variant == "legacy" else parse_open_official
        preds = parse(output)
        details["type"] = "open"
        return Score(1.0 if eval_open(golds, preds) else 0.0, details=details)

    def summary_extra(self, samples: Sequence[Sample], scores: Sequence[Score]) -> dict[str, Any]:
        """Beside the micro accuracy: `subjects`, `domains` (six groups), `mc_unparsed`, and
        for the official variant `random_picks`."""
        values = [s.value for s in scores]
        subjects = [subject_of(s) for s in samples]
        extra: dict[str, Any] = {
            "micro": micro_mean(values, self.scale),
            "subjects": group_summary(values, subjects, self.scale),
            "domains": group_summary(
                values, [DOMAIN_OF.get(s or "") for s in subjects], self.scale
            ),
            "mc_unparsed": sum(1 for s in scores if _unparsed_mc(s)),
        }
        if self.variant == "strict":
            extra.update(parse_stats(scores))
        if self.variant == "official":
            extra["random_picks"] = sum(1 for s in scores if s.details.get("random_pick"))
            extra["seed"] = OFFICIAL_SEED
        return extra

    def card(self) -> dict[str, Any]:
        return {**super().card(), "variant": self.variant}


@register_metric
class MmmuAcc(_Mmmu):
    """MMMU accuracy: strict MC extraction, the authors' open parser; no random fallback."""

    id = "mmmu_acc"
    version = "1"
    description = "MMMU accuracy: strict MC extraction, MMMU open parser (decimals read whole)"


@register_metric
class MmmuAccLegacy(_Mmmu):
    """MMMU accuracy as llm-jp-eval-mm (shared JMMMU parser; "3.5" read as 3)."""

    id = "mmmu_acc_legacy"
    version = "1"
    variant = "legacy"
    description = "MMMU accuracy as llm-jp-eval-mm 2026 (decimal split, no random fallback)"


@register_metric
class MmmuAccOfficial(_Mmmu):
    """The MMMU authors' evaluation, with their seeded random letter for unparsed MC."""

    id = "mmmu_acc_official"
    version = "1"
    variant = "official"
    description = "MMMU authors' eval_utils.py (random letter from Random(42) when unparsed)"
