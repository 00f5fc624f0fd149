"""The CLI end to end, in a subprocess, on the offline ja-word-ocr task."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from eval_mm.store import read_jsonl, read_scores
from tests.conftest import run_cli

SMALL = ["--task-option", "per_variant=4"]


def only_run(root: Path) -> Path:
    runs = sorted(p.parent for p in root.rglob("run.json"))
    assert len(runs) == 1, runs
    return runs[0]


@pytest.fixture(scope="module")
def oracle_run(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("results")
    proc = run_cli("run", "--model", "oracle", "--task", "word-ocr", *SMALL, "-o", str(out))
    assert proc.returncode == 0, proc.stderr
    return only_run(out)


def test_oracle_reaches_the_maximum_and_the_table_is_printed(tmp_path: Path) -> None:
    proc = run_cli("run", "--model", "oracle", "--task", "ja-word-ocr", *SMALL, "-o", str(tmp_path))
    assert proc.returncode == 0, proc.stderr
    assert "exact_match_nfkc *  100.00" in proc.stdout
    for variant in ("small", "large", "random"):
        assert any(
            line.startswith(variant) and "100.00" in line for line in proc.stdout.splitlines()
        )
    summary = json.loads((only_run(tmp_path) / "summary.json").read_text(encoding="utf-8"))
    assert summary["metrics"]["anls"]["value"] == pytest.approx(100.0)
    assert summary["metrics"]["anls"]["n"] == 12


def test_run_card_records_how_the_result_was_made(oracle_run: Path) -> None:
    card = json.loads((oracle_run / "run.json").read_text(encoding="utf-8"))
    assert card["status"] == "complete"
    assert card["harness"]["version"] and "git_commit" in card["harness"]
    assert card["task"]["id"] == "ja-word-ocr" and card["task"]["version"] == "1"
    assert len(card["task"]["prompt_hash"]) == 64
    assert card["task"]["data"]["source"] == "generated" and card["task"]["data"]["seed"] == 0
    assert card["model"]["id"] == "oracle" and card["model"]["debug"] is True
    assert card["generation"]["max_new_tokens"] == 1024 and card["generation"]["temperature"] == 0.0
    assert {s["id"] for s in card["scorers"]} == {"exact_match_nfkc", "anls"}
    assert all(s["version"] for s in card["scorers"])
    assert card["seeds"] == {"bootstrap": 0, "generation": 0, "limit": 0}
    assert card["counts"] == {
        "samples": 12,
        "resumed": 0,
        "reused_from_other_runs": 0,
        "generated_now": 12,
        "retried": 0,
        "errors": 0,
        "transient_errors": 0,
        "missing": 0,
        "truncated": 0,
        "no_final_answer": 0,
    }
    assert card["generation_budget_source"] == "default"
    assert card["timings"]["generate_s"] >= 0 and card["timings"]["score_s"] >= 0
    assert len(card["selection"]["sample_ids_sha256"]) == 64
    # The identity the folder is named by, documented in docs/identity.md.
    ident = card["identity"]
    assert set(ident) == {
        "task", "task_version", "prompt_variant", "task_options", "samples", "n_samples",
        "model", "libraries", "generation", "shard",
    }
    assert ident["n_samples"] == 12 and ident["model"]["backend"] == "oracle"
    assert card["config_id"] == "cfg-" + oracle_run.name.removeprefix("cfg-")
    (first,) = card["invocations"]
    assert first["command"] == "run" and first["status"] == "complete" and first["generated"] == 12
    assert set(first["scored"]) == {"exact_match_nfkc", "anls"}


def test_samples_and_images_are_stored(oracle_run: Path) -> None:
    samples = read_jsonl(oracle_run / "samples.jsonl")
    assert [s["id"] for s in samples][:2] == ["small-00000", "small-00001"]
    for s in samples:
        assert all((oracle_run / p).is_file() for p in s["images"])
        assert s["messages"][0]["content"][0] == {"type": "image"}


def test_show_prints_the_summary(oracle_run: Path) -> None:
    proc = run_cli("show", str(oracle_run))
    assert proc.returncode == 0 and "exact_match_nfkc" in proc.stdout and "variant" in proc.stdout


def test_rescoring_adds_a_metric_without_regenerating(oracle_run: Path) -> None:
    before = (oracle_run / "predictions.jsonl").read_bytes()
    proc = run_cli("score", str(oracle_run), "--metrics", "nls")
    assert proc.returncode == 0, proc.stderr
    assert (oracle_run / "predictions.jsonl").read_bytes() == before
    summary = json.loads((oracle_run / "summary.json").read_text(encoding="utf-8"))
    assert set(summary["metrics"]) == {"exact_match_nfkc", "anls", "nls"}  # others kept
    assert read_scores(oracle_run, "nls")  # the new metric's scores are stored and reported


def test_rescoring_sees_edited_predictions(tmp_path: Path) -> None:
    proc = run_cli("run", "--model", "oracle", "--task", "word-ocr", *SMALL, "-o", str(tmp_path))
    assert proc.returncode == 0
    run = only_run(tmp_path)
    preds = read_jsonl(run / "predictions.jsonl")
    preds[0]["output"] = "全然違う"
    (run / "predictions.jsonl").write_text(
        "".join(json.dumps(p, ensure_ascii=False) + "\n" for p in preds), encoding="utf-8"
    )
    proc = run_cli("score", str(run), "--rescore")
    assert proc.returncode == 0, proc.stderr
    summary = json.loads((run / "summary.json").read_text(encoding="utf-8"))
    assert summary["metrics"]["exact_match_nfkc"]["value"] == pytest.approx(100 * 11 / 12)


def test_limit_is_a_deterministic_subset(tmp_path: Path) -> None:
    ids = []
    for out in ("a", "b"):
        proc = run_cli(
            "run",
            "-m",
            "oracle",
            "-t",
            "word-ocr",
            *SMALL,
            "--limit",
            "5",
            "--no-save-images",
            "-o",
            str(tmp_path / out),
        )
        assert proc.returncode == 0, proc.stderr
        ids.append([r["id"] for r in read_jsonl(only_run(tmp_path / out) / "predictions.jsonl")])
    assert ids[0] == ids[1] and len(ids[0]) == 5


def test_user_errors_are_short_and_exit_2(tmp_path: Path) -> None:
    proc = run_cli("run", "--model", "oracle", "--task", "ja-wrd-ocr", "-o", str(tmp_path))
    assert proc.returncode == 2
    assert "Did you mean: ja-word-ocr" in proc.stderr and "Traceback" not in proc.stderr
    proc = run_cli("run", "--model", "tesserac", "--task", "word-ocr", "-o", str(tmp_path))
    assert proc.returncode == 2 and "tesseract" in proc.stderr and "Traceback" not in proc.stderr
    proc = run_cli("show", str(tmp_path / "nothing"))
    assert proc.returncode == 2 and "Traceback" not in proc.stderr
    proc = run_cli("run", "--model", "oracle")
    assert proc.returncode == 2 and "--task" in proc.stderr


def test_failed_samples_are_recorded_and_fail_the_run_past_the_threshold(tmp_path: Path) -> None:
    # Model option `fail_ids` makes the debugging oracle raise on chosen samples.
    args = [
        "run",
        "-m",
        "oracle",
        "-t",
        "word-ocr",
        *SMALL,
        "--no-save-images",
        "-o",
        str(tmp_path),
        "--model-option",
        'fail_ids=["small-00001","large-00002"]',
    ]
    proc = run_cli(*args, "--max-error-share", "0.5")
    assert proc.returncode == 0, proc.stderr
    run = only_run(tmp_path)
    errors = {r["id"]: r["error"] for r in read_jsonl(run / "predictions.jsonl") if r["error"]}
    assert set(errors) == {"small-00001", "large-00002"}
    assert all("RuntimeError" in e for e in errors.values())
    summary = json.loads((run / "summary.json").read_text(encoding="utf-8"))
    em = summary["metrics"]["exact_match_nfkc"]
    assert em["n"] == 10 and em["unscored"] == 2 and em["value"] == pytest.approx(100.0)
    assert em["unscored_reasons"] == {"generation_error": 2}
    proc = run_cli(*args, "--max-error-share", "0.1")
    assert proc.returncode == 1 and "2 of 12 samples failed" in proc.stderr


def test_help_reads_well() -> None:
    proc = run_cli("run", "--help")
    assert proc.returncode == 0
    for flag in (
        "--limit",
        "--output-dir",
        "--batch-size",
        "--max-new-tokens",
        "--overwrite",
        "--no-judge",
    ):
        assert flag in proc.stdout


def test_tesseract_reads_large_generated_words(tmp_path: Path) -> None:
    proc = run_cli(
        "run",
        "-m",
        "tesseract",
        "-t",
        "word-ocr",
        "--task-option",
        "per_variant=6",
        "--task-option",
        "variants=large",
        "--no-save-images",
        "-o",
        str(tmp_path),
    )
    assert proc.returncode == 0, proc.stderr
    summary = json.loads((only_run(tmp_path) / "summary.json").read_text(encoding="utf-8"))
    card = json.loads((only_run(tmp_path) / "run.json").read_text(encoding="utf-8"))
    assert card["model"]["revision"].startswith("5.")
    # Clean 21-27 px text in one font: a classical OCR engine reads most of it.
    assert summary["metrics"]["anls"]["value"] >= 60


def test_an_internal_error_in_the_gate_is_never_read_as_a_regression(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import eval_mm.cli.gate
    from eval_mm.cli.main import main

    def boom(args: object) -> int:
        raise RuntimeError("a bug")

    monkeypatch.setattr(eval_mm.cli.gate, "cmd_gate", boom)
    # Not 0 / 1 / 3 (verdicts), nor 2 (inputs that cannot be compared): 4, a bug.
    assert main(["gate", "-b", str(tmp_path), "-c", str(tmp_path)]) == 4
    assert "internal error" in capsys.readouterr().err
