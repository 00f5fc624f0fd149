"""Generation phase: batched, resumable by sample id, failures recorded per sample.

A prediction record says what it was made from (`input`: the digest of the sample's messages)
and by what (`made_by`: the digest of the model identity and generation config); a stored
prediction is kept only when both match. Errors are retried by the next invocation; a fatal
error (rejected key, unknown model) stops the run at once."""

from __future__ import annotations

import sys
import time
import traceback
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from tqdm import tqdm

from eval_mm.core.model import (
    Generation,
    GenerationConfig,
    GenerationFailure,
    Model,
    ModelOutput,
)
from eval_mm.core.sample import Sample
from eval_mm.failures import FailureKind, FatalError, classify, fatal_error
from eval_mm.judges.ledger import GENERATION_LEDGER_FILE, append_ledger_entry
from eval_mm.reasoning import with_api_reasoning
from eval_mm.redact import redact_text
from eval_mm.store import (
    PREDICTIONS,
    JsonlAppender,
    atomic_write_jsonl,
    iter_jsonl,
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


Outcome = tuple[ModelOutput | None, str | None, FailureKind | None]


def _failure(exc: Exception, model: Model) -> Outcome:
    kind = classify(exc)
    if kind == "fatal":
        raise fatal_error(exc, f"model {model.model_id}") from None
    return (None, _describe(exc), kind)


def _generate_batch(
    model: Model, batch: Sequence[Sample], config: GenerationConfig
) -> list[Outcome]:
    """Outputs for a batch; if the batch raises, each sample is retried alone so that only
    the samples that fail on their own are recorded as errors. A sample whose data could not
    be read (a corrupt image) is recorded as failed without reaching the model."""
    broken = {s.id: s.data_error for s in batch if s.data_error}
    if broken:
        ok = [s for s in batch if s.id not in broken]
        rest = iter(_generate_batch(model, ok, config) if ok else [])
        return [
            (None, f"data: {broken[s.id]}", "permanent") if s.id in broken else next(rest)
            for s in batch
        ]
    try:
        outs = model.generate(batch, config)
        if len(outs) != len(batch):
            raise RuntimeError(f"model returned {len(outs)} outputs for {len(batch)} samples")
        return [(o, None, None) for o in outs]
    except (KeyboardInterrupt, FatalError):
        raise
    except Exception as batch_exc:
        if len(batch) == 1 or classify(batch_exc) == "fatal":
            return [_failure(batch_exc, model)]
    results: list[Outcome] = []
    for sample in batch:
        try:
            results.append((model.generate([sample], config)[0], None, None))
        except (KeyboardInterrupt, FatalError):
            raise
        except Exception as exc:
            print(safe(redact_text(traceback.format_exc(limit=1))), file=sys.stderr, end="")
            results.append(_failure(exc, model))
    return results


def _output_fields(output: ModelOutput | None) -> dict[str, Any]:
    """The prediction record's view of a model output: the text and, when the backend says,
    why it ended, the reasoning returned apart and token counts."""
    if isinstance(output, Generation):
        fields: dict[str, Any] = {"output": output.text, "finish_reason": output.finish_reason}
        for key in ("reasoning", "output_tokens", "reasoning_tokens"):
            if getattr(output, key) is not None:
                fields[key] = getattr(output, key)
        if output.prompt_opened_reasoning:
            fields["prompt_opened_reasoning"] = True
        return fields
    return {"output": output if isinstance(output, str) else None}


def no_final_answer(record: dict[str, Any]) -> bool:
    """A prediction that reasoned (`<think>` in the text, or reasoning returned apart) and
    left no answer after it: typically cut by the token limit while thinking."""
    out = record.get("output")
    if not isinstance(out, str) or record.get("error") is not None:
        return False
    split = with_api_reasoning(out, record.get("reasoning"))
    return bool(split.reasoning) and not (split.answer or "").strip()


def record_usage(folder: Path, card: dict[str, Any], model: Model) -> None:
    """An API model's bill for this folder's generation in this invocation: one more entry
    in `generation_ledger.json`, and the card's `generation_ledger`. Nothing for models
    without a per-request bill."""
    entry = model.take_usage()
    if entry is None:
        return
    append_ledger_entry(folder / GENERATION_LEDGER_FILE, {}, entry)
    card["generation_ledger"] = entry


def reusable_from(
    folders: Sequence[Path], made_by: str, inputs: dict[str, str]
) -> dict[str, dict[str, Any]]:
    """Error-free predictions of other run folders made by the same model identity from the
    same messages (a corrected gold answer or a larger `--limit` needs no regeneration)."""
    found: dict[str, dict[str, Any]] = {}
    for folder in folders:
        for r in iter_jsonl(folder / PREDICTIONS):
            sid = r.get("id")
            if (
                sid in inputs
                and sid not in found
                and r.get("made_by") == made_by
                and r.get("input") == inputs[sid]
                and r.get("error") is None
            ):
                found[sid] = {**r, "reused_from": folder.name}
    return found


def run_generation(
    model: Model,
    samples: Sequence[Sample],
    run_dir: Path,
    config: GenerationConfig,
    batch_size: int,
    made_by: str,
    inputs: dict[str, str],
    donors: Sequence[Path] = (),
    on_batch: Callable[[Sequence[Sample]], None] | None = None,
    progress: bool = True,
) -> dict[str, Any]:
    """Generate outputs for every sample without a current prediction; return counts."""
    order = [s.id for s in samples]
    read = read_jsonl_checked(run_dir / PREDICTIONS)
    if read.damaged:
        print(
            f"note: {run_dir / PREDICTIONS} had {read.describe()} (an interrupted run, or "
            "edited by hand); the samples on them are generated again",
            file=sys.stderr,
        )
    on_disk = read.records
    existing = {r["id"]: r for r in on_disk if "id" in r}
    keep = {
        i: r
        for i, r in existing.items()
        if i in inputs
        and r.get("made_by") == made_by
        and r.get("input") == inputs[i]
        and r.get("error") is None  # every error is tried again, once per invocation
    }
    retried = sum(1 for i, r in existing.items() if i in inputs and r.get("error") is not None)
    reused = reusable_from(donors, made_by, {i: d for i, d in inputs.items() if i not in keep})
    if reused and on_batch is not None:
        on_batch([s for s in samples if s.id in reused])
    keep.update(reused)
    if read.damaged or len(keep) != len(on_disk) or reused:
        compact_predictions(run_dir, keep, order)  # drop duplicates, stale records, bad lines
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
            for sample, (output, error, kind) in zip(batch, results):
                rec: dict[str, Any] = {"id": sample.id, "input": inputs[sample.id]}
                rec["made_by"] = made_by
                if isinstance(output, GenerationFailure):
                    error = output.reason
                    kind = "transient" if output.kind == "transient" else "permanent"
                rec.update(_output_fields(output))
                rec["error"] = error
                rec["seconds"] = round(per, 6)
                if error is not None:
                    rec["error_kind"] = kind or "permanent"
                records.append(rec)
            out.write_many(records)
            bar.update(len(batch))
    final = {i: r for i, r in load_predictions(run_dir).items() if i in inputs}
    errors = [r for r in final.values() if r.get("error") is not None]
    return {
        "samples": len(order),
        "generated_now": len(todo),
        "resumed": len(order) - len(todo) - len(reused),
        "reused_from_other_runs": len(reused),
        "retried": retried,
        "errors": len(errors),
        "transient_errors": sum(1 for r in errors if r.get("error_kind") == "transient"),
        "missing": sum(1 for i in order if i not in final),
        "truncated": sum(1 for r in final.values() if r.get("finish_reason") == "length"),
        "no_final_answer": sum(1 for r in final.values() if no_final_answer(r)),
        "seconds": round(time.perf_counter() - started, 3),
    }
