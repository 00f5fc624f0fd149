"""For random sequences of (run, SIGKILL, change of judge / data / prompt variant, rerun),
every number of the final summary equals what a clean run with the final settings gives."""

from __future__ import annotations

import shutil
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.conftest import run_cli
from tests.core import identity_support as h
from tests.support.openai_server import FakeOpenAI

N = 6
Step = tuple[str, int, str, float | None]  # judge, data version, prompt variant, kill after s

STEPS = st.tuples(
    st.sampled_from(["judge-a", "judge-b"]),
    st.sampled_from([0, 1]),
    st.sampled_from(["llmjp", "asagi"]),
    st.one_of(st.none(), st.floats(0.5, 3.0)),
)


@pytest.fixture(scope="module")
def world(
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[tuple[FakeOpenAI, list[Path], Path]]:
    root = tmp_path_factory.mktemp("property")
    data = [h.write_jvb(root / "v0", N), h.write_jvb(root / "v1", N, corrected=3)]
    srv = h.judge_server(latency=0.02)
    yield srv, data, root
    srv.stop()


def _args(step: Step, data: list[Path], out: Path, srv: FakeOpenAI) -> list[str]:
    judge, version, variant, _ = step
    return ["run", "-m", "echo-prompt", "-t", h.TASK, "--data", str(data[version]),
            "--prompt-variant", variant, "--metrics", "judge_1to5,rougel", "-o", str(out),
            "--model-option", "delay=0.05", "--model-option", "batch_size=1",
            *h.judge_flags(srv, judge, "--judge-concurrency", "1")]


@settings(
    max_examples=3,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(steps=st.lists(STEPS, min_size=1, max_size=3))
def test_any_history_ends_where_a_clean_run_ends(
    world: tuple[FakeOpenAI, list[Path], Path], steps: list[Step]
) -> None:
    srv, data, root = world
    work = root / f"case-{time.monotonic_ns()}"
    out = work / "results"
    environ = h.env(work)
    for step in steps:
        if step[3] is None:
            proc = run_cli(*_args(step, data, out, srv), env=environ)
            assert proc.returncode == 0, proc.stderr
        else:
            started = h.start(_args(step, data, out, srv), environ)
            h.kill_after(started, step[3])
    final = (steps[-1][0], steps[-1][1], steps[-1][2], None)
    assert run_cli(*_args(final, data, out, srv), env=environ).returncode == 0
    clean = work / "clean"
    assert run_cli(*_args(final, data, clean, srv), env=environ).returncode == 0
    (clean_run,) = h.runs(clean)
    expected = h.values(clean_run)
    key = h.read(clean_run / "run.json")["config_id"]
    (same,) = [r for r in h.runs(out) if r.name == key]  # the final settings' folder
    assert h.values(same) == expected
    assert h.judge_of(same, "judge_1to5") == final[0]
    shutil.rmtree(work)
