"""Coverage of the stored 95% intervals on simulated clustered benchmarks.

Each case draws 1,000 benchmarks from a generator whose population value is known (computed
on a very large draw with plain numpy, apart from the code under test) and counts how often
the interval contains it. The interval is made as a run makes it: the scorer's statistic
(built here from arrays by the same function the scorer calls), the task's cluster key,
1,000 resamples (`eval_mm.core.bootstrap.interval`)."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pytest

from eval_mm.core.bootstrap import Statistic, interval, mean_statistic
from eval_mm.core.sample import Sample
from eval_mm.core.scoring import Score
from eval_mm.metrics.heron import heron_statistic
from eval_mm.registries import METRICS

TRIALS = 1000
CATS = np.array(["conv", "conv", "detail", "complex", "complex"])  # per image, as Heron


def _coverage(draw: Callable[[np.random.Generator], Statistic], key: str, truth: float,
              seed: int) -> float:
    rng = np.random.default_rng(seed)
    hits = 0
    for t in range(TRIALS):
        stat = draw(rng)
        iv = interval(stat, key, seed=t)
        value = stat.value()
        assert iv is not None and value is not None and iv.low <= value <= iv.high
        hits += iv.low <= truth <= iv.high
    assert iv.method == "cluster bootstrap" and iv.resamples == 1000 and iv.level == 0.95
    return hits / TRIALS


def _meta(clusters: np.ndarray) -> list[dict[str, int]]:
    return [{"image_id": int(g)} for g in clusters]


# --- a mean metric: 0/1 answers, questions per image correlated -----------------------
def _mean_draw(rng: np.random.Generator) -> Statistic:
    sizes = rng.integers(1, 8, size=40)  # 40 images, 1-7 questions each
    image = np.repeat(np.arange(40), sizes)
    right = rng.random(image.size) < rng.beta(2.0, 1.5, size=40)[image]  # easy or hard images
    return mean_statistic(right.astype(float), [str(i) for i in range(image.size)],
                          _meta(image), 100.0)


def test_mean_metric_intervals_cover_the_population_mean() -> None:
    # Images of every size are equally likely, so a question's weight is its image's size:
    # the population mean over questions is E[k p] / E[k] with k and p independent.
    cover = _coverage(_mean_draw, "image_id", 100 * 2.0 / 3.5, 1)
    assert 0.93 <= cover <= 0.97, cover


# --- Heron's relative score: 21 images x 5 questions x 5 judge runs -------------------
def _heron_scores(rng: np.random.Generator, images: int) -> tuple[np.ndarray, np.ndarray,
                                                                   np.ndarray]:
    """(category, reference and model scores: items x runs) on a 1-10 integer scale."""
    cat = np.tile(CATS, images)
    n = cat.size
    level = np.select([cat == "conv", cat == "detail"], [6.0, 5.5], 5.0)
    latent = level + np.repeat(rng.normal(0, 1.0, images), 5) + rng.normal(0, 1.0, n) \
        + rng.normal(0, 0.5, n)  # image, question, and the judge's view of this answer
    model = np.clip(np.rint(latent[:, None] + rng.normal(0, 0.7, (n, 5))), 1, 10)
    ref = np.clip(np.rint(8.0 + rng.normal(0, 0.6, (n, 1)) + rng.normal(0, 0.4, (n, 5))), 1, 10)
    return cat, ref, model


def _heron_truth() -> float:
    cat, ref, model = _heron_scores(np.random.default_rng(99), 100_000)
    rel = [100 * model[cat == c].mean() / ref[cat == c].mean() for c in ("conv", "detail",
                                                                        "complex")]
    return float(np.mean(rel))


def _heron_pairs(rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """(categories, items x runs x (reference, model)); 2% of replies unparseable (NaN)."""
    cat, ref, model = _heron_scores(rng, 21)
    pairs = np.stack([ref, model], axis=2)
    pairs[rng.random(model.shape) < 0.02] = np.nan
    return cat, pairs


def _heron_draw(rng: np.random.Generator) -> Statistic:
    cat, pairs = _heron_pairs(rng)
    return heron_statistic(list(cat), pairs, "strict", [str(i) for i in range(cat.size)],
                           _meta(np.arange(cat.size) // 5))


def test_heron_relative_score_intervals_cover_the_population_value() -> None:
    cover = _coverage(_heron_draw, "image_id", _heron_truth(), 2)
    assert 0.93 <= cover <= 0.97, cover


# --- MECHA circular accuracy: 240 questions on 80 images, 4 rotations each ------------
def _rotations(rng: np.random.Generator, images: int) -> np.ndarray:
    """images x 3 questions x 4 rotations right/wrong: image, question, rotation effects."""
    skill = (0.8 + rng.normal(0, 1.0, (images, 1, 1)) + rng.normal(0, 1.1, (images, 3, 1))
             + rng.normal(0, 0.7, (images, 3, 4)))
    return rng.random((images, 3, 4)) < 1 / (1 + np.exp(-skill))


def _mecha_draw(rng: np.random.Generator) -> Statistic:
    circular = _rotations(rng, 80).all(axis=2).reshape(-1)  # per question: all 4 right
    return mean_statistic(circular.astype(float), [str(q) for q in range(circular.size)],
                          _meta(np.arange(circular.size) // 3), 100.0)


def test_mecha_circular_accuracy_intervals_cover_the_population_value() -> None:
    truth = 100 * float(_rotations(np.random.default_rng(5), 300_000).all(axis=2).mean())
    cover = _coverage(_mecha_draw, "image_id", truth, 3)
    assert 0.93 <= cover <= 0.97, cover


def _heron_samples(rng: np.random.Generator) -> tuple[list[Sample], list[Score]]:
    cat, pairs = _heron_pairs(rng)
    samples, scores = [], []
    for i in range(cat.size):
        runs = [{"parsed": None if np.isnan(p).any() else list(p)} for p in pairs[i]]
        ok = [r["parsed"][1] for r in runs if r["parsed"] is not None]
        samples.append(Sample(str(i), [], ["ref"], {"category": cat[i], "image_id": i // 5}))
        scores.append(Score(float(np.mean(ok)) if ok else None, None, {"runs": runs}))
    return samples, scores


def test_mecha_circular_statistic_is_over_complete_questions() -> None:
    """The scorer's statistic: one unit per base question, clustered by its image."""
    outcomes = {"0": [1, 1, 1, 1], "1": [1, 0, 1, 1], "2": [1, 1, 1, 1]}  # spec §10 + one
    samples, scores = [], []
    for base, rots in outcomes.items():
        for r, v in enumerate(rots):
            samples.append(Sample(f"{base}_rot{r}", [], ["A"], {
                "base_id": base, "rotation": r, "options": list("abcd"),
                "image_id": "img-a" if base in "01" else "img-b"}))
            scores.append(Score(float(v)))
    scorer = METRICS.get("mecha_circular_acc")()
    stat = scorer.statistic(samples, scores)
    assert list(stat.unit_ids) == ["0", "1", "2"] and stat.value() == pytest.approx(200 / 3)
    s = scorer.summary(samples, scores, cluster_key="image_id")
    assert s.value == pytest.approx(200 / 3) and s.ci_clusters == 2


@pytest.mark.parametrize("variant", ["heron_rel", "heron_rel_legacy", "heron_rel_original"])
def test_heron_interval_is_of_its_headline(variant: str) -> None:
    """The defect this replaces: the interval pooled each item's runs first, while the
    headline averages per-run scores, so a run reported 130.38 with CI [98.21, 115.53]."""
    rng = np.random.default_rng(11)
    samples, scores = _heron_samples(rng)
    scorer = METRICS.get(variant)()
    s = scorer.summary(samples, scores, cluster_key="image_id")
    assert s.value is not None and s.ci_low is not None and s.ci_high is not None
    assert s.ci_low < s.value < s.ci_high and s.ci_clusters == 21
    assert scorer.statistic(samples, scores).value() == pytest.approx(s.value, abs=1e-9)
    # The per-category table holds relative scores (about 70-100), never raw 1-10 means.
    cats = scorer.summary(samples, scores, ["category"], cluster_key="image_id").breakdown
    assert cats["category"] == {c: {"value": pytest.approx(s.extra["categories"][c]), "n": n}
                                for c, n in (("complex", 42), ("conv", 42), ("detail", 21))}
    assert all(v["value"] > 30 for v in cats["category"].values())
