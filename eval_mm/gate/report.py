"""Gate reports: Markdown for a pull-request comment, JSON for tools, JUnit XML for CI."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from dataclasses import asdict
from typing import Any

import eval_mm
from eval_mm.gate.compare import (
    INCONCLUSIVE,
    PASS,
    REGRESSION,
    SKIPPED,
    GateResult,
    MetricComparison,
    TaskPair,
)
from eval_mm.gate.verdict import family_alpha

REPORT_SCHEMA = 2
# Lets a CI job find and update its previous comment instead of adding a new one.
COMMENT_MARKER = "<!-- eval-mm-gate -->"
FLIPS_SHOWN = 10  # per direction and metric in the Markdown (the JSON keeps up to 100)

_BADGE = {REGRESSION: "❌ regression", INCONCLUSIVE: "⚠️ inconclusive", SKIPPED: "⏭️ skipped",
          PASS: "✅ pass"}


def _num(v: float | None, digits: int = 2, signed: bool = False) -> str:
    if v is None:
        return "–"
    return f"{v:+.{digits}f}" if signed else f"{v:.{digits}f}"


def _p(v: float | None) -> str:
    if v is None:
        return "–"
    return "<0.0001" if v < 1e-4 else f"{v:.4f}"


def _verdict_cell(c: MetricComparison) -> str:
    text = _BADGE.get(c.verdict, c.verdict)
    if c.verdict == PASS and c.improved:
        text += " ⬆️"
    if c.verdict == INCONCLUSIVE and c.reason and c.reason.startswith("underpowered"):
        text += " (underpowered)"
    return text if c.gated or c.verdict == SKIPPED else f"{text} (not gated)"


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _how_selected(selection: dict[str, Any]) -> str:
    if selection.get("sample_ids_given"):
        return "id list"
    if selection.get("limit") is not None:
        return f"--limit {selection['limit']} --limit-seed {selection.get('limit_seed', 0)}"
    return "all samples"


def _selection_line(pair: TaskPair) -> str:
    sel = pair.selection
    line = f"- `{pair.task}` v{pair.baseline.task.get('version')}: {sel.n_common} common samples"
    if sel.identical:
        return f"{line}, identical selection ({_how_selected(pair.candidate.selection)})"
    return (f"{line}; baseline {sel.n_baseline} ({_how_selected(pair.baseline.selection)}), "
            f"candidate {sel.n_candidate} ({_how_selected(pair.candidate.selection)})")


def _heading(result: GateResult) -> str:
    verdict, regs, inc = result.verdict, result.regressions, result.inconclusive
    if verdict == REGRESSION:
        head = f"❌ {len(regs)} regression{'s' if len(regs) != 1 else ''}"
        if inc:
            head += f", {len(inc)} inconclusive"
    elif verdict == INCONCLUSIVE:
        head = f"⚠️ inconclusive ({len(inc)} gated metric{'s' if len(inc) != 1 else ''})"
        if result.config.strict:
            head += ", failing in strict mode"
    else:
        head = "✅ pass"
    return f"### eval-mm gate: {head} (exit {result.exit_code})"


def _method_text(result: GateResult) -> str:
    cfg = result.config
    family = sum(1 for c in result.comparisons if c.gated and c.p_value is not None)
    correction = {"holm": f"Holm's step-down adjustment over the {family} gated metrics",
                  "bonferroni": f"a Bonferroni adjustment over the {family} gated metrics",
                  "none": "no multiple-comparison adjustment"}[cfg.correction]
    return (
        f"Paired over the samples scored in both runs; a seeded cluster bootstrap "
        f"({cfg.resamples} resamples, seed {cfg.seed}) draws whole clusters (the task's cluster "
        "key: questions on one image, rotations of one question) with the same draws for both "
        "runs. A metric **regresses** when the one-sided test of a drop larger than its "
        f"tolerance rejects at α = {family_alpha(cfg.confidence):.3g} after {correction} "
        "(exact McNemar for 0/1 outcomes without clusters, else the bootstrap t-test). It is "
        f"**inconclusive** when the smallest drop it can detect with {cfg.power:.0%} power "
        "(*Detectable*) exceeds its tolerance. Intervals are per metric, unadjusted."
    )


def _flip_lines(c: MetricComparison) -> list[str]:
    f = c.flips
    if not f or not (f.get("worse_count") or f.get("better_count")):
        return []
    down, up = ("right → wrong", "wrong → right") if f.get("binary") else ("worse", "better")
    lines = [f"- `{c.task}/{c.metric}` (run `{f['run']}`): {f['worse_count']} {down}, "
             f"{f['better_count']} {up}"]
    for name, label in (("worse", down), ("better", up)):
        items = f.get(name) or []
        if not items:
            continue
        shown = ", ".join(
            f"`{e['id']}`" + ("" if f.get("binary") else
                              f" ({_num(e['baseline'])}→{_num(e['candidate'])})")
            for e in items[:FLIPS_SHOWN])
        more = f" and {f[name + '_count'] - FLIPS_SHOWN} more" \
            if f[name + "_count"] > FLIPS_SHOWN else ""
        lines.append(f"  - {label}: {shown}{more}")
    return lines


def to_markdown(result: GateResult) -> str:
    cfg = result.config
    lines = [COMMENT_MARKER, _heading(result), ""]
    models = sorted({(p.baseline.model_id, p.candidate.model_id) for p in result.tasks})
    for b_model, c_model in models:
        lines.append(f"Baseline `{b_model}` → candidate `{c_model}`.")
    lines += [
        "", _method_text(result), "",
        f"| Task | Metric | Baseline | Candidate | Δ | {cfg.confidence:.0%} CI | Tolerance | "
        "Detectable | p (adj.) | n (excl.) | Clusters | Verdict |",
        "|---|---|---:|---:|---:|---|---:|---:|---:|---:|---:|---|",
    ]
    order = {REGRESSION: 0, INCONCLUSIVE: 1, PASS: 2, SKIPPED: 3}
    for c in sorted(result.comparisons, key=lambda c: (order.get(c.verdict, 2), c.task, c.metric)):
        ci = (f"[{_num(c.ci_low, signed=True)}, {_num(c.ci_high, signed=True)}]"
              if c.ci_low is not None else "–")
        tol = "–"
        if c.tolerance is not None:
            relative = "%" in c.tolerance_rule  # say how a relative allowance was derived
            tol = f"-{_num(c.tolerance)}" + (f" ({c.tolerance_rule})" if relative else "")
        metric = c.metric + (" ⁽ᵃ⁾" if c.method == "aggregate" else "")
        p_cell = _p(c.p_adjusted) + (" ⁽ᵐ⁾" if c.test == "exact McNemar" else "")
        size = f"{c.n} ({c.n_common - c.n})" if c.n_common else "–"
        clusters = "–" if c.clusters is None else str(c.clusters)
        lines.append("| " + " | ".join(_cell(x) for x in [
            c.task, metric, _num(c.baseline), _num(c.candidate), _num(c.delta, signed=True), ci,
            tol, _num(c.mde), p_cell, size, clusters, _verdict_cell(c),
        ]) + " |")
    lines.append("")
    if any(c.method == "aggregate" for c in result.comparisons):
        lines.append("⁽ᵃ⁾ headline recomputed with the metric's own aggregation on each resample.")
    if any(c.test == "exact McNemar" for c in result.comparisons):
        lines.append("⁽ᵐ⁾ decided by the exact McNemar test (0/1 outcomes, no clusters).")
    flips = [ln for c in result.comparisons if c.gated for ln in _flip_lines(c)]
    if flips:
        lines += ["", "<details><summary>Changed samples, worst first (open one in the "
                  "leaderboard: <code>?view=samples&amp;run=RUN&amp;sample=ID</code>)</summary>",
                  "", *flips, "", "</details>"]
    lines += ["", "<details><summary>Samples and notes</summary>", "",
              *[_selection_line(p) for p in result.tasks]]
    for c in result.comparisons:
        if c.unscored_baseline or c.unscored_candidate or c.missing:
            lines.append(f"- `{c.task}/{c.metric}`: excluded as unscored: baseline "
                         f"{c.unscored_baseline}, candidate {c.unscored_candidate}; "
                         f"missing {c.missing}")
        for text in (c.reason, c.note, (c.mcnemar or {}).get("note")):
            if text:
                lines.append(f"- `{c.task}/{c.metric}`: {text}")
    lines += [f"- {n}" for n in result.notes]
    lines += ["", "</details>", ""]
    return "\n".join(lines)


def to_json(result: GateResult) -> dict[str, Any]:
    cfg = asdict(result.config)
    cfg["kinds"] = {k: asdict(v) for k, v in result.config.kinds.items()}
    cfg["rules"] = {k: asdict(v) for k, v in result.config.rules.items()}
    return {
        "schema": REPORT_SCHEMA,
        "eval_mm_version": eval_mm.__version__,
        "verdict": result.verdict,
        "passed": result.passed,
        "exit_code": result.exit_code,
        "regressions": [f"{c.task}/{c.metric}" for c in result.regressions],
        "inconclusive": [f"{c.task}/{c.metric}" for c in result.inconclusive],
        "method": _method_text(result),
        "config": cfg,
        "tasks": [p.to_json() for p in result.tasks],
        "comparisons": [c.to_json() for c in result.comparisons],
        "notes": list(result.notes),
    }


def to_junit(result: GateResult) -> str:
    """One test suite per task, one test case per metric; regressions are failures,
    inconclusive metrics are skipped (failures in strict mode)."""
    root = ET.Element("testsuites", name="eval-mm gate")
    totals = {"tests": 0, "failures": 0, "skipped": 0}
    strict = result.config.strict
    for pair in result.tasks:
        cases = [c for c in result.comparisons if c.task == pair.task]
        suite = ET.SubElement(root, "testsuite", name=pair.task)
        counts = {"tests": len(cases), "failures": 0, "skipped": 0}
        for c in cases:
            case = ET.SubElement(suite, "testcase", classname=f"gate.{c.task}", name=c.metric)
            summary = (f"delta {_num(c.delta, signed=True)} CI [{_num(c.ci_low, signed=True)}, "
                       f"{_num(c.ci_high, signed=True)}] tolerance -{_num(c.tolerance)} "
                       f"detectable {_num(c.mde)} p(adj.) {_p(c.p_adjusted)} n {c.n}")
            if c.fails:
                counts["failures"] += 1
                fail = ET.SubElement(case, "failure", message=f"regression: {summary}",
                                     type="regression")
                fail.text = (f"baseline {_num(c.baseline)} -> candidate {_num(c.candidate)}; "
                             f"a drop beyond -{_num(c.tolerance)} at the adjusted level")
            elif c.gated and c.verdict == INCONCLUSIVE and strict:
                counts["failures"] += 1
                ET.SubElement(case, "failure", message=f"inconclusive: {c.reason}",
                              type="inconclusive")
            elif c.verdict in (SKIPPED, INCONCLUSIVE) and (c.gated or c.verdict == SKIPPED):
                counts["skipped"] += 1
                ET.SubElement(case, "skipped", message=f"{c.verdict}: {c.reason or c.note}")
            else:
                ET.SubElement(case, "system-out").text = f"{c.verdict}: {summary}"
        for k, v in counts.items():
            suite.set(k, str(v))
            totals[k] += v
        suite.set("errors", "0")
    for k, v in totals.items():
        root.set(k, str(v))
    root.set("errors", "0")
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"
