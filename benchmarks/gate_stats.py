"""Operating characteristics of `eval-mm gate` on synthetic clustered benchmarks (prints
tables, asserts nothing).

    .venv/bin/python benchmarks/gate_stats.py [--trials 500] [--resamples 1000]

Three benchmark shapes, each with a baseline and a candidate checkpoint that share item and
image difficulty and mostly agree with each other, as two checkpoints of one model do:

- `mecha`: 0/1 answers, each question asked in 4 rotations, 3 questions per image (MECHA-ja:
  1,821 questions on 603 images); metric: accuracy pooled over rotations.
- `heron`: 1-10 judge scores, 5 questions per image, 5 judge runs per item, the reference
  re-scored in each run (Japanese-Heron-Bench); metric: the relative score (strict).
- `independent`: 0/1 answers on unrelated items (JMMMU-like): the control, where clustering
  changes nothing and the exact McNemar test decides.

For n = 100, 500 and 1,320 samples it measures, over `--trials` trials each:

1. the false-alarm rate with no true change at zero tolerance (the hardest setting), for the
   gate (clusters resampled) and for the same test resampling samples as if independent;
2. the verdicts with no true change at a 1-point tolerance (pass / inconclusive);
3. power: the share of trials reported as a regression at true drops of 2, 5 and 8 points
   (1-point tolerance).

In `independent` every sample is its own cluster, so the clustered and unclustered tests are
the same test (computed once).

Each trial runs the gate's own code on in-memory statistics (`paired_statistics`, the drop
test with McNemar where it applies, `decide` with Holm over one metric): what `eval-mm gate`
does after reading the run folders. Drops are calibrated on a 400,000-item population.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from eval_mm.core.bootstrap import Statistic, mean_statistic  # noqa: E402
from eval_mm.gate.bootstrap import paired_statistics  # noqa: E402
from eval_mm.gate.compare import MetricComparison  # noqa: E402
from eval_mm.gate.measure import Measurement  # noqa: E402
from eval_mm.gate.stats import t_interval  # noqa: E402
from eval_mm.gate.verdict import INCONCLUSIVE, PASS, REGRESSION, decide  # noqa: E402
from eval_mm.metrics.heron import CATEGORIES, heron_statistic  # noqa: E402

SIZES = (100, 500, 1320)
DROPS = (2.0, 5.0, 8.0)
AGREE = 0.8  # how much the checkpoints' model-specific effects correlate


def _sigmoid(x: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-x))


def _pair(rng: np.random.Generator, shape: tuple[int, ...], rho: float = AGREE
          ) -> tuple[np.ndarray, np.ndarray]:
    """Two standard normal arrays with correlation rho (baseline, candidate effects)."""
    a = rng.normal(size=shape)
    return a, rho * a + np.sqrt(1 - rho**2) * rng.normal(size=shape)


# --- generators: (baseline, candidate) per-unit data for n samples, shift in "latent" -----
def _rotation_draws(rng: np.random.Generator, q: int, same: float = 0.75) -> np.ndarray:
    """Uniform draws per question x rotation, shared by a question's rotations w.p. `same`."""
    return np.where(rng.random((q, 4)) < same, rng.random((q, 1)), rng.random((q, 4)))


