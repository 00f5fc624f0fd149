"""What a local data copy is, told by content and extension, and checked before loading.

A path handed to `--data` may be a file (parquet, JSON Lines, a JSON list of rows, CSV/TSV,
an Arrow file) or a folder: one written by `datasets.save_to_disk`, or a hub-style folder of
data files (`data/test-00000-of-00001.parquet`, `test.jsonl`, `test/0000.parquet`, ...). Every
problem is a `DataError` naming the file (and the line or row where there is one) and what
to do; nothing here raises a library traceback at the user.
"""

from __future__ import annotations

import csv
import json
import re
from dataclasses import dataclass
from pathlib import Path

from eval_mm.errors import DataError

EXTENSIONS = {
    ".parquet": "parquet",
    ".jsonl": "json",
    ".ndjson": "json",
    ".json": "json",
    ".csv": "csv",
    ".tsv": "csv",
    ".arrow": "arrow",
}
FORMATS_HELP = (
    "a folder written by datasets.save_to_disk, a hub-style folder of data files, or a "
    "parquet, JSON Lines (.jsonl), JSON or CSV file with the dataset's columns"
)
SPLIT_WORDS = ("train", "test", "validation", "valid", "dev", "val", "eval")
_SPLIT_IN_NAME = re.compile(r"^(?P<split>[A-Za-z0-9_]+?)(?:[-_.]\d+.*|-of-.*)?$")


@dataclass(frozen=True)
class DataFiles:
    """What to load: a builder (`parquet`, `json`, `csv`, `arrow`) and its files, or a
    `save_to_disk` folder (`builder == "disk"`)."""

    builder: str
    files: tuple[Path, ...]
    split_found: str | None = None

    @property
    def csv_sep(self) -> str:
        return "\t" if self.files and self.files[0].suffix.lower() == ".tsv" else ","


def detect(path: Path, split: str) -> DataFiles:
    if not path.exists():
        raise DataError(f"local data {path} does not exist; give {FORMATS_HELP}")
    if path.is_file():
        return DataFiles(sniff(path), (path,))
    if (path / "dataset_dict.json").is_file() or (path / "state.json").is_file():
        return DataFiles("disk", (path,))
    if not any(path.iterdir()):
        raise DataError(f"local data folder {path} is empty; give {FORMATS_HELP}")
    files = [
        p
        for p in sorted(path.rglob("*"))
        if p.is_file()
        and p.suffix.lower() in EXTENSIONS
        and not any(part.startswith(".") for part in p.relative_to(path).parts)
        and p.name != "dataset_info.json"
        and not p.name.startswith("manifest")
    ]
    if not files:
        raise DataError(f"no data files in {path}; give {FORMATS_HELP}")
    chosen, found = _for_split(path, files, split)
    builders = {sniff(p) for p in chosen}
    if len(builders) > 1:
        raise DataError(
            f"{path} mixes data formats ({', '.join(sorted(builders))}); keep one format per folder"
        )
    return DataFiles(builders.pop(), tuple(chosen), found)


def _split_of(root: Path, file: Path) -> str | None:
    """The split a hub-style file belongs to: a folder named after it, or a file name
    starting with it (`test-00000-of-00001.parquet`, `test.jsonl`)."""
    for part in file.relative_to(root).parts[:-1]:
        if part.lower() in SPLIT_WORDS:
            return part.lower()
    m = _SPLIT_IN_NAME.match(file.stem.split(".")[0])
    word = m["split"].lower() if m else ""
    return word if word in SPLIT_WORDS else None


def _for_split(root: Path, files: list[Path], split: str) -> tuple[list[Path], str | None]:
    by_split: dict[str | None, list[Path]] = {}
    for f in files:
        by_split.setdefault(_split_of(root, f), []).append(f)
    named = sorted(k for k in by_split if k is not None)
    if split in by_split:
        return by_split[split], split
    if len(named) > 1:
        raise DataError(f"{root} has the splits {', '.join(named)}, not {split!r}")
    return files, named[0] if named else None  # one (other) split or none named: all files


