"""Final-answer extraction from model outputs, as pure functions: the `\\boxed{...}` answer of
JaWildText Dense STVQA (spec tasks-2026.md §3.4) and the multilingual "Answer: X" letter of
JAMMEval's CVQA-JA (§7.3), and the regex-only JAMMEval accuracy `jammeval_mcq_regex_acc`."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any, ClassVar

from eval_mm.core.sample import Sample
from eval_mm.core.scoring import Score, Scorer
from eval_mm.metrics.base import options_of, parse_stats
from eval_mm.metrics.choice import option_letters
from eval_mm.registries import register_metric

_BOX = "\\boxed{"


def last_boxed(text: str) -> str | None:
    """The trimmed content of the last complete `\\boxed{...}` (braces matched by depth), or
    None when there is none. An unclosed box after a complete one is ignored."""
    found: list[str] = []
    i = 0
    while True:
        pos = text.find(_BOX, i)
        if pos == -1:
            break
        start = j = pos + len(_BOX)
        depth = 1
        while j < len(text) and depth:
            depth += {"{": 1, "}": -1}.get(text[j], 0)
            j += 1
        if depth == 0:
            found.append(text[start : j - 1].strip())
        i = j
    return found[-1] if found else None


def board_answer_legacy(text: str) -> str:
    """The reference: the last boxed answer, else the whole output trimmed."""
    boxed = last_boxed(text)
    return boxed if boxed is not None else text.strip()


# ---------------------------------------------------------------- JAMMEval multiple choice

_LABELS = ("Answer", "答え", "答", "答案", "解答", "回答", "정답", "답", "Antwort", "Respuesta",
           "Réponse", "Risposta", "Resposta")  # fmt: skip
_LETTER_PATTERNS = [
    re.compile(
        rf"(?i){re.escape(label)}\s*[:：]\s*\(?\*{{0,2}}\$?([A-Za-zＡ-Ｚａ-ｚأبجدঅবডঢ])\$?\*{{0,2}}\)?"
    )
    for label in _LABELS
]
_LATEX = ("**", "$\\boxed{", "}$", "\\$", "$\\text{", "$", "\\mathrm{", "\\{", "\\text", "\\(",
          "\\mathbf{", "{", "\\boxed")  # fmt: skip
_NON_ASCII = {"أ": "A", "ب": "B", "ج": "C", "د": "D", "অ": "A", "ব": "B", "ড": "C", "ঢ": "D"}


def _ascii_letter(ch: str) -> str:
    if ch in _NON_ASCII:
        return _NON_ASCII[ch]
    code = ord(ch)
    if 0xFF21 <= code <= 0xFF3A or 0xFF41 <= code <= 0xFF5A:  # full-width A-Z, a-z
        ch = chr(code - (0xFF21 if code <= 0xFF3A else 0xFF41) + ord("A"))
    return ch.upper()


def answer_letter(text: str, letters: Sequence[str]) -> str | None:
    """simple-evals-mm's regex: LaTeX wrappers removed, then for each answer label in order
    (Answer, 答え, 答, ...) its first match; the first that names a valid letter decides."""
    if not text:
        return None
    for wrapper in _LATEX:
        text = text.replace(wrapper, "")
    valid = {letter.upper() for letter in letters}
    for pattern in _LETTER_PATTERNS:
        m = pattern.search(text)
        if m and _ascii_letter(m.group(1)) in valid:
            return _ascii_letter(m.group(1))
    return None


@register_metric
class JammevalMcqRegexAcc(Scorer):
    """JAMMEval CVQA-JA without a grader: the "Answer: X" regex only; no letter = wrong."""

    id = "jammeval_mcq_regex_acc"
    version = "1"
    kind: ClassVar[str] = "accuracy"
    description = "JAMMEval multiple choice, regex-only ('Answer: X'); unread = wrong, counted"

    def score_golds(self, sample: Sample, golds: list[str], output: str) -> Score:
        options = options_of(sample)
        if options is None:
            return Score.unscored("no_options")
        letter = answer_letter(output, option_letters(len(options)))
        reason = "regex" if letter else "unparsed"
        return Score(1.0 if letter in golds else 0.0, details={"parsed": letter, "reason": reason})

    def summary_extra(self, samples: Sequence[Sample], scores: Sequence[Score]) -> dict[str, Any]:
        return parse_stats(scores)
