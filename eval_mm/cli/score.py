"""`eval-mm score RUN`: score (or rescore) saved predictions without generating."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from eval_mm.cli.common import add_judge_options, add_scoring_options, score_context, select_scorers
from eval_mm.errors import RunFailed, UserError
from eval_mm.terminal import safe


def register(sub: Any) -> None:
    p = sub.add_parser(
        "score",
        help="score saved predictions (no generation)",
        description=(
            "Score the stored predictions of a run folder (or of every run below a folder). "
            "Scores already stored for a metric version are reused; other metrics are kept."
        ),
    )
    p.add_argument("path", type=Path, help="run folder or a folder holding runs")
    p.add_argument(
        "--rescore", action="store_true", help="recompute the chosen metrics from scratch"
    )
    p.add_argument("--seed", type=int, default=0, help="bootstrap seed (default 0)")
    p.add_argument("--no-progress", action="store_true", help="hide progress bars")
    add_scoring_options(p)
    add_judge_options(p)
    p.set_defaults(func=cmd_score)


def cmd_score(args: argparse.Namespace) -> int:
    from eval_mm.core.task import TaskOptions
    from eval_mm.registries import TASKS
    from eval_mm.report import format_summary
    from eval_mm.run import score_stored
    from eval_mm.runcard import read_card
    from eval_mm.store import CARD, find_runs, prediction_health, read_samples_checked

    runs = find_runs(args.path) if args.path.exists() else []
    if not runs:
        raise UserError(f"no run (run.json) below {args.path}")
    ctx = score_context(args)
    plans = []
    for run in runs:
        card = read_card(run, required=True)
        tcard = card.get("task") or {}
        if not isinstance(tcard, dict) or "id" not in tcard:
            raise UserError(
                f"{run / CARD} names no task: restore it, or rerun the run with --overwrite"
            )
        task = TASKS.get(tcard["id"])(
            TaskOptions(tcard.get("prompt_variant"), options=tcard.get("options") or {})
        )
        if task.version != tcard.get("version"):
            print(
                safe(f"note: {run} was made with task version {tcard.get('version')}, "
                     f"now {task.version}")
            )
        read_samples_checked(run)  # a damaged samples.jsonl fails before any judge request
        scorers, _ = select_scorers(task, args)
        for s in scorers:
            s.preflight(ctx)
        plans.append((run, task, scorers))
    unfinished: list[str] = []
    try:
        for run, task, scorers in plans:
            progress = not args.no_progress and sys.stderr.isatty()
            problem = prediction_health(run).problem()
            if problem:
                print(
                    safe(f"warning: {run}: {problem}; they are left out of every metric "
                         "(rerun the same `eval-mm run` command to generate them)"),
                    file=sys.stderr,
                )
            result = score_stored(run, task, scorers, ctx, progress, args.rescore)
            print(safe(f"{run}  [{result.status}]\n{format_summary(result.summary)}\n"))
            for problem in result.problems:
                print(safe(f"  {result.status}: {problem}"), file=sys.stderr)
            if result.status in ("incomplete", "failed"):
                unfinished.append(f"{run.name} {result.status}")
    finally:
        ctx.close()
    if unfinished:
        raise RunFailed(f"{'; '.join(unfinished)}; rerun the same command to retry what failed")
    return 0
