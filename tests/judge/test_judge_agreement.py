"""`eval-mm judge-agreement` in a subprocess: a second judge re-judges stored predictions."""

from __future__ import annotations

import json
from pathlib import Path

from scipy import stats

from eval_mm.store import read_scores
from tests.conftest import cli_env, run_cli
from tests.judge.conftest import SECRET, qa_samples, write_run
from tests.support.openai_server import FakeOpenAI

OLD = [5, 4, 2, 3, 1, 4]
NEW = [4, 4, 1, 3, 2, 5]


def scripted(srv: FakeOpenAI, scores: list[int]) -> None:
    for i, s in enumerate(scores):
        srv.script(f"Prediction: answer {i}\n", str(s))


def test_agreement_report_against_the_stored_judge(tmp_path: Path) -> None:
    run = write_run(
        tmp_path / "r" / "m" / "ja-vg-vqa-500" / "cfg",
        "ja-vg-vqa-500",
        qa_samples(6),
        [f"answer {i}" for i in range(6)],
    )
    with FakeOpenAI() as old_srv, FakeOpenAI() as new_srv:
        scripted(old_srv, OLD)
        scripted(new_srv, NEW)
        env = cli_env(OPENAI_API_KEY=SECRET, OPENAI_BASE_URL=old_srv.base_url)
        cache = str(tmp_path / "cache")
        first = run_cli(
            "score",
            str(run),
            "--metrics",
            "judge_1to5",
            "--judge-runs",
            "1",
            "--judge-cache",
            cache,
            cwd=tmp_path,
            env=env,
        )
        assert first.returncode == 0, first.stderr
        before = {i: r["value"] for i, r in read_scores(run, "judge_1to5").items()}
        out = tmp_path / "agreement.json"
        proc = run_cli(
            "judge-agreement",
            str(tmp_path / "r"),
            "--metrics",
            "judge_1to5",
            "--judge-runs",
            "1",
            "--judge-model",
            "open-judge",
            "--judge-base-url",
            new_srv.base_url,
            "--judge-cache",
            cache,
            "--output",
            str(out),
            cwd=tmp_path,
            env=env,
        )
        assert proc.returncode == 0, proc.stderr
        assert new_srv.chat_count == 6 and old_srv.chat_count == 6
        assert {b["model"] for b in new_srv.chat_bodies()} == {"open-judge"}
    [row] = json.loads(out.read_text())["rows"]
    assert (
        row["n_pairs"] == 6
        and row["old_judge"] == "gpt-4o-2024-11-20"
        and row["new_judge"] == "open-judge"
    )
    assert abs(row["pearson"] - stats.pearsonr(OLD, NEW)[0]) < 1e-9
    assert abs(row["spearman"] - stats.spearmanr(OLD, NEW)[0]) < 1e-9
    assert abs(row["kendall"] - stats.kendalltau(OLD, NEW)[0]) < 1e-9
    assert abs(row["mean_abs_diff"] - 4 / 6) < 1e-9
    assert abs(row["shift"] - (sum(NEW) - sum(OLD)) / 6) < 1e-9
    assert "judge_1to5" in proc.stdout and "pearson" in proc.stdout
    after = {i: r["value"] for i, r in read_scores(run, "judge_1to5").items()}
    assert after == before  # stored scores untouched
