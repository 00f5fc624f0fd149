"""Core concepts: samples, tasks, models, scorers and aggregation."""

from eval_mm.core.aggregate import MetricSummary, summarise, with_interval
from eval_mm.core.bootstrap import Interval, Statistic, interval, mean_statistic
from eval_mm.core.model import GenerationConfig, GenerationFailure, Model, ModelOutput
from eval_mm.core.sample import ImagePart, Message, Sample, TextPart, user_turn
from eval_mm.core.scoring import Score, ScoreContext, Scorer
from eval_mm.core.task import DatasetRef, Task, TaskOptions

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