def sniff(path: Path) -> str:
    """The builder for one file, by its first bytes and its extension."""
    size = path.stat().st_size
    if size == 0:
        raise DataError(f"{path} is empty (0 bytes); copy it again")
    with open(path, "rb") as f:
        head = f.read(8)
        f.seek(max(0, size - 4))
        tail = f.read(4)
    ext = path.suffix.lower()
    if head[:4] == b"PAR1":
        if tail != b"PAR1":
            raise DataError(f"{path} is a truncated parquet file (no footer); copy it again")
        return "parquet"
    if head[:6] == b"ARROW1" or head[:4] == b"\xff\xff\xff\xff":
        return "arrow"
    if ext == ".parquet":
        raise DataError(f"{path} is not a parquet file (it does not start with PAR1)")
    first = head.lstrip(b"\xef\xbb\xbf \t\r\n")[:1]
    if ext in (".jsonl", ".ndjson", ".json") or (ext not in EXTENSIONS and first in (b"{", b"[")):
        if first not in (b"{", b"[", b""):
            raise DataError(f"{path} is not JSON (it starts with {head[:8]!r})")
        return "json"
    if ext in (".csv", ".tsv"):
        return "csv"
    raise DataError(f"cannot tell the format of {path}; give {FORMATS_HELP}")


def check_file(path: Path, builder: str, sep: str = ",") -> None:
    """Read-through checks that name the file and the line: a corrupt parquet footer, a
    JSON line that does not parse, a CSV row with the wrong number of fields."""
    if builder == "parquet":
        import pyarrow.parquet as pq

        try:
            pq.read_metadata(path)
        except Exception as exc:  # pyarrow raises ArrowInvalid / OSError with a message
            raise DataError(f"{path} is not a readable parquet file: {_first(exc)}") from None
    elif builder == "json":
        _check_json(path)
    elif builder == "csv":
        _check_csv(path, sep)


def _check_json(path: Path) -> None:
    with open(path, "rb") as f:
        start = f.read(64).lstrip(b"\xef\xbb\xbf \t\r\n")[:1]
    if start == b"[":
        try:
            rows = json.loads(_utf8(path.read_bytes(), path, None))
        except json.JSONDecodeError as exc:
            raise DataError(f"{path}, line {exc.lineno}: not valid JSON ({exc.msg})") from None
        bad = next((i for i, r in enumerate(rows) if not isinstance(r, dict)), None)
        if bad is not None:
            raise DataError(f"{path}, row {bad}: expected an object with the dataset's columns")
        return
    with open(path, "rb") as f:
        for n, raw in enumerate(f, start=1):
            line = _utf8(raw, path, n).strip()
            if not line:
                continue
            try:
                row = json.loads(line)
            except json.JSONDecodeError as exc:
                raise DataError(f"{path}, line {n}: not valid JSON ({exc.msg})") from None
            if not isinstance(row, dict):
                raise DataError(f"{path}, line {n}: expected an object with the dataset's columns")


def _check_csv(path: Path, sep: str) -> None:
    text = _utf8(path.read_bytes(), path, None)
    reader = csv.reader(text.splitlines(), delimiter=sep)
    header = next(reader, None)
    if not header or not any(h.strip() for h in header):
        raise DataError(f"{path} has no header row naming the columns")
    for n, row in enumerate(reader, start=2):
        if row and len(row) != len(header):
            raise DataError(
                f"{path}, line {n}: {len(row)} fields, but the header names {len(header)} columns"
            )


def _utf8(data: bytes, path: Path, line: int | None) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        where = f"line {line}" if line is not None else f"byte {exc.start}"
        raise DataError(f"{path}, {where}: not UTF-8 text") from None


def _first(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return text[0] if text else type(exc).__name__
