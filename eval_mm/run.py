"""One evaluation: select samples, generate, score, and write a self-describing result."""

from __future__ import annotations

import hashlib
import shutil
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from eval_mm.core.aggregate import MetricSummary
from eval_mm.core.model import PROFILES, GenerationConfig, Model
from eval_mm.core.sample import Sample
from eval_mm.core.scoring import ScoreContext, Scorer
from eval_mm.core.task import Task
from eval_mm.data import source_for
from eval_mm.errors import RunFailed, UserError
from eval_mm.generate import run_generation
from eval_mm.registries import scorers_for
from eval_mm.runcard import CARD_SCHEMA, config_id, harness_info, ids_hash, now, run_dir
from eval_mm.score import sample_record, score_run
from eval_mm.store import (
    CARD,
    IMAGES_DIR,
    SAMPLES,
    SUMMARY,
    CorruptResult,
    atomic_write_json,
    atomic_write_jsonl,
    prediction_health,
    read_json,
    read_samples_checked,
)

# Model settings that change speed or placement, not outputs: a resume may change them.
THROUGHPUT_SETTINGS = frozenset(
    {
        "batch_size",
        "micro_batch_size",
        "device",
        "device_map",
        "workers",
        "transformers",
        "dtype_loaded",
    }
)


@dataclass
class RunOptions:
    results_dir: Path = Path("results")
    limit: int | None = None
    limit_seed: int = 0
    sample_ids: list[str] | None = None
    batch_size: int | None = None
    profile: str = "default"
    generation_overrides: dict[str, Any] = field(default_factory=dict)
    overwrite: bool = False
    max_error_share: float = 0.1
    save_images: bool = True
    metrics: list[str] | None = None
    seed: int = 0
    progress: bool = True
    num_shards: int = 1
    shard_index: int = 0
    skip_scoring: bool = False


@dataclass
class RunResult:
    run_dir: Path
    summary: dict[str, Any]


def _hash_rank(sample_id: str, seed: int) -> str:
    return hashlib.sha256(f"{seed}:{sample_id}".encode()).hexdigest()


def select_samples(samples: Sequence[Sample], opts: RunOptions) -> list[Sample]:
    """The deterministic subset to evaluate: an id list, a seeded `--limit`, a shard."""
    chosen = list(samples)
    ids = [s.id for s in chosen]
    if len(set(ids)) != len(ids):
        dup = next(i for i in ids if ids.count(i) > 1)
        raise RunFailed(f"task produced duplicate sample id {dup!r}")
    if opts.sample_ids is not None:
        wanted = set(opts.sample_ids)
        missing = wanted - set(ids)
        if missing:
            raise UserError(
                f"{len(missing)} requested sample ids are not in the task, "
                f"e.g. {sorted(missing)[:3]}"
            )
        chosen = [s for s in chosen if s.id in wanted]
    if opts.limit is not None and opts.limit < len(chosen):
        # Seeded hash order: the same limit and seed give the same subset on every machine.
        keep = {
            s.id
            for s in sorted(chosen, key=lambda s: _hash_rank(s.id, opts.limit_seed))[: opts.limit]
        }
        chosen = [s for s in chosen if s.id in keep]
    if opts.num_shards > 1:
        chosen = [
            s
            for s in chosen
            if int(hashlib.sha256(s.id.encode()).hexdigest(), 16) % opts.num_shards
            == opts.shard_index
        ]
    return chosen


def generation_config(task: Task, opts: RunOptions) -> GenerationConfig:
    if opts.profile not in PROFILES:
        raise UserError(
            f"unknown generation profile {opts.profile!r}; choose one of {sorted(PROFILES)}"
        )
    base = (
        task.generation
        if (task.generation and opts.profile == "default")
        else PROFILES[opts.profile]
    )
    return base.updated(**opts.generation_overrides)


