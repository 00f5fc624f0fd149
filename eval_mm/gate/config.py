"""Gate settings: statistics, tolerances by metric kind and per metric, read from `gate.toml`.

Example::

    [gate]
    confidence = 0.95      # two-sided interval level; regressions are tested one-sided at
                           # (1 - confidence) / 2 across all gated metrics (Holm)
    power = 0.8            # a comparison that cannot detect a drop of the tolerance with
                           # this power is inconclusive (underpowered), never a pass
    correction = "holm"    # or "bonferroni", or "none" (each metric at the full level)
    strict = false         # true: an inconclusive gate fails (exit 1)
    resamples = 2000
    seed = 0
    min_overlap = 0.95     # share of samples both runs must have in common
    tasks = ["jmmmu", "mecha-ja"]   # optional: gate only these

    [kinds]                # defaults by scorer kind (reported units, e.g. points of 0-100)
    accuracy = { absolute = 1.0 }
    judge = { relative = 0.05 }

    [metrics.jmmmu_acc]    # one metric, any task
    absolute = 2.0
    [metrics."heron:heron_rel"]   # one metric of one task (more specific, wins)
    relative = 0.03
    [metrics.rougel]
    gate = false           # report, never fail
"""

from __future__ import annotations

import sys
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from eval_mm.errors import UserError

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib


@dataclass(frozen=True)
class Tolerance:
    """How much of a drop is acceptable, in the metric's reported units.

    `relative` is a fraction of the baseline value; when both are set the larger allowance
    applies (a tolerance is a leniency, so the more lenient one is the intended one)."""

    absolute: float | None = None
    relative: float | None = None

    def allowance(self, baseline: float | None) -> float:
        parts = [self.absolute or 0.0]
        if self.relative is not None and baseline is not None:
            parts.append(abs(baseline) * self.relative)
        return max(parts)

    def describe(self) -> str:
        """The rule in words: `1 point`, `5% of baseline`, or the larger of both."""
        if self.relative is None:
            return f"{self.absolute or 0:g} point{'s' if (self.absolute or 0) != 1 else ''}"
        rel = f"{self.relative * 100:g}% of baseline"
        return rel if self.absolute is None else f"max({self.absolute:g}, {rel})"


# Accuracy-like and similarity metrics are reported on 0-100, so one point is a small but
# real change; judge metrics live on different scales (1-5, % of reference) and are noisier,
# so their default is relative to the baseline.
DEFAULT_KIND_TOLERANCES: dict[str, Tolerance] = {
    "accuracy": Tolerance(absolute=1.0),
    "similarity": Tolerance(absolute=1.0),
    "judge": Tolerance(relative=0.05),
}
FALLBACK_TOLERANCE = Tolerance(absolute=1.0)
CORRECTIONS = ("holm", "bonferroni", "none")


@dataclass(frozen=True)
class MetricRule:
    tolerance: Tolerance | None = None
    gate: bool = True  # False: report the comparison, never fail on it


