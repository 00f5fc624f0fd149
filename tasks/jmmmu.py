"""JMMMU (spec tasks.md §6): the Japanese MMMU, 28 subject configs (24 culture-agnostic,
4 culture-specific), multiple-choice and open questions with up to seven images.

Local copies: one dataset holding the rows of all subjects (same columns; the subject is
read from `id`, `test_{Subject}_{n}`). Task option `subjects=Math+Japanese_Art` restricts
the run. Prompt variant `interleaved` places each image at its first reference in the text
(not anchor-comparable). The seeded random fallback of the JMMMU paper is the separate
metric `jmmmu_acc_legacy_random` (ask for it with `--metrics`)."""

from __future__ import annotations

import ast
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any, ClassVar, cast

from PIL import Image

from eval_mm.core.options import Options, option
from eval_mm.core.sample import ImagePart, Message, Part, Sample, TextPart, user_turn
from eval_mm.core.task import DatasetRef, RowSource, Task
from eval_mm.errors import UserError
from eval_mm.registries import register_task
from eval_mm.tasks._common import (
    MC_INSTRUCTION,
    option_lines,
    require_columns,
    to_rgb,
)

OPEN_INSTRUCTION = "質問に対する回答を単語や短いフレーズで記入してください。"

CA_DOMAINS: dict[str, tuple[str, ...]] = {
    "Art and Psychology": ("Design", "Music", "Psychology"),
    "Business": ("Accounting", "Economics", "Finance", "Manage", "Marketing"),
    "Science": ("Biology", "Chemistry", "Math", "Physics"),
    "Health and Medicine": (
        "Basic_Medical_Science",
        "Clinical_Medicine",
        "Diagnostics_and_Laboratory_Medicine",
        "Pharmacy",
        "Public_Health",
    ),
    "Tech and Engineering": (
        "Agriculture",
        "Architecture_and_Engineering",
        "Computer_Science",
        "Electronics",
        "Energy_and_Power",
        "Materials",
        "Mechanical_Engineering",
    ),
}
CA_SUBJECTS = tuple(sorted(s for subjects in CA_DOMAINS.values() for s in subjects))
CS_SUBJECTS = ("Japanese_Art", "Japanese_Heritage", "Japanese_History", "World_History")
DOMAIN_OF = {s: d for d, subjects in CA_DOMAINS.items() for s in subjects}

_IMAGE_TOKEN = re.compile(r"<image (\d+)>")
COLUMNS = ("id", "question", "options", "answer", "question_type")


def parse_options(value: Any) -> list[str]:
    """Options are stored as a Python-literal list in a string; never `eval` it."""
    if isinstance(value, (list, tuple)):
        return [str(v) for v in value]
    text = str(value or "").strip()
    if not text:
        return []
    try:
        parsed = ast.literal_eval(text)
    except (ValueError, SyntaxError) as exc:
        raise UserError(f"jmmmu: options {text[:60]!r} are not a list literal ({exc})") from None
    if not isinstance(parsed, (list, tuple)):
        raise UserError(f"jmmmu: options {text[:60]!r} are not a list")
    return [str(v) for v in parsed]


def strip_image_tokens(text: str) -> str:
    return _IMAGE_TOKEN.sub("<image>", text).replace("<image>", "")


@dataclass(frozen=True)
class JmmmuOptions(Options):
    subjects: list[str] | None = option(None, help="subjects to run, e.g. Art+Math")


