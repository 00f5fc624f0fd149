"""Pieces shared by several task plugins: image conversion, the multiple-choice prompt,
the Asagi instruction sentences, row filtering (spec tasks.md §0.2, §0.4, §5, §9) and the
base of the one-image tasks of the 2026 suite (tasks-2026.md §3-§7)."""

from __future__ import annotations

import base64
import io
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Any, ClassVar

from PIL import Image

from eval_mm.core.sample import Sample, unreadable_image, user_turn
from eval_mm.core.task import Task
from eval_mm.errors import UserError

LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"

# The reference implementation's multiple-choice instruction (MECHA-ja, CVQA, JMMMU) [V].
MC_INSTRUCTION = "与えられた選択肢の中から最も適切な回答のアルファベットを直接記入してください。"

# Asagi paper instruction sentences (§0.4); joined to the question with one newline [S].
ASAGI_BRIEF = "この画像を見て、次の質問に簡潔に教えてください。"
ASAGI_DETAILED = "この画像を見て、次の質問に詳細かつ具体的に教えてください。"


def asagi_prompt(instruction: str, question: str) -> str:
    return instruction + "\n" + question


def to_rgb(image: Any) -> Image.Image:
    """A PIL image in RGB from what `datasets` hands out (PIL, or an undecoded bytes/path
    dict) or a file path. An image that cannot be decoded becomes a stand-in that fails its
    sample (`eval_mm.core.sample.unreadable_image`); a value that is no image at all is a
    schema error."""
    if isinstance(image, Image.Image):
        return _decoded(lambda: image if image.mode == "RGB" else image.convert("RGB"))
    if isinstance(image, dict) and image.get("bytes"):
        return _decoded(lambda: Image.open(io.BytesIO(image["bytes"])).convert("RGB"))
    if isinstance(image, dict) and image.get("path"):
        return _decoded(lambda: Image.open(image["path"]).convert("RGB"))
    if isinstance(image, str) and image.strip():
        return _decoded(lambda: Image.open(image).convert("RGB"))
    raise UserError(
        f"expected an image, got {type(image).__name__}; is the local copy's schema right?"
    )


def _decoded(load: Callable[[], Image.Image]) -> Image.Image:
    try:
        return load()
    except (OSError, ValueError, SyntaxError, Image.DecompressionBombError) as exc:
        # PIL raises OSError (truncated, unidentified, missing file), SyntaxError (a broken
        # PNG chunk) or ValueError; each fails this one sample, with the reason recorded.
        return unreadable_image(f"unreadable image ({type(exc).__name__}: {exc})"[:300])


def decode_base64_image(data: str) -> Image.Image:
    """CC-OCR stores images as base64 strings."""
    return _decoded(lambda: Image.open(io.BytesIO(base64.b64decode(data))).convert("RGB"))


def reference_text(answers: Any, key: str) -> str:
    """The reference answer stored under `key` of an answers mapping; a missing or null one
    is a schema error (never the text "None" judged as if it were the answer)."""
    if not isinstance(answers, dict):
        raise UserError(f"expected a mapping of answers, got {type(answers).__name__}")
    if key not in answers:
        raise UserError(f"no reference answer {key!r} (keys: {', '.join(map(str, answers))})")
    if answers[key] is None or not str(answers[key]).strip():
        raise UserError(f"the reference answer {key!r} is empty")
    return str(answers[key])


def image_from_data(value: Any) -> Image.Image:
    """An image stored as raw bytes, a base64 string (optionally a `data:` URL) or an Image."""
    if isinstance(value, (bytes, bytearray)):
        return Image.open(io.BytesIO(bytes(value))).convert("RGB")
    if isinstance(value, str):
        return decode_base64_image(value.split(",", 1)[1] if value.startswith("data:") else value)
    return to_rgb(value)


def option_lines(options: Sequence[str]) -> str:
    """`A. opt0\\nB. opt1...` as built by the reference implementation."""
    if len(options) > len(LETTERS):
        raise UserError(f"too many options ({len(options)})")
    return "\n".join(f"{LETTERS[i]}. {opt}" for i, opt in enumerate(options))


def mc_prompt(question: str, options: Sequence[str]) -> str:
    """MECHA-ja / CVQA layout: question, option lines, blank line, instruction."""
    return question + "\n" + option_lines(options) + "\n\n" + MC_INSTRUCTION


def as_records(value: Any) -> list[dict[str, Any]]:
    """A list-of-structs column as a list of dicts. A copy saved with `Sequence(struct)`
    features comes back from `datasets` as a dict of lists; both shapes hold the same records."""
    if isinstance(value, dict):
        keys = list(value)
        return [dict(zip(keys, values, strict=True)) for values in zip(*(value[k] for k in keys))]
    return list(value or [])


