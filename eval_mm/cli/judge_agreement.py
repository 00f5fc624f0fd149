"""`eval-mm judge-agreement`: re-judge stored predictions with a second judge and compare it
with the judge that made the stored scores (correlations, mean absolute difference, per-task
shift), e.g. before moving off a retired GPT-4o snapshot or to an open-weight judge.

The stored scores are never touched; the second judge's replies land in the judge cache."""

from __future__ import annotations

import argparse
import json
import math
from pathlib import Path
from typing import TYPE_CHECKING, Any

from eval_mm.cli.common import add_judge_options, score_context
from eval_mm.errors import UserError
from eval_mm.store import (
    CARD,
    SUMMARY,
    atomic_write_json,
    find_runs,
    read_json,
    read_scores,
)
from eval_mm.terminal import cell

if TYPE_CHECKING:  # the engine is imported when the command runs (a fast --help)
    from eval_mm.core.scoring import Score, ScoreContext, Scorer


def register(sub: Any) -> None:
    p = sub.add_parser(
        "judge-agreement",
        help="re-judge stored predictions with a second judge and compare",
        description="Re-judge the stored predictions of run folders with another judge (set with "
        "the --judge-* options) and report Pearson, Spearman and Kendall correlations, mean "
        "absolute difference and per-task shifts against the stored judge scores.",
    )
    p.add_argument("path", type=Path, help="run folder or a folder holding runs")
    p.add_argument(
        "--metrics", help="judge metric ids to compare (default: the tasks' judge metrics)"
    )
    p.add_argument("--output", type=Path, help="also write the report as JSON to this file")
    add_judge_options(p)
    p.set_defaults(func=cmd_judge_agreement)


def correlations(old: list[float], new: list[float]) -> dict[str, float | None]:
    from scipy import stats

    def safe(value: float) -> float | None:
        return None if value is None or math.isnan(value) else float(value)

    if len(old) < 2:
        return {"pearson": None, "spearman": None, "kendall": None}
    constant = len(set(old)) < 2 or len(set(new)) < 2  # correlation undefined
    return {
        "pearson": None if constant else safe(stats.pearsonr(old, new)[0]),
        "spearman": None if constant else safe(stats.spearmanr(old, new)[0]),
        "kendall": None if constant else safe(stats.kendalltau(old, new)[0]),
    }


def _rejudge(run: Path, scorer: Scorer, ctx: ScoreContext) -> tuple[dict[str, Score], Any]:
    from eval_mm.generate import load_predictions
    from eval_mm.reasoning import score_outputs
    from eval_mm.score import CHUNK, load_samples

    samples = load_samples(run)
    preds = load_predictions(run)
    todo = [s for s in samples if s.id in preds and preds[s.id].get("error") is None]
    scores: dict[str, Score] = {}
    for start in range(0, len(todo), CHUNK):
        chunk = todo[start : start + CHUNK]
        outs = [preds[s.id].get("output") or "" for s in chunk]
        judged = score_outputs(scorer, chunk, outs, ctx)  # the metric's reasoning rule applied
        scores.update(zip([s.id for s in chunk], judged, strict=True))
    summary = scorer.aggregate(todo, [scores[s.id] for s in todo])
    return scores, summary


def compare_run(run: Path, metric_ids: list[str] | None, ctx: ScoreContext) -> list[dict[str, Any]]:
    from eval_mm.core.task import TaskOptions
    from eval_mm.registries import METRICS, TASKS

    card = read_json(run / CARD)
    task_id = card["task"]["id"]
    task = TASKS.get(task_id)(TaskOptions(card["task"].get("prompt_variant")))
    ids = metric_ids or [m for m in task.metrics if METRICS.get(m).kind == "judge"]
    old_summary = read_json(run / SUMMARY).get("metrics", {}) if (run / SUMMARY).exists() else {}
    rows = []
    for mid in ids:
        scorer = METRICS.get(mid)()
        if scorer.kind != "judge":
            raise UserError(f"{mid} is not a judge metric")
        stored: dict[str, Any] = {i: r.get("value") for i, r in read_scores(run, mid).items()}
        if not stored:
            print(cell(f"note: {run} has no stored {mid} scores; skipped"))
            continue
        scorer.preflight(ctx)
        new_scores, new_summary = _rejudge(run, scorer, ctx)
        pairs: list[tuple[float, float]] = [
            (float(stored[i] or 0.0), s.value)
            for i, s in new_scores.items()
            if stored.get(i) is not None and s.value is not None
        ]
        old_v = [a for a, _ in pairs]
        new_v = [b for _, b in pairs]
        old_head = (old_summary.get(mid) or {}).get("value")
        rows.append(
            {
                "run": str(run),
                "task": task_id,
                "metric": mid,
                "old_judge": (card.get("judge") or {}).get("model"),
                "new_judge": ctx.card.get("judge", {}).get("model"),
                "n_pairs": len(pairs),
                **correlations(old_v, new_v),
                "mean_abs_diff": sum(abs(a - b) for a, b in pairs) / len(pairs) if pairs else None,
                "old_value": old_head,
                "new_value": new_summary.value,
                "shift": None
                if old_head is None or new_summary.value is None
                else new_summary.value - old_head,
            }
        )
    return rows


def _fmt(v: Any) -> str:
    return "-" if v is None else f"{v:.3f}" if isinstance(v, float) else str(v)


def cmd_judge_agreement(args: argparse.Namespace) -> int:
    runs = find_runs(args.path) if args.path.exists() else []
    if not runs:
        raise UserError(f"no run (run.json) below {args.path}")
    ctx = score_context(args)
    metric_ids = [m.strip() for m in args.metrics.split(",")] if args.metrics else None
    rows: list[dict[str, Any]] = []
    try:
        for run in runs:
            rows += compare_run(run, metric_ids, ctx)
    finally:
        ctx.close()
    cols = (
        "task",
        "metric",
        "n_pairs",
        "pearson",
        "spearman",
        "kendall",
        "mean_abs_diff",
        "old_value",
        "new_value",
        "shift",
    )
    print("\t".join(cols))
    for row in rows:
        print("\t".join(cell(_fmt(row[c])) for c in cols))
    if args.output:
        atomic_write_json(args.output, {"rows": rows, "judge": ctx.card.get("judge")})
    print(json.dumps({"runs": len(runs), "comparisons": len(rows)}))
    return 0
