"""Reading run folders of the result store: cards and summaries (the per-sample files are
read by `runfiles`; nothing else in the leaderboard opens a run folder).

The protocol of a local number (what must match for two numbers to share a column) is
derived from the run card and summary in `protocol.column_protocol`. A run that
cannot be read is skipped and described in `LoadResult.warnings`, so the leaderboard shows
warnings instead of crashing.
"""

from __future__ import annotations

import math
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from eval_mm.leaderboard.taskinfo import full_size
from eval_mm.store import CARD, SUMMARY, read_json

JUDGE_METRIC_PREFIXES = ("heron_rel", "judge_1to5")


@dataclass(frozen=True)
class JudgeInfo:
    """Who judged a metric and with which prompt; part of every judged column's key."""

    model: str
    prompt_version: str
    runs: str = "?"  # judge runs averaged per item (and the mode when not independent)
    endpoint: str = ""  # where the judge was asked, when not OpenAI's API

    @property
    def who(self) -> str:
        """The judge model, with its endpoint when that is not OpenAI's API."""
        return f"{self.model} at {self.endpoint}" if self.endpoint else self.model

    @property
    def label(self) -> str:
        return f"judge {self.who} ×{self.runs}, prompt {self.prompt_version}"


@dataclass(frozen=True)
class Run:
    """One run folder whose card and summary could be read."""

    path: Path
    rel: str  # path relative to the results folder, for display
    card: dict[str, Any]
    summary: dict[str, Any]

    def read_card(self) -> dict[str, Any]:
        """The whole run card, read from the folder now."""
        card = read_json(self.path / CARD)
        return card if isinstance(card, dict) else {}

    def read_summary(self) -> dict[str, Any]:
        """The whole summary (breakdowns, extras), read from the folder now."""
        summary = read_json(self.path / SUMMARY)
        return summary if isinstance(summary, dict) else {}

    @property
    def model(self) -> dict[str, Any]:
        return self.card.get("model") or {}

    @property
    def model_id(self) -> str:
        return str(self.model.get("id") or self.summary.get("model") or "?")

    @property
    def prompt_layout(self) -> str | None:
        """How the adapter laid out the prompt (its `prompt_format`); None if not recorded."""
        layout = self.model.get("prompt_format")
        return layout if isinstance(layout, str) and layout else None

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

    def fingerprint(self, metric_id: str) -> dict[str, Any] | None:
        """The scorer fingerprint of the number the summary reports for `metric_id` (metric
        version, judge, prompt, ...); None for runs scored before fingerprints existed."""
        fp = (self.metrics.get(metric_id) or {}).get("fingerprint")
        found = (self.summary.get("scorers") or {}).get(fp) if isinstance(fp, str) else None
        return found if isinstance(found, dict) else None

    def metric_version(self, metric_id: str) -> str:
        fp = self.fingerprint(metric_id)
        if fp is not None and fp.get("version") is not None:
            return str(fp["version"])
        return str(self.scorer(metric_id).get("version") or "?")

    def metric_kind(self, metric_id: str) -> str:
        kind = self.scorer(metric_id).get("kind")
        if kind:
            return str(kind)
        fp = self.fingerprint(metric_id)
        if fp is not None:
            return "judge" if isinstance(fp.get("judge"), dict) else "unknown"
        return "judge" if metric_id.startswith(JUDGE_METRIC_PREFIXES) else "unknown"

    def judge(self, metric_id: str) -> JudgeInfo | None:
        """The judge of a judged metric; None for metrics no LLM judged. From the scorer
        fingerprint when the summary has one, else from the card's judge record."""
        fp = self.fingerprint(metric_id)
        if fp is not None and isinstance(fp.get("judge"), dict):
            return judge_from_fingerprint(fp)
        if self.metric_kind(metric_id) != "judge":
            return None
        return judge_info(self.card.get("judge"), self.metrics.get(metric_id) or {}, metric_id)

    @property
    def samples(self) -> int | None:
        """Samples selected for the run (all of them, scored or not)."""
        for counts in (self.card.get("counts"), self.summary.get("counts")):
            if isinstance(counts, dict) and isinstance(counts.get("samples"), int):
                return int(counts["samples"])
        return None

    @property
    def full_size(self) -> int | None:
        return full_size(self.task_id, self.task)

    @property
    def subset(self) -> str | None:
        """Why only part of the task was evaluated (limit, id list, shard, or a data copy
        with fewer samples than the benchmark); None for a complete run."""
        sel = self.card.get("selection") or {}
        parts = []
        if sel.get("limit"):
            parts.append(f"--limit {sel['limit']}")
        if sel.get("sample_ids_given"):
            parts.append("--sample-ids list")
        if (sel.get("num_shards") or 1) > 1:
            parts.append(f"shard {sel.get('shard_index')}/{sel.get('num_shards')}")
        n, full = self.samples, self.full_size
        if n is not None and full is not None and n < full:
            data = (self.task.get("data") or {}) if isinstance(self.task, dict) else {}
            where = " (local --data copy)" if data.get("source") == "local" else ""
            parts.append(f"{n:,} of {full:,} samples{where}")
        return ", ".join(parts) or None

    @property
    def profile(self) -> str:
        return str(self.card.get("generation_profile") or "default")

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


