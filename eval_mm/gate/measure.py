"""One task metric measured for the gate: the paired headlines, their change, its clustered
bootstrap spread, the one-sided test of a drop beyond the tolerance, the exact McNemar test
for binary outcomes and the flipped samples. Verdicts are decided later, over all metrics
(`eval_mm.gate.verdict`), because the multiple-comparison adjustment needs every p-value."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from eval_mm.core.bootstrap import Statistic, mean_statistic
from eval_mm.core.scoring import Scorer
from eval_mm.gate.bootstrap import PairedEstimate, paired_resampled, paired_statistics
from eval_mm.gate.flips import flipped
from eval_mm.gate.pairing import Paired
from eval_mm.gate.quiet import resampling_scorers
from eval_mm.gate.runs import Run, lookup_scorer
from eval_mm.gate.stats import drop_p_value, mcnemar_drop_p, t_interval

# Resampling through a scorer's own aggregate is a Python loop; cap it to keep CI fast.
MAX_AGGREGATE_RESAMPLES = 1000
PROBES = 5


class NotAssessed(Exception):
    """The metric's change cannot be estimated on these runs (the reason is the message)."""


@dataclass
class Measurement:
    method: str  # "mean", "statistic" (the scorer's vectorised one) or "aggregate" (loop)
    estimate: PairedEstimate
    cluster_key: str | None
    resamples: int
    ci: tuple[float, float]
    stats: tuple[Statistic, Statistic] | None = None  # None when resampled through aggregate
    flips: dict[str, Any] = field(default_factory=dict)
    note: str | None = None

    def drop_test(self, tolerance: float) -> tuple[float, str, dict[str, Any] | None]:
        """(one-sided p-value of a drop beyond `tolerance`, the test that gave it, McNemar).

        The exact McNemar test decides for 0/1 outcomes without clusters; otherwise the
        paired cluster bootstrap does, and McNemar (if binary) is only reported."""
        est = self.estimate
        p = drop_p_value(est.delta, est.se, tolerance, est.clusters)
        mc = None if self.stats is None else _mcnemar(*self.stats, tolerance, est)
        if mc is not None and mc["decides"]:
            return mc["p_value"], "exact McNemar", mc
        return p, "bootstrap t", mc

    def within_p(self, tolerance: float) -> float:
        """One-sided p-value of H0 "dropped by more than `tolerance`" (non-inferiority)."""
        est = self.estimate
        if est.se <= 0.0:
            return 0.0 if est.delta > -tolerance else 1.0
        return 1.0 - drop_p_value(est.delta, est.se, tolerance, est.clusters)


def _own(scorer: Scorer, name: str) -> bool:
    return getattr(type(scorer), name) is not getattr(Scorer, name)


def _aggregate_statistic(
    scorer: Scorer, base: Run, cand: Run, paired: Paired
) -> Callable[[np.ndarray], tuple[float | None, float | None]]:
    """(baseline, candidate) headline on resampled paired ids, through `scorer.aggregate`."""
    bs, cs = base.samples_for(paired.ids), cand.samples_for(paired.ids)
    b_sc, c_sc = paired.scores()

    def statistic(idx: np.ndarray) -> tuple[float | None, float | None]:
        take = idx.tolist()
        b = scorer.aggregate([bs[i] for i in take], [b_sc[i] for i in take]).value
        c = scorer.aggregate([cs[i] for i in take], [c_sc[i] for i in take]).value
        return b, c

    return statistic


def _behaves_as_mean(
    stat: Callable[[np.ndarray], tuple[float | None, float | None]], paired: Paired,
    scale: float, seed: int,
) -> bool:
    """Whether an overridden `aggregate`'s headline is mean x scale, on all pairs and a few
    resamples. Many scorers override it only to add extras; a macro average or a ratio
    differs from the mean on random resamples, so it is caught."""
    rng = np.random.default_rng(seed + 1)
    probes = [np.arange(paired.n)] + [rng.integers(0, paired.n, paired.n) for _ in range(PROBES)]
    for idx in probes:
        b, c = stat(idx)
        for got, values in ((b, paired.baseline), (c, paired.candidate)):
            want = float(values[idx].mean() * scale)
            if got is None or abs(got - want) > 1e-9 * max(1.0, abs(want)):
                return False
    return True


