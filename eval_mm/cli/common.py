"""Options and helpers shared by several sub-commands."""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING, Any

from eval_mm.cli._args import names, non_negative_int, positive_int, ranged, url
from eval_mm.errors import UserError
from eval_mm.redact import redact_text

if TYPE_CHECKING:
    from eval_mm.core.scoring import ScoreContext, Scorer
    from eval_mm.core.task import Task


def parse_kv(items: list[str], flag: str = "option") -> dict[str, str]:
    """`name=value` pairs as text (a repeated name: the last one wins); the adapter's or the
    task's option schema types each value."""
    out: dict[str, str] = {}
    for item in items:
        key, eq, value = item.partition("=")
        if not eq or not key.strip():
            raise UserError(f"{flag} expects NAME=VALUE, got {redact_text(item)!r}")
        out[key.strip()] = value
    return out


def add_scoring_options(p: argparse.ArgumentParser) -> None:
    g = p.add_argument_group("scoring")
    g.add_argument(
        "--metrics", type=names, help="comma-separated metric ids instead of the task's defaults"
    )


def add_judge_options(p: argparse.ArgumentParser) -> None:
    g = p.add_argument_group("LLM judge")
    g.add_argument("--no-judge", action="store_true", help="skip judge metrics (no API key needed)")
    g.add_argument("--judge-model", help="judge model id (default gpt-4o-2024-11-20)")
    g.add_argument("--judge-base-url", type=url, help="OpenAI-compatible base URL of the judge")
    g.add_argument(
        "--judge-profile",
        help="named judge configuration, e.g. gpt-oss-20b-local (vLLM on 127.0.0.1:8000, "
        "reasoning effort low); the other --judge-* options override it",
    )
    g.add_argument("--judge-runs", type=positive_int, help="judge runs per item (default 5)")
    g.add_argument(
        "--judge-mode",
        choices=["independent", "n", "single"],
        help="independent requests with seeds 0..R-1 (default), one request with n=R, or one run",
    )
    g.add_argument(
        "--judge-temperature", type=ranged(float, 0.0, 2.0), help="judge temperature (default 0)"
    )
    g.add_argument(
        "--judge-max-tokens", type=positive_int, help="judge reply token limit (default 1024)"
    )
    g.add_argument(
        "--judge-reasoning-effort",
        help="reasoning effort of a reasoning judge (low, medium, high, ...); sends "
        "max_completion_tokens instead of max_tokens",
    )
    g.add_argument("--judge-prompt", help="judge prompt version, e.g. heron_original_v1")
    g.add_argument(
        "--judge-reask",
        type=non_negative_int,
        metavar="N",
        help="ask again up to N times when a reply cannot be parsed (default 0, the protocol)",
    )
    g.add_argument(
        "--judge-rps",
        type=ranged(float, 0.0, 1e6, low_open=True),
        help="judge requests per second (default: the provider's published limit, learned "
        "from its rate-limit headers, else adaptive)",
    )
    g.add_argument(
        "--judge-concurrency",
        type=positive_int,
        help="cap on judge requests in flight (default: sized from rate x measured latency)",
    )
    g.add_argument(
        "--judge-timeout",
        type=ranged(float, 0.0, 1e6, low_open=True),
        help="seconds per judge request (default 120)",
    )
    g.add_argument(
        "--judge-batch", action="store_true", help="use the OpenAI Batch API (cheaper, slower)"
    )
    g.add_argument("--judge-cache", help="judge cache folder (default ~/.cache/eval-mm/judge)")
    g.add_argument(
        "--judge-max-attempts",
        type=int,
        help="attempts per judge request before it counts as failed (default 5)",
    )


# CLI flag suffix -> JudgeSettings option name
_JUDGE_KEYS = {
    "model": "model",
    "base_url": "base_url",
    "profile": "profile",
    "runs": "runs",
    "mode": "mode",
    "temperature": "temperature",
    "max_tokens": "max_tokens",
    "reasoning_effort": "reasoning_effort",
    "prompt": "prompt",
    "reask": "reask",
    "rps": "rps",
    "concurrency": "concurrency",
    "timeout": "timeout_s",
    "batch": "batch",
    "cache": "cache",
    "max_attempts": "max_attempts",
}


def judge_options(args: argparse.Namespace) -> dict[str, Any]:
    """The judge options given on the command line (0 is a value, not "unset")."""
    opts = {name: getattr(args, f"judge_{flag}", None) for flag, name in _JUDGE_KEYS.items()}
    return {k: v for k, v in opts.items() if v is not None and v is not False}


def score_context(args: argparse.Namespace) -> ScoreContext:
    from eval_mm.core.scoring import ScoreContext

    return ScoreContext(seed=getattr(args, "seed", 0) or 0, options={"judge": judge_options(args)})


def select_scorers(task: Task, args: argparse.Namespace) -> tuple[list[Scorer], list[str]]:
    """The scorers to run on `task`, and the requested metrics left out (`--no-judge`)."""
    from eval_mm.registries import scorers_for

    metric_ids = (
        [m.strip() for m in args.metrics.split(",")] if getattr(args, "metrics", None) else None
    )
    scorers = scorers_for(task, metric_ids)
    skipped: list[str] = []
    if getattr(args, "no_judge", False):
        skipped = [s.id for s in scorers if s.kind == "judge"]
        scorers = [s for s in scorers if s.kind != "judge"]
        if skipped:
            print(f"note: --no-judge skips {', '.join(skipped)} on {task.id}", file=sys.stderr)
    return scorers, skipped
