"""The base of judge metrics (`judge_1to5.py`, `heron.py`): prompt choice, requests per run,
optional re-ask of unparseable replies, per-sample details, per-run then over-run aggregation.

Strict and legacy variants of one prompt send identical requests and walk the same re-ask
chain (decided by the strict reading, `reask_parse`), so they score the same replies and
whichever runs second reads every reply from the engine. Each sample's
`Score.details["runs"]` keeps every run's raw reply, the answer parsed (reasoning stripped),
the reasoning, status and usage; aggregation works per run, then over runs.

Extension points for new judge metrics (aggregation lives in `aggregate.py`): `prompts`,
`variant`, `values`, `parse`, `failure_value`, `item_value`, `per_run`, optionally `shortcut`,
`reask_parse`, `extra`, `ci`.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import Any, ClassVar

from eval_mm.core.aggregate import MetricSummary
from eval_mm.core.bootstrap import Statistic
from eval_mm.core.sample import Sample
from eval_mm.core.scoring import Score, ScoreContext, Scorer
from eval_mm.errors import UserError
from eval_mm.judges.aggregate import judge_statistic, judge_summary
from eval_mm.judges.aggregate import std_or_none as _std
from eval_mm.judges.cache import cache_key
from eval_mm.judges.engine import JudgeEngine, engine_for, engine_key
from eval_mm.judges.ledger import LEDGER_FILE, write_ledger_file
from eval_mm.judges.prompt import JudgePrompt, available_prompts, load_prompt
from eval_mm.judges.reply import JudgeReply, JudgeRequest, final_answer
from eval_mm.judges.settings import JudgeSettings

NO_FINAL_ANSWER = "no final answer in the reply (reasoning only; raise --judge-max-tokens?)"


def _answer(rec: dict[str, Any]) -> str | None:
    """The text a parser reads: the reply without the judge's reasoning."""
    return rec.get("answer", rec.get("reply"))


