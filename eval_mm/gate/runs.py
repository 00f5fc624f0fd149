"""Reading stored runs for the gate: run cards, summaries and per-sample scores."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

from eval_mm.errors import UserError
from eval_mm.store import (
    CARD,
    SAMPLES,
    SUMMARY,
    find_runs,
    read_json,
    read_jsonl,
    read_scores,
)

log = logging.getLogger(__name__)


@dataclass
class Run:
    """One stored run folder, read lazily."""

    path: Path
    card: dict[str, Any]
    summary: dict[str, Any]
    _scores: dict[str, dict[str, dict[str, Any]]] = field(default_factory=dict, repr=False)

    @property
    def task_id(self) -> str:
        return str(self.card.get("task", {}).get("id") or self.summary.get("task"))

    @property
    def task(self) -> dict[str, Any]:
        task = self.card.get("task")
        return task if isinstance(task, dict) else {}

    @property
    def model_id(self) -> str:
        return str((self.card.get("model") or {}).get("id") or self.summary.get("model") or "?")

    @property
    def metrics(self) -> dict[str, dict[str, Any]]:
        return dict(self.summary.get("metrics") or {})

    @property
    def scorer_cards(self) -> dict[str, dict[str, Any]]:
        cards = self.card.get("scorers") or []
        return {c["id"]: c for c in cards if isinstance(c, dict) and "id" in c}

    @property
    def selection(self) -> dict[str, Any]:
        return dict(self.card.get("selection") or {})

    @cached_property
    def sample_ids(self) -> list[str]:
        """Every selected sample id (from samples.jsonl; else the ids that carry any score)."""
        if (self.path / SAMPLES).exists():
            return [str(r["id"]) for r in read_jsonl(self.path / SAMPLES)]
        ids: dict[str, None] = {}
        for metric in self.metrics:
            ids.update(dict.fromkeys(self.scores(metric)))
        return list(ids)

    def scores(self, metric: str) -> dict[str, dict[str, Any]]:
        """Per-sample score records of one metric, by sample id (the last record wins)."""
        if metric not in self._scores:
            records = read_scores(self.path, metric)
            if not records:
                raise UserError(f"{self.path}: summary lists metric {metric!r} but its scores "
                                f"are missing; rescore the run with `eval-mm score {self.path}`")
            self._scores[metric] = records
        return self._scores[metric]

    def metric_version(self, metric: str) -> str | None:
        card = self.scorer_cards.get(metric)
        if card and card.get("version") is not None:
            return str(card["version"])
        versions = {str(r.get("version")) for r in self.scores(metric).values()}
        return versions.pop() if len(versions) == 1 else None

    def metric_kind(self, metric: str) -> str:
        card = self.scorer_cards.get(metric)
        if card and card.get("kind"):
            return str(card["kind"])
        scorer = lookup_scorer(metric)
        return str(getattr(scorer, "kind", "accuracy")) if scorer else "accuracy"

    def metric_scale(self, metric: str) -> float:
        scale = (self.metrics.get(metric) or {}).get("scale")
        if isinstance(scale, (int, float)):
            return float(scale)
        scorer = lookup_scorer(metric)
        return float(getattr(scorer, "scale", 100.0)) if scorer else 100.0


def lookup_scorer(metric: str) -> Any | None:
    """The registered scorer instance, or None (unknown id or a plugin that fails to import)."""
    from eval_mm.registries import METRICS

    try:
        return METRICS.get(metric)()
    except UserError:
        return None
    except Exception as exc:  # a broken plugin must not stop the gate; it falls back to means
        log.warning("could not load scorer %s: %s", metric, exc)
        return None


def load_run(path: Path) -> Run:
    card_path, summary_path = path / CARD, path / SUMMARY
    if not card_path.is_file():
        raise UserError(f"{path} is not a run folder (no {CARD})")
    if not summary_path.is_file():
        raise UserError(f"{path} has no {SUMMARY}; score it first with `eval-mm score {path}`")
    try:
        return Run(path, read_json(card_path), read_json(summary_path))
    except ValueError as exc:
        raise UserError(f"{path}: unreadable run card or summary ({exc})") from exc


def load_runs(path: Path, label: str) -> dict[str, Run]:
    """Runs under `path` (one run folder, or a folder holding runs) keyed by task id."""
    if not path.exists():
        raise UserError(f"--{label} {path} does not exist")
    folders = [path] if (path / CARD).is_file() else find_runs(path)
    if not folders:
        raise UserError(f"--{label} {path}: no run (run.json) found below it")
    runs: dict[str, Run] = {}
    for folder in folders:
        run = load_run(folder)
        if run.task_id in runs:
            raise UserError(
                f"--{label} {path} holds several runs of task {run.task_id!r} "
                f"({runs[run.task_id].path} and {folder}); point it at one run folder or a "
                "folder with one run per task")
        runs[run.task_id] = run
    return runs
