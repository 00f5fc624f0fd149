"""The judge migration report: the same stored predictions scored by a reference judge and
by one or more other judges, compared per task and metric (`eval-mm rejudge`).

For each other judge: every system's headline under both judges and the shift with a paired
bootstrap CI through the metric's own aggregation (`eval_mm.gate.bootstrap`); the mean
shift over systems with a t interval; Spearman and Kendall correlation of the systems'
headlines and the pairs that swap order; quadratic-weighted kappa, exact and within-one
agreement and the confusion matrix of the ratings (one judge run of one item is one
rating); the items whose scores moved most. Over all judges: Krippendorff's alpha.
Statistics live in `judges.agreement`; this module pairs the scores and lays out the
report as JSON-ready dicts and Markdown.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from eval_mm.core.sample import Sample
from eval_mm.core.scoring import Score
from eval_mm.gate.bootstrap import paired_resampled
from eval_mm.gate.quiet import resampling_scorers
from eval_mm.gate.stats import t_interval
from eval_mm.judges import agreement
from eval_mm.judges.scorer import JudgeScorer

TOP_ITEMS = 10


@dataclass
class JudgedRun:
    """One run's stored scores of one metric under one judge."""

    system: str  # the model (and configuration when a task has several runs of it)
    path: Path
    samples: dict[str, Sample]
    records: dict[str, dict[str, Any]]  # score records by sample id
    cluster_key: str | None = None  # the task's (items asked about one image resample together)


Judged = Mapping[str, Mapping[str, JudgedRun]]  # judge label -> system -> run


def _score(rec: dict[str, Any]) -> Score:
    return Score(rec.get("value"), rec.get("reason"), rec.get("details") or {})


def headline(scorer: JudgeScorer, run: JudgedRun, ids: Sequence[str] | None = None) -> float | None:
    ids = list(run.records) if ids is None else ids
    ids = [i for i in ids if i in run.samples]
    with resampling_scorers():  # the headline only: no CI of its own
        return scorer.aggregate(
            [run.samples[i] for i in ids], [_score(run.records[i]) for i in ids]
        ).value


def ratings(scorer: JudgeScorer, run: JudgedRun) -> dict[tuple[str, int], float]:
    """(sample id, judge run) -> rating, for runs the judge answered in range."""
    out: dict[tuple[str, int], float] = {}
    scale = scorer.rating_scale
    for sid, rec in run.records.items():
        for r in (rec.get("details") or {}).get("runs") or []:
            if r.get("status") != "ok" or r.get("parsed") is None:
                continue
            value = float(scorer.item_value([r["parsed"]]))
            if scale is None or scale[0] <= value <= scale[1]:
                out[(sid, int(r.get("run", 0)))] = value
    return out


def shift_interval(
    scorer: JudgeScorer, ref: JudgedRun, other: JudgedRun, resamples: int, seed: int
) -> dict[str, Any]:
    """Headlines of both judges on the items both scored, the shift and its paired
    bootstrap interval (items resampled alike for both judges)."""
    ids = [
        i
        for i in ref.records
        if i in other.records
        and ref.records[i].get("value") is not None
        and other.records[i].get("value") is not None
        and i in ref.samples
    ]
    out: dict[str, Any] = {"n_paired": len(ids), "shift": None, "ci_low": None, "ci_high": None}
    if not ids:
        return out
    samples = [ref.samples[i] for i in ids]
    a = [_score(ref.records[i]) for i in ids]
    b = [_score(other.records[i]) for i in ids]

    def stat(idx: np.ndarray) -> tuple[float | None, float | None]:
        take = idx.tolist()
        sub = [samples[k] for k in take]
        return (
            scorer.aggregate(sub, [a[k] for k in take]).value,
            scorer.aggregate(sub, [b[k] for k in take]).value,
        )

    with resampling_scorers():
        try:
            est = paired_resampled(
                ids, [s.metadata for s in samples], ref.cluster_key, stat, resamples, seed
            )
        except ValueError as exc:  # undefined on the pairs or on too many resamples
            out["note"] = str(exc)
            return out
    low, high = t_interval(est.delta, est.se, est.clusters, 0.95)
    out.update(shift=est.delta, ci_low=low, ci_high=high, resamples=est.resamples,
               clusters=est.clusters)
    return out


