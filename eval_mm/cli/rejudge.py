"""`eval-mm rejudge`: the judge migration kit. Re-judge the stored predictions of a set of
runs with another judge (the --judge-* options: OpenAI, Azure, or any OpenAI-compatible
server such as `vllm serve openai/gpt-oss-20b`), then report per task and metric how the
judge change moves the numbers (`eval_mm.judges.migration`): level shift with CIs, rank
correlation of models, pairs that swap order, weighted kappa, Krippendorff's alpha and
the confusion of ratings, as Markdown and JSON.

The stored runs are never modified: each is copied (without images; the judge reads text)
to the same place under --into and rescored there with `eval_mm.run.rescore`, so the new
judge's scores and summary sit beside the old ones. Rerunning the command costs nothing
(the judge cache). Folders re-judged earlier by further judges join the report (--also).
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from eval_mm.cli.common import add_judge_options, score_context
from eval_mm.core.scoring import ScoreContext
from eval_mm.core.task import Task, TaskOptions
from eval_mm.errors import UserError
from eval_mm.judges.migration import JudgedRun, build_report, to_markdown
from eval_mm.judges.scorer import JudgeScorer
from eval_mm.judges.settings import fingerprint_id
from eval_mm.registries import TASKS, scorers_for
from eval_mm.run import rescore
from eval_mm.score import load_samples, score_file
from eval_mm.store import (
    CARD,
    IMAGES_DIR,
    atomic_write_text,
    dumps,
    find_runs,
    read_json,
    read_jsonl,
)


def register(sub: Any) -> None:
    p = sub.add_parser(
        "rejudge",
        help="re-judge stored predictions with another judge and report the change",
        description="Re-judge the stored predictions of the runs below PATH with the judge "
        "set by the --judge-* options (copies under --into; the runs are not touched) and "
        "report, per task and judge metric, the level shift with CIs, rank correlation of "
        "models, swapped pairs, weighted kappa, Krippendorff's alpha and the confusion of "
        "ratings.",
    )
    p.add_argument("paths", nargs="+", type=Path, help="run folders or folders holding runs")
    p.add_argument(
        "--into", type=Path, required=True, help="folder for the re-judged copies of the runs"
    )
    p.add_argument("--metrics", help="judge metric ids (default: the tasks' judge metrics)")
    p.add_argument(
        "--also",
        type=Path,
        action="append",
        default=[],
        metavar="DIR",
        help="a folder of the same runs re-judged earlier by a further judge (repeatable)",
    )
    p.add_argument("--markdown", type=Path, help="write the report as Markdown to this file")
    p.add_argument("--json", type=Path, help="write the report as JSON to this file")
    p.add_argument("--resamples", type=int, default=1000, help="bootstrap resamples (1000)")
    p.add_argument("--seed", type=int, default=0, help="bootstrap seed (default 0)")
    p.add_argument("--no-progress", action="store_true", help="hide progress bars")
    add_judge_options(p)
    p.set_defaults(func=cmd_rejudge)


@dataclass
class SourceRun:
    path: Path
    card: dict[str, Any]
    task: Task
    scorers: list[JudgeScorer] = field(default_factory=list)

    @property
    def key(self) -> tuple[str, str]:
        return str(self.card["task"]["id"]), str(self.card.get("config_id"))


def _task(card: dict[str, Any]) -> Task:
    tcard = card["task"]
    return TASKS.get(tcard["id"])(
        TaskOptions(tcard.get("prompt_variant"), options=dict(tcard.get("options") or {}))
    )


def _records(run: Path, scorer: JudgeScorer) -> dict[str, dict[str, Any]]:
    """The stored score records of one metric, by sample id (the last record wins)."""
    return {str(r["id"]): r for r in read_jsonl(score_file(run, scorer)) if "id" in r}


def sources(paths: list[Path], metric_ids: list[str] | None) -> list[SourceRun]:
    runs = sorted({r for p in paths for r in (find_runs(p) if p.exists() else [])})
    if not runs:
        raise UserError(f"no run (run.json) below {', '.join(map(str, paths))}")
    out = []
    for path in runs:
        card = read_json(path / CARD)
        task = _task(card)
        src = SourceRun(path, card, task)
        for scorer in scorers_for(task, metric_ids or None):
            if not isinstance(scorer, JudgeScorer):
                if metric_ids:
                    raise UserError(f"{scorer.id} is not a judge metric")
                continue
            if _records(path, scorer):
                src.scorers.append(scorer)
            else:
                print(f"note: {path} has no stored {scorer.id} scores; skipped", file=sys.stderr)
        if src.scorers:
            out.append(src)
    if not out:
        raise UserError("none of the runs has stored scores of a judge metric to compare")
    return out


def copy_and_rejudge(src: SourceRun, into: Path, ctx: ScoreContext, progress: bool) -> Path:
    """The run copied under `into` (once) and its judge metrics rescored by the new judge."""
    dest = into / src.path.parent.parent.name / src.path.parent.name / src.path.name
    if dest.exists():
        if read_json(dest / CARD).get("config_id") != src.card.get("config_id"):
            raise UserError(f"{dest} holds another run than {src.path}; use a new --into")
    else:
        shutil.copytree(src.path, dest, ignore=shutil.ignore_patterns(IMAGES_DIR))
    rescore(dest, src.task, src.scorers, ctx, progress=progress, rescore_all=True)
    print(f"re-judged {src.key[0]} x {src.card['model']['id']} -> {dest}", file=sys.stderr)
    return dest


def judge_of(run: Path, metric: str) -> dict[str, Any]:
    """What the run card says about the judge of `metric` (model, profile, prompt, ...)."""
    j = read_json(run / CARD).get("judge") or {}
    fp = (j.get("fingerprints") or {}).get(metric)
    return {
        "model": j.get("model"),
        "profile": j.get("profile"),
        "reasoning_effort": j.get("reasoning_effort"),
        "prompt": ((j.get("prompts") or {}).get(metric) or {}).get("version"),
        "fingerprint": fingerprint_id(fp) if isinstance(fp, dict) else None,
    }


def _system_names(srcs: list[SourceRun]) -> dict[Path, str]:
    """Model ids, with the configuration added where a task has two runs of one model."""
    names: dict[Path, str] = {}
    for src in srcs:
        model = str(src.card["model"]["id"])
        twins = [s for s in srcs if s.key[0] == src.key[0] and s.card["model"]["id"] == model]
        names[src.path] = model if len(twins) == 1 else f"{model} ({src.key[1][:8]})"
    return names


def build_reports(
    srcs: list[SourceRun], trees: dict[str, dict[tuple[str, str], Path]], args: argparse.Namespace
) -> tuple[dict[str, dict[str, Any]], list[dict[str, Any]]]:
    """Judge descriptions and one report per task and metric; `trees[label]` maps a run's
    (task, config id) to its folder judged by that judge (the first label: the sources)."""
    names = _system_names(srcs)
    judges: dict[str, dict[str, Any]] = {}
    reports = []
    metrics = sorted({(s.key[0], sc.id) for s in srcs for sc in s.scorers})
    for task_id, mid in metrics:
        group = [s for s in srcs if s.key[0] == task_id and any(c.id == mid for c in s.scorers)]
        scorer = next(c for c in group[0].scorers if c.id == mid)
        judged: dict[str, dict[str, JudgedRun]] = {}
        for label, tree in trees.items():
            runs = {}
            for src in group:
                path = tree.get(src.key)
                if path is None:
                    continue
                samples = {s.id: s for s in load_samples(src.path)}
                runs[names[src.path]] = JudgedRun(
                    names[src.path], path, samples, _records(path, scorer)
                )
                judges.setdefault(label, {**judge_of(path, mid), "root": str(path.parents[2])})
            judged[label] = runs
        reports.append(
            build_report(scorer, task_id, judged, next(iter(trees)), args.resamples, args.seed)
        )
    return judges, reports


def rejudge(args: argparse.Namespace, into: Path) -> tuple[dict[str, Any], str]:
    """Re-judge into `into`, then the report as a JSON-ready dict and as Markdown."""
    metric_ids = [m.strip() for m in args.metrics.split(",")] if args.metrics else None
    srcs = sources(list(args.paths), metric_ids)
    ctx = score_context(args)
    for scorer in {type(c): c for s in srcs for c in s.scorers}.values():
        scorer.preflight(ctx)  # the new judge's key, options and endpoint, before any work
    progress = not args.no_progress and sys.stderr.isatty()
    trees: dict[str, dict[tuple[str, str], Path]] = {"A": {s.key: s.path for s in srcs}}
    try:
        trees["B"] = {s.key: copy_and_rejudge(s, into, ctx, progress) for s in srcs}
    finally:
        ctx.close()
    for k, folder in enumerate(args.also):
        found = {}
        for path in find_runs(folder) if folder.exists() else []:
            card = read_json(path / CARD)
            found[(str(card["task"]["id"]), str(card.get("config_id")))] = path
        if not found:
            raise UserError(f"--also {folder}: no run (run.json) there")
        trees[chr(ord("C") + k)] = found
    judges, reports = build_reports(srcs, trees, args)
    return {"judges": judges, "reference": "A", "reports": reports}, to_markdown(judges, reports)


def write_outputs(args: argparse.Namespace, report: dict[str, Any], markdown: str) -> None:
    print(markdown)
    if getattr(args, "markdown", None):
        atomic_write_text(args.markdown, markdown)
    out = getattr(args, "json", None) or getattr(args, "output", None)
    if out:
        atomic_write_text(out, dumps(report) + "\n")
    print(json.dumps({"reports": len(report["reports"]), "judges": list(report["judges"])}))


def cmd_rejudge(args: argparse.Namespace) -> int:
    if args.resamples < 100:
        raise UserError("--resamples must be at least 100")
    report, markdown = rejudge(args, args.into)
    write_outputs(args, report, markdown)
    return 0
