"""Batch API mode (judge.md §9): write the request file, upload, create the batch, poll,
map replies back by `custom_id`, fill the cache. The batch ids are saved in the run folder
before polling, so a restarted process resumes polling instead of paying twice. Requests
the batch did not answer (error file lines, expiry) fall back to the online path; a batch
that failed or was cancelled as a whole, or an API error on the way, stops the run with
what to do (nothing is scored from it, and the rerun submits a new batch or resumes).
`check_batch_api` finds an endpoint without files/batches in preflight, before generation."""

from __future__ import annotations

import hashlib
import io
import json
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from eval_mm.errors import UserError
from eval_mm.failures import FatalError
from eval_mm.judges.engine import JudgeEngine, short_error
from eval_mm.judges.ledger import Ledger
from eval_mm.judges.reply import JudgeReply, JudgeRequest, reply_from_body
from eval_mm.judges.settings import JudgeSettings
from eval_mm.store import atomic_write_json, read_json

if TYPE_CHECKING:
    from eval_mm.core.sample import Sample
    from eval_mm.core.scoring import ScoreContext
    from eval_mm.judges.prompt import JudgePrompt
    from eval_mm.judges.scorer import JudgeScorer

MAX_LINES = 50_000
MAX_BYTES = 200 * 1024 * 1024
TERMINAL = ("completed", "failed", "expired", "cancelled")
STOPPED = ("failed", "cancelled")  # the whole batch: not worth paying full price online
STATE_FILE = "judge_batches.json"
NO_BATCH_STATUS = (404, 405, 501)


def check_batch_api(settings: JudgeSettings, resources: dict[str, Any]) -> None:
    """Refuse `--judge-batch` (UserError, exit 2) when the endpoint has no files/batches
    API, before any generation; checked once per endpoint and invocation."""
    mark = f"judge_batch_api:{settings.provider}:{settings.host}"
    if resources.get(mark):
        return
    import openai

    client = JudgeEngine.make_sync_client(settings)
    where = settings.host or "api.openai.com"
    try:
        client.batches.list(limit=1)
        client.files.list(purpose="batch")
    except openai.APIStatusError as exc:
        if exc.status_code in NO_BATCH_STATUS:
            raise UserError(
                f"--judge-batch: the judge endpoint {where} has no Batch API (files/batches "
                f"answered HTTP {exc.status_code}); drop --judge-batch to judge online, or "
                "use an endpoint that has it (api.openai.com, an Azure batch deployment)"
            ) from None
        why = short_error(exc)
        raise UserError(f"--judge-batch: the judge endpoint {where} refused: {why}") from None
    except openai.APIConnectionError as exc:
        why = short_error(exc)
        raise UserError(f"--judge-batch: cannot reach the judge endpoint {where}: {why}") from None
    finally:
        client.close()
    resources[mark] = True


def parse_custom_id(custom_id: str) -> tuple[str, str, str, str]:
    """(task, metric, sample id, run): first two fields from the left, last from the right,
    because sample ids may contain ':'."""
    task, metric, rest = custom_id.split(":", 2)
    sample_id, run = rest.rsplit(":", 1)
    return task, metric, sample_id, run


def batch_lines(engine: JudgeEngine, reqs: Sequence[JudgeRequest]) -> list[str]:
    return [
        json.dumps(
            {
                "custom_id": r.label,
                "method": "POST",
                "url": "/v1/chat/completions",
                "body": engine._params(r),
            },
            ensure_ascii=False,
        )
        for r in reqs
    ]


def split_lines(lines: list[str]) -> list[list[str]]:
    parts: list[list[str]] = [[]]
    size = 0
    for line in lines:
        n = len(line.encode("utf-8")) + 1
        if parts[-1] and (len(parts[-1]) >= MAX_LINES or size + n > MAX_BYTES):
            parts.append([])
            size = 0
        parts[-1].append(line)
        size += n
    return [p for p in parts if p]


def _reply_from_line(row: dict[str, Any], meta: dict[str, Any]) -> JudgeReply | None:
    resp = row.get("response") or {}
    if resp.get("status_code") != 200:
        return None
    try:
        reply = reply_from_body(resp.get("body"))
    except ValueError:
        return None
    reply.batch = {**meta, "custom_id": row.get("custom_id")}
    return reply


def run_batch(
    engine: JudgeEngine,
    reqs: Sequence[JudgeRequest],
    state_path: Path,
    ledger: Ledger | None = None,
) -> dict[str, int]:
    """Answer every uncached request through the Batch API; returns counts."""
    import openai

    try:
        return _run_batch(engine, reqs, state_path, ledger)
    except openai.APIError as exc:
        raise BatchStopped(
            f"judge batch: the API failed ({short_error(exc)}); the submitted batches are recorded "
            f"in {state_path}: rerun the same command to resume them"
        ) from None


class BatchStopped(FatalError):
    """The Batch API path cannot go on in this invocation: the run stops (exit 2, run card
    `stopped` with the reason) instead of paying full price online."""


