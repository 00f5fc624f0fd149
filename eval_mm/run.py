"""One evaluation: select samples, generate, score, and write a self-describing result.

The runner computes the run's identity (eval_mm.identity), takes the folder's lock for the
whole invocation, generates what is missing, scores, and ends with an honest status:
`complete` only when every sample has a prediction and every requested metric is scored with
no retryable failure left; `incomplete` (exit 1) says what a rerun will retry."""

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
from eval_mm.core.model import GenerationConfig, Model
from eval_mm.core.sample import Sample
from eval_mm.core.scoring import ScoreContext, Scorer
from eval_mm.core.task import Task
from eval_mm.data import source_for
from eval_mm.decoding import resolve_generation
from eval_mm.errors import RunFailed, UserError
from eval_mm.failures import FatalError
from eval_mm.generate import record_usage, run_generation
from eval_mm.identity import digest, gold_digest, input_digest, model_identity, run_identity
from eval_mm.lock import LOCK_FILE, RunLock
from eval_mm.registries import scorers_for
from eval_mm.run_status import activity, finish_invocation, run_status, start_invocation
from eval_mm.runcard import (
    CARD_SCHEMA,
    config_id,
    harness_info,
    ids_hash,
    now,
    read_card,
    run_dir,
)
from eval_mm.score import MetricOutcome, sample_record, score_run
from eval_mm.store import (
    CARD,
    IMAGES_DIR,
    SAMPLES,
    SUMMARY,
    CorruptResult,
    atomic_write_json,
    atomic_write_jsonl,
    prediction_health,
    read_samples_checked,
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
    seed: int = 0
    progress: bool = True
    num_shards: int = 1
    shard_index: int = 0
    skip_scoring: bool = False


@dataclass
class RunResult:
    run_dir: Path
    summary: dict[str, Any]
    status: str = "complete"
    problems: list[str] = field(default_factory=list)
    outcomes: dict[str, MetricOutcome] = field(default_factory=dict)


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


def generation_config(task: Task, opts: RunOptions, model: Model | None = None) -> GenerationConfig:
    """The run's decoding (precedence: eval_mm.decoding)."""
    return resolve_generation(task, opts.profile, opts.generation_overrides, model)[0]


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


def _image_paths(index: int, sample: Sample) -> list[str]:
    return [f"{IMAGES_DIR}/{index:06d}_{k}.png" for k in range(len(sample.images))]


def _clear(folder: Path) -> None:
    """`--overwrite`: empty the folder whose lock this process holds."""
    for child in folder.iterdir():
        if child.name == LOCK_FILE:
            continue
        if child.is_dir():
            shutil.rmtree(child)
        else:
            child.unlink()


def _donors(folder: Path) -> list[Path]:
    """Other run folders of the same model and task, whose predictions may be reused."""
    return sorted(p for p in folder.parent.iterdir() if p.is_dir() and p != folder)


def evaluate(
    task: Task,
    model: Model,
    opts: RunOptions,
    ctx: ScoreContext,
    scorers: Sequence[Scorer] | None = None,
    skipped: Sequence[str] = (),
) -> RunResult:
    """Generate and score `task` with `model`. `scorers` defaults to the task's metrics;
    `skipped` names requested metrics left out (`--no-judge`), recorded in the card."""
    t_start = time.perf_counter()
    samples = select_samples(list(task.samples(source_for(task))), opts)
    if not samples:
        raise UserError(f"task {task.id}: no samples to evaluate (check --limit / --sample-ids)")
    # Flags, the model's recommended decoding, profile, reasoning budget, task (decoding.py).
    gen, budget_source = resolve_generation(task, opts.profile, opts.generation_overrides, model)
    golds = {s.id: gold_digest(s) for s in samples}
    inputs = {s.id: input_digest(s, model, golds[s.id]) for s in samples}
    made_by_identity = model_identity(model, gen)
    made_by = digest(made_by_identity)
    shard = (opts.shard_index, opts.num_shards) if opts.num_shards > 1 else None
    ident = run_identity(task, made_by_identity, samples, inputs, golds, shard)
    folder = run_dir(opts.results_dir, model.model_id, task.id, ident)
    scorers = list(scorers) if scorers is not None else scorers_for(task)
    with RunLock(folder):
        if opts.overwrite:
            _clear(folder)
        card = read_card(folder)
        index = {s.id: i for i, s in enumerate(samples)}
        if not (folder / SAMPLES).exists():
            records = [
                sample_record(s, _image_paths(index[s.id], s) if opts.save_images else [])
                for s in samples
            ]
            atomic_write_jsonl(folder / SAMPLES, records)
        else:
            read_samples_checked(folder)  # a damaged one fails now, not after generation
        card |= {
            "schema": CARD_SCHEMA,
            "config_id": config_id(ident),
            "identity": ident,
            "made_by": made_by,
            "status": "running",
            "created": card.get("created", now()),
            "updated": now(),
            "harness": harness_info(),
            "task": task.card(),
            "model": model.card(),
            "generation": gen.to_json(),
            "generation_profile": opts.profile,
            "generation_budget_source": budget_source,
            "selection": {
                "limit": opts.limit,
                "limit_seed": opts.limit_seed,
                "sample_ids_given": opts.sample_ids is not None,
                "sample_ids_sha256": ids_hash([s.id for s in samples]),
                "num_shards": opts.num_shards,
                "shard_index": opts.shard_index,
            },
            "seeds": {"bootstrap": opts.seed, "generation": gen.seed, "limit": opts.limit_seed},
            "batch_size": opts.batch_size or model.batch_size,
            "skipped_metrics": list(skipped),
            "max_error_share": opts.max_error_share,
        }
        card.pop("runs_before", None)
        start_invocation(card, "run")
        atomic_write_json(folder / CARD, card)

        images_dir = folder / IMAGES_DIR
        if opts.save_images:
            images_dir.mkdir(exist_ok=True)
        try:
            try:
                gen_stats = run_generation(
                    model,
                    samples,
                    folder,
                    gen,
                    opts.batch_size or model.batch_size,
                    made_by,
                    inputs,
                    donors=_donors(folder),
                    on_batch=(lambda b: _save_images(images_dir, index, b))
                    if opts.save_images
                    else None,
                    progress=opts.progress,
                )
            finally:  # what an API model was paid, also when the run stops
                record_usage(folder, card, model)
                card["model"] = model.card()  # what it learned generating (models an API named)
            card["counts"] = {
                k: gen_stats[k]
                for k in (
                    "samples",
                    "resumed",
                    "reused_from_other_runs",
                    "generated_now",
                    "retried",
                    "errors",
                    "transient_errors",
                    "missing",
                    "truncated",
                    "no_final_answer",
                )
            }
            card["timings"] = {"generate_s": gen_stats["seconds"]}
            result = RunResult(folder, {})
            if not opts.skip_scoring:
                result = rescore(folder, task, scorers, ctx, card, opts.progress)
            outcomes = result.outcomes
        except FatalError as exc:
            finish_invocation(folder, card, "stopped", [str(exc)], {"command": "run"})
            raise
        status, problems = run_status(card["counts"], outcomes, opts.max_error_share,
                                      opts.skip_scoring)
        card["timings"]["total_s"] = round(time.perf_counter() - t_start, 3)
        what = {"command": "run", **activity(card, outcomes)}
        finish_invocation(folder, card, status, problems, what)
    result.status, result.problems = status, problems
    return result


def score_stored(
    folder: Path,
    task: Task,
    scorers: Sequence[Scorer],
    ctx: ScoreContext,
    progress: bool = True,
    rescore_all: bool = False,
) -> RunResult:
    """`eval-mm score`: score a run's stored predictions and update its status and history."""
    with RunLock(folder):
        card = read_card(folder, required=True)
        start_invocation(card, "score")
        atomic_write_json(folder / CARD, card)
        try:
            result = rescore(folder, task, scorers, ctx, card, progress, rescore_all)
        except FatalError as exc:
            finish_invocation(folder, card, "stopped", [str(exc)], {"command": "score"})
            raise
        share = float(card.get("max_error_share", 0.1))
        status, problems = run_status(card.get("counts") or {}, result.outcomes, share)
        what = {"command": "score", "rescore": rescore_all, **activity({}, result.outcomes)}
        finish_invocation(folder, card, status, problems, what)
    result.status, result.problems = status, problems
    return result


def rescore(
    folder: Path,
    task: Task,
    scorers: Sequence[Scorer],
    ctx: ScoreContext,
    card: dict[str, Any] | None = None,
    progress: bool = True,
    rescore_all: bool = False,
) -> RunResult:
    """Score stored predictions (no generation) and rewrite the summary and card. The summary
    is written only after every metric is scored, in one atomic replace."""
    with RunLock(folder):
        card = card if card is not None else read_card(folder, required=True)
        # Lines lost from predictions.jsonl since the run (torn, corrupt, deleted) are counted
        # now: the status and the summary say how many samples no metric covers.
        card.setdefault("counts", {})["missing"] = prediction_health(folder).missing
        ctx.run_dir = folder
        t0 = time.perf_counter()
        outcomes, state = score_run(
            folder, scorers, ctx, task.breakdown_keys, rescore_all, progress, task.cluster_key
        )
        summary = _summary(folder, task, card, outcomes, state)
        scorer_cards = {c.get("fingerprint_id", c["id"]): c for c in card.get("scorers", [])}
        scorer_cards.update({o.fingerprint: {**o.scorer, "fingerprint_id": o.fingerprint}
                             for o in outcomes.values()})
        card["scorers"] = list(scorer_cards.values())
        card.setdefault("timings", {})["score_s"] = round(time.perf_counter() - t0, 3)
        card["timings"]["score_per_metric_s"] = {m: o.seconds for m, o in outcomes.items()}
        if ctx.card:
            _merge_into(card, ctx.card)  # e.g. judge prompts of earlier-scored metrics are kept
            ctx.card.clear()  # invocation-wide context: never carry one task's record into the next
        atomic_write_json(folder / SUMMARY, summary)
        atomic_write_json(folder / CARD, card)
    return RunResult(folder, summary, outcomes=outcomes)


def _summary(
    folder: Path,
    task: Task,
    card: dict[str, Any],
    outcomes: dict[str, MetricOutcome],
    state: str,
) -> dict[str, Any]:
    """summary.json: the numbers of this invocation's fingerprints, plus those of earlier
    invocations made from the same predictions and golds (`inputs`); never a stale one."""
    try:
        old = read_card(folder, SUMMARY)
    except CorruptResult:  # scoring is what rebuilds it
        print(f"note: {folder / SUMMARY} was unreadable; rebuilt now", file=sys.stderr)
        old = {}
    by_fp: dict[str, dict[str, Any]] = dict(old.get("by_fingerprint") or {})
    metrics = {
        m: v for m, v in (old.get("metrics") or {}).items() if v.get("inputs") == state
    }
    scorers = dict(old.get("scorers") or {})
    for m, o in outcomes.items():
        entry = {**o.summary.to_json(), "fingerprint": o.fingerprint, "inputs": state}
        metrics[m] = entry
        by_fp.setdefault(m, {})[o.fingerprint] = entry
        scorers[o.fingerprint] = o.scorer["fingerprint"]
    return {
        "task": task.id,
        "task_version": task.version,
        "model": card["model"]["id"],
        "config_id": card["config_id"],
        "primary_metric": task.primary_metric or (task.metrics[0] if task.metrics else None),
        "breakdown_keys": list(task.breakdown_keys),
        "cluster_key": task.cluster_key,
        "counts": card.get("counts", {}),
        "inputs": state,
        "metrics": metrics,
        "by_fingerprint": by_fp,
        "scorers": scorers,
    }


def _merge_into(target: dict[str, Any], new: dict[str, Any]) -> None:
    """Recursive dict update: nested tables are merged, other values replaced."""
    for key, value in new.items():
        if isinstance(value, dict) and isinstance(target.get(key), dict):
            _merge_into(target[key], value)
        else:
            target[key] = value


def summaries_of(summary: dict[str, Any]) -> dict[str, MetricSummary]:
    return {k: MetricSummary.from_json(v) for k, v in summary.get("metrics", {}).items()}
