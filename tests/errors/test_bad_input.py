"""Every user mistake in the table (cases.py) through the real CLI, each in a subprocess:
exit code 2 (or the documented one), no traceback, a first line of stderr that names the
problem, and the files of an earlier run in the same result store byte-identical after."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.conftest import ROOT, cli_env, run_cli
from tests.errors.cases import CASES, Case
from tests.errors.support import copy_results, snapshot


def test_the_table_covers_enough_cases() -> None:
    assert len(CASES) >= 60
    assert len({c.id for c in CASES}) == len(CASES)


def first_line(stderr: str) -> str:
    lines = [line for line in stderr.splitlines() if line.strip()]
    return lines[0] if lines else ""


@dataclass
class Outcome:
    proc: subprocess.CompletedProcess[str]
    before: dict[str, str]
    after: dict[str, str]


def _run_case(case: Case, earlier_run: Path, bad_files: Path, root: Path) -> Outcome:
    """The case's command on its own copy of the earlier run's store (damaged if it says)."""
    root.mkdir(parents=True)
    run_dir = copy_results(earlier_run.parents[2], root / "results")
    if case.damage is not None:
        case.damage(run_dir)
    store = run_dir.parents[2]
    places = {"R": store, "RUN": run_dir, "D": bad_files, "T": root}
    argv = [arg.format(**{k: str(v) for k, v in places.items()}) for arg in case.argv]
    before = snapshot(store)
    proc = run_cli(*argv)
    return Outcome(proc, before, snapshot(store))


@pytest.fixture(scope="module")
def outcomes(
    request: pytest.FixtureRequest,
    earlier_run: Path,
    bad_files: Path,
    tmp_path_factory: pytest.TempPathFactory,
) -> dict[str, Outcome]:
    """Every selected case run once, several subprocesses at a time (each case has its own
    copy of the store, so they cannot see each other): the table costs minutes, not tens."""
    chosen = [
        item.callspec.params["case"]
        for item in request.session.items
        if isinstance(item, pytest.Function)
        and item.originalname == "test_bad_input_is_a_short_clear_error"
    ]
    base = tmp_path_factory.mktemp("cases")
    workers = max(2, os.cpu_count() or 2) + 1
    with ThreadPoolExecutor(max_workers=workers) as pool:
        futures = {
            c.id: pool.submit(_run_case, c, earlier_run, bad_files, base / c.id) for c in chosen
        }
        return {cid: f.result() for cid, f in futures.items()}


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_bad_input_is_a_short_clear_error(case: Case, outcomes: dict[str, Outcome]) -> None:
    out = outcomes[case.id]
    proc = out.proc
    assert proc.returncode == case.code, proc.stderr + proc.stdout
    assert "Traceback" not in proc.stderr, proc.stderr
    line = first_line(proc.stderr)
    assert line.startswith("eval-mm: error:"), proc.stderr
    assert case.expect.lower() in line.lower(), proc.stderr
    assert out.after == out.before  # nothing written, nothing lost
    if case.absent:
        assert case.absent not in proc.stderr + proc.stdout


def test_an_unknown_hub_id_fails_within_seconds_offline(earlier_run: Path) -> None:
    t0 = time.perf_counter()
    proc = run_cli("run", "-m", "nobody/no-such-model", "-t", "word-ocr", "-o", str(earlier_run))
    assert proc.returncode == 2 and "not in the local cache" in proc.stderr
    assert time.perf_counter() - t0 < 15  # was 161 s of retries


def test_an_unknown_hub_id_fails_within_seconds_without_a_network(earlier_run: Path) -> None:
    """No HF_HUB_OFFLINE, but nothing answers at the hub's address: a few seconds too."""
    env = cli_env(HF_ENDPOINT="http://127.0.0.1:9")  # the discard port: nothing listens
    env.pop("HF_HUB_OFFLINE", None)
    env.pop("HF_DATASETS_OFFLINE", None)
    t0 = time.perf_counter()
    store = str(earlier_run.parents[2])
    proc = run_cli("run", "-m", "nobody/nothing", "-t", "word-ocr", "-o", store, env=env)
    assert proc.returncode == 2 and "cannot be reached" in first_line(proc.stderr), proc.stderr
    assert time.perf_counter() - t0 < 15


def test_usage_errors_answer_without_loading_the_engine() -> None:
    """An argument error exits before numpy, datasets, torch or PIL are imported: each
    mistake costs the user (and this table) a fraction of a second."""
    code = (
        "import sys, eval_mm.cli.main as m\n"
        "rc = m.main(['run', '-m', 'oracle', '-t', 'x', '--model-option', 'a'])\n"
        "print(rc, [n for n in ('numpy', 'datasets', 'torch', 'PIL') if n in sys.modules])"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=cli_env(), capture_output=True, text=True
    )
    assert out.stdout.strip() == "2 []", out.stdout + out.stderr
