"""Generation phase: batched, resumable by sample id, failures recorded per sample."""

from __future__ import annotations

import sys
import time
import traceback
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from tqdm import tqdm

from eval_mm.core.model import GenerationConfig, GenerationFailure, Model, ModelOutput
from eval_mm.core.sample import Sample
from eval_mm.redact import redact_text
from eval_mm.store import (
    PREDICTIONS,
    JsonlAppender,
    atomic_write_jsonl,
    read_jsonl,
    read_jsonl_checked,
)
from eval_mm.terminal import cell, safe


def _describe(exc: BaseException) -> str:
    msg = str(exc).strip().splitlines()
    # Redacted before it is cut: a key cut in half would no longer be recognised.
    return redact_text(f"{type(exc).__name__}: {msg[0] if msg else ''}")[:500]


def load_predictions(run_dir: Path) -> dict[str, dict[str, Any]]:
    """Last record per sample id (a retried sample's newest record wins)."""
    return {r["id"]: r for r in read_jsonl(run_dir / PREDICTIONS) if "id" in r}


def compact_predictions(
    run_dir: Path, keep: dict[str, dict[str, Any]], order: Sequence[str]
) -> None:
    """Rewrite predictions.jsonl atomically with one record per kept id, in sample order."""
    atomic_write_jsonl(run_dir / PREDICTIONS, [keep[i] for i in order if i in keep])


def _generate_batch(
    model: Model, batch: Sequence[Sample], config: GenerationConfig
) -> list[tuple[ModelOutput | None, str | None]]:
    """Outputs for a batch; if the batch raises, each sample is retried alone so that only
    the samples that fail on their own are recorded as errors. A sample whose data could not
    be read (a corrupt image) is recorded as failed without reaching the model."""
    broken = {s.id: s.data_error for s in batch if s.data_error}
    if broken:
        ok = [s for s in batch if s.id not in broken]
        rest = iter(_generate_batch(model, ok, config) if ok else [])
        return [(None, f"data: {broken[s.id]}") if s.id in broken else next(rest) for s in batch]
    try:
        outs = model.generate(batch, config)
        if len(outs) != len(batch):
            raise RuntimeError(f"model returned {len(outs)} outputs for {len(batch)} samples")
        return [(o, None) for o in outs]
    except KeyboardInterrupt:
        raise
    except Exception as batch_exc:
        if len(batch) == 1:
            return [(None, _describe(batch_exc))]
    results: list[tuple[ModelOutput | None, str | None]] = []
    for sample in batch:
        try:
            results.append((model.generate([sample], config)[0], None))
        except KeyboardInterrupt:
            raise
        except Exception as exc:
            print(safe(redact_text(traceback.format_exc(limit=1))), file=sys.stderr, end="")
            results.append((None, _describe(exc)))
    return results


def run_generation(
    model: Model,
    samples: Sequence[Sample],
    run_dir: Path,
    config: GenerationConfig,
    batch_size: int,
    retry_errors: bool = True,
    on_batch: Callable[[Sequence[Sample]], None] | None = None,
    progress: bool = True,
) -> dict[str, Any]:
    """Generate outputs for every sample not yet done; return counts and timings."""
    order = [s.id for s in samples]
    damaged = read_jsonl_checked(run_dir / PREDICTIONS)
    if damaged.damaged:
        print(
            f"note: {run_dir / PREDICTIONS} had {damaged.describe()} (an interrupted run, or "
            "edited by hand); the samples on them are generated again",
            file=sys.stderr,
        )
    existing = load_predictions(run_dir)
    keep = {
        i: r
        for i, r in existing.items()
        if i in set(order) and not (retry_errors and r.get("error") is not None)
    }
    if damaged.damaged or len(keep) != len(damaged.records):
        compact_predictions(run_dir, keep, order)  # drop duplicates, stale errors, bad lines
    todo = [s for s in samples if s.id not in keep]
    started = time.perf_counter()
    with (
        JsonlAppender(run_dir / PREDICTIONS) as out,
        tqdm(
            total=len(samples),
            initial=len(samples) - len(todo),
            desc=cell(f"generate {model.model_id}"),
            unit="sample",
            disable=not progress,
            leave=False,
        ) as bar,
    ):
        for start in range(0, len(todo), max(1, batch_size)):
            batch = todo[start : start + batch_size]
            t0 = time.perf_counter()
            results = _generate_batch(model, batch, config)
            per = (time.perf_counter() - t0) / len(batch)
            if on_batch is not None:
                on_batch(batch)
            records = []
            for sample, (output, error) in zip(batch, results):
                text = output if isinstance(output, str) else None
                if isinstance(output, GenerationFailure):
                    error = output.reason
                records.append(
                    {"id": sample.id, "output": text, "error": error, "seconds": round(per, 6)}
                )
            out.write_many(records)
            bar.update(len(batch))
    final = load_predictions(run_dir)
    errors = sum(1 for r in final.values() if r.get("error") is not None)
    return {
        "samples": len(order),
        "generated_now": len(todo),
        "resumed": len(order) - len(todo),
        "errors": errors,
        "seconds": round(time.perf_counter() - started, 3),
    }