def mecha(rng: np.random.Generator, n: int, shift: float) -> tuple[np.ndarray, ...]:
    """(baseline 0/1, candidate 0/1, image of each sample): questions x 4 rotations.

    What a checkpoint knows is per question (shared by its rotations) and per image (shared
    by its questions): a change of checkpoint moves whole questions and images together."""
    q = max(1, n // 4)
    images = np.arange(q) // 3
    g = images.max() + 1
    base_q = 0.9 + rng.normal(0, 1.0, g)[images] + rng.normal(0, 1.0, q)
    ib, ic = _pair(rng, (g,))
    ub, uc = _pair(rng, (q, 1))
    vb, vc = _pair(rng, (q, 4))
    lb = base_q[:, None] + 0.6 * ib[images, None] + 1.2 * ub + 0.4 * vb
    lc = base_q[:, None] + 0.6 * ic[images, None] + 1.2 * uc + 0.4 * vc - shift
    draw = _rotation_draws(rng, q)  # a model mostly answers all rotations alike
    redraw = np.where(rng.random((q, 4)) < AGREE, draw, _rotation_draws(rng, q))
    return ((draw < _sigmoid(lb)).astype(float).ravel()[:n],
            (redraw < _sigmoid(lc)).astype(float).ravel()[:n], np.repeat(images, 4)[:n])


def independent(rng: np.random.Generator, n: int, shift: float) -> tuple[np.ndarray, ...]:
    d = 0.9 + rng.normal(0, 1.5, n)
    ub, uc = _pair(rng, (n,))
    draw = rng.random(n)
    redraw = np.where(rng.random(n) < AGREE, draw, rng.random(n))
    return ((draw < _sigmoid(d + 0.8 * ub)).astype(float),
            (redraw < _sigmoid(d + 0.8 * uc - shift)).astype(float), np.arange(n))


def heron(rng: np.random.Generator, n: int, shift: float) -> tuple[np.ndarray, ...]:
    """(categories, baseline pairs, candidate pairs: items x 5 runs x (ref, model), image).

    Answer quality has a part shared by both checkpoints (the image, the question) and a
    checkpoint-specific part per image and per question; the judge adds noise per run."""
    images = np.arange(n) // 5
    g = images.max() + 1
    cat = np.tile(np.array(["conv", "conv", "detail", "complex", "complex"]), n // 5 + 1)[:n]
    level = np.select([cat == "conv", cat == "detail"], [6.0, 5.5], 5.0)
    shared = level + rng.normal(0, 0.8, g)[images] + rng.normal(0, 0.8, n)
    ib, ic = _pair(rng, (g,))
    wb, wc = _pair(rng, (n,))
    ref_item = 8.0 + rng.normal(0, 0.6, (n, 1))

    def side(img: np.ndarray, w: np.ndarray, s: float) -> np.ndarray:
        latent = shared + 0.6 * img[images] + 0.8 * w - s
        model = np.clip(np.rint(latent[:, None] + rng.normal(0, 0.7, (n, 5))), 1, 10)
        ref = np.clip(np.rint(ref_item + rng.normal(0, 0.4, (n, 5))), 1, 10)
        return np.stack([ref, model], axis=2)

    return cat, side(ib, wb, 0.0), side(ic, wc, shift), images


# --- population calibration: the latent shift giving a true drop of X points -------------
def _population_value(kind: str, shift: float) -> float:
    rng = np.random.default_rng(2024)
    if kind == "heron":
        cat, _, pairs, _ = heron(rng, 200_000, shift)
        rel = [pairs[cat == c][..., 1].mean() / pairs[cat == c][..., 0].mean() for c in CATEGORIES]
        return 100.0 * float(np.mean(rel))
    _, c, _ = (mecha if kind == "mecha" else independent)(rng, 200_000, shift)
    return 100.0 * float(c.mean())


def calibrate(kind: str, drop: float) -> float:
    target = _population_value(kind, 0.0) - drop
    lo, hi = 0.0, 5.0
    for _ in range(24):
        mid = (lo + hi) / 2
        lo, hi = (mid, hi) if _population_value(kind, mid) > target else (lo, mid)
    return (lo + hi) / 2


def icc(values: np.ndarray, groups: np.ndarray) -> float:
    """One-way ANOVA intra-class correlation of `values` within `groups`."""
    _, idx = np.unique(groups, return_inverse=True)
    sizes = np.bincount(idx)
    k, n = sizes.size, values.size
    means = np.bincount(idx, values) / sizes
    between = (sizes * (means - values.mean()) ** 2).sum() / (k - 1)
    within = ((values - means[idx]) ** 2).sum() / (n - k)
    n0 = (n - (sizes**2).sum() / n) / (k - 1)
    return float((between - within) / (between + (n0 - 1) * within))


def design(kind: str) -> str:
    """The generator's correlation structure, measured on a large draw."""
    rng = np.random.default_rng(7)
    if kind == "heron":
        cat, pb, pc, img = heron(rng, 100_000, 0.0)
        change = pc[..., 1].mean(axis=1) - pb[..., 1].mean(axis=1)
        item = np.repeat(np.arange(cat.size), 5)
        return (f"ICC of the change within an image {icc(change, img):.2f}; of a model score "
                f"over the 5 judge runs of an item {icc(pb[..., 1].ravel(), item):.2f}")
    b, c, img = (mecha if kind == "mecha" else independent)(rng, 100_000, 0.0)
    text = f"agreement between checkpoints {np.mean(b == c):.0%}, accuracy {b.mean():.0%}"
    if kind == "mecha":
        q = np.repeat(np.arange(b.size // 4), 4)
        text += (f", circular {b.reshape(-1, 4).all(axis=1).mean():.0%}; ICC of an answer "
                 f"over rotations {icc(b, q):.2f}, of the change within a question "
                 f"{icc(c - b, q):.2f}, within an image {icc(c - b, img):.2f}")
    return text


# --- one gate decision --------------------------------------------------------------------
def statistics(kind: str, data: tuple[np.ndarray, ...]) -> tuple[Statistic, Statistic]:
    ids = [str(i) for i in range(len(data[-1]))]
    meta = [{"image_id": int(g)} for g in data[-1]]
    if kind == "heron":
        cat, pb, pc, _ = data
        return (heron_statistic(list(cat), pb, "strict", ids, meta),
                heron_statistic(list(cat), pc, "strict", ids, meta))
    return mean_statistic(data[0], ids, meta, 100.0), mean_statistic(data[1], ids, meta, 100.0)


def verdict(stats: tuple[Statistic, Statistic], key: str | None, tol: float, resamples: int,
            seed: int) -> str:
    est = paired_statistics(stats[0], stats[1], key, resamples, seed)
    m = Measurement("statistic", est, key, resamples,
                    t_interval(est.delta, est.se, est.clusters, 0.95), stats)
    c = MetricComparison("t", "m", "accuracy", "1", True, PASS, tolerance=tol,
                         clusters=est.clusters, se=est.se)
    c.p_value, _, _ = m.drop_test(tol)
    c.p_within = m.within_p(tol)
    decide([c], 0.95, "holm", 0.8)
    return c.verdict


def rates(kind: str, n: int, shift: float, trials: int, resamples: int, seed: int,
          settings: list[tuple[str | None, float]]) -> list[dict[str, float]]:
    """For each (cluster key, tolerance): the share of trials per verdict."""
    gen: Callable[..., tuple[np.ndarray, ...]] = {"mecha": mecha, "heron": heron,
                                                  "independent": independent}[kind]
    rng = np.random.default_rng(seed)
    counts = [{REGRESSION: 0.0, PASS: 0.0, INCONCLUSIVE: 0.0} for _ in settings]
    for t in range(trials):
        stats = statistics(kind, gen(rng, n, shift))
        for k, (key, tol) in enumerate(settings):
            counts[k][verdict(stats, key, tol, resamples, t)] += 1.0 / trials
    return counts


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--trials", type=int, default=500)
    ap.add_argument("--resamples", type=int, default=1000)
    ap.add_argument("--kinds", default="mecha,heron,independent")
    args = ap.parse_args()
    t0 = time.perf_counter()
    print(f"{args.trials} trials per cell, {args.resamples} resamples, one gated metric, "
          "one-sided level 2.5% (95% two-sided), power target 80%")
    for kind in args.kinds.split(","):
        shifts = {d: calibrate(kind, d) for d in DROPS}
        print(f"\n## {kind}: {design(kind)}")
        print("| n | false alarms, clustered | false alarms, unclustered | "
              "no change, tol 1: pass / inconclusive | power -2 | -5 | -8 |")
        print("|---:|---:|---:|---|---:|---:|---:|")
        for n in SIZES:
            settings: list[tuple[str | None, float]] = [("image_id", 0.0), ("image_id", 1.0)]
            if kind != "independent":
                settings.append((None, 0.0))
            null = rates(kind, n, 0.0, args.trials, args.resamples, n, settings)
            naive = null[2] if kind != "independent" else null[0]
            power = [rates(kind, n, shifts[d], args.trials, args.resamples, n + int(d),
                           [("image_id", 1.0)])[0][REGRESSION] for d in DROPS]
            cells = [f"{null[0][REGRESSION]:.1%}", f"{naive[REGRESSION]:.1%}",
                     f"{null[1][PASS]:.0%} / {null[1][INCONCLUSIVE]:.0%}",
                     *[f"{p:.0%}" for p in power]]
            print(f"| {n} | " + " | ".join(cells) + " |", flush=True)
    print(f"\n({time.perf_counter() - t0:.0f} s)")


if __name__ == "__main__":
    main()
