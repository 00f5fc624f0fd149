"""Boards: the unit the leaderboard shows. One board holds numbers made under one protocol:
a published snapshot, or the local runs under one judge (model, runs) and generation
profile. Rows are models, columns are (task, metric) with everything that makes numbers
incomparable in the column's key, so a board never mixes protocols in a column.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from eval_mm.leaderboard.taskinfo import task_info
from eval_mm.models.info import ModelInfo

LOCAL = "local"
PUBLISHED = "published"
# Scales on which numbers are percentages (0-1 is shown as published, averaged x100).
PERCENT_SCALES = {"0-100": 1.0, "pct_rel": 1.0, "0-1": 100.0}


@dataclass(frozen=True)
class Column:
    key: str
    task: str
    metric: str
    scale: str  # 0-100 | pct_rel | 1-5 | 0-1 | raw | unstated
    primary: bool
    short: str  # the task's short name, the header's first line
    group: str
    details: tuple[str, ...] = ()  # the column's protocol and notes, one line each
    full_size: int | None = None

    @property
    def decimals(self) -> int:
        return 3 if self.scale == "0-1" else 2


def column(key: str, task: str, metric: str, scale: str, primary: bool,
           details: tuple[str, ...] = (), full_size: int | None = None) -> Column:
    info = task_info(task)
    return Column(key, task, metric, scale, primary, info.short, info.group, details, full_size)


@dataclass(frozen=True)
class Cell:
    value: float
    text: str | None = None  # the published string, trailing zeros kept
    n: int | None = None  # items scored
    unscored: int | None = None
    samples: int | None = None  # items selected
    ci: tuple[float, float] | None = None
    subset: str | None = None  # why this is not the whole benchmark
    run: str = ""  # run folder (relative), local cells only
    notes: tuple[str, ...] = ()
    rounded: bool = False  # filled from a rounded copy of the snapshot
    fingerprint: str = ""  # local cells: the scorer fingerprint whose scores made the number


@dataclass(frozen=True)
class ModelRow:
    key: str  # model id as the source writes it
    info: ModelInfo
    debug: bool = False
    note: str = ""
    layout: str = ""  # local rows: the prompt layout, when not the default chat template

    @property
    def name(self) -> str:
        key = self.key.removesuffix(f" · layout {self.layout}") if self.layout else self.key
        base = self.info.display or key.rsplit("/", 1)[-1]
        return f"{base} · layout {self.layout}" if self.layout else base

    @property
    def access(self) -> str:
        return self.info.access or "unknown"


@dataclass
class Board:
    id: str
    kind: str  # local | published
    title: str
    protocol: list[tuple[str, str]]  # (label, text), stated once above the table
    columns: dict[str, Column] = field(default_factory=dict)
    models: dict[str, ModelRow] = field(default_factory=dict)
    cells: dict[tuple[str, str], Cell] = field(default_factory=dict)  # (model, column) -> cell
    warnings: list[str] = field(default_factory=list)
    source: dict[str, Any] = field(default_factory=dict)  # published: the sources.json entry

    def cell(self, model: str, column: str) -> Cell | None:
        return self.cells.get((model, column))


def metric_rank(metric: str, task_primary: str | None) -> tuple[int, int, int, str]:
    """Sort key choosing a task's primary metric among published ones: the task's own
    primary or its `_legacy` twin, then judged metrics, then the shortest id."""
    matches = task_primary is not None and metric in (task_primary, f"{task_primary}_legacy")
    judged = metric.startswith(("judge", "heron", "jwt_board", "card_judge"))
    return (0 if matches else 1, 0 if judged else 1, len(metric), metric)


def mark_primary(columns: list[Column]) -> list[Column]:
    """Columns with `primary` set on one metric per task (the best by `metric_rank`)."""
    from dataclasses import replace

    best: dict[str, Column] = {}
    for c in columns:
        primary = task_info(c.task).primary_metric
        if c.task not in best or metric_rank(c.metric, primary) < metric_rank(
                best[c.task].metric, primary):
            best[c.task] = c
    return [replace(c, primary=best[c.task].key == c.key) for c in columns]


# Column order: judged open-ended tasks, documents, multiple choice, classification, VQA,
# OCR, JAMMEval, the English tasks, then the rest; within a group by short name, the
# primary metric first.
GROUP_ORDER = ("judge", "document", "multiple-choice", "classification", "vqa", "ocr",
               "jammeval", "english")


def order_columns(columns: list[Column]) -> list[Column]:
    def key(c: Column) -> tuple[int, str, bool, str]:
        g = GROUP_ORDER.index(c.group) if c.group in GROUP_ORDER else len(GROUP_ORDER)
        return (g, c.short.lower(), not c.primary, c.metric)

    return sorted(columns, key=key)
