"""Numbers that cannot go stale: each scenario of the identity issue through the real CLI,
a real local OpenAI-compatible judge and real SIGKILLs."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from eval_mm.store import iter_jsonl, read_scores, score_path
from tests.conftest import run_cli
from tests.core import identity_support as h
from tests.support.openai_server import FakeOpenAI

N = 300  # more than one scoring chunk (256), as in the observed mixed-judge result


@pytest.fixture
def srv() -> Iterator[FakeOpenAI]:
    server = h.judge_server()
    yield server
    server.stop()


@pytest.fixture(scope="module")
def data(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return h.write_jvb(tmp_path_factory.mktemp("jvb"), N)


def _run(data: Path, out: Path, srv: FakeOpenAI, judge: str = "judge-a", *extra: str) -> list[str]:
    return ["run", "-m", "oracle", "-t", h.TASK, "--data", str(data), "-o", str(out),
            *h.judge_flags(srv, judge), *extra]


def test_another_judge_is_asked_and_never_mixed(
    data: Path, srv: FakeOpenAI, tmp_path: Path
) -> None:
    out = tmp_path / "results"
    srv.latency = 0.005  # slow enough to be killed between two scoring chunks
    slow = ("--judge-concurrency", "2")
    # Judge A is killed once its first chunk of scores (256 items) is on disk.
    proc = h.start(_run(data, out, srv, "judge-a", *slow), h.env(tmp_path))

    def first_chunk() -> bool:
        files = list(out.glob("*/*/*/scores/judge_1to5/*.jsonl"))
        return bool(files) and h.lines(files[0]) >= 256

    assert h.kill_when(proc, first_chunk)
    run = h.only_run(out)
    assert not (run / "summary.json").exists()
    # The rerun with judge B asks B about every item and reports B's verdicts only.
    sent = srv.chat_count
    second = run_cli(*_run(data, out, srv, "judge-b"), env=h.env(tmp_path))
    assert second.returncode == 0, second.stderr
    assert h.only_run(out) == run  # same predictions, same folder; the judge is per score
    assert srv.chat_count - sent >= N * 2
    for metric in ("judge_1to5", "judge_1to5_legacy"):
        assert h.judge_of(run, metric) == "judge-b"
        assert h.values(run)[metric] == (2.0, N)  # none of judge A's 256 stored verdicts
        records = read_scores(run, metric).values()
        assert {r["details"]["judge_model"] for r in records} == {"judge-b"}
    # Back to judge A: its 256 stored verdicts are reused, the other 44 items asked.
    sent = srv.chat_count
    third = run_cli(*_run(data, out, srv, "judge-a"), env=h.env(tmp_path))
    assert third.returncode == 0, third.stderr
    assert srv.chat_count - sent == (N - 256) * 2
    assert h.judge_of(run, "judge_1to5") == "judge-a" and h.values(run)["judge_1to5"] == (5.0, N)
    # Both judges' numbers live side by side under their own fingerprints.
    by_fp = h.read(run / "summary.json")["by_fingerprint"]["judge_1to5"]
    assert sorted(v["value"] for v in by_fp.values()) == [2.0, 5.0]


def test_wrong_key_stops_before_complete_then_right_key_judges_all(
    data: Path, srv: FakeOpenAI, tmp_path: Path
) -> None:
    srv.api_key = "sk-right-key-0001"
    out = tmp_path / "results"
    wrong = run_cli(
        *_run(data, out, srv), "--limit", "20", env=h.env(tmp_path, "sk-wrong-CANARY-77")
    )
    assert wrong.returncode == 2, wrong.stderr
    assert "API key was rejected" in wrong.stderr and "Traceback" not in wrong.stderr
    run = h.only_run(out)
    card = h.read(run / "run.json")
    assert card["status"] == "stopped" and not (run / "summary.json").exists()
    assert srv.chat_count <= 8  # stopped at once, not after every item
    written = b"".join(h.snapshot(run).values())
    assert b"sk-wrong-CANARY-77" not in written
    right = run_cli(*_run(data, out, srv), "--limit", "20", env=h.env(tmp_path, srv.api_key))
    assert right.returncode == 0, right.stderr
    assert h.values(run)["judge_1to5"] == (5.0, 20)
    assert h.values(run)["judge_1to5_legacy"] == (5.0, 20)
    assert h.read(run / "run.json")["status"] == "complete"


def test_transient_judge_failures_are_retried_by_a_rerun(
    data: Path, srv: FakeOpenAI, tmp_path: Path
) -> None:
    out = tmp_path / "results"
    args = [*_run(data, out, srv), "--limit", "10", "--judge-concurrency", "1",
            "--metrics", "judge_1to5"]
    srv.fail_next(3, status=500)
    first = run_cli(*args, env=h.env(tmp_path))
    assert first.returncode == 1, first.stderr  # incomplete, and it says what is left
    assert "transient" in first.stderr and "rerun" in first.stderr
    run = h.only_run(out)
    card = h.read(run / "run.json")
    assert card["status"] == "incomplete" and any("judge_1to5" in p for p in card["problems"])
    sent = srv.chat_count
    second = run_cli(*args, env=h.env(tmp_path))
    assert second.returncode == 0, second.stderr
    assert srv.chat_count - sent == 3  # only the failed judge runs are asked again
    summary = h.read(run / "summary.json")["metrics"]["judge_1to5"]
    assert summary["value"] == 5.0 and summary["n"] == 10 and summary["unscored"] == 0
    assert all(
        len([x for x in r["details"]["runs"] if x["status"] == "ok"]) == 2
        for r in read_scores(run, "judge_1to5").values()
    )
    assert h.read(run / "run.json")["status"] == "complete"


def test_regenerated_samples_are_rescored(srv: FakeOpenAI, tmp_path: Path) -> None:
    out = tmp_path / "results"
    args = [*_run(h.write_jvb(tmp_path / "d", 10), out, srv), "--metrics", "rougel"]
    failing = run_cli(
        *args, "--model-option", 'fail_ids=["1","4"]', "--max-error-share", "0.5",
        env=h.env(tmp_path),
    )
    assert failing.returncode == 0, failing.stderr
    run = h.only_run(out)
    summary = h.read(run / "summary.json")["metrics"]["rougel"]
    assert summary["unscored_reasons"] == {"generation_error": 2}
    fixed = run_cli(*args, env=h.env(tmp_path))  # the same identity: errors are retried
    assert fixed.returncode == 0, fixed.stderr
    assert h.only_run(out) == run
    summary = h.read(run / "summary.json")["metrics"]["rougel"]
    assert summary["unscored"] == 0 and summary["n"] == 10 and summary["value"] == 100.0
    assert h.read(run / "run.json")["counts"]["retried"] == 2


def test_corrected_gold_makes_a_new_folder_and_reuses_the_predictions(
    srv: FakeOpenAI, tmp_path: Path
) -> None:
    data = h.write_jvb(tmp_path / "v1", 6)
    out = tmp_path / "results"
    args = ["run", "-m", "echo-prompt", "-t", h.TASK, "-o", str(out), "--metrics", "rougel",
            "--no-progress"]
    assert run_cli(*args, "--data", str(data), env=h.env(tmp_path)).returncode == 0
    old = h.only_run(out)
    before = h.snapshot(old)
    fixed = h.write_jvb(tmp_path / "v2", 6, corrected=2)
    proc = run_cli(*args, "--data", str(fixed), env=h.env(tmp_path))
    assert proc.returncode == 0, proc.stderr
    (new,) = [r for r in h.runs(out) if r != old]
    assert h.snapshot(old) == before  # the old result is untouched
    counts = h.read(new / "run.json")["counts"]
    assert counts["reused_from_other_runs"] == 6 and counts["generated_now"] == 0
    golds = {json.loads(line)["id"]: json.loads(line)["references"]
             for line in (new / "samples.jsonl").read_text(encoding="utf-8").splitlines()}
    assert golds["2"] == ["訂正された答え2"]
    # `score --rescore` of the new folder scores against the corrected gold.
    rescored = run_cli("score", str(new), "--rescore", "--metrics", "rougel", env=h.env(tmp_path))
    assert rescored.returncode == 0, rescored.stderr
    assert read_scores(new, "rougel")["2"]["value"] != read_scores(old, "rougel")["2"]["value"]


def test_changed_prompt_code_is_not_resumed(tmp_path: Path) -> None:
    """A plugin task whose prompt-building code changes: the messages sent differ."""
    from tests.core.test_plugins import PLUGIN

    rows = tmp_path / "colours.parquet"
    _write_colours(rows)
    plugin = tmp_path / "colours_plugin.py"
    plugin.write_text(PLUGIN.read_text(encoding="utf-8"), encoding="utf-8")
    out = tmp_path / "results"
    args = ["run", "--plugin", str(plugin), "-m", "echo-prompt", "-t", "colour-names",
            "--data", str(rows), "-o", str(out), "--no-progress"]
    assert run_cli(*args).returncode == 0
    code = plugin.read_text(encoding="utf-8")
    old, new = 'str(row["question"])', 'str(row["question"]) + "（一語で）"'
    plugin.write_text(code.replace(old, new), encoding="utf-8")
    proc = run_cli(*args)
    assert proc.returncode == 0, proc.stderr
    cards = [h.read(r / "run.json") for r in h.runs(out)]
    assert len({c["identity"]["samples"] for c in cards}) == 2
    assert [c["counts"]["generated_now"] for c in cards] == [4, 4]  # nothing resumed


def _write_colours(path: Path) -> None:
    from datasets import Dataset, Features, Image, Value

    from tests.tasks.synthetic_common import solid

    text = Value("string")
    Dataset.from_dict(
        {"id": ["a", "b", "c", "d"], "image": [solid(i) for i in range(4)],
         "question": ["何色ですか？"] * 4, "answer": ["赤", "緑", "青", "黄"]},
        features=Features({"id": text, "image": Image(), "question": text, "answer": text}),
    ).to_parquet(str(path))


def test_another_endpoint_is_another_run(srv: FakeOpenAI, tmp_path: Path) -> None:
    data = h.write_jvb(tmp_path / "d", 3)
    out = tmp_path / "results"
    for base in (srv.base_url, srv.base_url.replace("/v1", "/other/v1")):
        proc = run_cli("run", "-m", "openai:served-model", "--model-option", f"base_url={base}",
                       "-t", h.TASK, "--data", str(data), "-o", str(out), "--metrics", "rougel",
                       "--no-progress", env=h.env(tmp_path))
        assert proc.returncode == 0, proc.stderr
    cards = [h.read(r / "run.json") for r in h.runs(out)]
    assert len({c["identity"]["model"]["endpoint"] for c in cards}) == 2
    assert [c["counts"]["generated_now"] for c in cards] == [3, 3]  # nothing resumed


def test_a_second_writer_refuses_at_once(data: Path, srv: FakeOpenAI, tmp_path: Path) -> None:
    out = tmp_path / "results"
    args = [*_run(data, out, srv), "--limit", "40", "--metrics", "rougel",
            "--model-option", "delay=0.3", "--model-option", "batch_size=2"]
    first = h.start(args, h.env(tmp_path))
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and not list(out.rglob("predictions.jsonl")):
            time.sleep(0.05)
        t0 = time.monotonic()
        second = run_cli(*args, env=h.env(tmp_path))
        assert second.returncode == 2 and time.monotonic() - t0 < 30
        assert "is being written by PID" in second.stderr and str(first.pid) in second.stderr
        assert first.wait(timeout=120) == 0
    finally:
        if first.poll() is None:
            first.kill()
    run = h.only_run(out)
    assert len(list(iter_jsonl(run / "predictions.jsonl"))) == 40
    assert h.values(run)["rougel"] == (100.0, 40)


def test_a_killed_rescore_leaves_consistent_files(
    data: Path, srv: FakeOpenAI, tmp_path: Path
) -> None:
    out = tmp_path / "results"
    assert run_cli(*_run(data, out, srv), "--limit", "40", env=h.env(tmp_path)).returncode == 0
    run = h.only_run(out)
    summary = (run / "summary.json").read_bytes()
    expected = h.values(run)
    fp = h.read(run / "summary.json")["metrics"]["judge_1to5"]["fingerprint"]
    path = score_path(run, "judge_1to5", fp)
    # With an empty cache and a slow judge, kill the rescore while it waits for verdicts.
    srv.latency = 0.05
    sent = srv.chat_count
    flags = [*h.judge_flags(srv), "--judge-concurrency", "1"]
    proc = h.start(["score", str(run), "--rescore", *flags], h.env(tmp_path / "fresh"))
    assert h.kill_when(proc, lambda: srv.chat_count - sent >= 10)
    assert (run / "summary.json").read_bytes() == summary  # untouched by the killed rescore
    assert len(list(iter_jsonl(path))) == 40  # never emptied
    srv.latency = 0.0
    again = run_cli("score", str(run), "--rescore", *h.judge_flags(srv), env=h.env(tmp_path))
    assert again.returncode == 0, again.stderr
    assert h.values(run) == expected


def test_no_judge_on_heron_runs_without_a_key(tmp_path: Path) -> None:
    from tests.tasks import synthetic

    synthetic.heron(tmp_path / "data")
    out = tmp_path / "results"
    proc = run_cli("run", "-m", "oracle", "-t", "heron", "--data",
                   str(tmp_path / "data" / "japanese-heron-bench"), "-o", str(out), "--no-judge",
                   "--no-progress", env=h.env(tmp_path, key=""))
    assert proc.returncode == 0, proc.stderr
    assert "--no-judge skips heron_rel, heron_rel_legacy" in proc.stderr
    card = h.read(h.only_run(out) / "run.json")
    assert card["skipped_metrics"] == ["heron_rel", "heron_rel_legacy"]
    assert card["status"] == "complete" and card["counts"]["generated_now"] == 4
    assert h.read(h.only_run(out) / "summary.json")["metrics"] == {}
