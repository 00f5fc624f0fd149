"""Judge throughput with DEFAULT settings (no --judge-concurrency, no --judge-rps):
200 samples x 5 runs = 1,000 requests through `judge_1to5` against the local fake OpenAI
server (its own process) with 1 s latency.

- limit 60 req/s (burst 60): wall time against the bound N / rate (goal: ratio <= 1.2);
- limit 20 req/s, burst 10: share of requests refused with 429 (goal: < 2 %).

Each figure is the median of --repeats runs (fresh server, fresh cache), printed with the
1-minute load average before and after every run: the machine may be shared. Then a rerun
from the cache (goal: no request).

    .venv/bin/python benchmarks/judge_throughput.py [--samples 200] [--repeats 3]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import openai  # noqa: F401  (imported once up front: its import time is not judge time)

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from eval_mm.core.sample import Sample, user_turn  # noqa: E402
from eval_mm.core.scoring import ScoreContext  # noqa: E402
from eval_mm.registries import METRICS  # noqa: E402


@dataclass
class Trial:
    wall: float
    cpu: float  # client CPU seconds (all threads): starved by a loaded machine, it binds
    sent: int
    refused: int
    load_before: float
    load_after: float
    pacing: dict[str, Any]


def _server(latency: float, rate: float, burst: float | None) -> tuple[subprocess.Popen[str], str]:
    cmd = [sys.executable, "-m", "tests.support.openai_server", "--latency", str(latency)]
    cmd += ["--rate", str(rate)] + (["--burst", str(burst)] if burst else [])
    proc = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.PIPE, text=True)
    assert proc.stdout is not None
    return proc, proc.stdout.readline().strip()


def _score(base_url: str, cache: str, samples: list[Sample], runs: int) -> tuple[float, float, Any]:
    ctx = ScoreContext(options={"judge": {"base_url": base_url, "cache": cache, "runs": runs}})
    scorer = METRICS.get("judge_1to5")()
    outputs = [f"予測{i}" for i in range(len(samples))]
    t0, c0 = time.perf_counter(), time.process_time()
    scores = scorer.score(samples, outputs, ctx)
    wall, cpu = time.perf_counter() - t0, time.process_time() - c0
    pacing = ctx.resources["judge_engine"].pacing
    ctx.close()
    assert all(s.value == 3.0 for s in scores), "unexpected scores (failed judge runs?)"
    return wall, cpu, pacing


def trial(
    args: argparse.Namespace, rate: float, burst: float | None, cached: bool = False
) -> Trial:
    samples = [
        Sample(f"s{i}", user_turn(f"質問{i}"), [f"答え{i}"], judge_question=f"質問{i}")
        for i in range(args.samples)
    ]
    server, base_url = _server(args.latency, rate, burst)
    stats = base_url.rsplit("/v1", 1)[0] + "/_stats"
    try:
        with tempfile.TemporaryDirectory() as cache:
            load_before = os.getloadavg()[0]
            wall, cpu, pacing = _score(base_url, cache, samples, args.runs)
            load_after = os.getloadavg()[0]
            counts = httpx.get(stats).json()["counts"]
            if cached:  # a fresh engine on the same disk cache
                httpx.get(stats.replace("_stats", "_reset"))
                c_wall, _, _ = _score(base_url, cache, samples, args.runs)
                c_sent = httpx.get(stats).json()["counts"].get("chat", 0)
                print(f"  cached rerun: {c_wall:.2f} s, {c_sent} requests (goal: none)")
    finally:
        server.terminate()
        server.wait(timeout=10)
    sent, refused = counts.get("chat", 0), counts.get("429", 0)
    return Trial(wall, cpu, sent, refused, load_before, load_after, pacing)


def scenario(args: argparse.Namespace, rate: float, burst: float | None) -> list[Trial]:
    n = args.samples * args.runs
    print(f"\nlimit {rate:g} req/s, burst {burst or rate:g}, latency {args.latency:g} s, N = {n}")
    trials = []
    for k in range(args.repeats):
        t = trial(args, rate, burst, cached=k == args.repeats - 1 and burst is None)
        trials.append(t)
        print(
            f"  run {k + 1}: wall {t.wall:6.2f} s  client CPU {t.cpu:5.2f} s  sent {t.sent}  "
            f"429s {t.refused} "
            f"({t.refused / max(1, t.sent):.2%})  load {t.load_before:.2f} -> {t.load_after:.2f}"
            f"  pacing {t.pacing}"
        )
    return trials


def main() -> int:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--samples", type=int, default=200)
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--latency", type=float, default=1.0)
    ap.add_argument("--repeats", type=int, default=3)
    args = ap.parse_args()
    os.environ["OPENAI_API_KEY"] = "sk-bench"
    n = args.samples * args.runs

    fast = scenario(args, 60.0, None)
    bound = n / 60.0
    wall = statistics.median(t.wall for t in fast)
    tight = scenario(args, 20.0, 10.0)
    share = statistics.median(t.refused / max(1, t.sent) for t in tight)
    loads = [f"{t.load_before:.2f}/{t.load_after:.2f}" for t in fast + tight]

    print("\nsummary (default judge settings; medians of", args.repeats, "runs)")
    print(f"  60 req/s: wall {wall:.2f} s, bound N/rate {bound:.2f} s, ratio {wall / bound:.3f}")
    print("            (goal <= 1.2)")
    print(f"  20 req/s burst 10: 429 share {share:.2%} (goal < 2 %)")
    print(
        f"  load average (1 min) before/after each run: {', '.join(loads)} on {os.cpu_count()} CPUs"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
