"""JaWildText handwriting OCR: character-level CER similarity (spec tasks-2026.md §3.2).

Item score `max(0, 1 - Lev(gold, pred) / len(gold))` on normalised text (1 when both are
empty, 0 when only the gold is): the reference labels this "CER" although it is 1 - CER.
`jwt_cer_sim_legacy` (= snapshot-D "JWTxt-HW/CER") applies the reference's `<think>` strip,
`jwt_cer_sim` the strict rule. The summary also reports `cer_micro` (sum of distances over
the sum of gold lengths) and how many items were clipped at 0. Gold: `references[0]`.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from typing import Any, ClassVar

from rapidfuzz.distance import Levenshtein

from eval_mm.core.sample import Sample
from eval_mm.core.scoring import Score, Scorer
from eval_mm.metrics.base import count_detail
from eval_mm.registries import register_metric

_SPACES = re.compile(r"[ \t]+")


def ocr_norm(text: str) -> str:
    """NFKC; the two characters backslash + n become a newline; CRLF -> LF; each line trimmed
    with runs of spaces/tabs collapsed (empty lines and lone CRs kept); lower-cased."""
    text = unicodedata.normalize("NFKC", text or "").replace("\\n", "\n").replace("\r\n", "\n")
    return "\n".join(_SPACES.sub(" ", line.strip()) for line in text.split("\n")).lower()


def cer_similarity(gold: str, pred: str) -> tuple[float, int, int]:
    """(item score, edit distance, normalised gold length)."""
    g, p = ocr_norm(gold), ocr_norm(pred)
    if not g:
        return (1.0 if not p else 0.0), len(p), 0
    dist = Levenshtein.distance(g, p)
    return max(0.0, 1.0 - dist / len(g)), dist, len(g)


class _CerSim(Scorer):
    kind: ClassVar[str] = "similarity"

    def score_golds(self, sample: Sample, golds: list[str], output: str) -> Score:
        value, dist, n = cer_similarity(golds[0], output)
        return Score(value, details={"distance": dist, "gold_chars": n, "clipped": 0 < n < dist})

    def summary_extra(self, samples: Sequence[Sample], scores: Sequence[Score]) -> dict[str, Any]:
        scored = [s for s in scores if s.value is not None]
        chars = sum(int(s.details.get("gold_chars", 0)) for s in scored)
        dist = sum(int(s.details.get("distance", 0)) for s in scored)
        return {
            "cer_micro": dist / chars if chars else None,
            "clipped": count_detail(scores, "clipped"),
        }


@register_metric
class JwtCerSimLegacy(_CerSim):
    """1 - CER clipped at 0, as llm-jp-eval-mm (after its `<think>` strip)."""

    id = "jwt_cer_sim_legacy"
    version = "1"
    reasoning: ClassVar[str | None] = "legacy"
    description = "JaWildText handwriting: mean max(0, 1 - CER) as llm-jp-eval-mm"


@register_metric
class JwtCerSim(_CerSim):
    """1 - CER clipped at 0 on the final answer (strict reasoning rule)."""

    id = "jwt_cer_sim"
    version = "1"
    description = "JaWildText handwriting: mean max(0, 1 - CER), cer_micro in extra"
