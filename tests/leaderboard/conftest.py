"""A synthetic result store covering what the leaderboard must handle."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from eval_mm.leaderboard.synthetic import FakeMetric, FakeSample, write_run


@pytest.fixture(autouse=True)
def _own_cache_dir(tmp_path_factory: pytest.TempPathFactory,
                   monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The leaderboard's index cache goes to a temporary folder, never to ~/.cache."""
    monkeypatch.setenv("EVAL_MM_CACHE_DIR", str(tmp_path_factory.mktemp("lb-cache")))
    yield


def scored_run(root: Path, model: str, task: str, metric: str, values: list[float | None],
               *, updated: str = "2025-02-01T00:00:00+00:00",
               metadata: list[dict[str, object]] | None = None, **kw: object) -> Path:
    """A run whose headline is the mean of its per-sample values x100 (as accuracy is)."""
    scored = [v for v in values if v is not None]
    headline = 100.0 * sum(scored) / len(scored)
    samples = [FakeSample(f"s-{i:03d}", f"問{i}", "A", "A" if v == 1.0 else "B",
                          scores={metric: (v, None if v is not None else "judge_error", {})},
                          metadata=dict(metadata[i]) if metadata else {},
                          image_color=None)
               for i, v in enumerate(values)]
    return write_run(root, model, task, {metric: FakeMetric(
        headline, n=len(scored), unscored=len(values) - len(scored))}, primary=metric,
        samples=samples, updated=updated, **kw)  # type: ignore[arg-type]

SCRIPT_OUTPUT = "<script>document.title='pwned'</script><b>bold?</b> **not markdown**"

JUDGE_A = {"model": "gpt-4o-2024-11-20", "runs": 5, "mode": "independent",
           "prompts": {"heron_rel": {"version": "heron_llmjp_v2"}}}
JUDGE_B = {"model": "gpt-4.1-2025-04-14", "runs": 1, "mode": "single",
           "prompts": {"heron_rel": {"version": "heron_llmjp_v2"}}}


def _judge_details(scores: list[int]) -> dict[str, object]:
    return {"prompt_version": "heron_llmjp_v2", "judge_model": "gpt-4o-2024-11-20",
            "runs": [{"run": i, "seed": i, "status": "ok", "parsed": [8, s],
                      "reply": f'{{"score_A": 8, "score_B": {s}}} <img src=x onerror=alert(1)>'}
                     for i, s in enumerate(scores)]}


def build_store(root: Path) -> Path:
    ocr = {"exact_match_nfkc": FakeMetric(62.5, ci=(50.0, 75.0), n=8),
           "anls": FakeMetric(80.25, kind="similarity", n=8)}
    write_run(root, "acme/vlm-small", "ja-word-ocr", ocr, primary="exact_match_nfkc", samples=[
        FakeSample("w-001", "画像の文字を読んでください。", "東京",
                   SCRIPT_OUTPUT, scores={"exact_match_nfkc": (0.0, None, {}),
                                          "anls": (0.1, None, {})}),
        FakeSample("w-002", "画像の文字を読んでください。", "大阪", "大阪",
                   scores={"exact_match_nfkc": (1.0, None, {}), "anls": (1.0, None, {})}),
        FakeSample("w-003", "画像の文字を読んでください。", "京都", None,
                   error="RuntimeError: boom",
                   scores={"exact_match_nfkc": (None, "generation_error", {}),
                           "anls": (None, "generation_error", {})}),
    ])
    write_run(root, "acme/vlm-large", "ja-word-ocr",
              {"exact_match_nfkc": FakeMetric(87.5, n=8), "anls": FakeMetric(91.0, n=8,
                                                                              kind="similarity")},
              primary="exact_match_nfkc", samples=[
                  FakeSample("w-001", "画像の文字を読んでください。", "東京", "東京",
                             scores={"exact_match_nfkc": (1.0, None, {})}),
                  FakeSample("w-002", "画像の文字を読んでください。", "大阪", "大坂",
                             scores={"exact_match_nfkc": (0.0, None, {})}),
              ])
    write_run(root, "oracle", "ja-word-ocr",
              {"exact_match_nfkc": FakeMetric(100.0), "anls": FakeMetric(100.0, kind="similarity")},
              primary="exact_match_nfkc", debug=True)
    heron = FakeMetric(55.5, kind="judge", scale=1.0, ci=(50.0, 61.0),
                       breakdown={"category": {"conv": {"value": 60.0, "n": 2},
                                               "detail": {"value": 51.0, "n": 2}}},
                       extra={"runs": 5, "std": 1.25})
    write_run(root, "acme/vlm-small", "japanese-heron-bench", {"heron_rel": heron},
              judge=JUDGE_A, breakdown_keys=("category",), samples=[
                  FakeSample("h-1", "この写真について説明してください。", "猫が座っている。",
                             "猫がいます。", metadata={"category": "conv"},
                             scores={"heron_rel": (0.75, None, _judge_details([6, 6, 7, 6, 6]))}),
              ])
    write_run(root, "acme/vlm-large", "japanese-heron-bench",
              {"heron_rel": FakeMetric(70.0, kind="judge", scale=1.0)}, judge=JUDGE_B)
    # A corrupt summary and a run that has not finished: both skipped with a warning.
    bad = write_run(root, "broken/model", "ja-word-ocr", {"anls": FakeMetric(1.0)})
    (bad / "summary.json").write_text('{"task": "ja-word-ocr", "metrics": {', encoding="utf-8")
    half = write_run(root, "half/model", "ja-word-ocr", {"anls": FakeMetric(1.0)})
    (half / "summary.json").unlink()
    ref = root / "reference"
    ref.mkdir()
    (ref / "published.csv").write_text(REFERENCE_CSV, encoding="utf-8")
    return root


REFERENCE_CSV = """source,snapshot,judge,model,task,metric,value,scale,note
Paper X,snap-B,gpt-4o-2024-11-20,acme/vlm-small,japanese-heron-bench,heron_rel_legacy,41.85,pct_rel,
Paper X,snap-B,none,acme/vlm-small,jmmmu,jmmmu_acc_legacy,33.10,0-100,
Paper Y,snap-B,none,acme/vlm-small,jmmmu,jmmmu_acc_legacy,33.10,0-100,same number cited twice
Paper X,snap-B,none,other/vlm,jmmmu,jmmmu_acc_legacy,40.00,0-100,
Paper X,snap-B,none,other/vlm,mecha-ja,mecha_acc_legacy,not-a-number,0-100,
"""


@pytest.fixture()
def store(tmp_path: Path) -> Path:
    return build_store(tmp_path / "results")
