"""Regression gate: compare a candidate checkpoint's runs with a baseline's, per metric,
with a seeded paired cluster bootstrap, and say pass, regression or inconclusive
(see docs/gate.md)."""

from eval_mm.gate.compare import GateResult, MetricComparison, run_gate
from eval_mm.gate.config import GateConfig, Tolerance, load_config
from eval_mm.gate.report import to_json, to_junit, to_markdown

__all__ = [
    "GateConfig",
    "GateResult",
    "MetricComparison",
    "Tolerance",
    "load_config",
    "run_gate",
    "to_json",
    "to_junit",
    "to_markdown",
]
