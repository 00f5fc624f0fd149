"""The judge migration kit behind `eval-mm rejudge` and `eval-mm judge-agreement`. Re-judge the
stored predictions of a set of runs with another judge (the --judge-* options: OpenAI,
Azure, or any OpenAI-compatible server such as `vllm serve openai/gpt-oss-20b`), then report
per task and metric how the judge change moves the numbers (`eval_mm.judges.migration`):
level shift with CIs, rank correlation of models, pairs that swap order, weighted kappa,
Krippendorff's alpha and the confusion of ratings, as Markdown and JSON.

The new scores go through `eval_mm.run.score_stored`, so they are stored beside the old ones
under their own scorer fingerprint (`scores/<metric>/<fp>.jsonl`, `summary.json`
`by_fingerprint`) and become what the run reports; with `--into DIR` the runs are copied
there first (without images: the judge reads text) and left untouched. Every judge whose
scores a run holds for a metric joins the report, in the order they first scored it; the
first is the reference unless `--reference MODEL` names another. Rerunning costs nothing.
"""

from __future__ import annotations

import argparse
import json
import shutil
import string
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from eval_mm.cli.common import score_context
from eval_mm.core.task import Task, TaskOptions
from eval_mm.errors import RunFailed, UserError
from eval_mm.generate import load_predictions
from eval_mm.identity import gold_digest, score_input_digest
from eval_mm.judges.migration import JudgedRun, build_report, to_markdown
from eval_mm.judges.scorer import JudgeScorer
from eval_mm.registries import TASKS, scorers_for
from eval_mm.run import score_stored
from eval_mm.runcard import read_card
from eval_mm.score import load_samples
from eval_mm.store import (
    IMAGES_DIR,
    SCORES_DIR,
    SUMMARY,
    atomic_write_text,
    dumps,
    find_runs,
    iter_jsonl,
    read_scores,
    slugify,
)

UNKEYED = "unkeyed"  # scores/<metric>.jsonl of a run written before per-fingerprint storage


@dataclass
class SourceRun:
    path: Path
    card: dict[str, Any]
    task: Task
    scorers: list[JudgeScorer] = field(default_factory=list)
    target: Path | None = None  # where it is re-judged: the run, or its copy


def _task(card: dict[str, Any]) -> Task:
    tcard = card.get("task") or {}
    return TASKS.get(tcard["id"])(
        TaskOptions(tcard.get("prompt_variant"), options=dict(tcard.get("options") or {}))
    )


def sources(paths: list[Path], metric_ids: list[str] | None) -> list[SourceRun]:
    """The runs below `paths` with stored scores of a judge metric, and those metrics."""
    runs = sorted({r for p in paths for r in (find_runs(p) if p.exists() else [])})
    if not runs:
        raise UserError(f"no run (run.json) below {', '.join(map(str, paths))}")
    out = []
    for path in runs:
        card = read_card(path, required=True)
        src = SourceRun(path, card, _task(card))
        for scorer in scorers_for(src.task, metric_ids or None):
            if not isinstance(scorer, JudgeScorer):
                if metric_ids:
                    raise UserError(f"{scorer.id} is not a judge metric")
                continue
            if read_scores(path, scorer.id):
                src.scorers.append(scorer)
            else:
                print(f"note: {path} has no stored {scorer.id} scores; skipped", file=sys.stderr)
        if src.scorers:
            out.append(src)
    if not out:
        raise UserError("none of the runs has stored scores of a judge metric to compare")
    return out


def copy_of(src: SourceRun, into: Path) -> Path:
    """The run copied under `into` (once), at the same model/task/config place."""
    dest = into / src.path.parent.parent.name / src.path.parent.name / src.path.name
    if dest.exists():
        if read_card(dest).get("config_id") != src.card.get("config_id"):
            raise UserError(f"{dest} holds another run than {src.path}; use a new --into")
    else:
        shutil.copytree(src.path, dest, ignore=shutil.ignore_patterns(IMAGES_DIR, ".lock"))
    return dest


def judgments(run: Path, metric: str) -> dict[str, dict[str, dict[str, Any]]]:
    """fingerprint -> score records of `metric` in `run`, in the order the judges first
    scored it (summary `by_fingerprint`, then file age); records made from other
    predictions or golds than the run holds now are left out."""
    summary = read_card(run, SUMMARY)
    order = list((summary.get("by_fingerprint") or {}).get(metric) or {})
    folder = run / SCORES_DIR / slugify(metric)
    files = (
        sorted(folder.glob("*.jsonl"), key=lambda f: f.stat().st_mtime) if folder.is_dir() else []
    )
    fps = [*order, *(f.stem for f in files if f.stem not in order)]
    samples = {s.id: s for s in load_samples(run)}
    preds = load_predictions(run)
    now = {i: score_input_digest(preds[i], gold_digest(samples[i])) for i in preds if i in samples}
    out: dict[str, dict[str, dict[str, Any]]] = {}
    legacy = run / SCORES_DIR / f"{slugify(metric)}.jsonl"
    if legacy.is_file():
        out[UNKEYED] = {str(r["id"]): r for r in iter_jsonl(legacy) if "id" in r}
    for fp in fps:
        recs = read_scores(run, metric, fp)
        out[fp] = {i: r for i, r in recs.items() if r.get("input") in (None, now.get(i))}
    return out


