"""`eval-mm rejudge` in subprocesses: stored runs of three models judged by judge A are
re-judged by judge B in place (stored beside A's scores) and by judge C in copies, on fake
servers with known disagreement; the report's shift, Spearman, Kendall, weighted kappa,
Krippendorff's alpha, confusion and swapped pairs equal values computed by hand here."""

from __future__ import annotations

import json
from itertools import combinations
from pathlib import Path

import numpy as np
import pytest

from tests.conftest import cli_env, run_cli
from tests.judge.conftest import SECRET, qa_samples, write_run
from tests.support.openai_server import FakeOpenAI

MODELS = ("m1", "m2", "m3")
A = {"m1": [5, 4, 4, 3], "m2": [3, 3, 2, 4], "m3": [2, 1, 3, 2]}  # means 4.0, 3.0, 2.0
B = {"m1": [4, 4, 3, 3], "m2": [4, 4, 4, 3], "m3": [1, 1, 2, 2]}  # means 3.5, 3.75, 1.5
C = {"m1": [5, 5, 4, 3], "m2": [3, 2, 2, 4], "m3": [2, 2, 3, 1]}


def scripted(srv: FakeOpenAI, scores: dict[str, list[int]]) -> None:
    for model, values in scores.items():
        for i, v in enumerate(values):
            srv.script(f"Prediction: {model} answer {i}\n", str(v))


def qwk_by_hand(a: list[int], b: list[int], k: int = 5) -> float:
    """Cohen's kappa with quadratic weights, from its definition."""
    observed = np.zeros((k, k))
    for x, y in zip(a, b, strict=True):
        observed[x - 1, y - 1] += 1
    expected = np.outer(observed.sum(1), observed.sum(0)) / len(a)
    w = np.array([[(i - j) ** 2 / (k - 1) ** 2 for j in range(k)] for i in range(k)])
    return float(1 - (w * observed).sum() / (w * expected).sum())


def alpha_by_hand(coders: list[list[int]]) -> float:
    """Krippendorff's alpha, interval metric, complete data (every coder rates every unit)."""
    m, units = len(coders), list(zip(*coders, strict=True))
    n = m * len(units)
    d_o = sum((x - y) ** 2 for u in units for x, y in combinations(u, 2)) * 2 / (m - 1) / n
    values = [v for u in units for v in u]
    d_e = sum((x - y) ** 2 for x, y in combinations(values, 2)) * 2 / (n * (n - 1))
    return 1 - d_o / d_e


def ranks(values: list[float]) -> list[int]:
    order = sorted(range(len(values)), key=lambda i: values[i])
    out = [0] * len(values)
    for r, i in enumerate(order, 1):
        out[i] = r
    return out


@pytest.fixture
def stored(tmp_path: Path) -> Path:
    root = tmp_path / "results"
    for model in MODELS:
        write_run(
            root / model / "ja-vg-vqa-500" / f"cfg-{model}",
            "ja-vg-vqa-500",
            qa_samples(4),
            [f"{model} answer {i}" for i in range(4)],
            model=model,
        )
    return root


