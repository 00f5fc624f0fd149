"""Composite columns: one number a benchmark's authors derive from several task columns.

JaWildText's overall score is the unweighted mean of its three task scores (spec tasks-2026
§3.1). On a local board it exists for a model only when all three strict task cells are there,
on the same board (one protocol); never from a partial set. It is not a primary column, so the
board's average never counts JaWildText twice.
"""

from __future__ import annotations

from dataclasses import dataclass
from statistics import fmean

from eval_mm.leaderboard.boards import Board, Cell, Column, column, order_columns


@dataclass(frozen=True)
class Composite:
    task: str  # the composite's own task id (its short name and group come from taskinfo)
    metric: str
    parts: tuple[tuple[str, str], ...]  # (task, metric) averaged with equal weights


COMPOSITES = (
    Composite(
        "jawildtext",
        "jwt_overall",
        (
            ("jawildtext-handwriting-ocr", "jwt_cer_sim"),
            ("jawildtext-receipt-kie", "jwt_kie_f1"),
            ("jawildtext-board-vqa", "jwt_board_acc"),
        ),
    ),
)


def _part_columns(board: Board, comp: Composite) -> list[Column] | None:
    """One column per part, or None when a part is missing or ambiguous (two task versions
    or prompt variants on one board: which one to average is not ours to guess)."""
    found = []
    for task, metric in comp.parts:
        cols = [c for c in board.columns.values() if (c.task, c.metric) == (task, metric)]
        if len(cols) != 1:
            return None
        found.append(cols[0])
    return found


def add_composites(board: Board) -> None:
    """Add each composite column whose parts are on `board`, with a cell for every model that
    has all parts. The cell carries no interval (the parts' samples are different sets) and
    marks a subset when any part was computed on one."""
    added = False
    for comp in COMPOSITES:
        parts = _part_columns(board, comp)
        if parts is None:
            continue
        names = ", ".join(f"{c.short} ({c.metric})" for c in parts)
        col = column(
            f"{comp.task}|composite|{comp.metric}",
            comp.task,
            comp.metric,
            "0-100",
            False,
            (f"unweighted mean of {names}", "shown only for models with all three"),
        )
        for model in board.models:
            cells = [board.cells.get((model, c.key)) for c in parts]
            present = [c for c in cells if c is not None]
            if len(present) != len(parts):
                continue
            subset = next((c.subset for c in present if c.subset), None)
            board.cells[(model, col.key)] = Cell(
                fmean(c.value for c in present), subset=subset, notes=(f"mean of {names}",)
            )
            if col.key not in board.columns:
                board.columns[col.key] = col
                added = True
    if added:
        board.columns = {c.key: c for c in order_columns(list(board.columns.values()))}
