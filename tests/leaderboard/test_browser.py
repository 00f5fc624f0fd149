"""The leaderboard in a real headless Chromium (Debian package), served on 127.0.0.1 by
`eval-mm leaderboard`: one server and one browser for the whole module."""

from __future__ import annotations

import csv
import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from eval_mm.leaderboard.synthetic import FakeMetric, FakeSample, board_store, write_run
from eval_mm.store import slugify

from .browser import CHROMIUM, chromium, serve
from .conftest import SCRIPT_OUTPUT, scored_run

pytestmark = [pytest.mark.browser, pytest.mark.slow]

if not Path(CHROMIUM).exists():  # CI installs it; say so loudly rather than pass
    pytest.fail(f"Chromium not found at {CHROMIUM}; install the Debian package 'chromium'",
                pytrace=False)

LOCAL = "local-default-gpt-4o-2024-11-20x5"
SNAP_B = "llmjp-B-2025-03-27..2025-08-29"
A, B = "Qwen/Qwen2.5-VL-7B-Instruct", "google/gemma-3-12b-it"
EVIL = "evil/<img src=x onerror=alert(1)>"
REFERENCE = Path(__file__).resolve().parents[2] / "results" / "reference"
# Every task header and its first cell, and whether it lies inside the window.
VISIBLE_COLUMNS_JS = """() => {
  const out = [];
  for (const th of document.querySelectorAll('table.lb thead th[data-col]')) {
    const col = th.dataset.col;
    if (col === 'avg') continue;
    const td = document.querySelector(`table.lb tbody td[data-col="${CSS.escape(col)}"]`);
    const r = th.getBoundingClientRect();
    out.push({col, right: r.right, text: td ? td.innerText.trim() : ''});
  }
  return out;
}"""
CELLS_JS = """() => Array.from(document.querySelectorAll('table.lb tbody td[data-col]'))
  .filter(td => td.dataset.col !== 'avg' && !td.classList.contains('na'))
  .map(td => [td.dataset.model, td.dataset.col, td.querySelector('.v').innerText])"""


@pytest.fixture(scope="module")
def shots(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = Path(os.environ.get("EVAL_MM_SCREENSHOTS") or tmp_path_factory.mktemp("screenshots"))
    out.mkdir(parents=True, exist_ok=True)
    print(f"\nscreenshots: {out}")
    return out


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Any, Path]]:
    """A 20-model board of 9 tasks, two models with per-sample scores on a tenth task (one
    of them with a torn predictions file), a model named with markup."""
    tmp = tmp_path_factory.mktemp("site")
    root = tmp / "results"
    board_store(root, 20, 9)
    values_a = [1.0 if i % 3 else 0.0 for i in range(60)]
    values_b = [1.0 if i % 4 else 0.0 for i in range(60)]
    scored_run(root, A, "ja-word-ocr", "exact_match_nfkc", values_a, config="cfg-ocr-a")
    torn = scored_run(root, B, "ja-word-ocr", "exact_match_nfkc", values_b, config="cfg-ocr-b")
    preds = torn / "predictions.jsonl"
    preds.write_bytes(preds.read_bytes()[:-30] + "日本".encode()[:4])
    write_run(root, EVIL, "jmmmu", {"jmmmu_acc": FakeMetric(12.5, n=1320)}, config="cfg-x",
              samples=[FakeSample("x-1", "質問", "A", SCRIPT_OUTPUT,
                                  scores={"jmmmu_acc": (0.0, None, {})})])
    env = os.environ.get("EVAL_MM_CACHE_DIR")
    os.environ["EVAL_MM_CACHE_DIR"] = str(tmp / "cache")
    try:
        with serve(root, tmp / "server.log") as url, chromium() as browser:
            yield url, browser, torn.relative_to(root)
    finally:
        if env is None:
            os.environ.pop("EVAL_MM_CACHE_DIR", None)
        else:
            os.environ["EVAL_MM_CACHE_DIR"] = env


def open_page(site: tuple[str, Any, Path], query: str, size: tuple[int, int] = (1280, 800),
              ready: str = "table.lb td") -> Any:
    url, browser, _ = site
    page = browser.new_page(viewport={"width": size[0], "height": size[1]})
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.dialogs = dialogs
    page.goto(f"{url}/?{query}")
    page.wait_for_selector(ready, timeout=90_000)
    return page


def settle(page: Any) -> None:
    """Wait until Streamlit has drawn every element (no placeholders, nothing stale)."""
    page.wait_for_function(
        "() => !document.querySelector('[data-testid=\"stSkeleton\"]') && "
        "document.querySelectorAll('[data-stale=\"true\"]').length === 0", timeout=60_000)