@register_task
class Jmmmu(Task):
    id = "jmmmu"
    short_name = "JMMMU"
    aliases: ClassVar[tuple[str, ...]] = ()  # typed wide: MMMU subclasses this task
    version = "2"  # 2: interleaved variant keeps text whole across removed references
    description = "JMMMU: Japanese MMMU, 28 subjects (CA/CS); strict and legacy answer extraction"
    dataset = DatasetRef("JMMMU/JMMMU", "test", None, "main")  # config = each subject
    metrics: ClassVar[tuple[str, ...]] = ("jmmmu_acc", "jmmmu_acc_legacy")
    primary_metric = "jmmmu_acc"
    breakdown_keys: ClassVar[tuple[str, ...]] = ("group", "subject", "domain", "question_type")
    prompt_variants = ("llmjp", "interleaved")
    group = "multiple-choice"
    # What MMMU (the English original, `tasks/mmmu.py`) changes:
    mc_instruction: ClassVar[str] = MC_INSTRUCTION
    open_instruction: ClassVar[str] = OPEN_INSTRUCTION
    split_prefix: ClassVar[str] = "test"  # ids are `<split>_<Subject>_<n>`
    subjects: ClassVar[tuple[str, ...]] = CA_SUBJECTS + CS_SUBJECTS

    def subject_of(self, sample_id: str) -> str:
        m = re.match(rf"^{self.split_prefix}_(.+?)_\d+$", sample_id)
        if not m:
            raise UserError(
                f"{self.id}: id {sample_id!r} does not look like {self.split_prefix}_<Subject>_<n>"
            )
        return m.group(1)

    def subject_metadata(self, subject: str) -> dict[str, str]:
        return {
            "group": "CS" if subject in CS_SUBJECTS else "CA",
            "domain": DOMAIN_OF.get(subject, "culture-specific"),
        }

    def question_text(self, row: dict[str, Any], options: list[str]) -> str:
        """The reference text with its `<image k>` tokens still in place (steps 1-2)."""
        q = str(row["question"]).replace("<image1>", "<image 1>")
        if row["question_type"] == "multiple-choice":
            return q + "\n" + option_lines(options) + "\n\n" + self.mc_instruction
        return q + "\n\n" + self.open_instruction

    options_schema = JmmmuOptions

    def _subjects(self) -> list[str] | None:
        subjects = cast(JmmmuOptions, self.options).subjects
        if not subjects:
            return None
        unknown = set(subjects) - set(self.subjects)  # MMMU and JMMMU differ: checked here
        if unknown:
            raise UserError(
                f"{self.id} task option subjects: {', '.join(sorted(unknown))} not among "
                f"{', '.join(self.subjects)}"
            )
        return subjects

    def load_rows(self, source: RowSource) -> Iterable[dict[str, Any]]:
        assert self.dataset is not None
        wanted = self._subjects()
        if source.local_path() is not None:  # a local copy holds every subject in one table
            rows = super().load_rows(source)
            if wanted is None:
                return rows
            keep = [r for r in rows if self.subject_of(str(r["id"])) in wanted]
            self.data_info["subjects"] = wanted
            self.data_info["rows"] = len(keep)
            return keep
        order = [c for c in source.config_names(self.dataset) if wanted is None or c in wanted]
        rows = source.load(self.dataset, configs=order)
        self.data_info.update(source.info)
        return rows

    def _images(self, row: dict[str, Any], text: str) -> dict[int, Image.Image]:
        """Referenced images by number; a referenced but empty column is skipped and warned."""
        out: dict[int, Image.Image] = {}
        for k in sorted({int(n) for n in _IMAGE_TOKEN.findall(text)}):
            value = row.get(f"image_{k}")
            if value is None:
                self.warnings.append(
                    f"{row['id']}: <image {k}> is referenced but image_{k} is empty"
                )
                continue
            out[k] = to_rgb(value)
        return out

    def _interleaved(self, text: str, images: dict[int, Image.Image]) -> list[Message]:
        parts: list[Part] = []
        placed: set[int] = set()
        pending = ""  # text since the last placed image: a removed reference must not split it
        pos = 0
        for m in _IMAGE_TOKEN.finditer(text):
            pending += text[pos : m.start()].replace("<image>", "")
            k = int(m.group(1))
            if k in images and k not in placed:  # first reference only
                if pending:
                    parts.append(TextPart(pending))
                parts.append(ImagePart(images[k]))
                placed.add(k)
                pending = ""
            pos = m.end()
        pending += text[pos:].replace("<image>", "")
        if pending:
            parts.append(TextPart(pending))
        return [Message("user", tuple(parts))]

    def build_samples(self, rows: Iterable[dict[str, Any]]) -> Iterator[Sample]:
        for row in rows:
            require_columns(self.id, row, COLUMNS)
            sample_id = str(row["id"])
            subject = self.subject_of(sample_id)
            qtype = str(row["question_type"])
            options = parse_options(row["options"]) if qtype == "multiple-choice" else []
            text = self.question_text(row, options)
            images = self._images(row, text)
            if self.prompt_variant == "interleaved":
                messages = self._interleaved(text, images)
            else:
                # Sorted by number (image_1 < ... < image_7), then the text without tokens [V].
                messages = user_turn(strip_image_tokens(text), [images[k] for k in sorted(images)])
            answer = str(row["answer"])
            yield Sample(
                id=sample_id,
                messages=messages,
                references=[answer],
                metadata={
                    "question_type": qtype,
                    "options": options,
                    "subject": subject,
                    **self.subject_metadata(subject),
                    "oracle_answer": answer,
                },
            )

    def prompt_templates(self) -> dict[str, str]:
        return {
            "multiple-choice": "{question}\n{A. option lines}\n\n" + self.mc_instruction,
            "open": "{question}\n\n" + self.open_instruction,
            "image_tokens": "<image1> -> <image 1>; <image k> removed"
            + (
                "; images at first reference"
                if self.prompt_variant == "interleaved"
                else "; images first, by number"
            ),
        }
