"""ChartQAPro, test split (spec tasks-2026.md §5.4): 1,948 questions on charts, infographics
and dashboards of five types (Factoid, Multi Choice, Conversational, Fact Checking,
Hypothetical).

Variant `llmjp` (the reference): the first question only, no paragraph; every non-empty
`Answer` element is a gold for `substring_acc_legacy`, and `chartqapro_acc` grades the last
one, so Conversational items are flagged (`first_turn_only`). Variant `full`: the paragraph,
the earlier turns as `Q:`/`A:` lines and the last question, graded against the last answer.
Images are raw bytes (or base64). Sample id: the row index (the reference's salted `hash`
of the question is not stable across processes)."""

from __future__ import annotations

from typing import Any, ClassVar

from PIL import Image

from eval_mm.core.task import DatasetRef
from eval_mm.registries import register_task
from eval_mm.tasks._common import P_WORD, SimpleTask, image_from_data

CONVERSATIONAL = "Conversational"


def _texts(value: Any) -> list[str]:
    return [str(v) for v in value] if isinstance(value, (list, tuple)) else [str(value)]


@register_task
class ChartQAPro(SimpleTask):
    id = "chartqapro"
    short_name = "ChartQAPro"
    version = "1"
    description = "ChartQAPro test: chart/dashboard questions of five types; official metric"
    dataset = DatasetRef("ahmed-masry/ChartQAPro", "test", None, "main")
    metrics = ("chartqapro_acc", "substring_acc_legacy")
    primary_metric = "chartqapro_acc"
    group = "english"
    breakdown_keys = ("question_type",)
    prompt_variants = ("llmjp", "full")
    columns: ClassVar[tuple[str, ...]] = ("Question", "Answer", "Question Type", "Year", "image")
    post_prompts: ClassVar[dict[str, str]] = {"llmjp": P_WORD, "full": P_WORD}

    def question(self, row: dict[str, Any]) -> str:
        questions = _texts(row["Question"])
        if self.prompt_variant == "llmjp":
            return questions[0]
        answers = _texts(row["Answer"])
        paragraph = str(row.get("Paragraph") or "").strip()
        head = paragraph + "\n\n" if paragraph else ""
        turns = "".join(f"Q: {q}\nA: {a}\n" for q, a in zip(questions[:-1], answers, strict=False))
        return head + turns + questions[-1]

    def golds(self, row: dict[str, Any]) -> list[str]:
        answers = _texts(row["Answer"])
        if self.prompt_variant == "full":
            return answers[-1:]
        return [a for a in answers if a]

    def metadata(self, row: dict[str, Any]) -> dict[str, Any]:
        answers = _texts(row["Answer"])
        qtype = str(row["Question Type"])
        return {
            "question_type": qtype,
            "year_flags": _texts(row["Year"]),
            "answer_last": answers[-1],
            "first_turn_only": self.prompt_variant == "llmjp" and qtype == CONVERSATIONAL,
            "oracle_answer": answers[-1],
        }

    def images(self, row: dict[str, Any]) -> list[Image.Image]:
        return [image_from_data(row["image"])]

    def prompt_templates(self) -> dict[str, str]:
        if self.prompt_variant == "full":
            return {
                "prompt": "{Paragraph}\n\n{Q: earlier question\nA: its answer\n}...{last Question}"
                + P_WORD
            }
        return {"prompt": "{Question[0]}" + P_WORD}
