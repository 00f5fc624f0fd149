"""`eval-mm gate`: fail CI when a candidate checkpoint regresses against a baseline."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from eval_mm.cli._args import positive_int, ranged, share
from eval_mm.errors import UserError
from eval_mm.terminal import safe

# As eval_mm.gate.config.CORRECTIONS and eval_mm.gate.verdict.EXIT_INTERNAL_ERROR; not
# imported here, so that building the CLI parser does not load the gate.
CORRECTIONS = ("holm", "bonferroni", "none")
EXIT_INTERNAL_ERROR = 4


def register(sub: Any) -> None:
    p = sub.add_parser(
        "gate",
        help="compare a candidate run with a baseline; exit 1 on a regression",
        description="Compare every task metric present in both the baseline and the candidate, "
        "on the samples both scored, with a seeded paired cluster bootstrap. Exit 0: pass; "
        "1: a gated metric dropped by more than its tolerance (Holm-adjusted over the gated "
        "metrics), or, with --strict, the gate is inconclusive; 2: the runs cannot be compared "
        "(missing task, other task version, other samples, other judge, bad config); "
        "3: inconclusive (no regression found, but some gated metric cannot detect a drop of "
        "its tolerance with the configured power); 4: internal error. See docs/gate.md.",
    )
    p.add_argument("--baseline", "-b", type=Path, required=True,
                   help="baseline run folder, or a folder of runs (matched by task id)")
    p.add_argument("--candidate", "-c", type=Path, required=True,
                   help="candidate run folder, or a folder of runs (matched by task id)")
    p.add_argument("--config", type=Path, help="gate.toml with tolerances and settings")
    sel = p.add_argument_group("what to compare")
    sel.add_argument("--tasks",
                     help="comma-separated task ids to gate (default: all of the baseline's)")
    sel.add_argument("--metrics",
                     help="comma-separated metric ids to compare (default: all shared)")
    sel.add_argument("--min-overlap", type=share,
                     help="least share of the smaller run's samples both must have (default 0.95)")
    sel.add_argument("--skip-judge-mismatch", action="store_true", default=None,
                     help="skip judge metrics whose judge model or prompt differ, "
                     "instead of refusing")
    sel.add_argument("--rejudge-baseline", type=Path, metavar="DIR",
                     help="copy the baseline to DIR and re-judge its judge metrics with the "
                     "candidate's judge model and prompt there (needs the judge's API key)")
    st = p.add_argument_group("statistics")
    st.add_argument("--confidence", type=ranged(float, 0.0, 1.0, low_open=True),
                    help="two-sided interval level (default 0.95)")
    st.add_argument("--resamples", type=positive_int, help="bootstrap resamples (default 2000)")
    st.add_argument("--seed", type=int, help="bootstrap seed (default 0)")
    st.add_argument("--correction", choices=list(CORRECTIONS),
                    help="multiple-comparison correction over gated metrics (default holm)")
    st.add_argument("--power", type=float,
                    help="power a comparison needs at its tolerance, else it is inconclusive "
                    "(default 0.8)")
    st.add_argument("--strict", action="store_true", default=None,
                    help="an inconclusive gate fails with exit 1 (default: exit 3)")
    out = p.add_argument_group("outputs")
    out.add_argument("--markdown", type=Path, help="write the Markdown report here too")
    out.add_argument("--json", type=Path, help="write the JSON report here")
    out.add_argument("--junit", type=Path, help="write a JUnit XML report here")
    out.add_argument("--quiet", "-q", action="store_true", help="do not print the Markdown report")
    # A crash must never read as a verdict (0 pass, 1 regression, 3 inconclusive).
    p.set_defaults(func=cmd_gate, crash_exit=EXIT_INTERNAL_ERROR)


def _csv(text: str | None) -> list[str] | None:
    if text is None:
        return None
    items = [t.strip() for t in text.split(",") if t.strip()]
    if not items:
        raise UserError("expected a comma-separated list of ids")
    return items


def _write(path: Path, text: str) -> None:
    from eval_mm.store import atomic_write_text

    try:
        atomic_write_text(path, text)  # redacted, atomic, with the umask's mode
    except OSError as exc:
        raise UserError(f"cannot write {path}: {exc}") from exc


def cmd_gate(args: argparse.Namespace) -> int:
    from eval_mm.gate import load_config, run_gate, to_json, to_junit, to_markdown

    cfg = load_config(args.config).updated(
        confidence=args.confidence, resamples=args.resamples, seed=args.seed,
        min_overlap=args.min_overlap, correction=args.correction, power=args.power,
        strict=args.strict, tasks=_csv(args.tasks),
        metrics=_csv(args.metrics), skip_judge_mismatch=args.skip_judge_mismatch,
    )
    baseline = args.baseline
    if args.rejudge_baseline is not None:
        from eval_mm.gate.rejudge import rejudge_baseline

        baseline = rejudge_baseline(args.baseline, args.candidate, args.rejudge_baseline, cfg)
    result = run_gate(baseline, args.candidate, cfg)
    if baseline != args.baseline:
        result.notes.append(f"baseline {args.baseline} re-judged with the candidate's judge "
                            f"in {baseline}")
    markdown = to_markdown(result)
    if args.markdown:
        _write(args.markdown, markdown)
    if args.json:
        _write(args.json, json.dumps(to_json(result), ensure_ascii=False, indent=2) + "\n")
    if args.junit:
        _write(args.junit, to_junit(result))
    if not args.quiet:
        sys.stdout.write(safe(markdown))  # run folders and metric names come from files
    for c in result.regressions:
        print(safe(f"eval-mm gate: regression in {c.task}/{c.metric}: {c.delta:+.2f} "
                   f"(CI up to {c.ci_high:+.2f}, tolerance -{c.tolerance:.2f}, "
                   f"adjusted p {c.p_adjusted:.2g})"), file=sys.stderr)
    for c in result.inconclusive:
        print(safe(f"eval-mm gate: inconclusive {c.task}/{c.metric}: {c.reason}"),
              file=sys.stderr)
    return result.exit_code
