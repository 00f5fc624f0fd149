"""Shared pieces of the bad-input tests: an earlier run, bad data files, file snapshots.

The earlier run is made once per session (an oracle run of the offline ja-word-ocr task);
every case checks that its files are byte-identical after the bad command."""

from __future__ import annotations

import hashlib
import io
import json
import shutil
from pathlib import Path

from PIL import Image

BASE_RUN = ("run", "-m", "oracle", "-t", "word-ocr", "--task-option", "per_variant=2")
JVB = ("run", "-m", "oracle", "-t", "jvb-itw", "--metrics", "rougel")
HERON = ("run", "-m", "oracle", "-t", "heron", "--metrics", "exact_match")


def snapshot(root: Path) -> dict[str, str]:
    """sha256 of every result file below `root`, by relative path (the run lock, which
    only says who holds the folder now, is not a result)."""
    return {
        str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file() and p.name != ".lock"
    }


def only_run(root: Path) -> Path:
    runs = sorted(p.parent for p in root.rglob("run.json"))
    assert len(runs) == 1, runs
    return runs[0]


def copy_results(src: Path, dst: Path) -> Path:
    shutil.copytree(src, dst)
    return only_run(dst)


def png(colour: tuple[int, int, int] = (200, 30, 30)) -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", (16, 12), colour).save(buf, format="PNG")
    return buf.getvalue()


def jvb_rows(n: int = 3, image: str = "img.png") -> list[dict[str, object]]:
    """Rows in JA-VLM-Bench-In-the-Wild's schema, the image as a path next to the file."""
    return [
        {
            "page_url": f"https://example.invalid/p{i}",
            "image_url": f"https://example.invalid/i{i}",
            "image": image,
            "question": f"質問{i}はなんですか？",
            "answer": f"答え{i}です。",
        }
        for i in range(n)
    ]


def heron_rows(answer: dict[str, object]) -> list[dict[str, object]]:
    return [
        {
            "question_id": 1,
            "image": "img.png",
            "category": "conv",
            "image_category": "food",
            "context": "皿の上にパンがある。",
            "text": "皿の上には何がありますか？",
            "answer": answer,
        }
    ]


def write_jsonl(path: Path, rows: list[dict[str, object]]) -> Path:
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), "utf-8")
    return path


def write_parquet(path: Path, rows: list[dict[str, object]]) -> Path:
    import datasets

    datasets.Dataset.from_list(rows).to_parquet(str(path))
    return path


def bad_data(root: Path) -> Path:
    """Every bad local data copy the table refers to, under `root`."""
    root.mkdir(parents=True, exist_ok=True)
    (root / "img.png").write_bytes(png())
    (root / "empty.parquet").write_bytes(b"")
    good = write_parquet(root / "good.parquet", jvb_rows())
    data = good.read_bytes()
    (root / "truncated.parquet").write_bytes(data[: len(data) // 2])
    (root / "text.parquet").write_text("page_url,question\n", "utf-8")
    lines = [json.dumps(r, ensure_ascii=False) for r in jvb_rows()]
    lines[1] = lines[1][:-5]  # a torn line in the middle
    (root / "bad-line.jsonl").write_text("\n".join(lines) + "\n", "utf-8")
    no_question = [{k: v for k, v in r.items() if k != "question"} for r in jvb_rows()]
    write_jsonl(root / "no-question.jsonl", no_question)
    (root / "empty-folder").mkdir()
    (root / "fields.csv").write_text("image,question,answer\nimg.png,q,a,extra\n", "utf-8")
    latin1 = "image,question,answer\nimg.png,caf\xe9,a\n".encode("latin-1")
    (root / "latin1.csv").write_bytes(latin1)
    (root / "notes.txt").write_text("just some notes\n", "utf-8")
    (root / "numbers.json").write_text("[1, 2, 3]\n", "utf-8")
    (root / "not-json.jsonl").write_text("image,question\n", "utf-8")
    splits = root / "splits" / "data"
    splits.mkdir(parents=True)
    write_parquet(splits / "train-00000-of-00001.parquet", jvb_rows())
    write_parquet(splits / "validation-00000-of-00001.parquet", jvb_rows())
    mixed = root / "mixed"
    mixed.mkdir()
    write_parquet(mixed / "a.parquet", jvb_rows())
    write_jsonl(mixed / "b.jsonl", jvb_rows())
    write_jsonl(root / "heron-no-ref.jsonl", heron_rows({"claude-3-opus-20240229": "x"}))
    write_jsonl(root / "heron-null-ref.jsonl", heron_rows({"gpt-4-0125-preview": None}))
    write_jsonl(root / "heron-answer-text.jsonl", heron_rows("just text"))  # type: ignore[arg-type]
    disk = root / "broken-disk"
    disk.mkdir()
    (disk / "state.json").write_text("{not json", "utf-8")
    (root / "ids-latin1.txt").write_bytes("small-00000\ncaf\xe9\n".encode("latin-1"))
    (root / "ids-empty.txt").write_text("\n\n", "utf-8")
    (root / "ids-unknown.txt").write_text("small-00000\nnope-1\n", "utf-8")
    (root / "a-file").write_text("x", "utf-8")
    return root
