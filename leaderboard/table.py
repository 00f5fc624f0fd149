"""One board as the overview shows it: filters, primary or all metrics, rank, and an
average over exactly the columns every shown row has."""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from eval_mm.leaderboard.boards import PERCENT_SCALES, Board, Column, ModelRow

AVERAGE = "avg"
UNKNOWN_SIZE = "unknown"


@dataclass(frozen=True)
class ViewOptions:
    """What the overview shows of a board. Empty sets mean 'all'."""

    all_metrics: bool = False
    search: str = ""
    size: tuple[float, float] | None = None  # parameters, billions; None = any
    include_unknown_size: bool = True
    access: frozenset[str] = frozenset()  # open | api | unknown
    show_debug: bool = True
    tasks: frozenset[str] = frozenset()
    sort: str = AVERAGE  # AVERAGE or a column key

    def key(self) -> str:
        return repr(sorted((k, sorted(v) if isinstance(v, frozenset) else v)
                           for k, v in vars(self).items()))


@dataclass
class BoardView:
    board: Board
    columns: list[Column]
    models: list[ModelRow]  # shown rows, sorted
    values: dict[tuple[str, str], float]  # (model, column) of the shown cells
    rank: dict[str, int]
    average: dict[str, float]
    average_columns: list[Column]
    left_out: list[tuple[Column, str]]  # columns not averaged, and why
    best: dict[str, tuple[float, float | None]] = field(default_factory=dict)  # 1st, 2nd
    sort: str = AVERAGE

    def value(self, model: str, column: str) -> float | None:
        return self.values.get((model, column))


def keep_model(m: ModelRow, opts: ViewOptions) -> bool:
    if not opts.show_debug and m.debug:
        return False
    if opts.search and opts.search.lower() not in m.key.lower():
        return False
    if opts.access and m.access not in opts.access:
        return False
    if opts.size is not None:
        p = m.info.params_b
        if p is None:
            return opts.include_unknown_size
        lo, hi = opts.size
        return lo <= p <= hi
    return True


def shown_columns(board: Board, opts: ViewOptions) -> list[Column]:
    return [c for c in board.columns.values()
            if (opts.all_metrics or c.primary) and (not opts.tasks or c.task in opts.tasks)]


def build_view(board: Board, opts: ViewOptions) -> BoardView:
    columns = shown_columns(board, opts)
    models = [m for m in board.models.values() if keep_model(m, opts)]
    values = {(m.key, c.key): cell.value for m in models for c in columns
              if (cell := board.cell(m.key, c.key)) is not None}
    # Rows with no number in the shown columns say nothing here.
    models = [m for m in models if any((m.key, c.key) in values for c in columns)]
    avg_cols, left_out = average_columns(columns, models, values)
    average: dict[str, float] = {}
    if len(avg_cols) >= 2:
        for m in models:
            average[m.key] = sum(values[(m.key, c.key)] * PERCENT_SCALES[c.scale]
                                 for c in avg_cols) / len(avg_cols)
    sort = opts.sort if opts.sort in {c.key for c in columns} or (
        opts.sort == AVERAGE and average) else (AVERAGE if average else (
            columns[0].key if columns else AVERAGE))
    score = average if sort == AVERAGE else {m.key: v for m in models
                                             if (v := values.get((m.key, sort))) is not None}
    models.sort(key=lambda m: (m.key not in score, -score.get(m.key, 0.0), m.name.lower()))
    return BoardView(board, columns, models, values, competition_rank(score), average,
                     avg_cols, left_out, best_values(columns, models, values), sort)


def average_columns(columns: list[Column], models: list[ModelRow],
                    values: dict[tuple[str, str], float]) -> tuple[list[Column],
                                                                   list[tuple[Column, str]]]:
    """The columns on a percentage scale that every shown row has; the others with why."""
    keep, left = [], []
    for c in columns:
        missing = sum(1 for m in models if (m.key, c.key) not in values)
        if c.scale not in PERCENT_SCALES:
            left.append((c, f"{c.scale} scale"))
        elif missing:
            left.append((c, f"missing for {missing} of {len(models)} shown models"))
        else:
            keep.append(c)
    return keep, left


def competition_rank(score: dict[str, float]) -> dict[str, int]:
    """1, 2, 2, 4: ties share the better rank."""
    ordered = sorted(score.items(), key=lambda kv: -kv[1])
    rank: dict[str, int] = {}
    for i, (k, v) in enumerate(ordered):
        prev = ordered[i - 1] if i else None
        rank[k] = rank[prev[0]] if prev is not None and math.isclose(prev[1], v) else i + 1
    return rank


def best_values(columns: list[Column], models: list[ModelRow],
                values: dict[tuple[str, str], float]) -> dict[str, tuple[float, float | None]]:
    """Per column the best and second-best value among real models (debugging ones out)."""
    out: dict[str, tuple[float, float | None]] = {}
    for c in columns:
        got = sorted({values[(m.key, c.key)] for m in models
                      if not m.debug and (m.key, c.key) in values}, reverse=True)
        if got:
            out[c.key] = (got[0], got[1] if len(got) > 1 else None)
    return out


def describe_average(view: BoardView) -> str:
    """The sentence under the table saying what the average is over."""
    if not view.average:
        why = "; ".join(f"{c.short} ({reason})" for c, reason in view.left_out) or "—"
        return ("No average: fewer than two columns on a percentage scale that every shown "
                f"model has. Columns: {why}.")
    names = ", ".join(f"{c.short} {c.metric}" for c in view.average_columns)
    text = (f"Avg. = unweighted mean of the {len(view.average_columns)} columns on a "
            f"percentage scale that every shown model has: {names}")
    if any(c.scale == "0-1" for c in view.average_columns):
        text += " (0–1 columns ×100)"
    text += "."
    if view.left_out:
        text += " Left out: " + "; ".join(f"{c.short} {c.metric} ({reason})"
                                          for c, reason in view.left_out) + "."
    return text


def size_range(board: Board) -> tuple[float, float] | None:
    sizes = [m.info.params_b for m in board.models.values() if m.info.params_b is not None]
    return (min(sizes), max(sizes)) if sizes else None
