"""Local data copies in the formats a user hands over, detected by content and extension,
all reaching the same samples; a corrupt image fails its sample only."""

from __future__ import annotations

import csv
import json
import shutil
from pathlib import Path

import datasets
import pytest

from eval_mm.core.task import TaskOptions
from eval_mm.data import DataSource
from eval_mm.errors import DataError
from eval_mm.registries import TASKS
from tests.conftest import run_cli
from tests.errors.support import JVB, jvb_rows, png, write_jsonl, write_parquet

TASK = "ja-vlm-bench-in-the-wild"


def samples_of(path: Path) -> list[tuple[str, str, tuple[int, int]]]:
    task = TASKS.get(TASK)(TaskOptions(data_path=str(path)))
    return [(s.id, s.prompt, s.images[0].size) for s in task.samples(DataSource(TASK, str(path)))]


@pytest.fixture(scope="module")
def copies(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("formats")
    (root / "img.png").write_bytes(png())
    rows = jvb_rows()
    image_rows = [{**r, "image": {"bytes": png(), "path": None}} for r in rows]
    feats = datasets.Features(
        {k: datasets.Value("string") for k in rows[0] if k != "image"}
        | {"image": datasets.Image()}
    )
    ds = datasets.Dataset.from_list(image_rows, features=feats)
    out = {"parquet": root / "rows.parquet", "disk": root / "disk", "dict": root / "dict"}
    ds.to_parquet(str(out["parquet"]))
    ds.save_to_disk(str(out["disk"]))
    datasets.DatasetDict({"test": ds, "train": ds.select([0])}).save_to_disk(str(out["dict"]))
    hub = root / "hub" / "data"
    hub.mkdir(parents=True)
    ds.to_parquet(str(hub / "test-00000-of-00001.parquet"))
    ds.select([0]).to_parquet(str(hub / "train-00000-of-00001.parquet"))
    out["hub"] = root / "hub"
    out["jsonl"] = write_jsonl(root / "rows.jsonl", rows)
    (root / "rows.json").write_text(json.dumps(rows, ensure_ascii=False), "utf-8")
    out["json"] = root / "rows.json"
    with (root / "rows.csv").open("w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    out["csv"] = root / "rows.csv"
    shutil.copy(out["jsonl"], root / "rows-without-extension")
    out["sniffed"] = root / "rows-without-extension"
    return out


@pytest.mark.parametrize(
    "kind", ["parquet", "disk", "dict", "hub", "jsonl", "json", "csv", "sniffed"]
)
def test_every_format_gives_the_same_samples(kind: str, copies: dict[str, Path]) -> None:
    got = samples_of(copies[kind])
    assert got == [(str(i), f"質問{i}はなんですか？", (16, 12)) for i in range(3)]


def test_a_hub_style_folder_uses_the_tasks_split(copies: dict[str, Path]) -> None:
    assert len(samples_of(copies["hub"])) == 3  # test split, not train's single row


def test_a_missing_image_file_fails_that_sample(tmp_path: Path) -> None:
    (tmp_path / "img.png").write_bytes(png())
    rows = jvb_rows()
    rows[1]["image"] = "missing.png"
    task = TASKS.get(TASK)(TaskOptions())
    samples = list(task.samples(DataSource(TASK, str(write_jsonl(tmp_path / "r.jsonl", rows)))))
    assert [s.data_error is not None for s in samples] == [False, True, False]
    assert "missing.png" in (samples[1].data_error or "")


def test_errors_name_the_file_the_row_and_the_column(tmp_path: Path) -> None:
    rows = jvb_rows()
    rows[2]["image"] = 5  # not an image at all: a schema error, not a broken image
    path = write_parquet(tmp_path / "r.parquet", [{**r, "image": str(r["image"])} for r in rows])
    write_jsonl(tmp_path / "r.jsonl", rows)
    with pytest.raises(DataError) as err:
        samples_of(tmp_path / "r.jsonl")
    assert "r.jsonl" in str(err.value) and "row 2" in str(err.value)
    assert path.exists()


def test_a_corrupt_image_is_that_samples_recorded_error(tmp_path: Path) -> None:
    rows = jvb_rows()
    good = png()
    broken = good[: len(good) // 2]  # a truncated PNG: the header reads, the pixels do not
    image_rows = [{**r, "image": {"bytes": good, "path": None}} for r in rows]
    image_rows[1]["image"] = {"bytes": broken, "path": None}
    image_rows[2]["image"] = {"bytes": b"not an image at all", "path": None}
    feats = datasets.Features(
        {k: datasets.Value("string") for k in rows[0] if k != "image"}
        | {"image": datasets.Image()}
    )
    data = tmp_path / "rows.parquet"
    datasets.Dataset.from_list(image_rows, features=feats).to_parquet(str(data))
    proc = run_cli(
        *JVB, "--data", str(data), "-o", str(tmp_path / "out"), "--max-error-share", "1"
    )
    assert proc.returncode == 0, proc.stderr
    assert "Traceback" not in proc.stderr
    (run_dir,) = [p.parent for p in (tmp_path / "out").rglob("run.json")]
    preds = {
        r["id"]: r
        for r in map(json.loads, (run_dir / "predictions.jsonl").read_text("utf-8").splitlines())
    }
    assert preds["0"]["error"] is None and preds["0"]["output"] == "答え0です。"
    assert preds["1"]["error"].startswith("data: unreadable image")
    assert preds["2"]["error"].startswith("data: unreadable image")
    summary = json.loads((run_dir / "summary.json").read_text("utf-8"))
    assert summary["counts"]["errors"] == 2 and summary["metrics"]["rougel"]["unscored"] == 2
