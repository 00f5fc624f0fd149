"""`eval-mm merge`: join shard runs into one run and score it."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from eval_mm.cli._args import output_dir
from eval_mm.cli.common import add_judge_options, add_scoring_options, score_context, select_scorers
from eval_mm.terminal import safe


def register(sub: Any) -> None:
    p = sub.add_parser(
        "merge",
        help="join the shard runs of one configuration into one run, then score it",
        description="Join the run folders written by `eval-mm run --num-shards N --shard-index i` "
        "(all N shards of one configuration) into one run folder and score it. Stored scores "
        "of the shards are reused.",
    )
    p.add_argument("shards", nargs="+", type=Path, help="shard run folders (globs welcome)")
    p.add_argument(
        "--output-dir",
        "-o",
        type=output_dir,
        help="result store for the merged run (default: the shards' store)",
    )
    p.add_argument("--no-progress", action="store_true", help="hide progress bars")
    add_scoring_options(p)
    add_judge_options(p)
    p.set_defaults(func=cmd_merge)


def cmd_merge(args: argparse.Namespace) -> int:
    from eval_mm.core.task import TaskOptions
    from eval_mm.merge import merge_shards
    from eval_mm.registries import TASKS
    from eval_mm.report import format_summary
    from eval_mm.run import score_stored

    folder, card = merge_shards(args.shards, args.output_dir)
    tcard = card["task"]
    data = tcard.get("data") or {}
    task = TASKS.get(tcard["id"])(
        TaskOptions(
            tcard.get("prompt_variant"),
            data.get("path") if data.get("source") == "local" else None,
            dict(tcard.get("options") or {}),
        )
    )
    ctx = score_context(args)
    scorers, _ = select_scorers(task, args)
    try:
        result = score_stored(folder, task, scorers, ctx, progress=not args.no_progress)
    finally:
        ctx.close()
    n = len(card["merged_from"])
    print(safe(f"merged {n} shards of {task.id} x {card['model']['id']}  ->  {folder}"))
    print(format_summary(result.summary))
    return 0
