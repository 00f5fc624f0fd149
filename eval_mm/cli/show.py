"""`eval-mm show PATH`: the summary of one run (or of every run below a folder)."""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

from eval_mm.errors import UserError
from eval_mm.terminal import json_safe, safe


def register(sub: Any) -> None:
    p = sub.add_parser(
        "show",
        help="print the result table of a run",
        description=("Print the summary of a run folder, or of every run below a folder."),
    )
    p.add_argument("path", type=Path, help="run folder, or a folder holding runs (e.g. results/)")
    p.add_argument("--json", action="store_true", help="print summary.json as it is")
    p.set_defaults(func=cmd_show)


def cmd_show(args: argparse.Namespace) -> int:
    from eval_mm.judges.ledger import bill_lines
    from eval_mm.report import format_summary
    from eval_mm.store import CARD, SUMMARY, CorruptResult, find_runs, prediction_health, read_json

    if not args.path.exists():
        raise UserError(f"{args.path} does not exist")
    runs = find_runs(args.path)
    if not runs:
        raise UserError(f"no run (run.json) below {args.path}")
    damaged: list[str] = []
    for run in runs:
        try:  # a damaged run is reported; the others are still shown
            read_json(run / CARD)
            summary = read_json(run / SUMMARY) if (run / SUMMARY).exists() else None
        except CorruptResult as exc:
            damaged.append(str(exc))
            continue
        if summary is None:
            print(f"{safe(run)}: not scored yet (run `eval-mm score {safe(run)}`)\n")
            continue
        if args.json:
            # JSON escapes C0 controls; C1 ones (\x9b is a CSI on some terminals) too.
            print(json_safe(json.dumps(summary, ensure_ascii=False, indent=2)))
            continue
        print(f"{safe(run)}\n{format_summary(summary)}")
        for line in bill_lines(run):  # what the run's API calls cost, all invocations
            print(safe(line))
        problem = prediction_health(run).problem()
        if problem:
            print(f"warning: {safe(problem)}; rerun the same `eval-mm run` command to fill them")
        print()
    if damaged:
        more = f" (and {len(damaged) - 1} more damaged runs)" if len(damaged) > 1 else ""
        raise UserError(damaged[0] + more)
    return 0