def test_rejudge_reports_the_migration_of_three_models(stored: Path, tmp_path: Path) -> None:
    common = ("--metrics", "judge_1to5", "--judge-runs", "1", "--judge-cache", str(tmp_path / "c"))
    with FakeOpenAI() as a_srv, FakeOpenAI() as b_srv, FakeOpenAI() as c_srv:
        for srv, scores in ((a_srv, A), (b_srv, B), (c_srv, C)):
            scripted(srv, scores)
        env = cli_env(OPENAI_API_KEY=SECRET, OPENAI_BASE_URL=a_srv.base_url)
        first = run_cli("score", str(stored), *common, cwd=tmp_path, env=env)
        assert first.returncode == 0, first.stderr
        a_scores = {p: p.read_bytes() for p in stored.rglob("scores/*/*.jsonl")}
        out = tmp_path / "b.json"
        args = ("rejudge", str(stored), *common, "--judge-model", "judge-b")
        args += ("--judge-base-url", b_srv.base_url, "--json", str(out))
        proc = run_cli(*args, "--markdown", str(tmp_path / "b.md"), cwd=tmp_path, env=env)
        assert proc.returncode == 0, proc.stderr
        assert b_srv.chat_count == 12 and {x["model"] for x in b_srv.chat_bodies()} == {"judge-b"}
        again = run_cli(*args, cwd=tmp_path, env=env)  # the stored scores are reused
        assert again.returncode == 0 and b_srv.chat_count == 12, again.stderr
        before_c = {p: p.read_bytes() for p in stored.rglob("*") if p.is_file()}
        work = tmp_path / "rejudged-c"
        three = run_cli(
            "rejudge", str(stored), "--into", str(work), *common, "--judge-model", "judge-c",
            "--judge-base-url", c_srv.base_url, "--json", str(tmp_path / "c.json"),
            cwd=tmp_path, env=env,
        )  # fmt: skip
        assert three.returncode == 0, three.stderr
        assert c_srv.chat_count == 12
    # in place: the old judge's scores stay, under their own fingerprint, beside the new ones
    for path, data in a_scores.items():
        assert path.read_bytes() == data
    summary = json.loads((stored / "m1" / "ja-vg-vqa-500" / "cfg-m1" / "summary.json").read_text())
    by_fp = summary["by_fingerprint"]["judge_1to5"]
    assert len(by_fp) == 2 and summary["metrics"]["judge_1to5"]["value"] == pytest.approx(3.5)
    # --into: copies re-judged, the runs untouched
    assert {p: p.read_bytes() for p in stored.rglob("*") if p.is_file()} == before_c
    copy = json.loads(next(work.rglob("cfg-m1/summary.json")).read_text())
    assert len(copy["by_fingerprint"]["judge_1to5"]) == 3

    [rep] = json.loads(out.read_text())["reports"]
    assert (rep["task"], rep["metric"], rep["reference"]) == ("ja-vg-vqa-500", "judge_1to5", "A")
    assert rep["judges"]["A"]["model"] == "gpt-4o-2024-11-20"
    assert rep["judges"]["B"]["model"] == "judge-b"
    assert rep["judges"]["B"]["fingerprint"] in by_fp
    comp = rep["comparisons"]["B"]
    mean = {m: float(np.mean(v)) for m, v in A.items()}
    new = {m: float(np.mean(v)) for m, v in B.items()}
    rows = {r["system"]: r for r in comp["systems"]}
    for m in MODELS:
        assert rows[m]["reference"] == pytest.approx(mean[m])
        assert rows[m]["judge"] == pytest.approx(new[m])
        assert rows[m]["shift"] == pytest.approx(new[m] - mean[m])
        assert rows[m]["ci_low"] <= rows[m]["shift"] <= rows[m]["ci_high"]
        assert rows[m]["n_paired"] == 4
    shifts = [new[m] - mean[m] for m in MODELS]
    assert comp["shift"]["mean"] == pytest.approx(np.mean(shifts))
    assert comp["shift"]["min"] == -0.5 and comp["shift"]["max"] == 0.75
    # Spearman and Kendall of the three models' headlines, by hand
    ra, rb = ranks([mean[m] for m in MODELS]), ranks([new[m] for m in MODELS])
    d2 = sum((x - y) ** 2 for x, y in zip(ra, rb, strict=True))
    assert comp["rank"]["spearman"] == pytest.approx(1 - 6 * d2 / (3 * (3**2 - 1)))  # 0.5
    pairs = list(combinations(range(3), 2))
    sign = [np.sign((ra[i] - ra[j]) * (rb[i] - rb[j])) for i, j in pairs]
    assert comp["rank"]["kendall"] == pytest.approx(sum(sign) / len(pairs))  # 1/3
    assert [(w["a"], w["b"]) for w in comp["swaps"]] == [("m1", "m2")]
    # ratings: one judge run per item, 12 units
    flat_a = [v for m in MODELS for v in A[m]]
    flat_b = [v for m in MODELS for v in B[m]]
    rt = comp["ratings"]
    assert rt["units"] == 12 and rt["labels"] == [1, 2, 3, 4, 5]
    assert rt["quadratic_kappa"] == pytest.approx(qwk_by_hand(flat_a, flat_b))
    assert rt["exact"] == pytest.approx(sum(x == y for x, y in zip(flat_a, flat_b)) / 12)
    conf = np.zeros((5, 5), dtype=int)
    for x, y in zip(flat_a, flat_b, strict=True):
        conf[x - 1, y - 1] += 1
    assert rt["confusion"] == conf.tolist()
    assert rep["all_judges"]["krippendorff_alpha_interval"] == pytest.approx(
        alpha_by_hand([flat_a, flat_b])
    )
    top = comp["largest_item_changes"][0]  # the one item that moved by two points
    assert (top["system"], top["sample"], top["reference"], top["judge"]) == ("m2", "s2", 2, 4)
    md = (tmp_path / "b.md").read_text()
    assert "### B against A" in md and "Spearman 0.500" in md and "m1 / m2" in md
    assert proc.stdout.startswith("# Judge migration report")

    # three judges (A, B, then C in the copies): both against A, alpha over all three
    [rep3] = json.loads((tmp_path / "c.json").read_text())["reports"]
    assert [rep3["judges"][k]["model"] for k in "ABC"] == [
        "gpt-4o-2024-11-20",
        "judge-b",
        "judge-c",
    ]
    assert set(rep3["comparisons"]) == {"B", "C"}
    flat_c = [v for m in MODELS for v in C[m]]
    assert rep3["comparisons"]["C"]["ratings"]["quadratic_kappa"] == pytest.approx(
        qwk_by_hand(flat_a, flat_c)
    )
    assert rep3["all_judges"]["judges"] == ["A", "B", "C"]
    assert rep3["all_judges"]["krippendorff_alpha_interval"] == pytest.approx(
        alpha_by_hand([flat_a, flat_b, flat_c])
    )


def test_rejudge_refuses_runs_without_judge_scores(stored: Path, tmp_path: Path) -> None:
    proc = run_cli(
        "rejudge", str(stored), "--metrics", "judge_1to5",
        cwd=tmp_path, env=cli_env(OPENAI_API_KEY=SECRET),
    )  # fmt: skip
    assert proc.returncode == 2 and "no stored judge_1to5 scores" in proc.stderr
    assert "Traceback" not in proc.stderr
