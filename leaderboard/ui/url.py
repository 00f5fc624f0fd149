"""Shareable URLs: the view, the board and the filters live in the query string.

On a session's first run the query string fills the widgets' session state; after every
run the non-default widget values are written back, so the address bar always reproduces
what is on screen (`?view=compare&board=pub-llmjp-D-2026-04&a=...&b=...`)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import streamlit as st

VIEWS = {  # query value -> sidebar label
    "overview": "Leaderboard",
    "compare": "Compare two models",
    "pareto": "Score vs size",
    "task": "Task details",
    "samples": "Sample browser",
    "run": "Run card",
    "sources": "Sources",
}
SIZE_STOPS = ("0", "1", "2", "4", "8", "16", "32", "80", "∞")


@dataclass(frozen=True)
class Param:
    query: str
    key: str  # session-state key of the widget
    kind: str  # str | bool | int | list | range | view
    default: Any


PARAMS = (
    Param("view", "view", "view", VIEWS["overview"]),
    Param("board", "board", "str", ""),
    Param("filter", "f_on", "bool", False),
    Param("q", "f_search", "str", ""),
    Param("size", "f_size", "range", (SIZE_STOPS[0], SIZE_STOPS[-1])),
    Param("unknown_size", "f_unknown", "bool", True),
    Param("type", "f_type", "list", []),
    Param("debug", "f_debug", "bool", True),
    Param("show", "show", "list", []),  # "all" (metrics), "n", "ci"
    Param("page", "page", "int", 0),
    Param("sort", "sort", "str", "avg"),
    Param("a", "cmp_a", "str", ""),
    Param("b", "cmp_b", "str", ""),
    Param("col", "cmp_col", "str", ""),
    Param("y", "pareto_col", "str", "avg"),
    Param("task", "task_task", "str", ""),
    Param("radar", "task_radar_on", "bool", False),
    Param("run", "samples_run", "str", ""),
    Param("vs", "cmp_run", "str", ""),
    Param("metric", "s_metric", "str", ""),
    Param("disagree", "s_disagree", "bool", False),
    Param("failures", "s_fail", "bool", False),
    Param("sample", "s_only", "str", ""),
)
_BY_KEY = {p.key: p for p in PARAMS}
# Drawn (and applied) only while "Filter models" is on.
FILTER_KEYS = ("f_search", "f_size", "f_unknown", "f_type", "f_debug")


def _parse(p: Param, raw: str) -> Any:
    if p.kind == "bool":
        return raw.lower() in ("1", "true", "yes", "on")
    if p.kind == "int":
        try:
            return int(raw)
        except ValueError:
            return p.default
    if p.kind == "list":
        return [x for x in raw.split(",") if x]
    if p.kind == "range":
        lo, _, hi = raw.partition("-")
        lo = lo if lo in SIZE_STOPS else SIZE_STOPS[0]
        hi = hi if hi in SIZE_STOPS else SIZE_STOPS[-1]
        return (lo, hi)
    if p.kind == "view":
        return VIEWS.get(raw, VIEWS["overview"])
    return raw


def _dump(p: Param, value: Any) -> str:
    if p.kind == "bool":
        return "1" if value else "0"
    if p.kind == "list":
        return ",".join(str(v) for v in value)
    if p.kind == "range":
        lo, hi = value
        return f"{lo}-{hi}"
    if p.kind == "view":
        return next((q for q, label in VIEWS.items() if label == value), "overview")
    return str(value)


def restore() -> None:
    """Before any widget is drawn: once per session, query string -> widget state; on every
    run, keep the state of widgets the current view does not draw (Streamlit would drop it,
    and the filters would reset when one switches views)."""
    if not st.session_state.get("_url_restored"):
        st.session_state["_url_restored"] = True
        for p in PARAMS:
            if p.query in st.query_params:
                st.session_state[p.key] = _parse(p, str(st.query_params[p.query]))
                if p.key in FILTER_KEYS:
                    st.session_state["f_on"] = True  # a shared filter is shown as such
    for p in PARAMS:
        if p.key in st.session_state:
            st.session_state[p.key] = st.session_state[p.key]


def default(key: str) -> Any:
    """Put a widget's default into session state unless the URL or the user set it."""
    p = _BY_KEY[key]
    value = p.default if not isinstance(p.default, list) else list(p.default)
    return st.session_state.setdefault(key, value)


def choose(key: str, options: Sequence[Any], fallback: Any = None) -> None:
    """Make the state of a select widget one of `options` (a stale URL value is dropped)."""
    if st.session_state.get(key) not in options:
        st.session_state[key] = fallback if fallback in options else (
            options[0] if options else None)


def publish() -> None:
    """Widget state -> query string (non-default values only)."""
    want: dict[str, str] = {}
    filtering = bool(st.session_state.get("f_on"))
    for p in PARAMS:
        if p.key in FILTER_KEYS and not filtering:
            continue
        value = st.session_state.get(p.key, p.default)
        if value in (None, "") or value == p.default or (
                isinstance(value, tuple | list) and list(value) == list(p.default or [])):
            continue
        try:
            want[p.query] = _dump(p, value)
        except (TypeError, ValueError):
            continue  # a value of the wrong shape is not worth a broken page
    if dict(st.query_params) != want:
        st.query_params.from_dict(want)
