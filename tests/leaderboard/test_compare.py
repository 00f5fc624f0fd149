"""Comparing two models of a board; the charts' data; exports."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from eval_mm.gate.bootstrap import paired_mean
from eval_mm.leaderboard.charts import Point, pareto_front, radar_points
from eval_mm.leaderboard.compare import compare, disagreements
from eval_mm.leaderboard.export import latex_escape, to_csv, to_latex, to_markdown, view_frame
from eval_mm.leaderboard.local import local_boards
from eval_mm.leaderboard.runs import load_runs
from eval_mm.leaderboard.synthetic import FakeMetric, write_run
from eval_mm.leaderboard.table import ViewOptions, build_view

from .conftest import scored_run

A = [1.0, 0.0, 1.0, 1.0, 0.0, 1.0, 0.0, 1.0, None, 1.0]
B = [1.0, 1.0, 1.0, 1.0, 0.0, 1.0, 1.0, 1.0, 1.0, 0.0]


def test_paired_difference_uses_the_gate_bootstrap(tmp_path: Path) -> None:
    scored_run(tmp_path, "a", "jmmmu", "jmmmu_acc", A, config="cfg-a")
    scored_run(tmp_path, "b", "jmmmu", "jmmmu_acc", B, config="cfg-b")
    write_run(tmp_path, "a", "japanese-heron-bench", {"heron_rel": FakeMetric(60.0)},
              config="cfg-h")
    (board,) = local_boards(load_runs(tmp_path).runs)[0]
    diffs = {d.column.task: d for d in compare(board, tmp_path, "a", "b")}
    d = diffs["jmmmu"]
    paired = [i for i in range(10) if A[i] is not None]
    want = paired_mean(np.array([A[i] for i in paired]), np.array([B[i] for i in paired]),
                       100.0, 2000, 0)
    assert d.delta == want.delta and d.ci == (want.low, want.high)
    assert d.paired == 9 and d.disagree == 3 and "1 samples left out" in d.note
    assert diffs["japanese-heron-bench"].delta is None  # only model a has it
    listed = disagreements(tmp_path, d.a, d.b, "jmmmu_acc")  # type: ignore[arg-type]
    assert [s.id for s in listed] == ["s-001", "s-006", "s-009", "s-008"]
    assert (listed[-1].a, listed[-1].b) == (None, 1.0)  # unscored in a: listed last


def test_questions_on_one_image_resample_together(tmp_path: Path) -> None:
    # JA-VG-VQA-500 asks several questions per image: the interval is the gate's clustered one
    images = [{"image_id": f"img{i // 3}"} for i in range(10)]  # 4 images
    scored_run(tmp_path, "a", "ja-vg-vqa-500", "rougel", A, config="cfg-a", metadata=images)
    scored_run(tmp_path, "b", "ja-vg-vqa-500", "rougel", B, config="cfg-b", metadata=images)
    (board,) = local_boards(load_runs(tmp_path).runs)[0]
    (d,) = compare(board, tmp_path, "a", "b")
    paired = [i for i in range(10) if A[i] is not None]
    arrays = np.array([A[i] for i in paired]), np.array([B[i] for i in paired])
    want = paired_mean(*arrays, 100.0, 2000, 0, clusters=[f"img{i // 3}" for i in paired])
    naive = paired_mean(*arrays, 100.0, 2000, 0)
    assert d.ci == (want.low, want.high) and "in 4 clusters (image_id)" in d.note
    assert d.ci != (naive.low, naive.high)


def test_a_headline_that_is_not_a_sample_mean_gets_no_interval(tmp_path: Path) -> None:
    scored_run(tmp_path, "a", "jmmmu", "jmmmu_acc", A, config="cfg-a")
    run = scored_run(tmp_path, "b", "jmmmu", "jmmmu_acc", B, config="cfg-b")
    summary = run / "summary.json"
    summary.write_text(summary.read_text().replace('"value": 80.0', '"value": 77.0'))
    (board,) = local_boards(load_runs(tmp_path).runs)[0]
    (d,) = compare(board, tmp_path, "a", "b")
    assert d.ci is None and "not a per-sample mean" in d.note
    assert d.delta is not None and abs(d.delta - (77.0 - 600 / 9)) < 1e-9


def test_pareto_front() -> None:
    pts = [Point("s", 1, 50), Point("m", 7, 60), Point("m2", 7, 55), Point("l", 70, 58),
           Point("xl", 72, 80)]
    assert [p.model for p in pareto_front(pts)] == ["s", "m", "xl"]


def test_radar_polygons_close() -> None:
    rows = radar_points({"m": {"a": 100.0, "b": 50.0}}, ["a", "b", "c"])
    assert len(rows) == 4 and rows[0]["y"] == 100.0 and rows[-1]["task"] == "a"
    assert rows[2]["value"] is None and rows[2]["x"] == 0.0  # missing drawn at the centre


def test_exports_of_a_view(store: Path) -> None:
    boards = local_boards(load_runs(store).runs)[0]
    view = build_view(next(b for b in boards if "gpt-4o" in b.title), ViewOptions())
    csv = to_csv(view_frame(view, full=True))
    assert csv.splitlines()[0].startswith("Rank,Model,Params (B),")
    assert "WordOCR (exact_match_nfkc) CI low" in csv and "87.5" in csv
    md = to_markdown(view_frame(view))
    assert "| 87.50" in md and "| 62.50" in md
    tex = to_latex(view_frame(view))
    assert tex.startswith("\\begin{tabular}") and "exact\\_match\\_nfkc" in tex
    assert latex_escape("a_b & 100% {x}") == "a\\_b \\& 100\\% \\{x\\}"
