"""Loading run folders of the result store, tolerating half-written and corrupt files.

A run that cannot be read is skipped and described in `LoadResult.warnings`; the
leaderboard shows those warnings instead of crashing.
"""

from __future__ import annotations

import math
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from eval_mm.store import CARD, SUMMARY, find_runs, read_json

JUDGE_METRIC_PREFIXES = ("heron_rel", "judge_1to5")


@dataclass(frozen=True)
class JudgeInfo:
    """Who judged a metric and with which prompt; part of every judged column's key."""

    model: str
    prompt_version: str
    runs: str = "?"  # judge runs averaged per item (and the mode when not independent)

    @property
    def label(self) -> str:
        return f"judge {self.model} ×{self.runs}, prompt {self.prompt_version}"


@dataclass(frozen=True)
class Run:
    """One run folder whose card and summary could be read."""

    path: Path
    rel: str  # path relative to the results folder, for display
    card: dict[str, Any]
    summary: dict[str, Any]

    @property
    def model(self) -> dict[str, Any]:
        return self.card.get("model") or {}

    @property
    def model_id(self) -> str:
        return str(self.model.get("id") or self.summary.get("model") or "?")

    @property
    def debug(self) -> bool:
        return bool(self.model.get("debug"))

    @property
    def task(self) -> dict[str, Any]:
        return self.card.get("task") or {}

    @property
    def task_id(self) -> str:
        return str(self.task.get("id") or self.summary.get("task") or "?")

    @property
    def config_id(self) -> str:
        return str(self.card.get("config_id") or self.summary.get("config_id") or self.path.name)

    @property
    def status(self) -> str:
        return str(self.card.get("status") or "unknown")

    @property
    def metrics(self) -> dict[str, dict[str, Any]]:
        return self.summary.get("metrics") or {}

    @property
    def primary_metric(self) -> str | None:
        return self.summary.get("primary_metric")

    @property
    def breakdown_keys(self) -> list[str]:
        return list(self.summary.get("breakdown_keys") or [])

    def scorer(self, metric_id: str) -> dict[str, Any]:
        for sc in self.card.get("scorers") or []:
            if isinstance(sc, dict) and sc.get("id") == metric_id:
                return sc
        return {}

    def metric_version(self, metric_id: str) -> str:
        return str(self.scorer(metric_id).get("version") or "?")

    def metric_kind(self, metric_id: str) -> str:
        kind = self.scorer(metric_id).get("kind")
        if kind:
            return str(kind)
        return "judge" if metric_id.startswith(JUDGE_METRIC_PREFIXES) else "unknown"

    def judge(self, metric_id: str) -> JudgeInfo | None:
        """The judge of a judged metric; None for metrics no LLM judged."""
        if self.metric_kind(metric_id) != "judge":
            return None
        return judge_info(self.card.get("judge"), self.metrics.get(metric_id) or {}, metric_id)

    @property
    def subset(self) -> str | None:
        """Set when only part of the task was evaluated (limit, id list or a shard)."""
        sel = self.card.get("selection") or {}
        parts = []
        if sel.get("limit"):
            parts.append(f"limit {sel['limit']}")
        if sel.get("sample_ids_given"):
            parts.append("id list")
        if (sel.get("num_shards") or 1) > 1:
            parts.append(f"shard {sel.get('shard_index')}/{sel.get('num_shards')}")
        return ", ".join(parts) or None

    @property
    def updated(self) -> str:
        return str(self.card.get("updated") or "")


def _first(d: dict[str, Any], keys: tuple[str, ...]) -> str | None:
    for k in keys:
        v = d.get(k)
        if isinstance(v, str) and v:
            return v
    return None


_MODEL_KEYS = ("model", "judge_model", "requested_model", "model_id", "id")
_PROMPT_KEYS = ("prompt_version", "version", "prompt", "prompt_id", "judge_prompt")