def describe(run: Path, metric: str, fp: str) -> dict[str, Any]:
    """What made the scores of fingerprint `fp`: the judge model, profile, prompt."""
    if fp == UNKEYED:
        j = read_card(run).get("judge") or {}
        prompt = ((j.get("prompts") or {}).get(metric) or {}).get("version")
        return {"model": j.get("model"), "profile": j.get("profile"), "prompt": prompt}
    full = (read_card(run, SUMMARY).get("scorers") or {}).get(fp) or {}
    judge = full.get("judge") or {}
    return {
        "model": judge.get("model"),
        "profile": judge.get("profile"),
        "reasoning_effort": judge.get("reasoning_effort"),
        "prompt": (full.get("prompt") or {}).get("version"),
        "fingerprint": fp,
    }


def _system_names(srcs: list[SourceRun]) -> dict[Path, str]:
    """Model ids, with the configuration added where a task has two runs of one model."""
    names: dict[Path, str] = {}
    for src in srcs:
        model, task = str(src.card["model"]["id"]), src.card["task"]["id"]
        twins = [s for s in srcs if s.card["task"]["id"] == task and s.card["model"]["id"] == model]
        cfg = str(src.card.get("config_id"))[:8]
        names[src.path] = model if len(twins) == 1 else f"{model} ({cfg})"
    return names


def report_metric(
    group: list[SourceRun], scorer: JudgeScorer, names: dict[Path, str], args: argparse.Namespace
) -> tuple[dict[str, dict[str, Any]], dict[str, Any]]:
    """Judge labels (A, B, ... in first-scored order) and the report of one task and metric."""
    held = {src.path: judgments(src.target or src.path, scorer.id) for src in group}
    rank: dict[str, int] = {}
    for per_fp in held.values():
        for k, fp in enumerate(per_fp):
            rank[fp] = min(rank.get(fp, k), k)
    order = sorted(rank, key=lambda fp: (rank[fp], fp))
    if len(order) > len(string.ascii_uppercase):
        raise UserError(f"{scorer.id}: {len(order)} judges; name fewer with --metrics")
    labels = dict(zip(order, string.ascii_uppercase, strict=False))
    judges = {}
    for fp, label in labels.items():
        src = next(s for s in group if fp in held[s.path])
        judges[label] = describe(src.target or src.path, scorer.id, fp)
    reference = next(iter(judges))
    if args.reference:
        hits = [
            lab
            for lab, j in judges.items()
            if args.reference in (j.get("model"), j.get("fingerprint"))
        ]
        if not hits:
            raise UserError(f"--reference {args.reference}: no judge of {scorer.id} by that name")
        reference = hits[0]
    task = str(group[0].card["task"]["id"])
    key = TASKS.get(task).cluster_key if TASKS.canonical(task) else None
    judged: dict[str, dict[str, JudgedRun]] = {label: {} for label in judges}
    for src in group:
        run = src.target or src.path
        samples = {s.id: s for s in load_samples(run)}
        for fp, recs in held[src.path].items():
            judged[labels[fp]][names[src.path]] = JudgedRun(
                names[src.path], run, samples, recs, key
            )
    return judges, build_report(scorer, task, judged, reference, args.resamples, args.seed)


def rejudge(args: argparse.Namespace, into: Path | None) -> tuple[dict[str, Any], str]:
    """Re-judge (in place, or copies under `into`), then the report as a JSON-ready dict and
    as Markdown."""
    metric_ids = [m.strip() for m in args.metrics.split(",")] if args.metrics else None
    srcs = sources(list(args.paths), metric_ids)
    ctx = score_context(args)
    for scorer in {type(c): c for s in srcs for c in s.scorers}.values():
        scorer.preflight(ctx)  # the new judge's key, options and endpoint, before any work
    progress = not args.no_progress and sys.stderr.isatty()
    unfinished = []
    try:
        for src in srcs:
            src.target = copy_of(src, into) if into is not None else src.path
            result = score_stored(src.target, src.task, src.scorers, ctx, progress)
            print(f"re-judged {src.target} [{result.status}]", file=sys.stderr)
            if result.status in ("incomplete", "failed"):
                unfinished += [f"{src.target}: {p}" for p in result.problems]
    finally:
        ctx.close()
    names = _system_names(srcs)
    reports = []
    metrics = sorted({(s.card["task"]["id"], c.id) for s in srcs for c in s.scorers})
    for task_id, mid in metrics:
        group = [
            s
            for s in srcs
            if s.card["task"]["id"] == task_id and any(c.id == mid for c in s.scorers)
        ]
        scorer = next(c for c in group[0].scorers if c.id == mid)
        labels, report = report_metric(group, scorer, names, args)
        reports.append({**report, "judges": labels})
    return {"reports": reports, "unfinished": unfinished}, to_markdown(reports)


def write_outputs(args: argparse.Namespace, report: dict[str, Any], markdown: str) -> None:
    print(markdown)
    if getattr(args, "markdown", None):
        atomic_write_text(args.markdown, markdown)
    out = getattr(args, "json", None) or getattr(args, "output", None)
    if out:
        atomic_write_text(out, dumps(report) + "\n")
    print(json.dumps({"reports": len(report["reports"])}))
    if report["unfinished"]:  # judge runs that failed for a reason a rerun may fix
        raise RunFailed("; ".join(report["unfinished"][:5]) + "; rerun the same command")