def _stopped(batch: Any, state: dict[str, Any], set_id: str, state_path: Path) -> BatchStopped:
    """A batch that failed or was cancelled as a whole: kept on record, forgotten for resume."""
    errors = getattr(getattr(batch, "errors", None), "data", None) or []
    why = "; ".join(str(getattr(e, "message", e)) for e in errors[:3]) or "no reason given"
    state.setdefault("stopped", []).append({"set": set_id, **state.pop(set_id)})
    atomic_write_json(state_path, state)
    return BatchStopped(
        f"judge batch {batch.id} {batch.status}: {why}. Nothing was scored from it; rerun "
        "to submit a new batch, or drop --judge-batch to judge online"
    )


def _run_batch(
    engine: JudgeEngine,
    reqs: Sequence[JudgeRequest],
    state_path: Path,
    ledger: Ledger | None,
) -> dict[str, int]:
    todo: dict[str, JudgeRequest] = {}
    for r in reqs:
        if r.key not in todo and engine.cache.get(r.key) is None:
            todo[r.key] = r
    if not todo:
        return {"submitted": 0, "answered": 0, "missing": 0}
    set_id = hashlib.sha256("\n".join(sorted(todo)).encode()).hexdigest()[:16]
    state: dict[str, Any] = read_json(state_path) if state_path.exists() else {}
    client = engine.sync_client()
    entry = state.get(set_id)
    if entry is None:
        by_label = {r.label: r.key for r in todo.values()}
        entry = {"custom_ids": by_label, "batches": []}
        for part in split_lines(batch_lines(engine, list(todo.values()))):
            data = ("\n".join(part) + "\n").encode("utf-8")
            f = client.files.create(
                file=("judge_requests.jsonl", io.BytesIO(data)), purpose="batch"
            )
            b = client.batches.create(
                input_file_id=f.id, endpoint="/v1/chat/completions", completion_window="24h"
            )
            entry["batches"].append({"id": b.id, "input_file_id": f.id, "lines": len(part)})
            state[set_id] = entry
            atomic_write_json(state_path, state)  # before polling: a restart resumes this batch
        print(
            f"judge batch: submitted {len(todo)} requests in {len(entry['batches'])} batch(es)",
            file=sys.stderr,
        )
    answered = 0
    for info in entry["batches"]:
        batch = client.batches.retrieve(info["id"])
        while batch.status not in TERMINAL:
            time.sleep(engine.settings.batch_poll_s)
            batch = client.batches.retrieve(info["id"])
        info.update(
            status=batch.status,
            output_file_id=batch.output_file_id,
            error_file_id=batch.error_file_id,
        )
        atomic_write_json(state_path, state)
        if batch.status in STOPPED:
            client.close()
            raise _stopped(batch, state, set_id, state_path)
        if not batch.output_file_id:
            continue
        meta = {
            "batch_id": batch.id,
            "input_file_id": info["input_file_id"],
            "output_file_id": batch.output_file_id,
            "error_file_id": batch.error_file_id,
        }
        for line in client.files.content(batch.output_file_id).text.splitlines():
            if not line.strip():
                continue
            row = json.loads(line)
            key = entry["custom_ids"].get(row.get("custom_id"))
            reply = _reply_from_line(row, meta) if key else None
            if key and reply is not None:
                engine.record_paid(reply, ledger, batch=True)
                engine.cache.put(key, reply.to_cache())
                answered += 1
    client.close()
    missing = [r for r in todo.values() if engine.cache.get(r.key) is None]
    if missing:  # error file lines, expiry: the online path retries them
        print(
            f"judge batch: {len(missing)} requests unanswered; sending them online", file=sys.stderr
        )
        engine.judge(missing, ledger)
    return {"submitted": len(todo), "answered": answered, "missing": len(missing)}


def prefetch_run(
    scorer: JudgeScorer,
    engine: JudgeEngine,
    prompt: JudgePrompt,
    samples: Sequence[Sample],
    outputs: Sequence[str],
    ctx: ScoreContext,
    task: str,
) -> None:
    """Batch the whole run's requests on the first chunk (one batch, not one per chunk)."""
    done = engine.batched
    run_dir = Path(ctx.run_dir) if ctx.run_dir is not None else None
    mark = (str(run_dir), f"{scorer.id}:{prompt.version}")
    if mark in done:
        return
    done.add(mark)
    if run_dir is not None and (run_dir / "predictions.jsonl").exists():
        from eval_mm.generate import load_predictions
        from eval_mm.score import load_samples

        preds = load_predictions(run_dir)
        all_samples = [
            s for s in load_samples(run_dir) if s.id in preds and preds[s.id].get("error") is None
        ]
        samples, outputs = all_samples, [preds[s.id].get("output") or "" for s in all_samples]
    plan = scorer.build(engine, prompt, samples, outputs, task)
    reqs = [r for rs in plan.values() for r in rs]
    state = (run_dir or engine.settings.cache_dir) / STATE_FILE
    run_batch(engine, reqs, state, engine.ledger_for(ctx.run_dir))
