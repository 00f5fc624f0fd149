"""Core concepts: samples, tasks, models, scorers and aggregation.

The names below are imported on first use (PEP 562), so that importing one light module of
the core (`eval_mm.core.options`, say, from the CLI) does not load numpy with aggregation."""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from eval_mm.core.aggregate import MetricSummary, summarise, with_interval
    from eval_mm.core.bootstrap import Interval, Statistic, interval, mean_statistic
    from eval_mm.core.model import GenerationConfig, GenerationFailure, Model, ModelOutput
    from eval_mm.core.sample import ImagePart, Message, Sample, TextPart, user_turn
    from eval_mm.core.scoring import Score, ScoreContext, Scorer
    from eval_mm.core.task import DatasetRef, Task, TaskOptions

_HOME = {
    "eval_mm.core.aggregate": ("MetricSummary", "summarise", "with_interval"),
    "eval_mm.core.bootstrap": ("Interval", "Statistic", "interval", "mean_statistic"),
    "eval_mm.core.model": ("GenerationConfig", "GenerationFailure", "Model", "ModelOutput"),
    "eval_mm.core.sample": ("ImagePart", "Message", "Sample", "TextPart", "user_turn"),
    "eval_mm.core.scoring": ("Score", "ScoreContext", "Scorer"),
    "eval_mm.core.task": ("DatasetRef", "Task", "TaskOptions"),
}
_WHERE = {name: module for module, names in _HOME.items() for name in names}

__all__ = [
    "DatasetRef",
    "GenerationConfig",
    "GenerationFailure",
    "ImagePart",
    "Interval",
    "Message",
    "MetricSummary",
    "Model",
    "ModelOutput",
    "Sample",
    "Score",
    "ScoreContext",
    "Scorer",
    "Statistic",
    "Task",
    "TaskOptions",
    "TextPart",
    "interval",
    "mean_statistic",
    "summarise",
    "user_turn",
    "with_interval",
]


def __getattr__(name: str) -> Any:
    if name in _WHERE:
        return getattr(importlib.import_module(_WHERE[name]), name)
    raise AttributeError(f"module 'eval_mm.core' has no attribute {name!r}")