def judge_info(card_judge: Any, metric: dict[str, Any], metric_id: str) -> JudgeInfo:
    """Judge model, prompt version and run count, looked up generously: the metric's own
    `extra`, then per-metric entries of the card's judge record (`prompts[metric]` as the
    judge module writes it), then the record itself. Unknown values stay visible as
    'unknown' rather than being merged with known ones."""
    candidates: list[dict[str, Any]] = []
    extra = metric.get("extra") or {}
    if isinstance(extra.get("judge"), dict):
        candidates.append(extra["judge"])
    if isinstance(card_judge, dict):
        for group in ("prompts", "metrics"):
            sub = card_judge.get(group)
            if isinstance(sub, dict) and isinstance(sub.get(metric_id), dict):
                candidates.append(sub[metric_id])
        if isinstance(card_judge.get(metric_id), dict):
            candidates.append(card_judge[metric_id])
        candidates.append(card_judge)
    model = next((m for c in candidates if (m := _first(c, _MODEL_KEYS))), None)
    prompt = next((p for c in candidates if (p := _first(c, _PROMPT_KEYS))), None)
    runs = next((c["runs"] for c in candidates if isinstance(c.get("runs"), int)), None)
    mode = next((c["mode"] for c in candidates if isinstance(c.get("mode"), str)), None)
    runs_text = "?" if runs is None else str(runs)
    if mode and mode not in ("independent", "single"):
        runs_text += f" {mode}-mode"
    return JudgeInfo(model or "unknown", prompt or "unknown", runs_text)


@dataclass
class LoadResult:
    runs: list[Run] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def _check_metric(name: str, m: Any) -> str | None:
    if not isinstance(m, dict):
        return f"metric {name!r} is not an object"
    v = m.get("value")
    numeric = isinstance(v, (int, float)) and not isinstance(v, bool)
    if v is not None and not (numeric and math.isfinite(v)):
        return f"metric {name!r} has a non-numeric value {v!r}"
    return None


def load_run(folder: Path, root: Path) -> tuple[Run | None, list[str]]:
    """A run and the warnings about it; None (with a reason) when it cannot be shown."""
    rel = os.path.relpath(folder, root)
    try:
        card = read_json(folder / CARD)
    except (OSError, ValueError) as exc:  # ValueError: JSON, UTF-8 or CorruptResult
        return None, [f"skipped {rel}: unreadable run.json ({type(exc).__name__})"]
    if not isinstance(card, dict):
        return None, [f"skipped {rel}: run.json is not an object"]
    if not (folder / SUMMARY).exists():
        status = card.get("status", "unknown")
        return None, [f"skipped {rel}: no summary.json yet (run status {status!r})"]
    try:
        summary = read_json(folder / SUMMARY)
    except (OSError, ValueError) as exc:
        return None, [f"skipped {rel}: unreadable summary.json ({type(exc).__name__})"]
    if not isinstance(summary, dict) or not isinstance(summary.get("metrics", {}), dict):
        return None, [f"skipped {rel}: summary.json has no metrics object"]
    warnings = []
    metrics = dict(summary.get("metrics") or {})
    for name, m in list(metrics.items()):
        problem = _check_metric(name, m)
        if problem:
            warnings.append(f"{rel}: {problem}; metric skipped")
            del metrics[name]
    summary = {**summary, "metrics": metrics}
    return Run(folder, rel, card, summary), warnings


def load_runs(root: Path) -> LoadResult:
    out = LoadResult()
    for folder in find_runs(root):
        run, warnings = load_run(folder, root)
        out.warnings.extend(warnings)
        if run is not None:
            out.runs.append(run)
    return out


def store_fingerprint(root: Path) -> tuple[tuple[str, int, int], ...]:
    """Sizes and mtimes of every card and summary: a cache key that changes with the store."""
    items = []
    for folder in find_runs(root):
        for name in (CARD, SUMMARY):
            p = folder / name
            try:
                st = p.stat()
            except OSError:
                continue
            items.append((str(p), st.st_mtime_ns, st.st_size))
    return tuple(items)
