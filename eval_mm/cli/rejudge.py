"""`eval-mm rejudge`: re-judge stored predictions with another judge and report how the
judge change moves the numbers. The work is in `eval_mm.rejudge`, imported when the
command runs, so that building the parser (and answering a usage error) stays light."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from eval_mm.cli._args import positive_int
from eval_mm.cli.common import add_judge_options
from eval_mm.errors import UserError


def register(sub: Any) -> None:
    p = sub.add_parser(
        "rejudge",
        help="re-judge stored predictions with another judge and report the change",
        description="Re-judge the stored predictions of the runs below PATH with the judge "
        "set by the --judge-* options (stored beside the old scores under its own "
        "fingerprint; with --into, in copies) and report, per task and judge metric, the "
        "level shift with CIs, rank correlation of models, swapped pairs, weighted kappa, "
        "Krippendorff's alpha and the confusion of ratings.",
    )
    p.add_argument("paths", nargs="+", type=Path, help="run folders or folders holding runs")
    p.add_argument("--into", type=Path, help="re-judge copies of the runs in this folder")
    p.add_argument("--metrics", help="judge metric ids (default: the tasks' judge metrics)")
    p.add_argument("--reference", metavar="MODEL", help="the judge to compare with (default: "
                   "the first that scored the runs)")  # fmt: skip
    p.add_argument("--markdown", type=Path, help="write the report as Markdown to this file")
    p.add_argument("--json", type=Path, help="write the report as JSON to this file")
    p.add_argument("--resamples", type=positive_int, default=1000,
                   help="bootstrap resamples (1000)")
    p.add_argument("--seed", type=int, default=0, help="bootstrap seed (default 0)")
    p.add_argument("--no-progress", action="store_true", help="hide progress bars")
    add_judge_options(p)
    p.set_defaults(func=cmd_rejudge)


def cmd_rejudge(args: argparse.Namespace) -> int:
    if args.resamples < 100:
        raise UserError("--resamples must be at least 100")
    from eval_mm.rejudge import rejudge, write_outputs

    report, markdown = rejudge(args, args.into)
    write_outputs(args, report, markdown)
    return 0