def judge_from_fingerprint(fp: dict[str, Any]) -> JudgeInfo:
    """Judge model, endpoint, runs and prompt version of a judged scorer's fingerprint."""
    judge, prompt = fp["judge"], fp.get("prompt") or {}
    runs = str(judge.get("runs", "?"))
    mode = judge.get("mode")
    if isinstance(mode, str) and mode not in ("independent", "single"):
        runs += f" {mode}-mode"
    endpoint = str(judge.get("endpoint") or "")
    return JudgeInfo(str(judge.get("model") or "unknown"),
                     str(prompt.get("version") or "unknown"), runs,
                     "" if endpoint in ("", "api.openai.com") else endpoint)


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
    return Run(folder, rel, _slim_card(card), _slim_summary(summary)), warnings


_CARD_KEYS = ("config_id", "status", "updated", "model", "generation_profile", "selection",
              "counts", "scorers", "judge")
_TASK_KEYS = ("id", "version", "prompt_variant", "options", "data")
_METRIC_KEYS = ("value", "ci_low", "ci_high", "n", "unscored", "scale", "fingerprint")


def _slim_card(card: dict[str, Any]) -> dict[str, Any]:
    """What the boards read of a run card; the views that show the whole card read it from
    the folder (`Run.read_card`). Keeps the index small and fast to load."""
    out = {k: card[k] for k in _CARD_KEYS if k in card}
    task = card.get("task")
    if isinstance(task, dict):
        out["task"] = {k: task[k] for k in _TASK_KEYS if k in task}
        if isinstance(task.get("data"), dict):
            out["task"]["data"] = {k: task["data"].get(k) for k in ("source", "rows")}
    model = card.get("model")
    if isinstance(model, dict):
        out["model"] = {k: model[k] for k in ("id", "hf_id", "debug", "note", "revision")
                        if k in model}
        settings = model.get("settings")  # the prompt layout (transformers: in settings)
        if layout := model.get("prompt_format") or (
                settings.get("prompt_format") if isinstance(settings, dict) else None):
            out["model"]["prompt_format"] = layout
    return out


def _slim_summary(summary: dict[str, Any]) -> dict[str, Any]:
    drop = ("metrics", "by_fingerprint", "scorers")
    out = {k: v for k, v in summary.items() if k not in drop}
    used = {m.get("fingerprint") for m in summary["metrics"].values() if isinstance(m, dict)}
    scorers = summary.get("scorers")
    if isinstance(scorers, dict):
        out["scorers"] = {fp: v for fp, v in scorers.items() if fp in used}
    metrics = {}
    for name, m in summary["metrics"].items():
        slim = {k: m[k] for k in _METRIC_KEYS if k in m}
        judge = (m.get("extra") or {}).get("judge") if isinstance(m.get("extra"), dict) else None
        if isinstance(judge, dict):
            slim["extra"] = {"judge": judge}
        metrics[name] = slim
    out["metrics"] = metrics
    return out


Signature = tuple[int, int] | None  # (mtime_ns, size) of a file; None when absent


def _signature(path: str) -> Signature:
    try:
        st = os.stat(path)
    except OSError:
        return None
    return (st.st_mtime_ns, st.st_size)


def scan_store(root: Path) -> dict[str, tuple[Signature, Signature]]:
    """Run folder -> signatures of its card and summary, for every run below `root`.

    A folder is a run when it holds run.json; it is not entered further, so a run's images
    and scores cost nothing however many there are, and the check is one stat per file."""
    out: dict[str, tuple[Signature, Signature]] = {}
    stack = [str(root)]
    while stack:
        folder = stack.pop()
        card = _signature(os.path.join(folder, CARD))
        if card is not None:
            out[folder] = (card, _signature(os.path.join(folder, SUMMARY)))
            continue
        try:
            with os.scandir(folder) as it:
                stack.extend(e.path for e in it
                             if not e.name.startswith(".") and e.is_dir(follow_symlinks=False))
        except OSError:
            continue
    return dict(sorted(out.items()))


def scan_runs(root: Path) -> list[Path]:
    """Run folders (holding run.json) below `root`, sorted."""
    return [Path(p) for p in scan_store(root)]


def load_runs(root: Path, folders: list[Path] | None = None) -> LoadResult:
    out = LoadResult()
    for folder in scan_runs(root) if folders is None else folders:
        run, warnings = load_run(folder, root)
        out.warnings.extend(warnings)
        if run is not None:
            out.runs.append(run)
    return out