def _scorer_statistics(scorer: Scorer, base: Run, cand: Run, paired: Paired
                       ) -> tuple[Statistic, Statistic]:
    """Both sides' statistics, checked to reproduce the scorer's own headline."""
    bs, cs = base.samples_for(paired.ids), cand.samples_for(paired.ids)
    b_sc, c_sc = paired.scores()
    stats = scorer.statistic(bs, b_sc), scorer.statistic(cs, c_sc)
    for stat, samples, scores in ((stats[0], bs, b_sc), (stats[1], cs, c_sc)):
        head, value = scorer.aggregate(samples, scores).value, stat.value()
        if head is None or value is None:
            raise NotAssessed("the metric is undefined on the paired samples")
        if abs(head - value) > 1e-9 * max(1.0, abs(head)):
            raise NotAssessed(f"the scorer's statistic ({value:.6g}) does not reproduce its "
                              f"headline ({head:.6g}); a scorer bug")
    return stats


def measure(base: Run, cand: Run, metric: str, paired: Paired, *, resamples: int, seed: int,
            confidence: float) -> Measurement:
    """Estimate the change of `metric` on the paired samples; raise NotAssessed if it cannot."""
    scorer = lookup_scorer(metric)
    key = base.cluster_key or cand.cluster_key
    scale = base.metric_scale(metric)
    note = None if scorer is not None else "scorer not registered; compared per-sample means"
    means = (mean_statistic(paired.baseline, paired.ids,
                            [s.metadata for s in base.samples_for(paired.ids)], scale),
             mean_statistic(paired.candidate, paired.ids,
                            [s.metadata for s in cand.samples_for(paired.ids)], scale))
    method, stats, n_res = "mean", means, resamples
    with resampling_scorers():
        try:
            loop = None
            if scorer is not None and _own(scorer, "statistic"):
                method, stats = "statistic", _scorer_statistics(scorer, base, cand, paired)
            elif scorer is not None and _own(scorer, "aggregate"):
                loop = _aggregate_statistic(scorer, base, cand, paired)
                if _behaves_as_mean(loop, paired, scale, seed):
                    loop = None
                else:
                    method, n_res = "aggregate", min(resamples, MAX_AGGREGATE_RESAMPLES)
            est = (paired_resampled(paired.ids, means[0].unit_meta, key, loop, n_res, seed)
                   if loop is not None else paired_statistics(stats[0], stats[1], key, n_res, seed))
        except NotAssessed:
            raise
        except ValueError as exc:
            raise NotAssessed(f"{exc}; use a larger subset") from exc
        except Exception as exc:  # a scorer bug must not hide the other metrics' verdicts
            raise NotAssessed(f"the scorer's aggregation failed: {exc!r}") from exc
    if key and est.unlabelled:
        extra = (f"{est.unlabelled} samples lack the cluster key {key!r} (scored before the task "
                 "declared it?) and are resampled as independent items")
        note = f"{note}; {extra}" if note else extra
    out = Measurement(method, est, key, n_res,
                      t_interval(est.delta, est.se, est.clusters, confidence),
                      None if loop is not None else stats, note=note)
    labels = {s.id: str(s.metadata.get(key)) for s in base.samples_for(paired.ids)
              if key and s.metadata.get(key) is not None}
    out.flips = flipped(paired, labels, cand.browser_run)
    return out


def _mcnemar(base: Statistic, cand: Statistic, tolerance: float, est: PairedEstimate
             ) -> dict[str, Any] | None:
    """The exact McNemar test on the statistic's units when both sides are 0/1 means.

    It assumes independent pairs: it decides only when every cluster is a single unit (no
    clustering); otherwise it is reported beside the cluster bootstrap, which decides."""
    bv, cv = base.unit_values, cand.unit_values
    if bv is None or cv is None or list(base.unit_ids) != list(cand.unit_ids) or not bv.size:
        return None
    if not (np.isin(bv, (0.0, 1.0)).all() and np.isin(cv, (0.0, 1.0)).all()):
        return None
    worse = int(((bv == 1) & (cv == 0)).sum())
    better = int(((bv == 0) & (cv == 1)).sum())
    n = int(bv.size)
    p = mcnemar_drop_p(worse, better, n, tolerance / (base.scale or 1.0))
    independent = est.clusters == n
    return {"worse": worse, "better": better, "n": n, "p_value": p, "decides": independent,
            "note": None if independent else "assumes independent pairs; the clustered "
            "bootstrap decides"}
