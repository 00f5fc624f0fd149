"""`eval-mm judge-agreement`: how far a second judge agrees with the judge of stored runs,
without keeping its scores: `eval-mm rejudge` into a temporary folder, the same report
(level shift, rank correlation of models, weighted kappa, Krippendorff's alpha, confusion).
The stored scores are never touched; the second judge's replies land in the judge cache,
so a later `eval-mm rejudge` with the same judge costs nothing."""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path
from typing import Any

from eval_mm.cli.common import add_judge_options


def register(sub: Any) -> None:
    p = sub.add_parser(
        "judge-agreement",
        help="compare a second judge with the judge of stored runs (nothing kept)",
        description="Re-judge the stored predictions of run folders with another judge (set "
        "with the --judge-* options) and report agreement with the stored judge scores: level "
        "shift with CIs, Spearman and Kendall over models, weighted kappa, Krippendorff's "
        "alpha, confusion of ratings. `eval-mm rejudge` does the same and keeps the scores.",
    )
    p.add_argument("paths", nargs="+", type=Path, help="run folder or a folder holding runs")
    p.add_argument("--metrics", help="judge metric ids (default: the tasks' judge metrics)")
    p.add_argument("--output", type=Path, help="also write the report as JSON to this file")
    p.add_argument("--markdown", type=Path, help="also write the report as Markdown")
    p.add_argument("--resamples", type=int, default=1000, help="bootstrap resamples (1000)")
    p.add_argument("--seed", type=int, default=0, help="bootstrap seed (default 0)")
    add_judge_options(p)
    p.add_argument("--reference", metavar="MODEL", help="the judge to compare with")
    p.set_defaults(func=cmd_judge_agreement, no_progress=True)


def cmd_judge_agreement(args: argparse.Namespace) -> int:
    from eval_mm.rejudge import rejudge, write_outputs

    with tempfile.TemporaryDirectory(prefix="eval-mm-agreement-") as tmp:
        report, markdown = rejudge(args, Path(tmp))
    write_outputs(args, report, markdown)
    return 0
