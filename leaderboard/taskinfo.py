"""What the leaderboard knows about a task id: short column name, group, primary metric and
full size, from the installed task plugin, else from the tables below.

The tables cover the task ids of the published reference rows that have no plugin here
(yet), and the full sizes of the benchmarks (from the specification), so that a run on a
part of a benchmark is marked as such.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

log = logging.getLogger(__name__)

# Short names of task ids without a plugin here (the reference leaderboard's names).
FALLBACK_SHORT = {
    "llava-bench-in-the-wild-en": "LLaVA-W",
    "mmmu": "MMMU",
    "ai2d": "AI2D",
    "chartqa": "ChartQA",
    "chartqapro": "ChartQAPro",
    "docvqa": "DocVQA",
    "infovqa": "InfoVQA",
    "textvqa": "TextVQA",
    "okvqa": "OK-VQA",
    "jawildtext": "JaWildText",
    "jawildtext-board-vqa": "JWTxt-Board",
    "jawildtext-handwriting-ocr": "JWTxt-HW",
    "jawildtext-receipt-kie": "JWTxt-Receipt",
    "jdocqa-binary": "JDocQA-bin",
    "business-slide-vqa": "BizSlideVQA",
    "realworldqa": "RealWorldQA",
}

FALLBACK_GROUP = {
    "llava-bench-in-the-wild-en": "judge",
    "mmmu": "multiple-choice",
    "ai2d": "multiple-choice",
    "chartqa": "document",
    "chartqapro": "document",
    "docvqa": "document",
    "infovqa": "document",
    "textvqa": "ocr",
    "okvqa": "vqa",
    "jawildtext": "ocr",
    "jawildtext-board-vqa": "judge",
    "jawildtext-handwriting-ocr": "ocr",
    "jawildtext-receipt-kie": "document",
    "jdocqa-binary": "document",
    "business-slide-vqa": "document",
    "realworldqa": "vqa",
}

# Samples of a full run (tasks.md §0.6, tasks-2026.md §0.2-0.3); None = not known.
FULL_SIZE = {
    "japanese-heron-bench": 103,
    "ja-vlm-bench-in-the-wild": 50,
    "ja-vg-vqa-500-first": 500,
    "jdocqa": 1164,
    "jmmmu": 1320,
    "cvqa-ja": 203,
    "ja-multi-image-vqa": 55,
    "llava-bench-in-the-wild-en": 60,
    "mmmu": 900,
    "ai2d": 3088,
    "chartqa": 2500,
    "chartqapro": 1948,
    "docvqa": 5349,
    "infovqa": 2801,
    "textvqa": 5000,
    "okvqa": 5046,
    "jawildtext-board-vqa": 1025,
}
MECHA_ROWS = 1821  # x 4 when rotated (the default)


@dataclass(frozen=True)
class TaskInfo:
    id: str
    short: str
    group: str
    primary_metric: str | None
    installed: bool


@lru_cache(maxsize=512)
def task_info(task_id: str) -> TaskInfo:
    """The plugin's attributes when it is installed, else the fallback tables."""
    try:
        from eval_mm.registries import TASKS

        name = TASKS.canonical(task_id)
        if name is not None:
            cls = TASKS.get(name)
            group = str(getattr(cls, "group", "") or "")
            return TaskInfo(
                task_id,
                str(getattr(cls, "short_name", "") or FALLBACK_SHORT.get(task_id, task_id)),
                group if group and group != "general" else FALLBACK_GROUP.get(task_id, "other"),
                getattr(cls, "primary_metric", None),
                True,
            )
    except Exception as exc:  # a broken plugin must not take the leaderboard down
        log.warning("task registry unavailable: %s", exc)
    return TaskInfo(task_id, FALLBACK_SHORT.get(task_id, task_id),
                    FALLBACK_GROUP.get(task_id, "other"), None, False)


def full_size(task_id: str, card_task: dict[str, Any] | None = None) -> int | None:
    """Samples of a complete run of the task with the options of `card_task`."""
    if task_id == "mecha-ja":
        options = (card_task or {}).get("options") or {}
        rotate = options.get("rotate", True) not in (False, "false", "False", "0", 0, "no")
        return MECHA_ROWS * (4 if rotate else 1)
    return FULL_SIZE.get(task_id)