class JudgeScorer(Scorer):
    kind = "judge"
    scale = 1.0
    prompts: ClassVar[tuple[str, ...]]  # allowed prompt versions, default first
    variant: ClassVar[str]  # strict | legacy | original
    rating_scale: ClassVar[tuple[int, int] | None] = None  # one run's rating range (agreement)

    # ---- configuration ------------------------------------------------------------
    def prompt(self, ctx: ScoreContext) -> JudgePrompt:
        wanted = (ctx.options.get("judge") or {}).get("prompt")
        if wanted and wanted not in available_prompts():
            raise UserError(
                f"unknown judge prompt {wanted!r}; choose one of: {', '.join(available_prompts())}"
            )
        return load_prompt(wanted if wanted in self.prompts else self.prompts[0])

    def protocol(self, options: dict[str, Any]) -> dict[str, Any]:
        """Judge settings this metric's protocol fixes, given the user's judge options
        (`JudgeSettings.from_options`: they override the profile; options the user gave
        override them). Default: none, the invocation's judge as configured."""
        return {}

    def _protocol(self, ctx: ScoreContext) -> dict[str, Any]:
        return self.protocol(dict(ctx.options.get("judge") or {}))

    def settings(self, ctx: ScoreContext) -> JudgeSettings:
        engine = ctx.resources.get(engine_key(self._protocol(ctx)))
        if isinstance(engine, JudgeEngine):
            return engine.settings
        return JudgeSettings.from_options(ctx.options.get("judge"), self._protocol(ctx))

    def preflight(self, ctx: ScoreContext) -> None:
        settings = self.settings(ctx)  # validates the options
        settings.check_key()
        self.prompt(ctx)
        if settings.batch:
            from eval_mm.judges.batch import check_batch_api

            check_batch_api(settings, ctx.resources)

    def engine(self, ctx: ScoreContext) -> JudgeEngine:
        return engine_for(ctx.resources, ctx.options.get("judge"), self._protocol(ctx))

    def fingerprint(self, ctx: ScoreContext) -> dict[str, Any]:
        """The metric's own fingerprint plus the judge that answers (`JudgeSettings.
        fingerprint`: model, endpoint, sampling, runs, re-ask, profile, reasoning effort,
        reply format) and the prompt it reads. A pure function of the options, the
        environment's endpoint and the prompt file."""
        settings = self.settings(ctx)
        prompt = self.prompt(ctx)
        return {
            **super().fingerprint(ctx),
            "variant": self.variant,
            "judge": settings.fingerprint(),
            "prompt": {
                "version": prompt.version,
                "system_sha256": prompt.sha256_system,
                "user_sha256": prompt.sha256_user,
            },
        }

    # ---- what each family supplies ---------------------------------------------------
    def values(self, sample: Sample, output: str) -> dict[str, str]:
        raise NotImplementedError

    def shortcut(self, output: str) -> Score | None:
        """A score given without calling the judge (1-5 empty predictions)."""
        return None

    def parse(self, text: str, prompt: JudgePrompt) -> Any:
        """The parsed run result; None means unparseable (strict)."""
        raise NotImplementedError

    def reask_parse(self, text: str, prompt: JudgePrompt) -> Any:
        """The protocol's (strict) reading that decides a re-ask; the same for every variant
        of a family, so that they re-ask alike. Default: this metric's own `parse`."""
        return self.parse(text, prompt)

    def failure_value(self) -> Any:
        """What a legacy metric substitutes for a judge error (the reference's behaviour)."""
        raise NotImplementedError

    def item_value(self, parsed: list[Any]) -> float:
        raise NotImplementedError

    # ---- scoring -----------------------------------------------------------------
    def _label(self, ctx: ScoreContext) -> str:
        run_dir = ctx.run_dir
        return run_dir.parent.name if run_dir is not None else "task"

    def _requests(
        self,
        engine: JudgeEngine,
        prompt: JudgePrompt,
        messages: list[dict[str, str]],
        label: str,
        reask: int = 0,
        run: int | None = None,
    ) -> list[JudgeRequest]:
        s = engine.settings
        runs = [run] if run is not None else (["n"] if s.mode == "n" else list(range(s.runs)))
        out = []
        for r in runs:
            seed, n = (0, s.runs) if r == "n" else (int(r), 1)
            key = cache_key(
                s.provider,
                s.model,
                prompt.version,
                messages,
                s.temperature,
                s.max_tokens,
                seed,
                n,
                reask,
                {
                    "reasoning_effort": s.reasoning_effort,
                    "token_param": s.token_param if s.token_param != "max_tokens" else None,
                },
            )
            out.append(
                JudgeRequest(
                    key, messages, seed, n, f"{label}:{r}" + (f":reask{reask}" if reask else "")
                )
            )
        return out

    def build(
        self,
        engine: JudgeEngine,
        prompt: JudgePrompt,
        samples: Sequence[Sample],
        outputs: Sequence[str],
        task: str,
    ) -> dict[str, list[JudgeRequest]]:
        out = {}
        for sample, output in zip(samples, outputs, strict=True):
            if self.shortcut(output) is None:
                msgs = prompt.render(self.values(sample, output))
                out[sample.id] = self._requests(
                    engine, prompt, msgs, f"{task}:{self.id}:{sample.id}"
                )
        return out

    def score(
        self, samples: Sequence[Sample], outputs: Sequence[str], ctx: ScoreContext
    ) -> list[Score]:
        engine = self.engine(ctx)
        prompt = self.prompt(ctx)
        ledger = engine.ledger_for(ctx.run_dir)
        task = self._label(ctx)
        if engine.settings.batch:
            from eval_mm.judges.batch import prefetch_run

            prefetch_run(self, engine, prompt, samples, outputs, ctx, task)
        plan = self.build(engine, prompt, samples, outputs, task)
        flat = [r for reqs in plan.values() for r in reqs]
        replies = dict(zip([r.key for r in flat], engine.judge(flat, ledger), strict=True))
        runs_of: dict[str, list[dict[str, Any]]] = {
            sid: self._runs(engine, [replies[r.key] for r in reqs], prompt)
            for sid, reqs in plan.items()
        }
        if engine.settings.reask > 0:
            self._reask(engine, prompt, plan, runs_of, ledger)
        scores = []
        for sample, output in zip(samples, outputs, strict=True):
            short = self.shortcut(output)
            scores.append(
                short if short is not None else self._score(runs_of[sample.id], prompt, engine)
            )
        self._record(engine, prompt, ctx)
        return scores

    def _runs(
        self, engine: JudgeEngine, replies: list[JudgeReply], prompt: JudgePrompt
    ) -> list[dict[str, Any]]:
        runs: list[dict[str, Any]] = []
        for reply in replies:
            texts: list[str | None] = (
                list(reply.texts)
                if reply.status == "ok"
                else [None] * (engine.settings.runs if engine.settings.mode == "n" else 1)
            )
            for choice, text in enumerate(texts):
                run = len(runs)
                rec: dict[str, Any] = {
                    "run": run,
                    "seed": 0 if engine.settings.mode == "n" else run,
                    "choice": choice,
                    "reply": text,
                    "status": reply.status,
                    "attempts": reply.attempts,
                    "rate_limited": reply.rate_limited,
                    "error": reply.error,
                    "error_kind": reply.error_kind,
                    "cached": reply.cached,
                    "model": reply.model,
                    "response_id": reply.response_id,
                    "system_fingerprint": reply.system_fingerprint,
                    "finish_reason": (reply.finish_reasons or [None] * (choice + 1))[choice],
                    "usage": reply.usage if choice == 0 else None,
                    "cost_usd": reply.cost_usd if choice == 0 else None,
                }
                if reply.batch:
                    rec["batch"] = reply.batch
                reasoning = (reply.reasonings or [None] * (choice + 1))[choice]
                self._parse_into(rec, prompt, engine, reasoning)
                runs.append(rec)
        return runs

    def _parse_into(
        self,
        rec: dict[str, Any],
        prompt: JudgePrompt,
        engine: JudgeEngine,
        api_reasoning: str | None = None,
    ) -> None:
        """Parse a run's reply. Strict metrics read its final answer, the reasoning stripped
        (`judges.reply`); legacy ones read the reply as the references did, except under a
        harmony judge profile, where every metric reads the final channel (tasks-2026 §2.3).
        No final answer to read is a judge_error."""
        rec.pop("answer", None)
        rec.pop("reasoning", None)
        harmony = engine.settings.reply_format == "harmony"
        reads_final = self.variant == "strict" or harmony
        if rec["reply"] is not None:
            split = final_answer(rec["reply"], api_reasoning, harmony)
            if split.reasoning:
                rec["reasoning"] = split.reasoning
            if split.answer != rec["reply"]:
                rec["answer"] = split.answer  # None: the judge never reached an answer
            if split.answer is None and reads_final:
                rec["status"], rec["error"] = "judge_error", NO_FINAL_ANSWER
                rec["error_kind"] = "permanent"  # the same request gives the same reply
        text = None
        if rec["status"] != "judge_error":
            text = _answer(rec) if reads_final else rec["reply"]
        if text is None:  # judge_error after all attempts, or no final answer
            rec["parsed"] = None if self.variant == "strict" else self.failure_value()
            return
        rec["parsed"] = self.parse(text, prompt)
        rec["status"] = "ok" if rec["parsed"] is not None else "parse_failure"

    def _unreadable(self, rec: dict[str, Any], prompt: JudgePrompt) -> bool:
        answer = _answer(rec)
        if rec["status"] == "judge_error" or answer is None:
            return False
        return self.reask_parse(answer, prompt) is None

    def _reask(
        self,
        engine: JudgeEngine,
        prompt: JudgePrompt,
        plan: dict[str, list[JudgeRequest]],
        runs_of: dict[str, list[dict[str, Any]]],
        ledger: Any,
    ) -> None:
        """`--judge-reask N`: ask up to N more times (same request, distinct cache keys) for
        each run whose reply the strict reading cannot parse; every reply is kept."""
        for k in range(1, engine.settings.reask + 1):
            todo: list[tuple[dict[str, Any], JudgeRequest]] = []
            for sid, runs in runs_of.items():
                first = plan[sid][0]
                for rec in runs:
                    if self._unreadable(rec, prompt):
                        req = self._requests(
                            engine,
                            prompt,
                            first.messages,
                            first.label.rsplit(":", 1)[0],
                            reask=k,
                            run=rec["run"],
                        )[0]
                        todo.append((rec, req))
            if not todo:
                return
            replies = engine.judge([req for _, req in todo], ledger)
            for (rec, _), reply in zip(todo, replies, strict=True):
                rec.setdefault("first_reply", rec["reply"])
                rec.setdefault("reasks", []).append(
                    {
                        "reask": k,
                        "status": reply.status,
                        "attempts": reply.attempts,
                        "error": reply.error,
                        "usage": reply.usage,
                        "cached": reply.cached,
                    }
                )
                rec["reply"] = reply.texts[0] if reply.status == "ok" else None
                rec["status"], rec["error"] = reply.status, reply.error
                rec["error_kind"] = reply.error_kind
                reasoning = reply.reasonings[0] if reply.reasonings else None
                self._parse_into(rec, prompt, engine, reasoning)

    def _score(self, runs: list[dict[str, Any]], prompt: JudgePrompt, engine: JudgeEngine) -> Score:
        details: dict[str, Any] = {
            "prompt_version": prompt.version,
            "judge_model": engine.settings.model,
            "mode": engine.settings.mode,
            "runs": runs,
        }
        # A run lost to a timeout or a server error is asked again by the next invocation
        # (its successful runs come from the cache): the item is stored but not final.
        retry = any(
            r["status"] == "judge_error" and r.get("error_kind") == "transient" for r in runs
        )
        valid = [r["parsed"] for r in runs if r["parsed"] is not None]
        if not valid:
            reasons = Counter(r["status"] for r in runs)
            return Score(None, reasons.most_common(1)[0][0], details, retry)
        value = self.item_value(valid)
        details["spread"] = _std([self.item_value([p]) for p in valid])
        details["valid_runs"] = len(valid)
        return Score(value, None, details, retry)

    def _record(self, engine: JudgeEngine, prompt: JudgePrompt, ctx: ScoreContext) -> None:
        ledger = engine.ledger_for(ctx.run_dir)
        info = ctx.card.setdefault("judge", {})
        own = info
        if self._protocol(ctx):
            # This metric's judge differs from the invocation's: recorded under its id, so
            # that the card never shows one judge for numbers another one made.
            own = info.setdefault("metric_judges", {}).setdefault(self.id, {})
        own.update(engine.settings.card())
        info.setdefault("prompts", {})[self.id] = prompt.card()
        own["pacing"] = engine.pacing
        if engine.total.requests:  # only a server that answered now is asked about itself
            own["server"] = engine.server_info()
        own["ledger"] = ledger.to_json()
        if ctx.run_dir is not None:
            write_ledger_file(
                Path(ctx.run_dir) / LEDGER_FILE, engine.ledger_history, ledger, engine.ledger_slot
            )

    # ---- aggregation ----------------------------------------------------------------
    def per_run(self, samples: Sequence[Sample], scores: Sequence[Score]) -> list[dict[str, Any]]:
        raise NotImplementedError

    def aggregate(
        self,
        samples: Sequence[Sample],
        scores: Sequence[Score],
        breakdown_keys: Sequence[str] = (),
        seed: int = 0,
    ) -> MetricSummary:
        return judge_summary(self, samples, scores, breakdown_keys)

    def statistic(self, samples: Sequence[Sample], scores: Sequence[Score]) -> Statistic:
        return judge_statistic(self, samples, scores)

    def extra(self, per_run: list[dict[str, Any]]) -> dict[str, Any]:
        return {}

    def card(self) -> dict[str, Any]:
        return {**super().card(), "prompt_versions": list(self.prompts), "variant": self.variant}
