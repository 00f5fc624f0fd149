"""Shard runs joined by `eval-mm merge` equal the unsharded run (CLI, subprocess)."""

from __future__ import annotations

import json
from pathlib import Path

from eval_mm.store import read_jsonl
from tests.models.conftest import run_tiny_cli

ARGS = ("--task", "tiny-mm", "--task-option", "n=12")


def _runs(root: Path) -> list[Path]:
    return sorted(p.parent for p in root.rglob("run.json"))


def _shards(root: Path, model: str, n: int) -> list[Path]:
    for i in range(n):
        proc = run_tiny_cli(
            "run",
            "--model",
            model,
            *ARGS,
            "-o",
            str(root),
            "--num-shards",
            str(n),
            "--shard-index",
            str(i),
        )
        assert proc.returncode == 0, proc.stderr[-2000:]
    return _runs(root)


def test_merge_round_trip_equals_the_unsharded_run(tmp_path: Path) -> None:
    full = tmp_path / "full"
    proc = run_tiny_cli("run", "--model", "echo-prompt", *ARGS, "-o", str(full))
    assert proc.returncode == 0, proc.stderr[-2000:]
    (single,) = _runs(full)
    shards = _shards(tmp_path / "sharded", "echo-prompt", 3)
    assert len(shards) == 3
    sizes = [len(read_jsonl(s / "samples.jsonl")) for s in shards]
    assert sum(sizes) == 12 and all(0 < k < 12 for k in sizes)

    proc = run_tiny_cli("merge", *map(str, shards))
    assert proc.returncode == 0, proc.stderr[-2000:]
    merged = [r for r in _runs(tmp_path / "sharded") if r not in shards]
    assert len(merged) == 1
    out = merged[0]
    ref = {r["id"]: r["output"] for r in read_jsonl(single / "predictions.jsonl")}
    got = {r["id"]: r["output"] for r in read_jsonl(out / "predictions.jsonl")}
    assert got == ref and len(got) == 12
    samples = read_jsonl(out / "samples.jsonl")
    assert sorted(s["id"] for s in samples) == sorted(ref)
    paths = [p for s in samples for p in s["images"]]
    assert len(paths) == len(set(paths)) == 18  # 6 one-image + 6 two-image samples
    assert all((out / p).is_file() for p in paths)
    want = json.loads((single / "summary.json").read_text(encoding="utf-8"))["metrics"]
    have = json.loads((out / "summary.json").read_text(encoding="utf-8"))["metrics"]
    assert have["exact_match"]["value"] == want["exact_match"]["value"]
    assert have["exact_match"]["n"] == 12
    card = json.loads((out / "run.json").read_text(encoding="utf-8"))
    assert [m["shard_index"] for m in card["merged_from"]] == [0, 1, 2]
    assert card["counts"]["samples"] == 12 and card["selection"]["num_shards"] == 1
    assert "merged 3 shards" in proc.stdout

    # Merging again (with the merged run in the glob) rebuilds the same folder.
    again = run_tiny_cli("merge", *map(str, _runs(tmp_path / "sharded")))
    assert again.returncode == 0, again.stderr[-2000:]
    assert "not a shard run" in again.stderr
    assert len(_runs(tmp_path / "sharded")) == 4


def test_merge_refuses_missing_or_mismatched_shards(tmp_path: Path) -> None:
    shards = _shards(tmp_path / "a", "echo-prompt", 2)
    proc = run_tiny_cli("merge", str(shards[0]))
    assert proc.returncode == 2 and "missing shard(s) [" in proc.stderr and "of 2" in proc.stderr
    other = run_tiny_cli(
        "run",
        "--model",
        "oracle",
        *ARGS,
        "-o",
        str(tmp_path / "b"),
        "--num-shards",
        "2",
        "--shard-index",
        "1",
    )
    assert other.returncode == 0, other.stderr[-2000:]
    (oracle_shard,) = _runs(tmp_path / "b")
    proc = run_tiny_cli("merge", str(shards[0]), str(oracle_shard))
    assert proc.returncode == 2 and "in model." in proc.stderr  # the identity's model differs


def test_merge_refuses_shards_with_other_output_changing_model_settings(tmp_path: Path) -> None:
    import pytest

    from eval_mm.errors import UserError
    from eval_mm.merge import load_shards

    shards = _shards(tmp_path, "echo-prompt", 2)

    def set_settings(folder: Path, **settings: object) -> None:
        """As a run with these adapter settings records them: all in the model card, the
        output-changing ones in the identity."""
        from eval_mm.core.model import output_settings

        card = json.loads((folder / "run.json").read_text(encoding="utf-8"))
        card["model"]["settings"] = settings
        card["identity"]["model"]["settings"] = output_settings(settings)
        (folder / "run.json").write_text(json.dumps(card), encoding="utf-8")

    # Throughput settings may differ between shards (another GPU, another batch size) ...
    set_settings(shards[0], dtype="bfloat16", batch_size=16, device="cuda:0")
    set_settings(shards[1], dtype="bfloat16", batch_size=4, device="cuda:1")
    assert len(load_shards(shards)) == 2
    # ... settings that change the predictions may not.
    set_settings(shards[1], dtype="float32", batch_size=4, device="cuda:1")
    with pytest.raises(UserError, match="dtype"):
        load_shards(shards)