def compare_judge(
    scorer: JudgeScorer,
    ref: Mapping[str, JudgedRun],
    other: Mapping[str, JudgedRun],
    resamples: int,
    seed: int,
) -> dict[str, Any]:
    systems = [s for s in ref if s in other]
    rows = []
    for name in systems:
        row = {
            "system": name,
            "reference": headline(scorer, ref[name]),
            "judge": headline(scorer, other[name]),
            **shift_interval(scorer, ref[name], other[name], resamples, seed),
        }
        rows.append(row)
    ranked = [r for r in rows if r["reference"] is not None and r["judge"] is not None]
    x = [float(r["reference"]) for r in ranked]
    y = [float(r["judge"]) for r in ranked]
    a: list[float] = []
    b: list[float] = []
    items = []
    for name in systems:
        ra, rb = ratings(scorer, ref[name]), ratings(scorer, other[name])
        for unit in sorted(set(ra) & set(rb)):
            a.append(ra[unit])
            b.append(rb[unit])
        for sid, rec in ref[name].records.items():
            new = other[name].records.get(sid, {}).get("value")
            if rec.get("value") is not None and new is not None:
                items.append(
                    {"system": name, "sample": sid, "reference": rec["value"], "judge": new}
                )
    items.sort(key=lambda d: -abs(float(d["judge"]) - float(d["reference"])))
    return {
        "systems": rows,
        "shift": agreement.level_shift([y_ - x_ for x_, y_ in zip(x, y, strict=True)]),
        "rank": {"n_systems": len(ranked), **agreement.rank_correlations(x, y)},
        "swaps": agreement.swapped_pairs([r["system"] for r in ranked], x, y),
        "ratings": agreement.rating_agreement(a, b, scorer.rating_scale),
        "largest_item_changes": items[:TOP_ITEMS],
    }


def alpha_over_judges(scorer: JudgeScorer, judged: Judged) -> dict[str, Any]:
    """Krippendorff's alpha over every judge, units = (system, item, judge run)."""
    per_judge = {
        label: {
            (name, *unit): v
            for name, run in runs.items()
            for unit, v in ratings(scorer, run).items()
        }
        for label, runs in judged.items()
    }
    units = sorted({u for r in per_judge.values() for u in r})
    matrix = [[r.get(u) for u in units] for r in per_judge.values()]
    return {
        "judges": list(judged),
        "units": len(units),
        "krippendorff_alpha_interval": agreement.krippendorff_alpha(matrix),
    }


def build_report(
    scorer: JudgeScorer,
    task: str,
    judged: Judged,
    reference: str,
    resamples: int = 1000,
    seed: int = 0,
) -> dict[str, Any]:
    """The report of one task and metric; `judged[reference]` is the judge migrated from."""
    return {
        "task": task,
        "metric": scorer.id,
        "reference": reference,
        "comparisons": {
            label: compare_judge(scorer, judged[reference], runs, resamples, seed)
            for label, runs in judged.items()
            if label != reference
        },
        "all_judges": alpha_over_judges(scorer, judged),
    }


# ---- Markdown ----------------------------------------------------------------------------
def _f(value: Any, digits: int = 2, sign: bool = False) -> str:
    if value is None:
        return "-"
    return f"{value:+.{digits}f}" if sign else f"{value:.{digits}f}"


def _pct(value: float | None) -> str:
    return "-" if value is None else f"{100 * value:.0f}%"


