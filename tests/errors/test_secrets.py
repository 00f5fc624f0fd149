"""Secrets canary: canary keys go in through every path a secret can take (options in both
forms, the environment, credentials inside URLs, a server that quotes the key back in its
401 error, a bad option value) and no file eval-mm wrote (results, caches) and no line it
printed (the logs) may hold one."""

from __future__ import annotations

import base64
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import cli_env, run_cli
from tests.errors.support import jvb_rows, png, write_jsonl
from tests.support.openai_server import FakeOpenAI

CANARY_OPTION = "canary-option-key-9f8e7d6c5b"  # --model-option=api_key=...
CANARY_ENV = "canary-env-key-1a2b3c4d5e"  # OPENAI_API_KEY, sent to the judge
CANARY_URL = "canary-url-pass-5e6f7a8b9c"  # http://user:...@host
CANARY_TASK = "canary-task-token-0c9d8e7f6a"  # --task-option token=...
CANARY_HF = "hf_CanaryTokenAbCdEfGhIjKlMnOpQr12"  # HF_TOKEN, never needed
CANARIES = [
    CANARY_OPTION,
    CANARY_ENV,
    CANARY_URL,
    CANARY_TASK,
    CANARY_HF,
    base64.b64encode(f"user:{CANARY_URL}".encode()).decode(),  # basic auth of the URL
]


@pytest.fixture(scope="module")
def servers() -> Iterator[tuple[FakeOpenAI, FakeOpenAI, FakeOpenAI, FakeOpenAI]]:
    # `ok` answers, with a leaked key in every reply (a model or judge that repeats it);
    # `echo` refuses every other key with a 401 quoting the key it got (fatal: the run stops);
    # `bad`, `bad_judge` answer 400 quoting the key they get (a permanent error, recorded
    # per sample): the model's (given as an option) and the judge's (from the environment).
    with (
        FakeOpenAI(default_reply=f"4 {CANARY_ENV}") as ok,
        FakeOpenAI() as echo,
        FakeOpenAI() as bad,
        FakeOpenAI() as bad_judge,
    ):
        echo.api_key = "the-only-key-it-accepts"
        bad.fail_next(10_000, status=400, message=f"bad request from key {CANARY_OPTION}")
        bad_judge.fail_next(10_000, status=400, message=f"bad request from key {CANARY_ENV}")
        yield ok, echo, bad, bad_judge


