"""`eval-mm gate` end to end in a subprocess: exit codes and the three reports."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path

import numpy as np
import pytest

from eval_mm.gate.report import COMMENT_MARKER
from eval_mm.store import slugify
from tests.conftest import run_cli

from .factory import binary, flip_correct_to_wrong, sample_ids, write_run


def _stores(tmp_path: Path) -> tuple[Path, Path]:
    """Two tasks; the candidate keeps jmmmu and loses 6 points on mecha-ja."""
    vals = binary(sample_ids(500), np.random.default_rng(0).random(500) < 0.7)
    for task in ("jmmmu", "mecha-ja"):
        write_run(tmp_path / "base", "org/base-7b", task, {"exact_match": vals})
    write_run(tmp_path / "cand", "org/cand-7b", "jmmmu", {"exact_match": vals})
    write_run(tmp_path / "cand", "org/cand-7b", "mecha-ja",
              {"exact_match": flip_correct_to_wrong(vals, 30)})
    return tmp_path / "base", tmp_path / "cand"


def _markdown_rows(text: str) -> list[dict[str, str]]:
    lines = [ln for ln in text.splitlines() if ln.startswith("|")]
    header = [c.strip() for c in lines[0].strip("|").split("|")]
    assert set(lines[1].replace("|", "").replace("-", "").replace(":", "")) == set()
    return [dict(zip(header, (c.strip() for c in ln.strip("|").split("|")), strict=True))
            for ln in lines[2:]]


def test_regression_exits_1_with_markdown_json_and_junit(tmp_path: Path) -> None:
    base, cand = _stores(tmp_path)
    out = tmp_path / "out"
    proc = run_cli("gate", "--baseline", str(base), "--candidate", str(cand),
                   "--markdown", str(out / "gate.md"), "--json", str(out / "gate.json"),
                   "--junit", str(out / "gate.xml"), "--resamples", "1000")
    assert proc.returncode == 1, proc.stderr
    assert "regression in mecha-ja/exact_match: -6.00" in proc.stderr

    # Markdown: printed and written, one table row per metric, regression first.
    md = (out / "gate.md").read_text(encoding="utf-8")
    assert proc.stdout == md and md.startswith(COMMENT_MARKER)
    assert "❌ 1 regression" in md
    assert "- `jmmmu` v1: 500 common samples, identical selection (all samples)" in md
    rows = _markdown_rows(md)
    assert [(r["Task"], r["Metric"]) for r in rows] == [
        ("mecha-ja", "exact_match"), ("jmmmu", "exact_match")]
    assert rows[0]["Δ"] == "-6.00" and "regression" in rows[0]["Verdict"]
    assert rows[0]["n (excl.)"] == "500 (0)" and rows[0]["Tolerance"] == "-1.00"
    assert rows[1]["Δ"] == "+0.00" and "pass" in rows[1]["Verdict"]

    # JSON: machine-readable verdicts and the numbers behind them.
    report = json.loads((out / "gate.json").read_text(encoding="utf-8"))
    assert report["passed"] is False and report["exit_code"] == 1
    assert report["regressions"] == ["mecha-ja/exact_match"]
    by_task = {c["task"]: c for c in report["comparisons"]}
    reg = by_task["mecha-ja"]
    assert reg["verdict"] == "regression" and reg["delta"] == pytest.approx(-6.0)
    assert reg["n"] == 500 and report["verdict"] == "regression"
    assert reg["ci_high"] < -reg["tolerance"] < 0 and report["config"]["resamples"] == 1000
    assert reg["p_adjusted"] <= reg["alpha"] == pytest.approx(0.025) and "Holm" in report["method"]
    # The 30 lost answers, each openable in the leaderboard's sample browser.
    flips = reg["flips"]
    assert flips["worse_count"] == 30 and flips["better_count"] == 0 and flips["binary"]
    run = f"org__cand-7b/mecha-ja/{Path(by_task['mecha-ja']['flips']['run']).name}"
    assert all(e["browser"] == f"?view=samples&run={run}&sample={e['id']}"
               for e in flips["worse"])
    assert "30 right → wrong" in md and f"`{flips['worse'][0]['id']}`" in md
    assert {t["task"]: t["selection"]["identical"] for t in report["tasks"]} == {
        "jmmmu": True, "mecha-ja": True}

    # JUnit: one suite per task, the regression as a failure.
    root = ET.parse(out / "gate.xml").getroot()
    assert root.tag == "testsuites" and (root.get("tests"), root.get("failures")) == ("2", "1")
    suites = {s.get("name"): s for s in root.iter("testsuite")}
    failure = suites["mecha-ja"].find("testcase/failure")
    assert failure is not None and "regression" in (failure.get("message") or "")
    assert suites["jmmmu"].find("testcase/failure") is None
    assert suites["jmmmu"].find("testcase").get("name") == "exact_match"  # type: ignore[union-attr]


def test_pass_exits_0_and_config_can_make_metrics_informational(tmp_path: Path) -> None:
    base, cand = _stores(tmp_path)
    proc = run_cli("gate", "-b", str(base), "-c", str(cand), "--tasks", "jmmmu", "--quiet")
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout == ""
    cfg = tmp_path / "gate.toml"
    cfg.write_text('[metrics."mecha-ja:exact_match"]\ngate = false\n', encoding="utf-8")
    proc = run_cli("gate", "-b", str(base), "-c", str(cand), "--config", str(cfg))
    assert proc.returncode == 0, proc.stderr
    assert "(not gated)" in proc.stdout and "✅ pass (exit 0)" in proc.stdout


def test_data_errors_exit_2_without_traceback(tmp_path: Path) -> None:
    base, cand = _stores(tmp_path)
    other = write_run(tmp_path / "v2", "org/cand-7b", "jmmmu",
                      {"exact_match": {"q00000": 1.0}}, task_version="2")
    proc = run_cli("gate", "-b", str(base / slugify("org/base-7b") / "jmmmu"), "-c", str(other))
    assert proc.returncode == 2
    assert "version" in proc.stderr and "Traceback" not in proc.stderr
    proc = run_cli("gate", "-b", str(cand), "-c", str(tmp_path / "missing"))
    assert proc.returncode == 2 and "does not exist" in proc.stderr
    bad = tmp_path / "bad.toml"
    bad.write_text("[gate]\nconfidence = 'high'\n", encoding="utf-8")
    proc = run_cli("gate", "-b", str(base), "-c", str(cand), "--config", str(bad))
    assert proc.returncode == 2 and "confidence" in proc.stderr


def test_inconclusive_exits_3_and_fails_in_strict_mode(tmp_path: Path) -> None:
    """30 samples cannot show a 1-point tolerance: no regression, but no pass either."""
    vals = binary(sample_ids(30), np.random.default_rng(0).random(30) < 0.7)
    churn = dict(vals)
    for i in sample_ids(30)[:6]:
        churn[i] = 1.0 - (vals[i] or 0.0)
    base = write_run(tmp_path / "b", "base", "jmmmu", {"exact_match": vals})
    cand = write_run(tmp_path / "c", "cand", "jmmmu", {"exact_match": churn})
    proc = run_cli("gate", "-b", str(base), "-c", str(cand), "--json", str(tmp_path / "g.json"))
    assert proc.returncode == 3, proc.stderr
    assert "⚠️ inconclusive" in proc.stdout and "underpowered" in proc.stderr
    report = json.loads((tmp_path / "g.json").read_text(encoding="utf-8"))
    assert report["verdict"] == "inconclusive" and report["inconclusive"] == ["jmmmu/exact_match"]
    proc = run_cli("gate", "-b", str(base), "-c", str(cand), "--strict", "--quiet")
    assert proc.returncode == 1 and "inconclusive" in proc.stderr