@dataclass
class GateConfig:
    confidence: float = 0.95
    resamples: int = 2000
    seed: int = 0
    min_overlap: float = 0.95
    correction: str = "holm"  # over the gated metrics; or "bonferroni", or "none"
    power: float = 0.8
    strict: bool = False  # an inconclusive verdict fails (exit 1) instead of exiting 3
    tasks: list[str] | None = None
    metrics: list[str] | None = None
    skip_judge_mismatch: bool = False
    kinds: dict[str, Tolerance] = field(default_factory=lambda: dict(DEFAULT_KIND_TOLERANCES))
    rules: dict[str, MetricRule] = field(default_factory=dict)

    def rule(self, task: str, metric: str) -> MetricRule:
        return self.rules.get(f"{task}:{metric}") or self.rules.get(metric) or MetricRule()

    def tolerance(self, task: str, metric: str, kind: str) -> Tolerance:
        rule = self.rule(task, metric)
        if rule.tolerance is not None:
            return rule.tolerance
        return self.kinds.get(kind, FALLBACK_TOLERANCE)

    def validate(self) -> GateConfig:
        if not 0.5 <= self.confidence < 1.0:
            raise UserError(f"confidence must be in [0.5, 1), got {self.confidence}")
        if self.resamples < 100:
            raise UserError(f"resamples must be at least 100, got {self.resamples}")
        if not 0.0 < self.min_overlap <= 1.0:
            raise UserError(f"min_overlap must be in (0, 1], got {self.min_overlap}")
        if self.correction not in CORRECTIONS:
            raise UserError(f"correction must be one of {', '.join(CORRECTIONS)}, "
                            f"got {self.correction!r}")
        if not 0.5 <= self.power < 1.0:
            raise UserError(f"power must be in [0.5, 1), got {self.power}")
        return self

    def updated(self, **changes: Any) -> GateConfig:
        return replace(self, **{k: v for k, v in changes.items() if v is not None}).validate()


def _tolerance(where: str, raw: Any) -> Tolerance | None:
    if not isinstance(raw, dict):
        raise UserError(f"{where}: expected a table like {{ absolute = 1.0 }}")
    unknown = set(raw) - {"absolute", "relative", "gate"}
    if unknown:
        raise UserError(f"{where}: unknown keys {sorted(unknown)} (use absolute, relative, gate)")
    vals: dict[str, float] = {}
    for key in ("absolute", "relative"):
        if key in raw:
            v = raw[key]
            if isinstance(v, bool) or not isinstance(v, (int, float)) or v < 0:
                raise UserError(f"{where}.{key} must be a non-negative number, got {v!r}")
            vals[key] = float(v)
    return Tolerance(**vals) if vals else None


def _str_list(where: str, raw: Any) -> list[str]:
    if not isinstance(raw, list) or not all(isinstance(x, str) for x in raw):
        raise UserError(f"{where} must be a list of strings")
    return list(raw)


def config_from_dict(data: dict[str, Any]) -> GateConfig:
    unknown = set(data) - {"gate", "kinds", "metrics"}
    if unknown:
        raise UserError(
            f"gate config: unknown sections {sorted(unknown)} (use gate, kinds, metrics)")
    cfg = GateConfig()
    gate = data.get("gate", {})
    simple = {"confidence": float, "resamples": int, "seed": int, "min_overlap": float,
              "correction": str, "skip_judge_mismatch": bool, "power": float, "strict": bool}
    for key, value in gate.items():
        if key in simple:
            typ = simple[key]
            if typ is float and isinstance(value, int) and not isinstance(value, bool):
                value = float(value)
            if not isinstance(value, typ) or (typ is not bool and isinstance(value, bool)):
                raise UserError(f"gate.{key} must be of type {typ.__name__}, got {value!r}")
            setattr(cfg, key, value)
        elif key in ("tasks", "metrics"):
            setattr(cfg, key, _str_list(f"gate.{key}", value))
        else:
            raise UserError(f"gate config: unknown key gate.{key}")
    for kind, raw in data.get("kinds", {}).items():
        tol = _tolerance(f"kinds.{kind}", raw)
        if tol is not None:
            cfg.kinds[kind] = tol
    for name, raw in data.get("metrics", {}).items():
        tol = _tolerance(f"metrics.{name}", raw)
        gate_flag = raw.get("gate", True)
        if not isinstance(gate_flag, bool):
            raise UserError(f"metrics.{name}.gate must be true or false")
        cfg.rules[name] = MetricRule(tol, gate_flag)
    return cfg.validate()


def load_config(path: Path | None) -> GateConfig:
    if path is None:
        return GateConfig()
    if not path.is_file():
        raise UserError(f"gate config {path} does not exist")
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise UserError(f"gate config {path} is not valid TOML: {exc}") from exc
    return config_from_dict(data)
