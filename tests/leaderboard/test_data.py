"""Reading the result store: runs, per-sample files, the protocol of a number, the index."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from eval_mm.leaderboard import index as index_mod
from eval_mm.leaderboard.index import StoreIndex
from eval_mm.leaderboard.protocol import column_protocol
from eval_mm.leaderboard.runfiles import read_records
from eval_mm.leaderboard.runs import load_runs
from eval_mm.leaderboard.samples import filter_samples, judge_runs, load_samples
from eval_mm.leaderboard.synthetic import FakeMetric, write_run

from .conftest import scored_run


def test_bad_and_half_written_runs_are_skipped_with_warnings(store: Path) -> None:
    loaded = load_runs(store)
    assert sorted({r.model_id for r in loaded.runs}) == ["acme/vlm-large", "acme/vlm-small",
                                                         "oracle"]
    text = "\n".join(loaded.warnings)
    assert "broken__model" in text and "unreadable summary.json" in text
    assert "half__model" in text and "no summary.json yet" in text


def test_non_numeric_metric_value_is_dropped_with_a_warning(store: Path) -> None:
    summary = store / "acme__vlm-large" / "ja-word-ocr" / "cfg-synthetic0" / "summary.json"
    summary.write_text(summary.read_text().replace('"value": 91.0', '"value": "NaN-ish"'))
    loaded = load_runs(store)
    large = next(r for r in loaded.runs if r.model_id == "acme/vlm-large"
                 and r.task_id == "ja-word-ocr")
    assert "anls" not in large.metrics and "exact_match_nfkc" in large.metrics
    assert any("non-numeric value" in w for w in loaded.warnings)


def test_protocol_of_a_judged_number_comes_from_the_card(store: Path) -> None:
    runs = {(r.model_id, r.task_id): r for r in load_runs(store).runs}
    p = column_protocol(runs[("acme/vlm-small", "japanese-heron-bench")], "heron_rel")
    assert (p.task_version, p.prompt_variant, p.metric_version) == ("1", "llmjp", "1")
    assert p.judge is not None and (p.judge.model, p.judge.runs, p.judge.prompt_version) == (
        "gpt-4o-2024-11-20", "5", "heron_llmjp_v2")
    assert p.board_key == ("default", "gpt-4o-2024-11-20", "5")
    other = column_protocol(runs[("acme/vlm-large", "japanese-heron-bench")], "heron_rel")
    assert other.board_key != p.board_key  # another judge: another board
    ocr = column_protocol(runs[("acme/vlm-small", "ja-word-ocr")], "anls")
    assert ocr.judge is None and ocr.board_key == ("default", None, None)


def test_subset_runs_are_recognised(tmp_path: Path) -> None:
    limited = write_run(tmp_path, "m", "japanese-heron-bench", {"heron_rel": FakeMetric(50.0)},
                        limit=20, config="cfg-a")
    small = write_run(tmp_path, "m", "jmmmu", {"jmmmu_acc": FakeMetric(50.0, n=3)},
                      config="cfg-b")
    card = json.loads((small / "run.json").read_text())
    card["task"]["data"] = {"source": "local", "rows": 3}
    (small / "run.json").write_text(json.dumps(card))
    full = write_run(tmp_path, "m", "cvqa-ja", {"cvqa_acc": FakeMetric(50.0, n=203)},
                     config="cfg-c")
    runs = {r.path: r for r in load_runs(tmp_path).runs}
    assert runs[limited].subset == "--limit 20, 10 of 103 samples"
    assert runs[small].subset == "3 of 1,320 samples (local --data copy)"
    assert runs[full].subset is None


def test_torn_line_and_utf8_cut_are_reported_and_the_rest_shown(tmp_path: Path) -> None:
    run = scored_run(tmp_path, "m", "jmmmu", "jmmmu_acc", [1.0, 0.0, 1.0, 1.0])
    preds = run / "predictions.jsonl"
    lines = preds.read_bytes().splitlines(keepends=True)
    cut = '{"id": "s-001", "output": "日本'.encode()[:-1] + b"\n"  # cut inside a character
    preds.write_bytes(lines[0] + cut + lines[2] + lines[3][:-9])  # and a torn last line
    got = read_records(preds)
    assert [r["id"] for r in got.records] == ["s-000", "s-002"]
    assert got.torn and got.invalid == [2]
    items, warnings = load_samples(run)
    assert len(items) == 4  # every sample still listed
    by_id = {s.id: s for s in items}
    assert by_id["s-000"].prediction == "A" and not by_id["s-001"].has_prediction
    text = " ".join(warnings)
    assert "last line is cut off" in text and "line 2" in text and "rerun" in text
    assert "2 sample(s) have no readable prediction" in text


def test_samples_join_predictions_scores_and_judge_runs(store: Path) -> None:
    run = store / "acme__vlm-small" / "ja-word-ocr" / "cfg-synthetic0"
    items, warnings = load_samples(run)
    assert not warnings
    by_id = {s.id: s for s in items}
    assert by_id["w-001"].prediction and "<script>" in by_id["w-001"].prediction
    assert by_id["w-003"].error == "RuntimeError: boom" and by_id["w-003"].failed
    assert by_id["w-001"].images and by_id["w-001"].images[0].is_file()
    assert [s.id for s in filter_samples(items, "exact_match_nfkc", 0.5, 1.0,
                                         include_unscored=False)] == ["w-002"]
    assert [s.id for s in filter_samples(items, search="大阪")] == ["w-002"]
    assert [s.id for s in filter_samples(items, failures_only=True)] == ["w-003"]
    heron = store / "acme__vlm-small" / "japanese-heron-bench" / "cfg-synthetic0"
    (h,), _ = load_samples(heron)
    runs = judge_runs(h.scores["heron_rel"]["details"])
    assert runs is not None and len(runs) == 5 and runs[2]["parsed"] == [8, 7]


def test_disagreement_filter_between_two_runs(store: Path) -> None:
    small, _ = load_samples(store / "acme__vlm-small" / "ja-word-ocr" / "cfg-synthetic0")
    large, _ = load_samples(store / "acme__vlm-large" / "ja-word-ocr" / "cfg-synthetic0")
    other = {s.id: s for s in large}
    # w-001: 0 vs 1, w-002: 1 vs 0, w-003: only in the small run.
    got = filter_samples(small, "exact_match_nfkc", other=other, disagreements=True)
    assert [s.id for s in got] == ["w-001", "w-002", "w-003"]
    same = {s.id: s for s in small}
    assert filter_samples(small, "exact_match_nfkc", other=same, disagreements=True) == []


def test_image_paths_cannot_escape_the_run(store: Path) -> None:
    run = store / "acme__vlm-large" / "ja-word-ocr" / "cfg-synthetic0"
    text = (run / "samples.jsonl").read_text(encoding="utf-8")
    (run / "samples.jsonl").write_text(text.replace("images/000000_0.png", "../../../secret.png"),
                                       encoding="utf-8")
    (store / "secret.png").write_bytes(b"x")
    items, _ = load_samples(run)
    assert items[0].images == []


def test_index_reuses_parsed_runs_and_rereads_only_what_changed(
        store: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    first = StoreIndex(store).current()
    assert len(first.runs) == 5
    calls: list[Path] = []
    real = index_mod.load_run

    def counting(folder: Path, root: Path) -> object:
        calls.append(folder)
        return real(folder, root)

    monkeypatch.setattr(index_mod, "load_run", counting)
    again = StoreIndex(store)  # a new process: from the cache file, nothing parsed
    assert again.current().key == first.key and calls == []
    assert again.refresh() is False and calls == []
    summary = store / "acme__vlm-large" / "ja-word-ocr" / "cfg-synthetic0" / "summary.json"
    summary.write_text(summary.read_text().replace('"value": 87.5', '"value": 88.5'))
    assert again.refresh() is True
    assert [p.name for p in calls] == ["cfg-synthetic0"] and "acme__vlm-large" in str(calls[0])
    board = next(b for b in again.current().boards if b.kind == "local")
    col = next(c for c in board.columns if c.startswith("ja-word-ocr|1|llmjp|exact_match"))
    assert board.cell("acme/vlm-large", col).value == 88.5  # type: ignore[union-attr]


def test_protocol_comes_from_the_scorer_fingerprint_the_summary_reports(tmp_path: Path) -> None:
    judge = {"model": "openai/gpt-oss-20b", "endpoint": "127.0.0.1:8000", "runs": 1,
             "mode": "single", "prompts": {"heron_rel": {"version": "heron_llmjp_v2"}}}
    run_dir = write_run(tmp_path, "m", "japanese-heron-bench",
                        {"heron_rel": FakeMetric(50.0, kind="judge", version="3")}, judge=judge)
    summary = json.loads((run_dir / "summary.json").read_text())
    assert summary["metrics"]["heron_rel"]["fingerprint"] in summary["scorers"]
    card = json.loads((run_dir / "run.json").read_text())
    card.pop("scorers")  # the fingerprint alone says what made the number
    (run_dir / "run.json").write_text(json.dumps(card))
    (run,) = load_runs(tmp_path).runs
    p = column_protocol(run, "heron_rel")
    assert p.metric_version == "3" and p.judge is not None
    assert p.judge.who == "openai/gpt-oss-20b at 127.0.0.1:8000"
    assert p.board_key == ("default", "openai/gpt-oss-20b at 127.0.0.1:8000", "1")


def test_scores_of_folders_written_before_fingerprints_are_still_read(tmp_path: Path) -> None:
    run = scored_run(tmp_path, "m", "jmmmu", "jmmmu_acc", [1.0, 0.0], fingerprints=False)
    assert (run / "scores" / "jmmmu_acc.jsonl").is_file()
    items, warnings = load_samples(run)
    assert not warnings and [s.value("jmmmu_acc") for s in items] == [1.0, 0.0]
    fp_run = scored_run(tmp_path, "n", "jmmmu", "jmmmu_acc", [0.0, 1.0])
    assert not (fp_run / "scores" / "jmmmu_acc.jsonl").exists()
    items, _ = load_samples(fp_run)
    assert [s.value("jmmmu_acc") for s in items] == [0.0, 1.0]
