"""JDocQA (spec tasks.md §4): questions on Japanese public documents, up to four page images
each, four answer types scored differently (yes/no, factoid, numerical, open-ended)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from eval_mm.core.sample import Sample, user_turn
from eval_mm.core.task import DatasetRef, Task
from eval_mm.errors import UserError
from eval_mm.registries import register_task
from eval_mm.tasks._common import image_key, require_columns, shared_groups, to_rgb

ANSWER_TYPES = ("yes/no", "factoid", "numerical", "open-ended")
PAGE_COLUMNS = ("image_0", "image_1", "image_2", "image_3")


def answer_type_index(value: Any) -> int:
    """The ClassLabel integer; a local copy may store the name instead."""
    if isinstance(value, str) and not value.isdigit():
        if value not in ANSWER_TYPES:
            raise UserError(
                f"jdocqa: unknown answer_type {value!r}; expected one of {ANSWER_TYPES} or 0-3"
            )
        return ANSWER_TYPES.index(value)
    index = int(value)
    if not 0 <= index < len(ANSWER_TYPES):
        raise UserError(f"jdocqa: answer_type {index} is outside 0-3")
    return index


@register_task
class JDocQA(Task):
    id = "jdocqa"
    short_name = "JDocQA"
    aliases = ()
    version = "1"
    description = (
        "JDocQA: questions on Japanese document pages (<= 4 pages); per-type scoring and 1-5 judge"
    )
    dataset = DatasetRef("speed/JDocQA", "test", None, "main")
    metrics = (
        "judge_1to5",
        "judge_1to5_legacy",
        "jdocqa_closed_acc",
        "jdocqa_acc_legacy",
        "jdocqa_open_bleu",
        "anls",
        "anls_ja",
    )
    primary_metric = "judge_1to5"
    breakdown_keys = ("answer_type_name", "short_answer")
    # Several questions per document. speed/JDocQA has no document column: questions that
    # show a common page image are grouped (a copy with `pdf_name` is grouped by it).
    cluster_key = "document"
    prompt_variants = ("llmjp",)
    group = "document"

    def build_samples(self, rows: Iterable[dict[str, Any]]) -> Iterator[Sample]:
        samples: list[Sample] = []
        pages_of: list[list[str]] = []
        for row in rows:
            require_columns(self.id, row, ("question_id", "question", "answer", "answer_type"))
            # Pages named by the question, in column order; absent pages are None [V].
            pages = [to_rgb(row[c]) for c in PAGE_COLUMNS if row.get(c) is not None]
            if not pages:
                self.warnings.append(f"question {row['question_id']} has no page image")
            kind = answer_type_index(row["answer_type"])
            question = str(row["question"])  # includes its answer-format line; sent as stored [V]
            pdf = row.get("pdf_name")
            pages_of.append([f"pdf:{pdf}"] if pdf else [image_key(p) for p in pages])
            samples.append(Sample(
                id=str(row["question_id"]),
                messages=user_turn(question, pages),
                references=[str(row["answer"])],
                metadata={
                    "answer_type": kind,
                    "answer_type_name": ANSWER_TYPES[kind],
                    # factoid / numerical: the only items ANLS scores (§4)
                    "short_answer": kind in (1, 2),
                    "anls_applicable": kind in (1, 2),
                    "pages": len(pages),
                },
                judge_question=question,
            ))
        for sample, document in zip(samples, shared_groups(pages_of), strict=True):
            if document is not None:
                sample.metadata["document"] = document
        yield from samples

    def prompt_templates(self) -> dict[str, str]:
        return {"prompt": "{question}"}