def describe_judge(judge: Mapping[str, Any]) -> str:
    parts = [f"`{judge.get('model') or 'unrecorded'}`"]
    for key, name in (
        ("profile", "profile"),
        ("reasoning_effort", "reasoning effort"),
        ("prompt", "prompt"),
        ("fingerprint", "fingerprint"),
    ):
        if judge.get(key):
            parts.append(f"{name} `{judge[key]}`")
    return ", ".join(parts)  # fmt: skip


def _section(ref: str, label: str, c: Mapping[str, Any]) -> list[str]:
    lines = [
        f"| system | {ref} | {label} | shift | 95% CI (paired bootstrap) | items |",
        "|---|---:|---:|---:|---|---:|",
    ]
    for r in c["systems"]:
        ci = f"[{_f(r['ci_low'], sign=True)}, {_f(r['ci_high'], sign=True)}]"
        lines.append(
            f"| {r['system']} | {_f(r['reference'])} | {_f(r['judge'])} | "
            f"{_f(r['shift'], sign=True)} | {ci if r['ci_low'] is not None else '-'} | "
            f"{r['n_paired']} |"
        )
    s, rank, rt = c["shift"], c["rank"], c["ratings"]
    swaps = "; ".join(
        f"{w['a']} / {w['b']} ({ref} {_f(w['reference'][0])} vs {_f(w['reference'][1])}, "
        f"{label} {_f(w['judge'][0])} vs {_f(w['judge'][1])})"
        for w in c["swaps"]
    )
    lines += [
        "",
        f"- Level shift over {s['n_systems']} systems: mean {_f(s['mean'], sign=True)} "
        f"(95% t interval [{_f(s['ci_low'], sign=True)}, {_f(s['ci_high'], sign=True)}]), "
        f"range {_f(s['min'], sign=True)} to {_f(s['max'], sign=True)}",
        f"- Rank agreement of systems: Spearman {_f(rank['spearman'], 3)}, "
        f"Kendall {_f(rank['kendall'], 3)}; pairs that swap order: {swaps or 'none'}",
        f"- Ratings ({rt['units']} judge runs rated by both): quadratic-weighted kappa "
        f"{_f(rt['quadratic_kappa'], 3)}, exact {_pct(rt['exact'])}, within one "
        f"{_pct(rt['within_1'])}, mean difference {_f(rt['mean_difference'], sign=True)}",
    ]
    if rt["units"]:
        labels = rt["labels"]
        lines += ["", f"Ratings, rows {ref}, columns {label}:", ""]
        lines.append(f"| {ref} \\ {label} | " + " | ".join(map(str, labels)) + " |")
        lines.append("|---:|" + "---:|" * len(labels))
        for lab, row in zip(labels, rt["confusion"], strict=True):
            lines.append(f"| {lab} | " + " | ".join(map(str, row)) + " |")
    if c["largest_item_changes"]:
        moved = ", ".join(
            f"{m['system']}:{m['sample']} {_f(m['reference'])} -> {_f(m['judge'])}"
            for m in c["largest_item_changes"][:5]
        )
        lines += ["", f"Items that moved most: {moved}"]
    return lines


def to_markdown(reports: Sequence[Mapping[str, Any]]) -> str:
    """The report for people: per task and metric, its judges, then one section per judge
    compared with the reference."""
    out = ["# Judge migration report"]
    for rep in reports:
        ref = rep["reference"]
        out += ["", f"## {rep['task']} / {rep['metric']}", ""]
        for label, judge in (rep.get("judges") or {}).items():
            role = " (reference)" if label == ref else ""
            out.append(f"- Judge **{label}**{role}: {describe_judge(judge)}")
        for label, comp in rep["comparisons"].items():
            out += ["", f"### {label} against {ref}", ""]
            out += _section(ref, label, comp)
        a = rep["all_judges"]
        out += [
            "",
            f"Krippendorff's alpha (interval) over {', '.join(a['judges'])}: "
            f"{_f(a['krippendorff_alpha_interval'], 3)} ({a['units']} units)",
        ]
    return "\n".join(out) + "\n"
