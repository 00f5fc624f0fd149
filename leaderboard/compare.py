"""Two models of one board, task by task: the difference of their numbers and, for local
runs, a paired bootstrap interval over the samples both scored, plus the samples on which
they disagree.

The interval comes from `eval_mm.gate.bootstrap` (the gate's own statistics), so the
leaderboard and `eval-mm gate` never disagree about what a difference means."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from eval_mm.gate.bootstrap import paired_mean
from eval_mm.leaderboard.boards import Board, Cell, Column
from eval_mm.leaderboard.runfiles import metric_scores, sample_clusters

RESAMPLES = 2000


@dataclass
class Difference:
    column: Column
    a: Cell | None
    b: Cell | None
    delta: float | None = None  # b - a, in the column's units
    ci: tuple[float, float] | None = None
    paired: int = 0  # samples scored in both runs
    disagree: int = 0  # of those, with different scores
    note: str = ""


@dataclass
class SampleDiff:
    id: str
    a: float | None
    b: float | None


@dataclass
class Pairing:
    ids: list[str] = field(default_factory=list)
    a: list[float] = field(default_factory=list)
    b: list[float] = field(default_factory=list)
    only_a: int = 0
    only_b: int = 0
    unscored: int = 0


def sample_values(root: Path, cell: Cell, metric: str) -> dict[str, float | None]:
    """Sample id -> score of `metric` in the cell's run (None = unscored)."""
    out: dict[str, float | None] = {}
    for r in metric_scores(root / cell.run, metric, cell.fingerprint or None).records:
        v = r.get("value")
        out[str(r.get("id"))] = float(v) if isinstance(v, (int, float)) and not isinstance(
            v, bool) else None
    return out


def pair_values(ra: dict[str, float | None], rb: dict[str, float | None]) -> Pairing:
    """Per-sample values of two runs, paired by sample id."""
    out = Pairing(only_a=len(ra.keys() - rb.keys()), only_b=len(rb.keys() - ra.keys()))
    for sid in sorted(ra.keys() & rb.keys()):
        va, vb = ra[sid], rb[sid]
        if va is None or vb is None:
            out.unscored += 1
            continue
        out.ids.append(sid)
        out.a.append(va)
        out.b.append(vb)
    return out


def _scale(cell: Cell, values: list[float]) -> float | None:
    """The factor from per-sample values to the headline, when the headline is their mean
    times a constant (accuracy x100, 1-5 means); None for ratios and macro averages."""
    if not values:
        return None
    mean = float(np.mean(values))
    for scale in (100.0, 1.0):
        if abs(mean * scale - cell.value) <= 1e-6 * max(1.0, abs(cell.value)):
            return scale
    return None


def cluster_key(task: str) -> str | None:
    """The task's cluster key (items that share an image resample together), as the gate."""
    from eval_mm.errors import UserError
    from eval_mm.registries import TASKS

    try:
        return TASKS.get(task).cluster_key
    except UserError:  # a task this installation does not know
        return None


def compare(board: Board, root: Path, a: str, b: str, seed: int = 0,
            columns: list[str] | None = None) -> list[Difference]:
    """Per column of `board` (or of `columns`): B minus A, with a paired CI where
    per-sample scores allow."""
    out = []
    for col in [board.columns[k] for k in columns or board.columns]:
        ca, cb = board.cell(a, col.key), board.cell(b, col.key)
        d = Difference(col, ca, cb)
        if ca is None or cb is None:
            d.note = "only one of the two models has this number"
            out.append(d)
            continue
        d.delta = cb.value - ca.value
        if not (ca.run and cb.run):
            d.note = "published numbers: no per-sample data, no interval"
            out.append(d)
            continue
        va, vb = sample_values(root, ca, col.metric), sample_values(root, cb, col.metric)
        pairing = pair_values(va, vb)
        d.paired = len(pairing.ids)
        d.disagree = sum(x != y for x, y in zip(pairing.a, pairing.b, strict=True))
        if not va and not vb:
            d.note = "no per-sample scores stored (scores/*.jsonl): no interval"
        elif not pairing.ids:
            d.note = "no sample is scored in both runs"
        else:
            sa = _scale(ca, [v for v in va.values() if v is not None])
            sb = _scale(cb, [v for v in vb.values() if v is not None])
            if sa is None or sb is None or sa != sb:
                d.note = ("the headline is not a per-sample mean (a ratio or macro average): "
                          "difference of headlines, no interval")
            else:
                key = cluster_key(col.task)
                by_id = sample_clusters(root / ca.run, key)
                # the gate's clusters: a sample without a label resamples on its own
                clusters = [by_id.get(i, f"unit:{i}") for i in pairing.ids] if key else None
                try:
                    iv = paired_mean(np.asarray(pairing.a), np.asarray(pairing.b), sa,
                                     RESAMPLES, seed, clusters=clusters)
                    d.delta, d.ci = iv.delta, (iv.low, iv.high)
                    d.note = f"paired bootstrap over {d.paired} shared samples"
                    if key:
                        d.note += f" in {iv.clusters} clusters ({key})"
                except ValueError:  # a single shared sample: no interval
                    d.note = f"{d.paired} shared sample: too few for an interval"
        missing = pairing.only_a + pairing.only_b + pairing.unscored
        if missing:
            d.note += f"; {missing} samples left out (in one run only or unscored)"
        out.append(d)
    return out


def disagreements(root: Path, a: Cell, b: Cell, metric: str) -> list[SampleDiff]:
    """Samples whose scores differ (or that only one run scored), largest change first."""
    ra, rb = sample_values(root, a, metric), sample_values(root, b, metric)
    diffs = [SampleDiff(sid, ra.get(sid), rb.get(sid)) for sid in sorted(ra.keys() | rb.keys())
             if ra.get(sid) != rb.get(sid)]
    diffs.sort(key=lambda d: -abs((d.b or 0.0) - (d.a or 0.0)) if d.a is not None
               and d.b is not None else 0.0)
    return diffs
