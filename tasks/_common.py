"""Pieces shared by several task plugins: image conversion, the multiple-choice prompt,
the Asagi instruction sentences and row filtering (spec tasks.md §0.2, §0.4, §5, §9)."""

from __future__ import annotations

import base64
import io
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from PIL import Image

from eval_mm.core.sample import unreadable_image
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


def option_lines(options: Sequence[str]) -> str:
    """`A. opt0\\nB. opt1...` as built by the reference implementation."""
    if len(options) > len(LETTERS):
        raise UserError(f"too many options ({len(options)})")
    return "\n".join(f"{LETTERS[i]}. {opt}" for i, opt in enumerate(options))


def mc_prompt(question: str, options: Sequence[str]) -> str:
    """MECHA-ja / CVQA layout: question, option lines, blank line, instruction."""
    return question + "\n" + option_lines(options) + "\n\n" + MC_INSTRUCTION


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