def identity(
    task: Task, model: Model, gen: GenerationConfig, opts: RunOptions, ids: list[str]
) -> dict[str, Any]:
    """Everything that changes predictions: one run folder per distinct identity."""
    mcard = model.card()
    return {
        "task": task.id,
        "task_version": task.version,
        "prompt_variant": task.prompt_variant,
        "prompt_hash": task.prompt_hash(),
        "task_options": task.opts.options,
        "dataset": task.dataset.to_json() if task.dataset else None,
        "data_path": task.opts.data_path,
        "model": model.model_id,
        "model_revision": mcard.get("revision"),
        # dtype, prompt format, ...: each its own folder; throughput settings are not
        "model_settings": {
            k: v for k, v in (mcard.get("settings") or {}).items() if k not in THROUGHPUT_SETTINGS
        },
        "generation": gen.to_json(),
        "sample_ids": ids_hash(ids),
        "shard": [opts.shard_index, opts.num_shards] if opts.num_shards > 1 else None,
    }


def _save_images(folder: Path, index: dict[str, int], batch: Sequence[Sample]) -> None:
    for sample in batch:
        for k, img in enumerate(sample.images):
            path = folder / f"{index[sample.id]:06d}_{k}.png"
            if not path.exists():
                thumb = img.convert("RGB")
                thumb.thumbnail((1024, 1024))
                tmp = path.with_suffix(".png.tmp")
                thumb.save(tmp, format="PNG", compress_level=1)
                tmp.replace(path)


def evaluate(task: Task, model: Model, opts: RunOptions, ctx: ScoreContext) -> RunResult:
    t_start = time.perf_counter()
    samples = select_samples(list(task.samples(source_for(task))), opts)
    if not samples:
        raise UserError(f"task {task.id}: no samples to evaluate (check --limit / --sample-ids)")
    gen = generation_config(task, opts)
    # A model run with its recommended decoding (`generation=recommended`) records what it used.
    gen = gen.with_overrides(model.card().get("generation_overrides") or {})
    ids = [s.id for s in samples]
    ident = identity(task, model, gen, opts, ids)
    folder = run_dir(opts.results_dir, model.model_id, task.id, ident)
    if opts.overwrite and folder.exists():
        shutil.rmtree(folder)
    folder.mkdir(parents=True, exist_ok=True)
    scorers = scorers_for(task, opts.metrics)

    card_path = folder / CARD
    previous = read_json(card_path) if card_path.exists() else {}
    index = {s.id: i for i, s in enumerate(samples)}
    if not (folder / SAMPLES).exists():
        records = [
            sample_record(
                s,
                [f"{IMAGES_DIR}/{index[s.id]:06d}_{k}.png" for k in range(len(s.images))]
                if opts.save_images
                else [],
            )
            for s in samples
        ]
        atomic_write_jsonl(folder / SAMPLES, records)
    else:
        read_samples_checked(folder)  # a damaged one fails now, not after generation
    # Start from the previous card so that what scorers recorded (judge settings) survives a
    # resume in which every score is already stored.
    card: dict[str, Any] = dict(previous)
    card |= {
        "schema": CARD_SCHEMA,
        "config_id": config_id(ident),
        "status": "running",
        "created": previous.get("created", now()),
        "updated": now(),
        "harness": harness_info(),
        "task": task.card(),
        "model": model.card(),
        "generation": gen.to_json(),
        "generation_profile": opts.profile,
        "selection": {
            "limit": opts.limit,
            "limit_seed": opts.limit_seed,
            "sample_ids_given": opts.sample_ids is not None,
            "sample_ids_sha256": ids_hash(ids),
            "num_shards": opts.num_shards,
            "shard_index": opts.shard_index,
        },
        "seeds": {"bootstrap": opts.seed, "generation": gen.seed, "limit": opts.limit_seed},
        "batch_size": opts.batch_size or model.batch_size,
        "runs_before": previous.get("runs_before", 0) + (1 if previous else 0),
    }
    atomic_write_json(card_path, card)

    images_dir = folder / IMAGES_DIR
    if opts.save_images:
        images_dir.mkdir(exist_ok=True)
    gen_stats = run_generation(
        model,
        samples,
        folder,
        gen,
        opts.batch_size or model.batch_size,
        on_batch=(lambda b: _save_images(images_dir, index, b)) if opts.save_images else None,
        progress=opts.progress,
    )
    card["counts"] = {k: gen_stats[k] for k in ("samples", "resumed", "generated_now", "errors")}
    card["timings"] = {"generate_s": gen_stats["seconds"]}
    error_share = gen_stats["errors"] / max(1, gen_stats["samples"])
    failed = error_share > opts.max_error_share
    summary: dict[str, Any] = {}
    if not opts.skip_scoring:
        result = rescore(folder, task, scorers, ctx, card, opts.progress)
        summary = result.summary
    card["status"] = "failed" if failed else "complete"
    card["timings"]["total_s"] = round(time.perf_counter() - t_start, 3)
    card["updated"] = now()
    atomic_write_json(card_path, card)
    if failed:
        raise RunFailed(
            f"{task.id}: {gen_stats['errors']} of {gen_stats['samples']} samples failed "
            f"({error_share:.1%} > --max-error-share {opts.max_error_share:.1%}); "
            f"see {folder / 'predictions.jsonl'}"
        )
    return RunResult(folder, summary)


