"""Multiple-choice answer extraction (spec metrics.md §7): `legacy` and `strict` variants.

Pure functions; the task scorers (MECHA, CVQA, JMMMU) call them. Option letters are the first
n upper-case letters for n options. The legacy parser lives here; the strict extractor in
`choice_strict` (re-exported).
"""

from __future__ import annotations

import random
import re
from collections.abc import Sequence

from eval_mm.metrics.choice_strict import LETTERS, REASONS, Extraction, extract_strict

__all__ = ["REASONS", "Extraction", "extract_legacy", "extract_strict", "option_letters"]


def option_letters(n: int) -> list[str]:
    if not 0 < n <= len(LETTERS):
        raise ValueError(f"need 1..26 options, got {n}")
    return list(LETTERS[:n])


# ---------------------------------------------------------------- legacy (MMMU / JMMMU)

_LEGACY_TRIM = (",", ".", "!", "?", ";", ":", "'", "、", "。", "！", "？", "；", "：")
_KANA_KANJI = "[\u3040-\u30ff\u4e00-\u9fff]"


def extract_legacy(
    response: str, options: Sequence[str], rng: random.Random | None = None
) -> str | None:
    """The MMMU/JMMMU `parse_multi_choice_response`, bug for bug (§7.1).

    No candidate gives None, or a letter drawn from `rng` when one is passed (the
    `_legacy_random` variant; the original was unseeded)."""
    letters = option_letters(len(options))
    for ch in _LEGACY_TRIM:  # one pass, in this order
        response = response.strip(ch)
    response = f" {response} "
    bracket, content = False, False
    cands = [c for c in letters if f"({c})" in response]
    bracket = bool(cands)
    if not cands:
        cands = [c for c in letters if f"{c} " in response]
    if not cands:
        cands = [c for c in letters if re.search(f"{_KANA_KANJI}{c}{_KANA_KANJI}", response)]
    if not cands:
        cands = [c for c in letters if f"{c}." in response]
    if not cands and len(response.split()) > 5:
        low = response.lower()
        cands = [c for c, text in zip(letters, options, strict=True) if text.lower() in low]
        content = bool(cands)
    if not cands:
        return rng.choice(letters) if rng is not None else None
    if len(cands) == 1:
        return cands[0]
    if bracket:
        pos = [response.rfind(f"({c})") for c in cands]
    elif content:
        low = response.lower()
        pos = [low.rfind(options[letters.index(c)].lower()) for c in cands]
    else:
        pos = [response.rfind(f" {c} ") for c in cands]
    return cands[pos.index(max(pos))]  # first maximum, like numpy.argmax
