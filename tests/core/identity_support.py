"""Shared pieces of the identity tests: a judged task's data of any size, a judge whose
verdict depends on the judge model, and CLI helpers (runs, kills, folder snapshots)."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from datasets import Features, Value
from datasets import Image as ImageFeature

from tests.conftest import ROOT, cli_env
from tests.support.openai_server import FakeOpenAI
from tests.tasks.synthetic_common import solid, write_dataset

TASK = "ja-vlm-bench-in-the-wild"
VERDICT = {"judge-a": "5", "judge-b": "2"}  # what each judge model answers, whatever it reads


def write_jvb(root: Path, n: int, corrected: int | None = None) -> Path:
    """`n` rows in JA-VLM-Bench-In-the-Wild's schema; row `corrected` gets another answer."""
    answers = [f"答え{i}です。" for i in range(n)]
    if corrected is not None:
        answers[corrected] = f"訂正された答え{corrected}"
    rows = {
        "page_url": [f"https://example.invalid/p{i}" for i in range(n)],
        "image_url": [f"https://example.invalid/i{i}" for i in range(n)],
        "image": [solid(i % 12, (8, 8)) for i in range(n)],
        "question": [f"質問{i}は何ですか？" for i in range(n)],
        "answer": answers,
    }
    feats = Features(
        {
            "page_url": Value("string"),
            "image_url": Value("string"),
            "image": ImageFeature(),
            "question": Value("string"),
            "answer": Value("string"),
        }
    )
    return write_dataset(root, TASK, rows, feats, parquet=True) / "data.parquet"


def judge_by_model(body: dict[str, Any], choice: int) -> str:
    return VERDICT.get(str(body.get("model")), "3")


def judge_server(**kwargs: Any) -> FakeOpenAI:
    srv = FakeOpenAI(default_reply=judge_by_model, **kwargs)
    return srv.start()


def judge_flags(srv: FakeOpenAI, model: str = "judge-a", *extra: str) -> list[str]:
    return [
        "--judge-base-url",
        srv.base_url,
        "--judge-model",
        model,
        "--judge-runs",
        "2",
        "--judge-concurrency",
        "8",
        "--judge-max-attempts",
        "1",
        "--no-progress",
        *extra,
    ]


def env(tmp: Path, key: str = "sk-test", **extra: str) -> dict[str, str]:
    return cli_env(OPENAI_API_KEY=key, EVAL_MM_CACHE=str(tmp / "cache"), **extra)


def runs(out: Path) -> list[Path]:
    return sorted(p.parent for p in out.rglob("run.json"))


def only_run(out: Path) -> Path:
    (run,) = runs(out)
    return run


def read(path: Path) -> Any:
    return json.loads(path.read_text(encoding="utf-8"))


def values(run: Path) -> dict[str, tuple[float | None, int]]:
    """metric -> (value, n) of a run's summary."""
    return {m: (v["value"], v["n"]) for m, v in read(run / "summary.json")["metrics"].items()}


def judge_of(run: Path, metric: str) -> str:
    """The judge model behind the number the summary reports for `metric`."""
    summary = read(run / "summary.json")
    fp = summary["metrics"][metric]["fingerprint"]
    return str(summary["scorers"][fp]["judge"]["model"])


def snapshot(folder: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(folder)): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and p.name != ".lock"
    }


def lines(path: Path) -> int:
    return path.read_bytes().count(b"\n") if path.exists() else 0


def start(args: list[str], environ: dict[str, str]) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-m", "eval_mm.cli.main", *args],
        cwd=ROOT,
        env=environ,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )


def kill_when(
    proc: subprocess.Popen[bytes], ready: Callable[[], bool], timeout: float = 120
) -> bool:
    """SIGKILL `proc` as soon as `ready()` holds; False if it ended first."""
    deadline = time.monotonic() + timeout
    try:
        while time.monotonic() < deadline and proc.poll() is None:
            if ready():
                proc.send_signal(signal.SIGKILL)
                proc.wait(timeout=30)
                return True
            time.sleep(0.01)
        return False
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()


def kill_after(proc: subprocess.Popen[bytes], seconds: float) -> None:
    """SIGKILL `proc` after `seconds` unless it has ended by then."""
    deadline = time.monotonic() + seconds
    kill_when(proc, lambda: time.monotonic() >= deadline)
