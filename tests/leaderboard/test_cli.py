"""`eval-mm leaderboard` and a real `eval-mm run` result read by the leaderboard."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from eval_mm.leaderboard.local import local_boards
from eval_mm.leaderboard.runs import load_runs
from eval_mm.leaderboard.samples import load_samples
from eval_mm.leaderboard.synthetic import FakeMetric, write_run
from tests.conftest import cli_env, run_cli

from .browser import free_port


def test_oracle_run_shows_as_debugging_model_with_full_scores(tmp_path: Path) -> None:
    out = tmp_path / "results"
    proc = run_cli("run", "--model", "oracle", "--task", "ja-word-ocr", "--limit", "20",
                   "--output-dir", str(out), "--no-progress")
    assert proc.returncode == 0, proc.stderr
    loaded = load_runs(out)
    assert not loaded.warnings
    (run,) = loaded.runs
    assert run.debug and run.subset == "--limit 20"
    (board,) = local_boards(loaded.runs)[0]
    assert board.models["oracle"].debug
    assert board.cells and all(c.value == 100.0 and c.subset == "--limit 20"
                               for c in board.cells.values())
    samples, warnings = load_samples(run.path)
    assert len(samples) == 20 and not warnings
    assert all(s.images and s.prediction == s.references[0] for s in samples)


def test_leaderboard_command_rejects_bad_input(tmp_path: Path) -> None:
    proc = run_cli("leaderboard", "--results-dir", str(tmp_path / "nope"), timeout=60)
    assert proc.returncode == 2
    assert "is not a folder" in proc.stderr and "Traceback" not in proc.stderr
    bad = tmp_path / "models.json"
    bad.write_text('{"m": {"size": 7}}')
    proc = run_cli("leaderboard", "--results-dir", str(tmp_path), "--models-info", str(bad),
                   timeout=60)
    assert proc.returncode == 2 and "unknown fields ['size']" in proc.stderr
    assert "Traceback" not in proc.stderr


def _port_free(port: int) -> bool:
    with socket.socket() as s:
        try:
            s.bind(("127.0.0.1", port))
        except OSError:
            return False
        return True


@pytest.mark.slow
@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT])
def test_a_signal_to_the_command_stops_the_server(tmp_path: Path, signum: int) -> None:
    root = tmp_path / "results"
    write_run(root, "m", "jmmmu", {"jmmmu_acc": FakeMetric(50.0)})
    port = free_port()
    env = cli_env(EVAL_MM_CACHE_DIR=str(tmp_path / "cache"))
    proc = subprocess.Popen([sys.executable, "-m", "eval_mm.cli.main", "leaderboard",
                             "--results-dir", str(root), "--port", str(port)], env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 90
        while True:
            try:
                if httpx.get(f"http://127.0.0.1:{port}/_stcore/health", timeout=1).is_success:
                    break
            except httpx.HTTPError:
                pass
            assert proc.poll() is None and time.monotonic() < deadline, "server did not start"
            time.sleep(0.2)
        os.kill(proc.pid, signum)  # to the command only, as a process manager would
        t0 = time.monotonic()
        while not _port_free(port) and time.monotonic() - t0 < 5:
            time.sleep(0.1)
        assert _port_free(port), "the Streamlit server still holds the port 5 s after the signal"
        assert proc.wait(timeout=5) in (0, 128 + signum)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
