"""JaWildText handwriting OCR (spec tasks-2026.md §3.2): transcribe a photographed Japanese
handwritten page; scored by character-level 1 - CER.

Gold: the polygon annotations sorted by centroid (mean y, then mean x; an annotation without
points sorts as (0, 0)), non-empty texts joined by newlines. The order reads vertical
columns left to right, the reverse of their reading order: a correct reading of a vertical
page loses heavily (kept, as published). Generation default 2048 new tokens (pages are long).
"""

from __future__ import annotations

from typing import Any, ClassVar

from eval_mm.core.model import GenerationConfig
from eval_mm.core.task import DatasetRef
from eval_mm.registries import register_task
from eval_mm.tasks._common import SimpleTask, as_records

# One real newline after "OCR:", then backslash + n as two characters (the reference) [V].
PROMPT = (
    "OCR:\n画像内の文字をすべて読んでください。 改行されている部分には必ず\\nを挿入してください。"
)


def _centroid(annotation: dict[str, Any]) -> tuple[float, float]:
    points = annotation.get("polygon") or []
    if not points:
        return (0.0, 0.0)
    return (
        sum(float(p[1]) for p in points) / len(points),
        sum(float(p[0]) for p in points) / len(points),
    )


def gold_text(polygons: Any) -> str:
    """Annotations top-to-bottom, then left-to-right by centroid; texts joined by newlines
    (a list of structs, or the dict of lists a `Sequence(struct)` copy gives)."""
    ordered = sorted(as_records(polygons), key=_centroid)
    return "\n".join(str(a["text"]) for a in ordered if a.get("text"))


@register_task
class JaWildTextHandwritingOcr(SimpleTask):
    id = "jawildtext-handwriting-ocr"
    short_name = "JWTxt-HW"
    aliases = ("jwt-hw",)
    version = "1"
    description = "JaWildText handwriting OCR: Japanese handwritten pages; 1 - CER"
    dataset = DatasetRef("llm-jp/jawildtext", "train", "handwriting_ocr", "main")
    metrics = ("jwt_cer_sim", "jwt_cer_sim_legacy")
    primary_metric = "jwt_cer_sim"
    generation = GenerationConfig(max_new_tokens=2048)
    group = "ocr"
    columns: ClassVar[tuple[str, ...]] = ("image", "polygons")  # sample id: the row index [V]

    def question(self, row: dict[str, Any]) -> str:
        return PROMPT

    def golds(self, row: dict[str, Any]) -> list[str]:
        return [gold_text(row["polygons"])]

    def prompt_templates(self) -> dict[str, str]:
        return {"prompt": PROMPT}