@pytest.fixture(scope="module")
def written(
    servers: tuple[FakeOpenAI, FakeOpenAI, FakeOpenAI, FakeOpenAI],
    tmp_path_factory: pytest.TempPathFactory,
) -> tuple[Path, list[subprocess.CompletedProcess[str]]]:
    """Every path, run for real; returns the folder holding everything eval-mm wrote."""
    ok, echo, bad, bad_judge = servers
    root = tmp_path_factory.mktemp("canary")
    data = root / "data"
    data.mkdir()
    (data / "img.png").write_bytes(png())
    rows = write_jsonl(data / "rows.jsonl", jvb_rows())
    env = cli_env(
        OPENAI_API_KEY=CANARY_ENV,
        HF_TOKEN=CANARY_HF,
        EVAL_MM_CACHE=str(root / "cache"),
        XDG_CACHE_HOME=str(root / "xdg"),
        HF_HOME=str(root / "hf"),
    )
    out = str(root / "results")
    task = ("-t", "jvb-itw", "--data", str(rows), "-o", out, "--max-error-share", "1")
    judged = ("--metrics", "judge_1to5,judge_1to5_legacy,rougel", "--judge-runs", "2")
    commands = [
        # the model's server quotes the key given as an option back in a 401
        ("-v", "run", "-m", "openai:canary-a", f"--model-option=api_key={CANARY_OPTION}",
         "--model-option", f"base_url={echo.base_url}", *task, "--metrics", "rougel"),
        # the model answers; the judge's server quotes the environment's key back in a 401
        ("-v", "run", "-m", "openai:canary-b", "--model-option", f"base_url={ok.base_url}",
         *task, *judged, "--judge-base-url", echo.base_url),
        # 400 errors quoting the keys: stored per sample in predictions and in scores
        ("-v", "run", "-m", "openai:canary-f", f"--model-option=api_key={CANARY_OPTION}",
         "--model-option", f"base_url={bad.base_url}", *task, "--metrics", "rougel"),
        ("-v", "run", "-m", "openai:canary-g", "--model-option", f"base_url={ok.base_url}",
         *task, *judged, "--judge-base-url", bad_judge.base_url),
        # both answer, and each answer holds the key: predictions, judge replies, the cache
        ("run", "-m", "openai:canary-e", "--model-option", f"base_url={ok.base_url}", *task,
         "--metrics", "judge_1to5", "--judge-base-url", ok.base_url, "--judge-runs", "2"),
        # credentials inside a URL, in both option forms
        ("run", "-m", "openai:canary-c",
         f"--model-option=base_url=http://user:{CANARY_URL}@127.0.0.1:{ok.port}/v1",
         *task, "--metrics", "rougel"),
        ("run", "-m", "openai:canary-d", "--model-option",
         f"base_url=http://user:{CANARY_URL}@127.0.0.1:{ok.port}/v1", *task, "--metrics",
         "rougel", "--judge-base-url", f"http://user:{CANARY_URL}@127.0.0.1:{ok.port}/v1"),
        # a secret in a value the schema refuses
        ("run", "-m", "oracle", "-t", "word-ocr", "--task-option", f"token={CANARY_TASK}",
         "-o", out),
        ("run", "-m", "oracle", "-t", "word-ocr", f"--task-option=api_key={CANARY_TASK}",
         "-o", out),
        ("score", out, "--metrics", "judge_1to5", "--judge-base-url", bad_judge.base_url),
        ("show", out),
        ("show", "--json", out),
    ]
    procs = [run_cli(*c, env=env, cwd=root) for c in commands]
    logs = root / "logs"
    logs.mkdir()
    for i, p in enumerate(procs):
        (logs / f"{i}.stdout").write_text(p.stdout, "utf-8")
        (logs / f"{i}.stderr").write_text(p.stderr, "utf-8")
    return root, procs


def test_the_paths_were_really_taken(
    written: tuple[Path, list[subprocess.CompletedProcess[str]]],
    servers: tuple[FakeOpenAI, FakeOpenAI, FakeOpenAI, FakeOpenAI],
) -> None:
    root, procs = written
    codes = [p.returncode for p in procs]
    # a rejected key stops the run (2); refused options are usage errors (2); a run with
    # per-sample errors ends incomplete or failed (1) or complete (0), never a crash
    assert codes[:2] == [2, 2] and codes[7:9] == [2, 2], [p.stderr[-600:] for p in procs]
    assert all(c in (0, 1) for c in codes[2:7] + codes[9:]), [p.stderr[-600:] for p in procs]
    assert all("Traceback" not in p.stderr for p in procs)
    _, echo, bad, bad_judge = servers
    sent = [
        next((v for k, v in r["headers"].items() if k.lower() == "authorization"), "")
        for srv in (echo, bad, bad_judge)
        for r in srv.requests
    ]
    assert f"Bearer {CANARY_OPTION}" in sent and f"Bearer {CANARY_ENV}" in sent
    texts = {p.relative_to(root): p.read_text("utf-8", "replace") for p in _files(root)}
    stored_errors = [
        t for k, t in texts.items() if k.name == "predictions.jsonl" or "scores" in k.parts
    ]
    assert sum("bad request from key ***" in t for t in stored_errors) >= 2
    assert any(k.parts[0] == "cache" for k in texts)  # the judge cache was written to
    assert any(k.parts[0] == "hf" for k in texts)  # and the datasets cache


def _files(root: Path) -> list[Path]:
    return [p for p in root.rglob("*") if p.is_file() and "data" not in p.relative_to(root).parts]


def test_no_canary_in_any_file_or_log(
    written: tuple[Path, list[subprocess.CompletedProcess[str]]],
) -> None:
    root, _ = written
    files = _files(root)
    assert len(files) > 20
    leaks = [
        f"{p.relative_to(root)}: {c}"
        for p in files
        for c in CANARIES
        if c.encode() in p.read_bytes()
    ]
    assert not leaks
