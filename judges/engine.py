"""The judge engine: one chat client (eval_mm.judges.client: pacing, retries, ledger) and
one cache, shared by every judge metric of an invocation (`ctx.resources["judge_engine"]`).

The engine adds what only judging needs to the client: the request parameters of the
judge settings, the content-addressed cache, and the bookkeeping of replies already
delivered in this invocation. A request that failed is remembered for the rest of the
invocation (never sent twice), but never cached: a rerun tries again.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

from eval_mm.failures import FatalError
from eval_mm.judges.cache import JudgeCache
from eval_mm.judges.client import ChatClient, client_kwargs, sync_client
from eval_mm.judges.client import short_error as short_error  # re-exported: callers import here
from eval_mm.judges.ledger import Ledger
from eval_mm.judges.reply import JudgeReply as JudgeReply  # re-exported: callers import here
from eval_mm.judges.reply import JudgeRequest as JudgeRequest
from eval_mm.judges.settings import JudgeSettings

RESOURCE_KEY = "judge_engine"
LEDGER_HISTORY_KEY = "judge_ledger_history"


class JudgeEngine:
    def __init__(self, settings: JudgeSettings) -> None:
        settings.check_key()  # the judge's own message (names --no-judge)
        self.settings = settings
        self.client = ChatClient(settings, role="judge")
        self.cache = JudgeCache(settings.cache_dir)
        self.ledgers: dict[str, Ledger] = {}  # per run folder
        self.ledger_history: dict[str, list[dict[str, Any]]] = {}  # earlier invocations, per run
        self.ledger_slot = RESOURCE_KEY  # this engine's entry in a run's ledger file
        self.batched: set[tuple[str, str]] = set()  # (run folder, metric) already batch-prefetched
        self._delivered: set[str] = set()  # request keys already answered in this invocation
        self._failed: dict[str, JudgeReply] = {}  # failures of this invocation, by key

    # ---- plumbing ----------------------------------------------------------------
    @property
    def total(self) -> Ledger:
        """The invocation's ledger (every run folder)."""
        return self.client.total

    @property
    def fatal(self) -> FatalError | None:
        return self.client.fatal

    def ledger_for(self, run_dir: Path | None) -> Ledger:
        key = str(run_dir) if run_dir else ""
        if key not in self.ledgers:
            self.ledgers[key] = self.client.new_ledger()
        return self.ledgers[key]

    def client_kwargs(self) -> dict[str, Any]:
        return client_kwargs(self.settings)

    def sync_client(self) -> Any:
        return sync_client(self.settings)

    @staticmethod
    def make_sync_client(settings: JudgeSettings) -> Any:
        return sync_client(settings)

    def server_info(self) -> dict[str, Any] | None:
        return self.client.server_info()

    @property
    def pacing(self) -> dict[str, Any] | None:
        return self.client.pacing

    def record_paid(self, reply: JudgeReply, ledger: Ledger | None, batch: bool = False) -> None:
        self.client.record_paid(reply, ledger, batch)

    def close(self) -> None:
        self.client.close()  # prints the invocation's judge bill

    # ---- judging -----------------------------------------------------------------
    def judge(
        self, requests: Sequence[JudgeRequest], ledger: Ledger | None = None
    ) -> list[JudgeReply]:
        """Replies in request order; cached ones cost nothing, equal keys are sent once, and
        a key that failed earlier in this invocation is not sent again. A fatal error
        (rejected key, unknown model, no quota) raises FatalError; nothing more is sent."""
        self.raise_if_fatal()
        replies: dict[str, JudgeReply] = {}
        todo: dict[str, JudgeRequest] = {}
        hits = reused = 0
        for req in requests:
            if req.key in replies or req.key in todo:
                reused += 1
                continue
            if req.key in self._failed:
                replies[req.key] = self._failed[req.key]
                reused += 1
                continue
            hit = self.cache.get(req.key)
            if hit is None:
                todo[req.key] = req
                continue
            replies[req.key] = JudgeReply.from_cache(hit)
            if req.key in self._delivered:
                reused += 1  # e.g. the legacy metric reading the strict one's replies
            elif req.key not in self.cache.written:
                hits += 1  # a batch reply paid for in this invocation is not a hit
        self._delivered.update(r.key for r in requests)
        for ldg in (self.total, ledger):
            if ldg is not None:
                ldg.add_hit(hits)
                ldg.add_reused(reused)
        if todo:
            keys = list(todo)

            def store(index: int, reply: JudgeReply) -> None:
                self.cache.put(keys[index], reply.to_cache())  # at once: a kill keeps it

            bodies = [self._params(r) for r in todo.values()]
            fresh = self.client.send(bodies, ledger, on_reply=store)
            for key, reply in zip(todo, fresh, strict=True):
                replies[key] = reply
                if reply.status != "ok":
                    self._failed[key] = replace(reply, cached=False)
        self.raise_if_fatal()
        return [replies[r.key] for r in requests]

    def raise_if_fatal(self) -> None:
        """Stop the invocation (FatalError, exit 2) after an error no retry fixes: the
        replies of this call are not returned, so nothing judged that way is stored."""
        self.client.raise_if_fatal()

    def _params(self, req: JudgeRequest) -> dict[str, Any]:
        s = self.settings
        params: dict[str, Any] = {
            "model": s.model,
            "messages": req.messages,
            "temperature": s.temperature,
            s.token_param: s.max_tokens,
            "seed": req.seed,
        }
        if s.reasoning_effort is not None:
            params["reasoning_effort"] = s.reasoning_effort
        if req.n != 1:
            params["n"] = req.n
        return params


def engine_key(protocol: dict[str, Any] | None) -> str:
    """Where the engine of a metric protocol lives in an invocation's resources: metrics
    without one share the invocation's engine; each distinct protocol has its own (its
    settings differ, and so do its requests' cache keys and fingerprint)."""
    if not protocol:
        return RESOURCE_KEY
    return f"{RESOURCE_KEY}:{json.dumps(protocol, sort_keys=True, default=str)}"


def engine_for(
    resources: dict[str, Any],
    options: dict[str, Any] | None,
    protocol: dict[str, Any] | None = None,
) -> JudgeEngine:
    """The invocation's engine for these options and metric protocol, created on first use."""
    key = engine_key(protocol)
    engine = resources.get(key)
    if engine is None:
        engine = JudgeEngine(JudgeSettings.from_options(options, protocol))
        # One ledger file per run folder, one entry per engine: the history is shared.
        engine.ledger_history = resources.setdefault(LEDGER_HISTORY_KEY, {})
        engine.ledger_slot = key
        resources[key] = engine
    return engine
