"""Boards by protocol, published snapshots with their provenance, and the board view."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from eval_mm.leaderboard.boards import Board
from eval_mm.leaderboard.htmltable import render
from eval_mm.leaderboard.local import local_boards
from eval_mm.leaderboard.reference import (
    default_reference_dirs,
    load_reference,
    load_sources,
    published_boards,
)
from eval_mm.leaderboard.runs import load_runs
from eval_mm.leaderboard.synthetic import FakeMetric, board_store, write_run
from eval_mm.leaderboard.table import (
    AVERAGE,
    ViewOptions,
    build_view,
    competition_rank,
    describe_average,
)
from eval_mm.leaderboard.taskinfo import task_info

SHIPPED = Path(__file__).resolve().parents[2] / "results" / "reference"
SNAP_B = "llmjp-B-2025-03-27..2025-08-29"
SLIDE_B = "llmjp-B (1 dp, slide)"


def boards_of(root: Path) -> list[Board]:
    return local_boards(load_runs(root).runs)[0]


def shipped_boards() -> dict[str, Board]:
    ref, warnings = load_reference([SHIPPED])
    sources, src_warnings = load_sources([SHIPPED])
    assert not warnings and not src_warnings
    return {b.id: b for b in published_boards(ref, sources)}


def test_a_board_per_judge_with_the_string_metric_tasks_on_each(store: Path) -> None:
    boards = {b.title: b for b in boards_of(store)}
    assert set(boards) == {"Local runs · judge gpt-4o-2024-11-20 ×5",
                           "Local runs · judge gpt-4.1-2025-04-14 ×1"}
    a = boards["Local runs · judge gpt-4o-2024-11-20 ×5"]
    b = boards["Local runs · judge gpt-4.1-2025-04-14 ×1"]
    heron_a = [c for c in a.columns.values() if c.task == "japanese-heron-bench"]
    heron_b = [c for c in b.columns.values() if c.task == "japanese-heron-bench"]
    assert [a.cell(m, heron_a[0].key).value for m in ("acme/vlm-small",)] == [55.5]
    assert a.cell("acme/vlm-large", heron_a[0].key) is None  # judged by the other judge
    assert b.cell("acme/vlm-large", heron_b[0].key).value == 70.0  # type: ignore[union-attr]
    for board in (a, b):  # string metrics need no judge: on both boards
        ocr = next(c for c in board.columns.values() if c.metric == "exact_match_nfkc")
        assert board.cell("acme/vlm-large", ocr.key).value == 87.5  # type: ignore[union-attr]
        assert ocr.short == "WordOCR" and ocr.primary
    assert dict(a.protocol)["Judge prompts"] == "heron_llmjp_v2 (Heron)"


def test_a_complete_run_wins_over_a_subset_of_the_same_cell(tmp_path: Path) -> None:
    write_run(tmp_path, "m", "jmmmu", {"jmmmu_acc": FakeMetric(40.0, n=1320)}, config="cfg-full",
              updated="2025-01-01T00:00:00+00:00")
    write_run(tmp_path, "m", "jmmmu", {"jmmmu_acc": FakeMetric(90.0, n=20)}, limit=20,
              config="cfg-lim", updated="2025-06-01T00:00:00+00:00")
    write_run(tmp_path, "n", "jmmmu", {"jmmmu_acc": FakeMetric(70.0, n=20)}, limit=20,
              config="cfg-lim")
    boards, warnings = local_boards(load_runs(tmp_path).runs)
    (board,) = boards
    (col,) = board.columns
    assert board.cell("m", col).value == 40.0 and board.cell("m", col).subset is None  # type: ignore[union-attr]
    assert board.cell("n", col).subset == "--limit 20, 20 of 1,320 samples"  # type: ignore[union-attr]
    assert any("cfg-lim is hidden by" in w for w in warnings)


def test_runs_of_one_model_in_two_prompt_layouts_are_two_labelled_rows(tmp_path: Path) -> None:
    """Asagi's model-card layout and the reference's indented one make different numbers:
    each run is its own row, named with its layout; the default chat template adds no label."""
    jmmmu = {"jmmmu_acc": FakeMetric(40.0, n=1320)}
    write_run(tmp_path, "asagi-14b", "jmmmu", jmmmu, config="cfg-card",  # transformers card
              model_card={"hf_id": "MIL-UT/Asagi-14B", "settings": {"prompt_format": "asagi"}})
    write_run(tmp_path, "asagi-14b", "jmmmu", {"jmmmu_acc": FakeMetric(47.0, n=1320)},
              config="cfg-llmjp", updated="2025-06-01T00:00:00+00:00",  # vLLM card
              model_card={"prompt_format": "asagi-llmjp",
                          "settings": {"prompt_format": "asagi-llmjp"}})
    write_run(tmp_path, "qwen2.5-vl-7b", "jmmmu", jmmmu, config="cfg-q",
              model_card={"settings": {"prompt_format": "chat_template"}})
    boards, warnings = local_boards(load_runs(tmp_path).runs)
    (board,) = boards
    (col,) = board.columns
    assert not warnings  # nothing hidden: the two Asagi runs do not share a cell
    rows = {m.key: m for m in board.models.values()}
    assert set(rows) == {"MIL-UT/Asagi-14B · layout asagi", "MIL-UT/Asagi-14B · layout asagi-llmjp",
                         "Qwen/Qwen2.5-VL-7B-Instruct"}
    assert board.cell("MIL-UT/Asagi-14B · layout asagi", col).value == 40.0  # type: ignore[union-attr]
    assert board.cell("MIL-UT/Asagi-14B · layout asagi-llmjp", col).value == 47.0  # type: ignore[union-attr]
    assert rows["MIL-UT/Asagi-14B · layout asagi-llmjp"].name == "Asagi-14B · layout asagi-llmjp"
    assert rows["Qwen/Qwen2.5-VL-7B-Instruct"].name == "Qwen2.5-VL-7B-Instruct"
    html = render(build_view(board, ViewOptions()))
    assert "Asagi-14B · layout asagi-llmjp" in html and "prompt layout: asagi-llmjp" in html
    assert "layout chat_template" not in html


def test_snapshot_b_board_merges_its_rounded_copy() -> None:
    boards = shipped_boards()
    board = boards["pub-llmjp-B-2025-03-27..2025-08-29"]
    assert not any(b.title.startswith("snapshot B, rounded copy") for b in boards.values())
    with open(SHIPPED / "reference_results.csv", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    exact = {(r["model"], f"{r['task']}|{r['metric']}"): r["value"] for r in rows
             if r["snapshot"] == SNAP_B}
    rounded = {(r["model"], f"{r['task']}|{r['metric']}"): r["value"] for r in rows
               if r["snapshot"] == SLIDE_B}
    assert len(exact) == 89 and set(exact) <= set(rounded)
    assert set(board.cells) == set(rounded)  # 25 models x 17 columns less the slide's gaps
    for key, cell in board.cells.items():
        if key in exact:
            assert (cell.text, cell.rounded) == (exact[key], False)
        else:
            assert (cell.text, cell.rounded) == (rounded[key], True)
            assert cell.notes[0] == "from snapshot B, rounded copy (LLM-jp slides, 1 decimal)"
    protocol = dict(board.protocol)
    assert "gpt-4o-2024-11-20" in protocol["Judge"] and "heron_llmjp_v2" in protocol[
        "Judge prompt"]
    assert protocol["Rounded copy"].startswith("326 cells")


def test_every_published_column_has_provenance() -> None:
    sources, _ = load_sources([SHIPPED])
    ref, _ = load_reference([SHIPPED])
    assert {r["snapshot"] for r in ref} <= set(sources)
    for board in shipped_boards().values():
        protocol = dict(board.protocol)
        assert protocol["Source"] and "Judge" in protocol, board.id
        for col in board.columns.values():
            assert col.details[0].startswith(f"task {col.task}, metric {col.metric}")
            assert col.details[1].startswith("judge: ")
        assert sum(c.primary for c in board.columns.values()) == len(
            {c.task for c in board.columns.values()})


def test_snapshot_a_and_d_protocols_are_stated() -> None:
    boards = shipped_boards()
    a = dict(boards["pub-llmjp-A-2025-01-19"].protocol)
    assert "gpt-4o-2024-05-13" in a["Judge"] and "heron_original_v1" in a["Judge prompt"]
    d = boards["pub-llmjp-D-2026-04"]
    assert "unrecorded (gpt-oss-20b inferred" in dict(d.protocol)["Judge"]
    assert len(d.models) == 49 and len(d.cells) == 990
    heron = d.cell("Qwen/Qwen2.5-VL-72B-Instruct", "japanese-heron-bench|heron_rel_legacy")
    assert heron is not None and heron.text == "70.96"
    assert any("leaderboard.md prints 71.0" in n for n in heron.notes)


def test_task_ids_without_a_plugin_keep_a_short_name() -> None:
    assert task_info("realworldqa").short == "RealWorldQA"
    assert not task_info("realworldqa").installed
    assert task_info("some-future-task").short == "some-future-task"
    assert task_info("japanese-heron-bench").short == "Heron"
    cols = [c for c in shipped_boards()["pub-llmjp-D-2026-04"].columns.values()
            if c.task in ("docvqa", "jawildtext-board-vqa")]
    assert sorted(c.short for c in cols) == ["DocVQA", "JWTxt-Board"]


def test_same_number_cited_twice_is_one_cell_conflicts_are_warned(tmp_path: Path) -> None:
    (tmp_path / "r.csv").write_text(
        "source,snapshot,judge,model,task,metric,value,scale,note\n"
        "P,s,none,m,jmmmu,jmmmu_acc_legacy,33.10,0-100,a\n"
        "Q,s,none,m,jmmmu,jmmmu_acc_legacy,33.10,0-100,a\n"
        "P,s,none,n,jmmmu,jmmmu_acc_legacy,40.0,0-100,a\n"
        "Q,s,none,n,jmmmu,jmmmu_acc_legacy,41.0,0-100,a\n", encoding="utf-8")
    ref, _ = load_reference([tmp_path])
    (board,) = published_boards(ref, {})
    assert board.cell("m", "jmmmu|jmmmu_acc_legacy").text == "33.10"  # type: ignore[union-attr]
    assert any("two different values" in w for w in board.warnings)
    assert dict(board.protocol)["Source"] == "P + Q"


def test_primary_metrics_by_default_all_on_request(tmp_path: Path) -> None:
    board_store(tmp_path, 4, 3)
    (board,) = boards_of(tmp_path)
    primary = build_view(board, ViewOptions())
    assert [c.metric for c in primary.columns] == ["heron_rel", "judge_1to5", "judge_1to5"]
    every = build_view(board, ViewOptions(all_metrics=True))
    assert len(every.columns) == 6


def test_average_only_over_columns_every_shown_row_has(tmp_path: Path) -> None:
    for model, values in (("a", (80.0, 60.0, 50.0)), ("b", (70.0, 40.0, None))):
        for task, v in zip(("jmmmu", "cvqa-ja", "jic-vqa"), values, strict=True):
            if v is not None:
                metric = {"jmmmu": "jmmmu_acc", "cvqa-ja": "cvqa_acc", "jic-vqa": "jic_acc"}[task]
                write_run(tmp_path, model, task, {metric: FakeMetric(v)}, config=f"c-{model}")
    (board,) = boards_of(tmp_path)
    view = build_view(board, ViewOptions())
    assert [c.short for c in view.average_columns] == ["CVQA", "JMMMU"]
    assert view.average == {"a": 70.0, "b": 55.0}
    assert [m.key for m in view.models] == ["a", "b"] and view.rank == {"a": 1, "b": 2}
    text = describe_average(view)
    assert "2 columns" in text and "JIC jic_acc (missing for 1 of 2 shown models)" in text
    only_a = build_view(board, ViewOptions(search="a"))
    assert len(only_a.average_columns) == 3  # the filter changes which columns qualify
    by_jic = build_view(board, ViewOptions(sort=next(c for c in board.columns
                                                     if c.startswith("jic-vqa"))))
    assert by_jic.rank == {"a": 1} and by_jic.sort != AVERAGE


def test_competition_rank_shares_ties() -> None:
    assert competition_rank({"a": 3.0, "b": 2.0, "c": 2.0, "d": 1.0}) == {
        "a": 1, "b": 2, "c": 2, "d": 4}


def test_size_and_type_filters_use_model_metadata() -> None:
    board = shipped_boards()["pub-llmjp-B-2025-03-27..2025-08-29"]
    small = build_view(board, ViewOptions(size=(0.0, 10.0), include_unknown_size=False))
    assert small.models and all(m.info.params_b is not None and m.info.params_b <= 10
                                for m in small.models)
    assert "Qwen/Qwen2.5-VL-7B-Instruct" in {m.key for m in small.models}
    api = build_view(board, ViewOptions(access=frozenset({"api"})))
    assert [m.key for m in api.models] == ["gpt-4o-2024-11-20"]


def test_best_values_exclude_debugging_models(store: Path) -> None:
    board = next(b for b in boards_of(store) if "gpt-4o" in b.title)
    view = build_view(board, ViewOptions())
    col = next(c.key for c in view.columns if c.metric == "exact_match_nfkc")
    assert view.best[col] == (87.5, 62.5)  # the oracle's 100 is not "best"
    hidden = build_view(board, ViewOptions(show_debug=False))
    assert "oracle" not in {m.key for m in hidden.models}


def test_shipped_reference_files_match_the_spec() -> None:
    spec = Path("/work/shared/spec")
    if not spec.is_dir():
        pytest.skip("specification folder not present")
    for name in ("reference_results.csv", "reference_results_2026.csv"):
        assert (SHIPPED / name).read_bytes() == (spec / name).read_bytes()


def test_reference_dirs_prefer_the_results_folder(tmp_path: Path) -> None:
    assert default_reference_dirs(tmp_path) == [SHIPPED]
    (tmp_path / "reference").mkdir()
    assert default_reference_dirs(tmp_path) == [tmp_path / "reference"]
    (tmp_path / "reference" / "sources.json").write_text(json.dumps({"s": {"title": "T"}}))
    assert load_sources([tmp_path / "reference"])[0] == {"s": {"title": "T"}}


def test_jawildtext_overall_only_with_all_three_tasks(tmp_path: Path) -> None:
    from eval_mm.leaderboard.synthetic import BOARD_JUDGE

    parts = {
        "jawildtext-handwriting-ocr": ("jwt_cer_sim", {"a": 60.0, "b": 50.0}),
        "jawildtext-receipt-kie": ("jwt_kie_f1", {"a": 30.0, "b": 40.0}),
        "jawildtext-board-vqa": ("jwt_board_acc", {"a": 45.0}),  # model b lacks the board task
    }
    for task, (metric, values) in parts.items():
        kind = "judge" if metric == "jwt_board_acc" else "accuracy"
        for model, v in values.items():
            write_run(tmp_path, model, task, {metric: FakeMetric(v, kind=kind)},
                      primary=metric, judge=BOARD_JUDGE if kind == "judge" else None,
                      config=f"c-{model}-{task}")
    (board,) = boards_of(tmp_path)
    (overall,) = [c for c in board.columns.values() if c.metric == "jwt_overall"]
    assert overall.short == "JaWildText" and not overall.primary  # the average counts it never
    assert board.cell("a", overall.key).value == pytest.approx(45.0)  # type: ignore[union-attr]
    assert board.cell("b", overall.key) is None  # never from two of the three