def shoot_both(page: Any, stem: Path) -> None:
    """Screenshots at 1280x800 (as opened) and 1920x1080, then close the page."""
    page.screenshot(path=f"{stem}-1280x800.png")
    page.set_viewport_size({"width": 1920, "height": 1080})
    page.screenshot(path=f"{stem}-1920x1080.png")
    page.close()


def test_local_board_shows_eight_task_columns_at_1280(site: tuple[str, Any, Path],
                                                      shots: Path) -> None:
    page = open_page(site, f"board={LOCAL}")
    settle(page)
    columns = page.evaluate(VISIBLE_COLUMNS_JS)
    visible = [c for c in columns if c["right"] <= 1280]
    with_numbers = [c for c in visible if c["text"].replace(".", "", 1).isdigit()]
    assert len(with_numbers) >= 8, columns
    rows = page.locator("table.lb tbody tr").count()
    assert rows == 21  # the 20 board models and the markup-named one
    assert page.locator("td.model", has_text="Qwen2.5-VL-7B-Instruct").count() == 1
    assert EVIL.split("/")[1] in page.inner_text("table.lb") and not page.dialogs
    shoot_both(page, shots / "board")


def test_snapshot_b_board_matches_the_source_table(site: tuple[str, Any, Path],
                                                   shots: Path) -> None:
    page = open_page(site, f"board=pub-{SNAP_B}&show=all")
    settle(page)
    shown = {(m, c): v for m, c, v in page.evaluate(CELLS_JS)}
    with open(REFERENCE / "reference_results.csv", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    exact = {(r["model"], f"{r['task']}|{r['metric']}"): r["value"] for r in rows
             if r["snapshot"] == SNAP_B}
    want = {(r["model"], f"{r['task']}|{r['metric']}"): r["value"] for r in rows
            if r["snapshot"] == "llmjp-B (1 dp, slide)"} | exact
    assert shown == want  # every cell, as published (two decimals where the JSON has them)
    shoot_both(page, shots / "snapshot-B")


def test_compare_two_models_renders_with_an_interval(site: tuple[str, Any, Path],
                                                     shots: Path) -> None:
    page = open_page(site, f"view=compare&board={LOCAL}&a={A}&b={B}", (1920, 1080),
                     ready="table.cmp td")
    settle(page)
    row = page.locator("table.cmp tr", has_text="exact_match_nfkc")
    cells = row.locator("td").all_inner_texts()
    assert cells[:2] == ["WordOCR", "exact_match_nfkc"]
    lo, _, hi = cells[5].partition(" … ")
    assert float(lo) < float(cells[4]) < float(hi)  # the difference inside its interval
    assert "paired bootstrap over" in cells[8]
    page.get_by_text("Where they disagree").wait_for(timeout=30_000)
    page.screenshot(path=str(shots / "compare-1920x1080.png"), full_page=True)
    page.close()


def test_pareto_plot_renders_with_data(site: tuple[str, Any, Path], shots: Path) -> None:
    page = open_page(site, f"view=pareto&board=pub-{SNAP_B}", (1920, 1080),
                     ready='[data-testid="stVegaLiteChart"] canvas, '
                           '[data-testid="stVegaLiteChart"] svg')
    settle(page)
    caption = page.get_by_text("Pareto front (no smaller model scores higher)").inner_text()
    assert "Qwen2.5-VL-72B-Instruct" in caption and "→" in caption
    box = page.locator('[data-testid="stVegaLiteChart"]').first.bounding_box()
    assert box is not None and box["height"] > 400
    page.screenshot(path=str(shots / "pareto-1920x1080.png"))
    page.close()


def test_torn_predictions_file_shows_a_warning(site: tuple[str, Any, Path],
                                               shots: Path) -> None:
    page = open_page(site, f"view=samples&run={site[2]}", ready="text=Sample s-000")
    settle(page)
    assert "last line is cut off" in page.inner_text("body")
    assert page.get_by_text("Sample s-059").count() == 0  # paged: 10 per page
    page.screenshot(path=str(shots / "torn-predictions-1280x800.png"))
    page.close()


def test_model_output_is_shown_as_text(site: tuple[str, Any, Path], shots: Path) -> None:
    run = f"{slugify(EVIL)}/jmmmu/cfg-x"
    page = open_page(site, f"view=samples&run={run}", ready="text=Sample x-1")
    shown = page.get_by_text(SCRIPT_OUTPUT, exact=True)
    shown.first.wait_for(timeout=60_000)
    assert page.locator("script", has_text="pwned").count() == 0
    assert page.locator('[data-testid="stText"] b').count() == 0
    assert page.title() != "pwned" and not page.dialogs
    page.close()


def test_chromium_is_the_debian_one() -> None:
    assert shutil.which("chromium") or Path(CHROMIUM).exists()
