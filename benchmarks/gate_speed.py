"""Speed of `eval-mm gate` (prints numbers, asserts nothing). Its statistics (false alarms,
power) are measured by benchmarks/gate_stats.py.

    taskset -c 0 .venv/bin/python benchmarks/gate_speed.py [--samples 500] [--tasks 10]

Wall time of a full gate (files read, paired, bootstrapped, verdicts, three reports) over a
store of TASKS tasks x 3 metrics, samples in clusters of 5 (questions on one image):
`exact_match` (plain mean, vectorised cluster bootstrap), `jmmmu_acc` (own aggregation,
probed and found to be a mean) and a macro-over-subjects metric without a vectorised
statistic (resampled through its aggregation in a Python loop, at most 1,000 times: the
slowest path a plugin metric can take). Goal: under 20 s on one core for 10 x 3 x 500.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from collections.abc import Sequence  # noqa: E402
from dataclasses import replace  # noqa: E402
from typing import ClassVar  # noqa: E402

from eval_mm.core.aggregate import MetricSummary, group_means, macro_mean  # noqa: E402
from eval_mm.core.sample import Sample  # noqa: E402
from eval_mm.core.scoring import Score, Scorer  # noqa: E402
from eval_mm.gate import GateConfig, run_gate, to_json, to_junit, to_markdown  # noqa: E402
from eval_mm.registries import register_metric  # noqa: E402
from tests.gate.factory import binary, sample_ids, write_run  # noqa: E402


@register_metric
class MacroBySubject(Scorer):
    """A headline that is not a mean (macro over subjects), aggregated like real scorers:
    the default summary (with its own 1,000-resample CI) plus the macro value."""

    id: ClassVar[str] = "bench_macro_subject"

    def aggregate(self, samples: Sequence[Sample], scores: Sequence[Score],
                  breakdown_keys: Sequence[str] = (), seed: int = 0) -> MetricSummary:
        summary = super().aggregate(samples, scores, breakdown_keys, seed)
        groups = group_means([s.value for s in scores], [s.metadata for s in samples], "subject")
        return replace(summary, value=macro_mean(groups))


def time_gate(n: int, tasks: int) -> None:
    rng = np.random.default_rng(0)
    ids = sample_ids(n)
    meta = {i: {"subject": f"s{k % 8}", "image_id": k // 5} for k, i in enumerate(ids)}
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        for t in range(tasks):
            p = rng.beta(2, 1, n)
            for side in ("base", "cand"):
                vals = binary(ids, rng.random(n) < p)
                write_run(root / side, side, f"task-{t:02d}",
                          {"exact_match": vals, "jmmmu_acc": vals, "bench_macro_subject": vals},
                          metadata=meta, cluster_key="image_id")
        for resamples in (1000, 2000):
            t0 = time.perf_counter()
            result = run_gate(root / "base", root / "cand", GateConfig(resamples=resamples))
            to_markdown(result), to_json(result), to_junit(result)
            dt = time.perf_counter() - t0
            methods = sorted({f"{c.metric}:{c.method}:{c.clusters}" for c in result.comparisons})
            print(f"gate {tasks} tasks x 3 metrics x {n} samples, {resamples} resamples: "
                  f"{dt:.2f} s (metric:method:clusters {methods}; verdict {result.verdict})")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--samples", type=int, default=500)
    ap.add_argument("--tasks", type=int, default=10)
    args = ap.parse_args()
    time_gate(args.samples, args.tasks)


if __name__ == "__main__":
    main()
