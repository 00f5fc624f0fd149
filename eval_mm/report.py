"""Readable text tables of a run's summary (for the terminal and `eval-mm show`).

Every cell goes through `eval_mm.terminal.cell`: names from data or users cannot drive the
terminal."""

from __future__ import annotations

from typing import Any

from eval_mm.terminal import cell


def _fmt(value: Any, digits: int = 2) -> str:
    if value is None:
        return "-"
    if isinstance(value, float):
        return f"{value:.{digits}f}"
    return str(value)


def _numeric(text: str) -> bool:
    return bool(text) and (text == "-" or text.lstrip("-[").replace(".", "", 1)[:1].isdigit())


def table(headers: list[str], rows: list[list[str]]) -> str:
    """Plain-text table; numeric cells are right-aligned; control characters escaped."""
    headers = [cell(h) for h in headers]
    rows = [[cell(c) for c in r] for r in rows]
    widths = [
        max(len(h), *(len(r[i]) for r in rows)) if rows else len(h) for i, h in enumerate(headers)
    ]
    out = ["  ".join(h.ljust(w) for h, w in zip(headers, widths)).rstrip()]
    out.append("  ".join("-" * w for w in widths))
    for r in rows:
        cells = [
            c.rjust(w) if i and _numeric(c) else c.ljust(w)
            for i, (c, w) in enumerate(zip(r, widths))
        ]
        out.append("  ".join(cells).rstrip())
    return "\n".join(out)


def failed_runs(m: dict[str, Any]) -> str | None:
    """Judge runs that gave no score, by reason ("59/300 judge_error 59"); None for metrics
    without judge runs. Item-level `unscored` hides them when other runs of an item scored."""
    counts = (m.get("extra") or {}).get("run_status_counts")
    if not isinstance(counts, dict) or not counts:
        return None
    failed = {k: int(v) for k, v in sorted(counts.items()) if k != "ok" and v}
    total = sum(int(v) for v in counts.values())
    why = " ".join(f"{k} {v}" for k, v in failed.items())
    return f"{sum(failed.values())}/{total}" + (f" {why}" if why else "")


def metrics_table(metrics: dict[str, dict[str, Any]], primary: str | None = None) -> str:
    rows = []
    runs = {name: failed_runs(m) for name, m in metrics.items()}
    with_runs = any(v is not None for v in runs.values())
    for name, m in metrics.items():
        ci = (
            f"[{_fmt(m.get('ci_low'))}, {_fmt(m.get('ci_high'))}]"
            if m.get("ci_low") is not None
            else "-"
        )
        label = f"{name} *" if name == primary else name
        row = [label, _fmt(m.get("value")), ci, str(m.get("n", 0)), str(m.get("unscored", 0))]
        rows.append([*row, runs[name] or "-"] if with_runs else row)
    headers = ["metric", "value", "95% CI", "n", "unscored"]
    return table([*headers, "failed judge runs"] if with_runs else headers, rows)


def breakdown_tables(metrics: dict[str, dict[str, Any]]) -> list[str]:
    """One table per breakdown key: groups as rows, metrics as columns."""
    keys: dict[str, None] = {}
    for m in metrics.values():
        for k in m.get("breakdown") or {}:
            keys[k] = None
    out = []
    for key in keys:
        names = [n for n, m in metrics.items() if key in (m.get("breakdown") or {})]
        groups: dict[str, None] = {}
        for n in names:
            for g in metrics[n]["breakdown"][key]:
                groups[g] = None
        rows = []
        for g in groups:
            cells = [metrics[n]["breakdown"][key].get(g, {}) for n in names]
            n_items = max((c.get("n", 0) for c in cells), default=0)
            rows.append([g, *(_fmt(c.get("value")) for c in cells), str(n_items)])
        out.append(table([key, *names, "n"], rows))
    return out


def format_summary(summary: dict[str, Any]) -> str:
    metrics = summary.get("metrics", {})
    counts = summary.get("counts", {})
    head = cell(
        f"task {summary.get('task')} v{summary.get('task_version')}  model {summary.get('model')}  "
        f"samples {counts.get('samples', '?')}  errors {counts.get('errors', 0)}"
    )
    if counts.get("missing"):  # samples without a prediction: no metric covers them
        head += f"  missing {cell(counts['missing'])}"
    parts = [head]
    truncated, total = int(counts.get("truncated") or 0), int(counts.get("samples") or 0)
    if total and truncated / total > 0.01:
        parts.append(
            f"warning: {truncated} of {total} outputs ({truncated / total:.1%}) were cut by the "
            "token limit and are scored as they are; raise --max-new-tokens"
        )
    empty = int(counts.get("no_final_answer") or 0)
    if empty:
        parts.append(
            f"note: {empty} of {total} outputs reasoned and gave no final answer (scored as "
            "empty answers); a cut while thinking needs a larger --max-new-tokens"
        )
    parts.append(metrics_table(metrics, summary.get("primary_metric")))
    parts += breakdown_tables(metrics)
    return "\n\n".join(parts)
