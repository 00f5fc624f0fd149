"""Per-task detail of local runs: breakdowns by metadata key and named sub-numbers, read
from the runs' full summaries."""

from __future__ import annotations

from typing import Any

import pandas as pd


def breakdown_tables(summaries: dict[str, dict[str, Any]], metric: str
                     ) -> dict[str, pd.DataFrame]:
    """Key -> models x groups table (values), e.g. 'category' -> conv/detail/complex.
    `summaries`: row label -> the run's summary.json."""
    records = []
    for row, summary in summaries.items():
        m = (summary.get("metrics") or {}).get(metric) or {}
        for key, groups in (m.get("breakdown") or {}).items():
            if not isinstance(groups, dict):
                continue
            for group, g in groups.items():
                if isinstance(g, dict):
                    records.append({"row": row, "key": str(key), "group": str(group),
                                    "value": g.get("value"), "n": g.get("n")})
    long = pd.DataFrame.from_records(records, columns=["row", "key", "group", "value", "n"])
    return {str(key): g.pivot_table(index="row", columns="group", values="value",
                                    aggfunc="first")
            for key, g in long.groupby("key", sort=True)}


def _flat_numbers(d: dict[str, Any], prefix: str = "") -> dict[str, float]:
    out: dict[str, float] = {}
    for k, v in d.items():
        name = f"{prefix}{k}"
        if isinstance(v, bool):
            continue
        if isinstance(v, (int, float)):
            out[name] = float(v)
        elif isinstance(v, dict):
            out.update(_flat_numbers(v, f"{name}."))
    return out


def extra_table(summaries: dict[str, dict[str, Any]], metric: str) -> pd.DataFrame:
    """Named sub-numbers of a metric (per-category scores, judge std, unparsed counts)."""
    rows = {row: _flat_numbers(((s.get("metrics") or {}).get(metric) or {}).get("extra") or {})
            for row, s in summaries.items()}
    return pd.DataFrame.from_dict(rows, orient="index").dropna(axis=1, how="all")
