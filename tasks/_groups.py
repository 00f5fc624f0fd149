"""Task groups: named suites a user runs in one command (`--task llmjp-board-2026`).

Data only, in one place; `expand` turns group names in a `--task` list into their tasks
(order kept, duplicates dropped). Not a plugin module (the `_` prefix keeps the registry
from importing it)."""

from __future__ import annotations

from collections.abc import Iterable

# The 21 columns of the reference's 2026-04 leaderboard (snapshot D), in its column order.
BOARD_2026 = (
    "japanese-heron-bench",
    "ja-vlm-bench-in-the-wild",
    "ja-vg-vqa-500",
    "jdocqa",
    "ja-multi-image-vqa",
    "llava-bench-in-the-wild-en",
    "mecha-ja",
    "jmmmu",
    "cvqa-ja",
    "cc-ocr-ja",
    "jawildtext-handwriting-ocr",
    "jawildtext-receipt-kie",
    "jawildtext-board-vqa",
    "mmmu",
    "ai2d",
    "chartqa",
    "chartqapro",
    "docvqa",
    "infovqa",
    "textvqa",
    "okvqa",
)
# The English benchmarks of the board (LLaVA-Bench and the last eight columns).
ENGLISH = ("llava-bench-in-the-wild-en", *BOARD_2026[BOARD_2026.index("mmmu") :])
JAMMEVAL = (
    "jammeval-heron-bench",
    "jammeval-ja-vlm-bench",
    "jammeval-jdocqa",
    "jammeval-jgraphqa",
    "jammeval-ja-multi-image-vqa",
    "jammeval-cc-ocr-vqa",
    "jammeval-cvqa",
)

GROUPS: dict[str, tuple[str, tuple[str, ...]]] = {
    "llmjp-board-2026": ("the 21 columns of the llm-jp-eval-mm 2026-04 board", BOARD_2026),
    "llmjp-board-2026-ja": (
        "its Japanese columns",
        tuple(t for t in BOARD_2026 if t not in ENGLISH),
    ),
    "english-companions": ("the English benchmarks reported beside the Japanese", ENGLISH),
    "jammeval": ("the seven JAMMEval refined sets", JAMMEVAL),
}


def expand(names: Iterable[str]) -> list[str]:
    """Task names with every group replaced by its tasks; first occurrence kept."""
    out: list[str] = []
    for name in names:
        for task in GROUPS[name][1] if name in GROUPS else (name,):
            if task not in out:
                out.append(task)
    return out