def require_columns(task_id: str, row: dict[str, Any], columns: Iterable[str]) -> None:
    missing = [c for c in columns if c not in row]
    if missing:
        raise UserError(
            f"{task_id}: the data lacks column(s) {', '.join(missing)}; a local copy needs the "
            "same columns as the hub dataset (see docs/tasks.md)"
        )


def filter_by_column(
    task: Task, rows: Any, column: str, keep: Callable[[Any], bool], description: str
) -> Sequence[dict[str, Any]]:
    """Rows whose `column` satisfies `keep`, recording the filter and counts in the run card.

    A `datasets.Dataset` is filtered by reading one column only, so images are not decoded."""
    kept: Sequence[dict[str, Any]]
    if hasattr(rows, "column_names") and hasattr(rows, "select"):
        if column not in rows.column_names:
            raise UserError(
                f"{task.id}: the data lacks column {column!r} needed by the filter {description}"
            )
        before = len(rows)
        kept = rows.select([i for i, v in enumerate(rows[column]) if keep(v)])
    else:
        all_rows = list(rows)
        before = len(all_rows)
        kept = [r for r in all_rows if keep(r.get(column))]
    task.data_info["filter"] = description
    task.data_info["rows_before_filter"] = before
    task.data_info["rows"] = len(kept)
    if len(kept) == 0:
        raise UserError(f"{task.id}: no rows left after the filter {description}")
    return kept


def image_key(image: Image.Image) -> str:
    """A short content hash of an image: questions asked on the same picture share it.

    Hashes every 7th pixel of every 7th row (and the size): page-sized images stay cheap,
    and two different pictures practically never collide."""
    import hashlib

    import numpy as np

    pixels = np.asarray(image)[::7, ::7]
    h = hashlib.blake2b(digest_size=8)
    h.update(f"{image.mode}{image.size}".encode())
    h.update(np.ascontiguousarray(pixels).tobytes())
    return h.hexdigest()


def shared_groups(keys: Sequence[Sequence[str]]) -> list[str | None]:
    """For items that each show some images (keys), the group of every item: items sharing
    an image, directly or through others, form one group (named by its smallest key). An
    item without keys has no group (None)."""
    parent: dict[str, str] = {}

    def root(k: str) -> str:
        while parent.setdefault(k, k) != k:
            parent[k] = parent[parent[k]]
            k = parent[k]
        return k

    for item in keys:
        for k in item[1:]:
            a, b = root(item[0]), root(k)
            if a != b:
                parent[max(a, b)] = min(a, b)
    return [root(item[0]) if item else None for item in keys]


# ---------------------------------------------------------------- English companion tasks

# lmms-eval post-prompts, also used by llm-jp-eval-mm (spec tasks-2026.md §5.0).
P_MC = "\nAnswer with the option's letter from the given choices directly."
P_WORD = "\nAnswer the question with a single word."
P_PHRASE = "\nAnswer the question using a single word or phrase."


class SimpleTask(Task):
    """One user turn: the row's images, then its question with the variant's post-prompt;
    golds from the row; the sample id is `id_column` or the row index.

    Subclasses set `columns`, `id_column`, `post_prompts` (one per prompt variant) and
    `judged` (the judge then sees the prompt as sent), and override what differs: `question`,
    `golds`, `images`, `metadata`."""

    columns: ClassVar[tuple[str, ...]] = ("image", "question")
    id_column: ClassVar[str | None] = None
    post_prompts: ClassVar[dict[str, str]] = {"llmjp": ""}
    judged: ClassVar[bool] = False

    def question(self, row: dict[str, Any]) -> str:
        return str(row["question"])

    def golds(self, row: dict[str, Any]) -> list[str]:
        return [str(a) for a in row["answers"]]

    def metadata(self, row: dict[str, Any]) -> dict[str, Any]:
        return {}

    def images(self, row: dict[str, Any]) -> list[Image.Image]:
        return [to_rgb(row["image"])]

    def build_samples(self, rows: Iterable[dict[str, Any]]) -> Iterator[Sample]:
        suffix = self.post_prompts[self.prompt_variant]
        for index, row in enumerate(rows):
            require_columns(self.id, row, self.columns)
            golds = self.golds(row)
            prompt = self.question(row) + suffix
            yield Sample(
                id=str(index if self.id_column is None else row[self.id_column]),
                messages=user_turn(prompt, self.images(row)),
                references=golds,
                metadata={"oracle_answer": golds[0] if golds else "", **self.metadata(row)},
                judge_question=prompt if self.judged else None,
            )

    def prompt_templates(self) -> dict[str, str]:
        return {"prompt": "{question}" + self.post_prompts[self.prompt_variant]}