def rescore(
    folder: Path,
    task: Task,
    scorers: Sequence[Scorer],
    ctx: ScoreContext,
    card: dict[str, Any] | None = None,
    progress: bool = True,
    rescore_all: bool = False,
) -> RunResult:
    """Score stored predictions (no generation) and rewrite the summary and card."""
    card = card if card is not None else read_json(folder / CARD)
    ctx.run_dir = folder
    t0 = time.perf_counter()
    summaries, timings = score_run(folder, scorers, ctx, task.breakdown_keys, rescore_all, progress)
    try:
        old_summary = read_json(folder / SUMMARY) if (folder / SUMMARY).exists() else {}
    except CorruptResult:  # scoring is what rebuilds it
        note = f"note: {folder / SUMMARY} was unreadable; rebuilt from the stored scores"
        print(note, file=sys.stderr)
        old_summary = {}
    metrics: dict[str, Any] = dict(old_summary.get("metrics", {}))  # adding a metric keeps others
    metrics.update({k: v.to_json() for k, v in summaries.items()})
    scorer_cards = {c["id"]: c for c in card.get("scorers", [])}
    scorer_cards.update({s.id: s.card() for s in scorers})
    card["scorers"] = list(scorer_cards.values())
    card.setdefault("timings", {})["score_s"] = round(time.perf_counter() - t0, 3)
    card["timings"]["score_per_metric_s"] = timings
    if ctx.card:
        _merge_into(card, ctx.card)  # e.g. judge prompts of earlier-scored metrics are kept
        ctx.card.clear()  # invocation-wide context: never carry one task's record into the next
    summary = {
        "task": task.id,
        "task_version": task.version,
        "model": card["model"]["id"],
        "config_id": card["config_id"],
        "primary_metric": task.primary_metric or (task.metrics[0] if task.metrics else None),
        "breakdown_keys": list(task.breakdown_keys),
        "counts": {**card.get("counts", {}), **_missing(folder)},
        "metrics": metrics,
    }
    atomic_write_json(folder / SUMMARY, summary)
    atomic_write_json(folder / CARD, card)
    return RunResult(folder, summary)


def _missing(folder: Path) -> dict[str, int]:
    """Samples without a prediction (lost lines): counted, never silently left out."""
    missing = prediction_health(folder).missing
    return {"missing_predictions": missing} if missing else {}


def _merge_into(target: dict[str, Any], new: dict[str, Any]) -> None:
    """Recursive dict update: nested tables are merged, other values replaced."""
    for key, value in new.items():
        if isinstance(value, dict) and isinstance(target.get(key), dict):
            _merge_into(target[key], value)
        else:
            target[key] = value


def summaries_of(summary: dict[str, Any]) -> dict[str, MetricSummary]:
    return {k: MetricSummary.from_json(v) for k, v in summary.get("metrics", {}).items()}
