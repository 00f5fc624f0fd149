"""The base of judge metrics (`judge_1to5.py`, `heron.py`): prompt choice, requests per run,
re-ask of unparseable replies, per-sample details, per-run then over-run aggregation.

Strict and legacy variants of one prompt send identical requests, so whichever runs second
reads every reply from the cache. Each sample's `Score.details["runs"]` keeps every run's
raw reply, parse, status and usage; aggregation works per run, then over runs.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import Any, ClassVar

import numpy as np

from eval_mm.core.aggregate import MetricSummary, bootstrap_ci, group_means
from eval_mm.core.sample import Sample
from eval_mm.core.scoring import Score, ScoreContext, Scorer
from eval_mm.errors import UserError
from eval_mm.judges.cache import cache_key
from eval_mm.judges.engine import JudgeEngine, JudgeReply, JudgeRequest, engine_for
from eval_mm.judges.prompt import JudgePrompt, available_prompts, load_prompt
from eval_mm.judges.settings import JudgeSettings
from eval_mm.store import atomic_write_json, read_json

LEDGER_FILE = "judge_ledger.json"


def _std(xs: Sequence[float]) -> float | None:
    return float(np.std(xs, ddof=1)) if len(xs) > 1 else None


class JudgeScorer(Scorer):
    kind = "judge"
    scale = 1.0
    prompts: ClassVar[tuple[str, ...]]  # allowed prompt versions, default first
    variant: ClassVar[str]  # strict | legacy | original

    # ---- configuration ------------------------------------------------------------
    def prompt(self, ctx: ScoreContext) -> JudgePrompt:
        wanted = (ctx.options.get("judge") or {}).get("prompt")
        if wanted and wanted not in available_prompts():
            raise UserError(
                f"unknown judge prompt {wanted!r}; choose one of: {', '.join(available_prompts())}"
            )
        return load_prompt(wanted if wanted in self.prompts else self.prompts[0])

    def preflight(self, ctx: ScoreContext) -> None:
        settings = JudgeSettings.from_options(ctx.options.get("judge"))
        settings.check_key()
        self.prompt(ctx)

    def engine(self, ctx: ScoreContext) -> JudgeEngine:
        return engine_for(ctx.resources, ctx.options.get("judge"))

    def fingerprint(self, ctx: ScoreContext) -> dict[str, Any]:
        """The metric's own fingerprint plus the judge that answers and the prompt it reads."""
        settings = JudgeSettings.from_options(ctx.options.get("judge"))
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
        if self.variant == "strict" and engine.settings.reask > 0:
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
            texts = (
                reply.texts
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
                self._parse_into(rec, prompt)
                runs.append(rec)
        return runs

    def _parse_into(self, rec: dict[str, Any], prompt: JudgePrompt) -> None:
        if rec["reply"] is None:  # judge_error after all attempts
            rec["parsed"] = None if self.variant == "strict" else self.failure_value()
            return
        rec["parsed"] = self.parse(rec["reply"], prompt)
        if rec["parsed"] is None:
            rec["status"] = "parse_failure"

    def _reask(
        self,
        engine: JudgeEngine,
        prompt: JudgePrompt,
        plan: dict[str, list[JudgeRequest]],
        runs_of: dict[str, list[dict[str, Any]]],
        ledger: Any,
    ) -> None:
        """Ask once more (same request, distinct cache key) for each unparseable run."""
        todo: list[tuple[dict[str, Any], JudgeRequest]] = []
        for sid, runs in runs_of.items():
            msgs = plan[sid][0].messages
            for rec in runs:
                if rec["status"] == "parse_failure":
                    req = self._requests(
                        engine,
                        prompt,
                        msgs,
                        plan[sid][0].label.rsplit(":", 1)[0],
                        reask=1,
                        run=rec["run"],
                    )[0]
                    todo.append((rec, req))
        if not todo:
            return
        replies = engine.judge([req for _, req in todo], ledger)
        for (rec, _), reply in zip(todo, replies, strict=True):
            rec["first_reply"] = rec["reply"]
            rec["reask"] = {
                "status": reply.status,
                "attempts": reply.attempts,
                "error": reply.error,
                "usage": reply.usage,
                "cached": reply.cached,
            }
            rec["reply"] = reply.texts[0] if reply.status == "ok" else None
            rec["status"] = reply.status
            self._parse_into(rec, prompt)

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
        info.update(engine.settings.card())
        info.setdefault("prompts", {})[self.id] = prompt.card()
        info["ledger"] = ledger.to_json()
        if ctx.run_dir is not None:
            # One entry per invocation: a cached rerun does not hide what the first run paid.
            path = Path(ctx.run_dir) / LEDGER_FILE
            key = str(ctx.run_dir)
            if key not in engine.ledger_history:
                old = read_json(path) if path.exists() else {}
                engine.ledger_history[key] = list(old.get("invocations", []))
            entries = [*engine.ledger_history[key], info["ledger"]]
            total_cost = [e.get("cost_usd") for e in entries]
            atomic_write_json(
                path,
                {
                    "invocations": entries,
                    "requests": sum(e["requests"] for e in entries),
                    "total_tokens": sum(e["total_tokens"] for e in entries),
                    "cost_usd": None if None in total_cost else sum(total_cost),
                },
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
        per_run = self.per_run(samples, scores)
        heads = [r["value"] for r in per_run]
        defined = [h for h in heads if h is not None]
        reasons = Counter(s.reason or "unknown" for s in scores if s.value is None)
        values = [s.value for s in scores]
        ci = self.ci(samples, scores, seed)
        runs_seen = [r for s in scores for r in s.details.get("runs", [])]
        extra: dict[str, Any] = {
            "runs": len(per_run),
            "per_run": heads,
            "std": _std(defined),
            "undefined_runs": len(heads) - len(defined),
            "per_run_unscored": [r["unscored"] for r in per_run],
            "empty_predictions": sum(
                1 for s in scores if s.details.get("status") == "empty_prediction"
            ),
            "system_fingerprints": sorted(
                {str(r["system_fingerprint"]) for r in runs_seen if r.get("system_fingerprint")}
            ),
            "judge_models_returned": sorted({str(r["model"]) for r in runs_seen if r.get("model")}),
            "run_status_counts": dict(Counter(str(r.get("status")) for r in runs_seen)),
            "reasked_runs": sum(1 for r in runs_seen if "reask" in r),
        }
        extra.update(self.extra(per_run))
        return MetricSummary(
            value=float(np.mean(defined)) if defined else None,
            n=sum(v is not None for v in values),
            unscored=sum(reasons.values()),
            unscored_reasons=dict(reasons),
            ci_low=ci[0] if ci else None,
            ci_high=ci[1] if ci else None,
            scale=self.scale,
            extra=extra,
            breakdown={
                k: group_means(values, [s.metadata for s in samples], k, 1.0)
                for k in breakdown_keys
            },
        )

    def ci(
        self, samples: Sequence[Sample], scores: Sequence[Score], seed: int
    ) -> tuple[float, float] | None:
        return bootstrap_ci([s.value for s in scores if s.value is not None], seed=seed)

    def extra(self, per_run: list[dict[str, Any]]) -> dict[str, Any]:
        return {}

    def card(self) -> dict[str, Any]:
        return {**super().card(), "prompt_versions": list(self.prompts), "variant": self.variant}
