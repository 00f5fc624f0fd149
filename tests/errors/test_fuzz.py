"""Fuzzing the CLI with hypothesis (bounded): random option values and small random data
files. Whatever comes in, `eval-mm` ends with 0 or 2 (never a crash), a refusal's first
line names the problem, and the earlier run in the store is byte-identical afterwards.

The examples call `eval_mm.cli.main.main` in this process (a subprocess per example would
cost a second each); the table in test_bad_input.py covers the subprocess path."""

from __future__ import annotations

import contextlib
import io
import json
import shutil
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from eval_mm.cli.main import main
from tests.errors.support import BASE_RUN, JVB, png, snapshot

FLAGS = [
    "--batch-size", "--max-new-tokens", "--temperature", "--top-p", "--num-beams", "--limit",
    "--max-error-share", "--judge-runs", "--judge-temperature", "--seed", "--num-shards",
]
MODEL_OPTIONS = ["batch_size", "delay", "fail_ids", "colour", "api_key", ""]
TASK_OPTIONS = ["seed", "variants", "per_varaint", "token"]
values = st.one_of(
    st.text(max_size=12),
    st.integers(-10**6, 10**6).map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(str),
    st.sampled_from(["", "0", "-1", "1e999", "nan", "[1,2]", '{"a": 1}', "true", "\x1b[2J"]),
)


def cli(argv: list[str]) -> tuple[int, str]:
    err = io.StringIO()
    with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
        try:
            code = main(argv)
        except SystemExit as exc:  # argparse's usage errors
            code = int(exc.code or 0)
    return code, err.getvalue()


def check(code: int, stderr: str, store: Path, before: dict[str, str]) -> None:
    assert code in (0, 2), stderr
    assert "Traceback" not in stderr and "internal error" not in stderr, stderr
    if code == 2:
        first = next(line for line in stderr.splitlines() if line.strip())
        assert first.startswith("eval-mm: error:"), stderr
        assert "\x1b" not in stderr  # a value echoed back is escaped
    after = snapshot(store)
    assert {k: after.get(k) for k in before} == before or code == 0


@pytest.fixture(scope="module")
def store(earlier_run: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("fuzz") / "results"
    shutil.copytree(earlier_run.parents[2], root)
    return root


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    kind=st.sampled_from(["flag", "model", "task"]),
    flag=st.sampled_from(FLAGS),
    name=st.sampled_from(MODEL_OPTIONS + TASK_OPTIONS),
    value=values,
)
def test_option_values(
    store: Path, earlier_run: Path, kind: str, flag: str, name: str, value: str
) -> None:
    argv = [*BASE_RUN, "-o", str(store), "--generate-only"]
    if kind == "flag":
        argv += [f"{flag}={value}"]
    else:
        argv += [f"--{kind}-option", f"{name}={value}"]
    before = snapshot(store)
    code, stderr = cli(argv)
    check(code, stderr, store, before)
    if code == 0:  # a valid value resumed the earlier run: put it back for the next example
        shutil.rmtree(store)
        shutil.copytree(earlier_run.parents[2], store)


cells = st.one_of(
    st.none(), st.text(max_size=8), st.integers(), st.booleans(), st.just("img.png"),
    st.lists(st.integers(), max_size=2), st.dictionaries(st.text(max_size=3), st.integers()),
)
rows = st.lists(
    st.dictionaries(
        st.sampled_from(["image", "question", "answer", "page_url", "extra"]), cells, max_size=5
    ),
    max_size=4,
)


def write(folder: Path, fmt: str, data: list[dict[str, Any]], raw: bytes) -> Path | None:
    if fmt == "bytes.jsonl":
        path = folder / "d.jsonl"
        path.write_bytes(raw)
    elif fmt == "bytes.parquet":
        path = folder / "d.parquet"
        path.write_bytes(b"PAR1" + raw)
    elif fmt == "jsonl":
        path = folder / "d.jsonl"
        path.write_text("".join(json.dumps(r) + "\n" for r in data), "utf-8")
    elif fmt == "json":
        path = folder / "d.json"
        path.write_text(json.dumps(data), "utf-8")
    elif fmt == "csv":
        path = folder / "d.csv"
        keys = sorted({k for r in data for k in r})
        lines = [",".join(keys)] + [",".join(str(r.get(k, "")) for k in keys) for r in data]
        path.write_text("\n".join(lines) + "\n", "utf-8")
    else:
        import datasets

        try:
            ds = datasets.Dataset.from_list(data)
        except Exception:  # rows that arrow cannot type: not a parquet anyone could write
            return None
        path = folder / "d.parquet"
        ds.to_parquet(str(path))
    return path


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    fmt=st.sampled_from(["jsonl", "json", "csv", "parquet", "bytes.jsonl", "bytes.parquet"]),
    data=rows,
    raw=st.binary(max_size=64),
)
def test_small_data_files(
    store: Path, tmp_path_factory: pytest.TempPathFactory, fmt: str, data: Any, raw: bytes
) -> None:
    folder = tmp_path_factory.mktemp("fuzz-data")
    (folder / "img.png").write_bytes(png())
    path = write(folder, fmt, data, raw)
    if path is None:
        return
    before = snapshot(store)
    argv = [*JVB, "--data", str(path), "-o", str(store), "--max-error-share", "1"]
    code, stderr = cli(argv)
    check(code, stderr, store, before)
