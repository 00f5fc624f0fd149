"""JAMMEval refined sets (spec tasks-2026.md §7): seven Japanese VQA sets re-annotated by
LLM-jp (ambiguous questions, wrong answers and image-free solvable items removed), graded by
a yes/no LLM grader (`jammeval_acc`; runs = repeats, `--judge-runs`).

One task per config of `llm-jp/JAMMEval` (split `test`); aliases are the eval names of
`llm-jp/simple-evals-mm`. Open sets: question + an instruction to answer precisely and
briefly (variant `direct`, the default) or to think step by step and end with
`Answer: $ANSWER` (`cot`). CVQA-JA: question, `A. ...` options and the newer instruction to
think step by step and end with `Answer: $LETTER` (`cot`, default), or the older letter-only
instruction (`direct`). The Heron-Bench context is shown to neither model nor grader.
"""

from __future__ import annotations

from typing import Any, ClassVar

from PIL import Image

from eval_mm.core.task import DatasetRef
from eval_mm.errors import UserError
from eval_mm.registries import register_task
from eval_mm.tasks._common import LETTERS, SimpleTask, option_lines, to_rgb

OPEN_SUFFIX = {
    "direct": "\n上記の質問に対して、正確かつ簡潔に答えてください。",
    "cot": "\n上記の質問に対して、ステップバイステップで考えてから答えてください。\n"
    "最後の行は 'Answer: $ANSWER' の形式で、正確かつ簡潔に回答してください。",
}
MCQ_SUFFIX = {
    "cot": "\nステップバイステップで考えてから答えてください。\n"
    "最後の行は 'Answer: $LETTER' の形式で、選択肢のアルファベットで回答してください。",
    "direct": "\n与えられた選択肢から該当する選択肢のアルファベットだけで答えてください。",
}
REPO = "llm-jp/JAMMEval"


class _JammevalTask(SimpleTask):
    image_column: ClassVar[str] = "image"  # "images": a list, in order
    metrics: ClassVar[tuple[str, ...]] = ("jammeval_acc", "jammeval_acc_v0")
    primary_metric = "jammeval_acc"
    prompt_variants: ClassVar[tuple[str, ...]] = ("direct", "cot")
    group = "jammeval"
    id_column: ClassVar[str | None] = "original_id"
    post_prompts: ClassVar[dict[str, str]] = OPEN_SUFFIX
    judged: ClassVar[bool] = True  # the grader sees the full prompt, suffix included

    columns: ClassVar[tuple[str, ...]] = ("original_id", "image", "question", "answer")

    def images(self, row: dict[str, Any]) -> list[Image.Image]:
        value = row[self.image_column]
        return [to_rgb(v) for v in value] if isinstance(value, list) else [to_rgb(value)]

    def golds(self, row: dict[str, Any]) -> list[str]:
        return [str(row["answer"])]


def _ref(config: str) -> DatasetRef:
    return DatasetRef(REPO, "test", config, "main")


@register_task
class JammevalHeronBench(_JammevalTask):
    id = "jammeval-heron-bench"
    short_name = "JAMM-Heron"
    aliases = ("heronbench",)
    description = "JAMMEval Heron-Bench-Refined: open questions, yes/no grader"
    dataset = _ref("Heron-Bench-Refined")
    breakdown_keys = ("image_category",)

    def metadata(self, row: dict[str, Any]) -> dict[str, Any]:
        return {"image_category": str(row.get("image_category", ""))}


@register_task
class JammevalJaVlmBench(_JammevalTask):
    id = "jammeval-ja-vlm-bench"
    short_name = "JAMM-JVB"
    aliases = ("javlmbench",)
    description = "JAMMEval JA-VLM-Bench-Refined: open questions, yes/no grader"
    dataset = _ref("JA-VLM-Bench-Refined")


@register_task
class JammevalJdocqa(_JammevalTask):
    id = "jammeval-jdocqa"
    short_name = "JAMM-JDocQA"
    description = "JAMMEval JDocQA-Refined: document questions (one page image), yes/no grader"
    dataset = _ref("JDocQA-Refined")


@register_task
class JammevalJgraphqa(_JammevalTask):
    id = "jammeval-jgraphqa"
    short_name = "JAMM-JGraphQA"
    aliases = ("jgraphqa",)
    description = "JAMMEval JGraphQA-Refined: chart questions, yes/no grader"
    dataset = _ref("JGraphQA-Refined")


@register_task
class JammevalJaMultiImageVqa(_JammevalTask):
    id = "jammeval-ja-multi-image-vqa"
    short_name = "JAMM-MulIm"
    aliases = ("jamultiimage",)
    description = "JAMMEval JA-Multi-Image-VQA-Refined: multi-image questions, yes/no grader"
    dataset = _ref("JA-Multi-Image-VQA-Refined")
    image_column = "images"
    columns = ("original_id", "images", "question", "answer")


@register_task
class JammevalCcOcrVqa(_JammevalTask):
    id = "jammeval-cc-ocr-vqa"
    short_name = "JAMM-CC-OCR"
    aliases = ("ccocrjavqa",)
    description = "JAMMEval CC-OCR-JA-Refined: questions on CC-OCR images, yes/no grader"
    dataset = _ref("CC-OCR-JA-Refined")


@register_task
class JammevalCvqa(_JammevalTask):
    id = "jammeval-cvqa"
    short_name = "JAMM-CVQA"
    aliases = ("cvqaja",)
    description = "JAMMEval CVQA-JA-Refined: multiple choice, 'Answer: X' regex then grader"
    dataset = _ref("CVQA-JA-Refined")
    metrics = ("jammeval_acc", "jammeval_acc_v0", "jammeval_mcq_regex_acc")
    breakdown_keys = ("category",)
    prompt_variants = ("cot", "direct")

    post_prompts: ClassVar[dict[str, str]] = MCQ_SUFFIX

    def question(self, row: dict[str, Any]) -> str:
        return str(row["question"]) + "\n" + option_lines([str(o) for o in row["options"]])

    def golds(self, row: dict[str, Any]) -> list[str]:
        index = int(row["answer"])
        if not 0 <= index < len(row["options"]):
            raise UserError(f"{self.id}: answer {index} of {row['original_id']} is not an option")
        return [LETTERS[index]]

    def metadata(self, row: dict[str, Any]) -> dict[str, Any]:
        return {
            "options": [str(o) for o in row["options"]],
            "category": str(row.get("Category", "")),
            "oracle_answer": f"Answer: {self.golds(row)[0]}",
        }

    def prompt_templates(self) -> dict[str, str]:
        return {"prompt": "{question}\n{A. option lines}" + MCQ_SUFFIX[self.prompt_variant]}
