"""The Streamlit app driven by streamlit.testing on a generated result store."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

import eval_mm.leaderboard as lb
from eval_mm.leaderboard.ui.state import RESULTS_ENV

from .conftest import SCRIPT_OUTPUT, scored_run

APP = str(Path(lb.__file__).resolve().parent / "app.py")


def start(store: Path, monkeypatch: pytest.MonkeyPatch, **query: str) -> AppTest:
    monkeypatch.setenv(RESULTS_ENV, str(store))
    at = AppTest.from_file(APP, default_timeout=60)
    for k, v in query.items():
        at.query_params[k] = v
    at.run()
    assert not at.exception, at.exception
    return at


def html(at: AppTest) -> str:
    return "\n".join(h.proto.body for h in at.get("html"))


def texts(at: AppTest) -> list[str]:
    return [t.value for t in at.text]


def test_overview_is_one_board_with_short_columns(store: Path,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    at = start(store, monkeypatch, board="local-default-gpt-4o-2024-11-20x5")
    page = html(at)
    assert '<div class="t">WordOCR</div>' in page and "exact_<wbr>match_<wbr>nfkc" in page
    assert "87.50" in page and "62.50" in page
    assert "snap-B" not in page  # a published snapshot is another board
    warnings = " ".join(w.value for w in at.warning) + " ".join(texts(at))
    assert "broken__model" in warnings and "half__model" in warnings
    assert len(at.get("download_button")) == 3
    at.selectbox(key="board").set_value("pub-snap-B").run()
    assert not at.exception
    page = html(at)
    assert "33.10" in page and "40.00" in page and "Paper X + Paper Y" in page
    assert at.query_params["board"] == "pub-snap-B"


def test_the_address_restores_the_view_and_the_filters(store: Path,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    at = start(store, monkeypatch, board="pub-snap-B", q="other", show="all,n")
    assert at.text_input(key="f_search").value == "other"
    assert at.toggle(key="f_on").value
    assert at.session_state["show"] == ["all", "n"]
    page = html(at)
    assert 'data-model="other/vlm"' in page and 'data-model="acme/vlm-small"' not in page
    at.selectbox(key="view").set_value("Sources").run()
    assert at.query_params["view"] == "sources" and at.query_params["q"] == "other"
    at.selectbox(key="view").set_value("Leaderboard").run()
    assert at.text_input(key="f_search").value == "other"  # kept across views


def test_ci_and_n_toggles(store: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    at = start(store, monkeypatch, board="local-default-gpt-4o-2024-11-20x5")
    at.session_state["show"] = ["n", "ci"]
    at.run()
    page = html(at)
    assert '<div class="sub">50.00–75.00</div>' in page and '<div class="sub">n=8</div>' in page


def test_sample_browser_shows_outputs_as_text(store: Path,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    at = start(store, monkeypatch, view="samples",
               run="acme__vlm-small/ja-word-ocr/cfg-synthetic0")
    assert SCRIPT_OUTPUT in texts(at)  # st.text: literally, never as HTML or markdown
    assert not any(SCRIPT_OUTPUT in m.value for m in at.markdown)
    assert "RuntimeError: boom" in texts(at)
    at.text_input(key="s_search").input("大阪").run()
    assert "Sample w-002" in texts(at) and "Sample w-001" not in texts(at)


def test_side_by_side_with_disagreement_and_failure_filters(
        store: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    at = start(store, monkeypatch, view="samples",
               run="acme__vlm-small/ja-word-ocr/cfg-synthetic0",
               vs="acme__vlm-large/ja-word-ocr/cfg-synthetic0", metric="exact_match_nfkc",
               disagree="1")
    shown = [t for t in texts(at) if t.startswith("Sample ")]
    assert shown == ["Sample w-001", "Sample w-002", "Sample w-003"]
    at.toggle(key="s_disagree").set_value(False).run()
    at.toggle(key="s_fail").set_value(True).run()
    assert [t for t in texts(at) if t.startswith("Sample ")] == ["Sample w-003"]


def test_debugging_models_are_described_by_their_own_card(
        store: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    card_path = store / "oracle" / "ja-word-ocr" / "cfg-synthetic0" / "run.json"
    card = json.loads(card_path.read_text())
    card["model"].update(id="echo-prompt", note="debugging model: repeats the prompt")
    card_path.write_text(json.dumps(card))
    at = start(store, monkeypatch, view="samples", run="oracle/ja-word-ocr/cfg-synthetic0")
    (warning,) = [w.value for w in at.warning if "Debugging model" in w.value]
    assert "it repeats the prompt" in warning and "reference" not in warning


def test_torn_predictions_show_a_warning_and_the_rest(tmp_path: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    run = scored_run(tmp_path / "results", "m", "jmmmu", "jmmmu_acc", [1.0, 0.0, 1.0])
    preds = run / "predictions.jsonl"
    preds.write_bytes(preds.read_bytes()[:-20] + "日本".encode()[:4])  # cut mid-character
    at = start(tmp_path / "results", monkeypatch, view="samples", run=str(run.relative_to(
        tmp_path / "results")))
    assert any("last line is cut off" in w.value for w in at.warning)
    assert [t for t in texts(at) if t.startswith("Sample ")] == [
        "Sample s-000", "Sample s-001", "Sample s-002"]
    assert "(no prediction stored)" in texts(at)


def test_compare_pareto_task_and_sources_views(store: Path,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    at = start(store, monkeypatch, view="compare", board="local-default-gpt-4o-2024-11-20x5",
               a="acme/vlm-small", b="acme/vlm-large")
    page = html(at)
    assert "B − A" in page and "+25.00" in page  # exact_match 87.5 - 62.5
    at.selectbox(key="view").set_value("Task details").run()
    assert not at.exception
    at.selectbox(key="task_task").set_value("japanese-heron-bench").run()
    assert not at.exception and any(d.value.shape == (1, 2) for d in at.dataframe)
    at.selectbox(key="view").set_value("Score vs size").run()
    assert not at.exception
    at.selectbox(key="view").set_value("Run card").run()
    assert not at.exception and "harness" in at.json[0].value
    at.selectbox(key="view").set_value("Sources").run()
    assert not at.exception and "Paper X + Paper Y" in html(at)


def test_a_long_board_comes_in_pages(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from eval_mm.leaderboard.synthetic import board_store

    board_store(tmp_path / "results", 60, 2)
    at = start(tmp_path / "results", monkeypatch)
    assert html(at).count('<td class="rank">') == 25
    assert at.selectbox(key="page").options == ["1–25", "26–50", "51–60", "all 60"]
    at.selectbox(key="page").set_value(2).run()
    page = html(at)
    assert page.count('<td class="rank">') == 10 and '<td class="rank">51</td>' in page
    assert at.query_params["page"] == "2"
    at.selectbox(key="page").set_value(-1).run()
    assert html(at).count('<td class="rank">') == 60
