"""Charts: bars with confidence intervals, score against size with the Pareto front, and a
radar across tasks (only on request). Altair is imported inside the functions."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any


def _frame(rows: list[dict[str, Any]]) -> Any:
    import pandas as pd

    return pd.DataFrame.from_records(rows)


BAR_HEIGHT = 24  # pixels per bar: labels stay legible for any number of models
LABEL_ALL_UP_TO = 15  # points; beyond, only the Pareto front is labelled (others: hover)


@dataclass(frozen=True)
class Point:
    model: str
    params: float
    score: float
    access: str = "open"


def pareto_front(points: Sequence[Point]) -> list[Point]:
    """The points no other point beats with fewer or equal parameters and a higher or equal
    score, by increasing size."""
    front: list[Point] = []
    best = -math.inf
    for p in sorted(points, key=lambda p: (p.params, -p.score)):
        if p.score > best:
            front.append(p)
            best = p.score
    return front


def bar_chart(records: list[dict[str, Any]], title: str, decimals: int = 2) -> Any:
    """`records`: model, value, ci_low, ci_high (may be None). Bars sorted by value with the
    interval as a rule; the model order is given explicitly (one sort for all layers)."""
    import altair as alt

    order = [r["model"] for r in sorted(records, key=lambda r: -r["value"])]
    records = [{**r, "label_x": max(r["value"], r.get("ci_high") or r["value"])} for r in records]
    data = _frame(records)
    y = alt.Y("model:N", sort=order, title=None,
              axis=alt.Axis(labelLimit=320, labelFontSize=12, labelOverlap=False))
    fmt = f".{decimals}f"
    bars = alt.Chart(data).mark_bar(color="#4c78a8").encode(
        y=y, x=alt.X("value:Q", title=title, scale=alt.Scale(zero=True)),
        tooltip=[alt.Tooltip("model:N"), alt.Tooltip("value:Q", format=fmt),
                 alt.Tooltip("ci_low:Q", format=fmt), alt.Tooltip("ci_high:Q", format=fmt),
                 alt.Tooltip("n:Q")],
    )
    layers = [bars]
    if any(r.get("ci_low") is not None for r in records):
        layers.append(alt.Chart(data).mark_rule(color="#222", strokeWidth=1.5).encode(
            y=y, x="ci_low:Q", x2="ci_high:Q"))
    labels = alt.Chart(data).mark_text(align="left", dx=5, fontSize=11, color="#333").encode(
        y=y, x="label_x:Q", text=alt.Text("value:Q", format=fmt))
    layers.append(labels)
    return alt.layer(*layers).properties(height=BAR_HEIGHT * len(records) + 10)


def pareto_chart(points: Sequence[Point], y_title: str) -> Any:
    """Score against parameters (log scale), every model labelled, the front as a step."""
    import altair as alt

    front = pareto_front(points)
    on_front = {p.model for p in front}
    label_all = len(points) <= LABEL_ALL_UP_TO
    data = _frame([{"model": p.model, "params": p.params, "score": p.score,
                             "kind": "Pareto front" if p.model in on_front else "other",
                             "label": p.model if label_all or p.model in on_front else ""}
                            for p in points])
    x = alt.X("params:Q", title="parameters (billions, log scale)",
              scale=alt.Scale(type="log", nice=False, padding=20))
    y = alt.Y("score:Q", title=y_title, scale=alt.Scale(zero=False, padding=20))
    dots = alt.Chart(data).mark_circle(size=70).encode(
        x=x, y=y,
        color=alt.Color("kind:N", title=None, legend=alt.Legend(orient="bottom"),
                        scale=alt.Scale(domain=["Pareto front", "other"],
                                        range=["#d62728", "#7f7f7f"])),
        tooltip=["model:N", alt.Tooltip("params:Q", format=".1f"),
                 alt.Tooltip("score:Q", format=".2f")],
    )
    names = alt.Chart(data).mark_text(align="left", dx=6, dy=-6, fontSize=11).encode(
        x=x, y=y, text="label:N",
        color=alt.condition("datum.kind == 'Pareto front'", alt.value("#b22222"),
                            alt.value("#555")))
    line = alt.Chart(_frame([{"params": p.params, "score": p.score} for p in front])
                     ).mark_line(interpolate="step-after", color="#d62728", strokeDash=[4, 3]
                                 ).encode(x=x, y=y)
    return alt.layer(line, dots, names).properties(height=520)


def radar_points(values: dict[str, dict[str, float]], tasks: list[str]) -> list[dict[str, Any]]:
    """model -> task -> value (0-100) as closed polygons in cartesian coordinates."""
    rows = []
    for model, by_task in values.items():
        for order, task in enumerate([*tasks, tasks[0]]):
            v = by_task.get(task)
            a = 2 * math.pi * (order % len(tasks)) / len(tasks)
            r = 0.0 if v is None else float(v)
            rows.append({"model": model, "task": task, "value": v, "order": order,
                         "x": r * math.sin(a), "y": r * math.cos(a)})
    return rows


def radar_chart(values: dict[str, dict[str, float]], tasks: list[str], radius: float = 100.0,
                size: int = 560) -> Any:
    import altair as alt

    pts = radar_points(values, tasks)
    n = len(tasks)
    axes = []
    for i, t in enumerate(tasks):
        a = 2 * math.pi * i / n
        sx, cy = math.sin(a), math.cos(a)
        axes.append({"task": t, "x": radius * 1.12 * sx, "y": radius * 1.12 * cy,
                     "align": "left" if sx > 0.2 else "right" if sx < -0.2 else "center",
                     "x0": 0, "y0": 0, "x1": radius * sx, "y1": radius * cy})
    rings = [{"ring": r, "order": k, "x": r * math.sin(2 * math.pi * k / 72),
              "y": r * math.cos(2 * math.pi * k / 72)} for r in (25, 50, 75, 100)
             for k in range(73)]
    scale = alt.Scale(domain=[-radius * 1.45, radius * 1.45])
    x = alt.X("x:Q", scale=scale, axis=None)
    y = alt.Y("y:Q", scale=scale, axis=None)
    grid = alt.Chart(_frame(rings)).mark_line(color="#ddd").encode(
        x, y, detail="ring:N", order="order:Q")
    spokes = alt.Chart(_frame(axes)).mark_rule(color="#e5e5e5").encode(
        x=alt.X("x0:Q", scale=scale, axis=None), y=alt.Y("y0:Q", scale=scale, axis=None),
        x2="x1:Q", y2="y1:Q")
    lines = alt.Chart(_frame(pts)).mark_line(point=True, strokeWidth=2).encode(
        x, y, color=alt.Color("model:N", legend=alt.Legend(orient="bottom", columns=2,
                                                           labelLimit=400)),
        order="order:Q", tooltip=["model:N", "task:N", alt.Tooltip("value:Q", format=".2f")])
    layers = [grid, spokes, lines]
    for align in ("left", "right", "center"):
        sub = [a for a in axes if a["align"] == align]
        if sub:
            layers.append(alt.Chart(_frame(sub)).mark_text(
                fontSize=12, fontWeight="bold", align=align).encode(x, y, text="task:N"))
    return alt.layer(*layers).properties(width=size, height=size)
