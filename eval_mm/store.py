"""The result store: safe folder names, atomic writes and append-only JSONL logs.

Layout of one run (one model x task x run configuration):

    <results>/<model-slug>/<task-id>/<config-id>/
        run.json                 run card (how the result was made)
        samples.jsonl            inputs as text: id, prompt, references, metadata, image files
        images/                  the sample images (optional)
        predictions.jsonl        one line per sample, appended as generated
        scores/<metric>/<fp>.jsonl  per-sample scores, one file per scorer fingerprint
        summary.json             aggregated metrics with CIs and counts
        .lock                    who writes the folder now (see eval_mm.lock)

Several fingerprints of one metric (two judges, say) live side by side; summary.json names
the fingerprint of each number it reports (`metrics[m]["fingerprint"]`).

Everything written goes through `eval_mm.redact.redact` (no secret reaches a file) and is
created with the process's umask (0644 by default), like any other file the user makes.
A file that cannot be read back is a `CorruptResult` naming the file and what to do.
"""

from __future__ import annotations

import json
import os
import re
import tempfile
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import IO, Any

from eval_mm.errors import UserError
from eval_mm.redact import may_hold_secret, redact

CARD = "run.json"
SAMPLES = "samples.jsonl"
PREDICTIONS = "predictions.jsonl"
SUMMARY = "summary.json"
SCORES_DIR = "scores"
IMAGES_DIR = "images"

_SLUG_BAD = re.compile(r"[^A-Za-z0-9._-]+")


def slugify(text: str, max_len: int = 96) -> str:
    """A folder name that cannot escape its parent: no separators, no dot-only names."""
    norm = unicodedata.normalize("NFKC", text)
    slug = _SLUG_BAD.sub("_", norm.replace("/", "__")).strip("._-")
    slug = slug[:max_len].strip("._-")
    return slug or "unnamed"


def contained(root: Path, *parts: str) -> Path:
    """`root / parts`, refusing any result outside `root`."""
    root_r = root.resolve()
    path = root_r.joinpath(*parts).resolve()
    if path != root_r and root_r not in path.parents:
        raise ValueError(f"path {path} escapes the result store {root_r}")
    return path


def _json_default(obj: Any) -> Any:
    if hasattr(obj, "item"):  # numpy scalars
        return obj.item()
    if isinstance(obj, (set, frozenset, tuple)):
        return list(obj)
    return str(obj)


def dumps(obj: Any) -> str:
    """One JSON line, secrets masked (a line that cannot hold one is not walked again)."""
    text = json.dumps(obj, ensure_ascii=False, default=_json_default, sort_keys=False)
    if not may_hold_secret(text):
        return text
    return json.dumps(redact(obj), ensure_ascii=False, default=_json_default, sort_keys=False)


@lru_cache(maxsize=1)
def file_mode() -> int:
    """0666 less the process umask: what `open()` would create (mkstemp makes 0600)."""
    try:  # Linux reports the umask without changing it (changing it races with threads)
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("Umask:"):
                return 0o666 & ~int(line.split()[1], 8)
    except OSError:
        pass
    mask = os.umask(0o022)
    os.umask(mask)
    return 0o666 & ~mask


def atomic_write_text(path: Path, text: str, durable: bool = True) -> None:
    """Write to a temporary file in the same folder, fsync (when `durable`), then rename
    over `path`. Secrets in `text` are masked."""
    _atomic_write(path, redact(text), durable)


def _atomic_write(path: Path, text: str, durable: bool = True) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        os.fchmod(fd, file_mode())
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(text)
            if durable:
                f.flush()
                os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def atomic_write_json(
    path: Path, obj: Any, indent: int | None = 2, durable: bool = True
) -> None:
    """`obj` as JSON, secrets masked field by field (see eval_mm.redact)."""
    text = json.dumps(obj, ensure_ascii=False, indent=indent, default=_json_default)
    if may_hold_secret(text):
        text = json.dumps(redact(obj), ensure_ascii=False, indent=indent, default=_json_default)
    _atomic_write(path, text + "\n", durable)


def atomic_write_jsonl(path: Path, records: Iterable[dict[str, Any]]) -> None:
    _atomic_write(path, "".join(dumps(r) + "\n" for r in records))


class CorruptResult(UserError, ValueError):
    """A result file that cannot be read back (truncated, emptied, edited by hand).
    A ValueError too, like the JSON error it replaces, for readers that skip such runs."""


def repair_hint(path: Path) -> str:
    """What to do about a damaged result file, by its role in the run folder."""
    scores = next((p for p in path.parents if p.name == SCORES_DIR), None)
    run = scores.parent if scores is not None else path.parent
    if path.name == SUMMARY:
        return f"rebuild it with `eval-mm score {run}`"
    if scores is not None:
        return f"delete it and run `eval-mm score {run}` to score that metric again"
    return (
        f"restore it from a backup, or rerun the `eval-mm run` command with --overwrite to "
        f"discard {run} and start that run afresh"
    )


def read_json(path: Path) -> Any:
    """A JSON file of the store; a damaged one is a CorruptResult that says what to do."""
    try:
        with open(path, encoding="utf-8") as f:
            data = json.load(f)
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        what = "is empty" if path.stat().st_size == 0 else f"is not valid JSON ({_brief(exc)})"
        raise CorruptResult(f"{path} {what}: {repair_hint(path)}") from None
    if path.name in (CARD, SUMMARY) and not (
        isinstance(data, dict) and isinstance(data.get("metrics", {}), dict)
    ):
        raise CorruptResult(f"{path} is not a {path.name} object: {repair_hint(path)}")
    return data


def _brief(exc: Exception) -> str:
    if isinstance(exc, json.JSONDecodeError):
        return f"{exc.msg} at line {exc.lineno} column {exc.colno}"
    return f"not UTF-8 at byte {exc.start}" if isinstance(exc, UnicodeDecodeError) else str(exc)


@dataclass
class JsonlRead:
    """The records of a JSONL file and what could not be read."""

    records: list[dict[str, Any]] = field(default_factory=list)
    torn: int = 0  # a last line without its newline: a writer killed mid-line
    corrupt: int = 0  # complete lines that are not a JSON object (or not UTF-8)
    duplicates: int = 0  # records whose id an earlier record had (the last one wins)

    @property
    def damaged(self) -> int:
        return self.torn + self.corrupt

    def describe(self) -> str:
        parts = [
            f"{n} {what}{'s' if n != 1 else ''}"
            for n, what in (
                (self.torn, "torn line"),
                (self.corrupt, "corrupt line"),
                (self.duplicates, "duplicate record"),
            )
            if n
        ]
        return ", ".join(parts)


def read_jsonl_checked(path: Path, key: str | None = "id") -> JsonlRead:
    """Every complete record, counting torn and corrupt lines and repeated `key`s."""
    out = JsonlRead()
    if not path.exists():
        return out
    seen: set[Any] = set()
    with open(path, "rb") as f:
        for raw in f:
            if not raw.endswith(b"\n"):
                out.torn += raw.strip() != b""  # only the last line can lack its newline
                break
            if not raw.strip():
                continue
            try:
                rec = json.loads(raw.decode("utf-8"))
            except (UnicodeDecodeError, json.JSONDecodeError):
                out.corrupt += 1
                continue
            if not isinstance(rec, dict):
                out.corrupt += 1
                continue
            if key is not None and key in rec:
                out.duplicates += rec[key] in seen
                seen.add(rec[key])
            out.records.append(rec)
    return out


def iter_jsonl(path: Path) -> Iterator[dict[str, Any]]:
    """The complete records of a JSONL file, one at a time; torn and corrupt lines skipped."""
    if not path.exists():
        return
    with open(path, "rb") as f:
        for raw in f:
            if not raw.endswith(b"\n"):
                return  # torn write: the process died mid-line
            try:
                rec = json.loads(raw.decode("utf-8")) if raw.strip() else None
            except (UnicodeDecodeError, json.JSONDecodeError):
                continue
            if isinstance(rec, dict):
                yield rec


def read_jsonl(path: Path) -> list[dict[str, Any]]:
    """All complete records. A torn last line (from a killed writer) and corrupt lines are
    skipped; `read_jsonl_checked` counts them."""
    return read_jsonl_checked(path, key=None).records


def read_samples_checked(run: Path) -> list[dict[str, Any]]:
    """samples.jsonl of a run, refusing a damaged one (it is written whole, once: a lost line
    would silently drop that sample from every metric)."""
    path = run / SAMPLES
    read = read_jsonl_checked(path)
    if read.damaged or read.duplicates:
        raise CorruptResult(f"{path} is damaged ({read.describe()}): {repair_hint(path)}")
    return read.records


@dataclass
class PredictionHealth:
    """How complete a run's predictions.jsonl is, for `run`, `score` and `show` to report."""

    samples: int
    predicted: int
    read: JsonlRead

    @property
    def missing(self) -> int:
        return self.samples - self.predicted

    def problem(self) -> str | None:
        """One line about lost or damaged predictions, or None when all is well."""
        if not self.missing and not self.read.damaged:
            return None
        lines = f" ({self.read.describe()})" if self.read.damaged else ""
        return (
            f"{self.missing} of {self.samples} samples have no prediction in {PREDICTIONS}"
            f"{lines}"
        )


_LEADING_ID = re.compile(rb'^\{"id": "((?:[^"\\]|\\.)*)"')


def sample_ids_of(run: Path) -> list[Any]:
    """The sample ids of samples.jsonl, in order. Its records start with their id (see
    `dumps`), read without parsing the rest: the messages can be long."""
    ids: list[Any] = []
    if not (run / SAMPLES).exists():
        return ids
    with open(run / SAMPLES, "rb") as f:
        for raw in f:
            m = _LEADING_ID.match(raw)
            if m and "\\" not in m[1].decode("utf-8", "replace"):
                ids.append(m[1].decode("utf-8"))
            elif raw.endswith(b"\n") and raw.strip():
                try:
                    ids.append(json.loads(raw).get("id"))
                except (ValueError, AttributeError):
                    continue  # damage is reported by read_samples_checked
    return ids


def prediction_health(run: Path, sample_ids: Iterable[str] | None = None) -> PredictionHealth:
    ids = list(sample_ids) if sample_ids is not None else sample_ids_of(run)
    read = read_jsonl_checked(run / PREDICTIONS)
    have = {r.get("id") for r in read.records}
    return PredictionHealth(len(ids), sum(1 for i in ids if i in have), read)


class JsonlAppender:
    """Append-only JSONL writer; every record is flushed to the OS as it is written,
    so a killed process loses at most the line it was writing."""

    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        _truncate_torn_tail(path)
        self._f: IO[str] = open(path, "a", encoding="utf-8")  # noqa: SIM115 - closed in close()

    def write(self, record: dict[str, Any]) -> None:
        self._f.write(dumps(record) + "\n")
        self._f.flush()

    def write_many(self, records: Iterable[dict[str, Any]]) -> None:
        self._f.write("".join(dumps(r) + "\n" for r in records))
        self._f.flush()

    def close(self) -> None:
        self._f.flush()
        os.fsync(self._f.fileno())
        self._f.close()

    def __enter__(self) -> JsonlAppender:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _truncate_torn_tail(path: Path) -> None:
    """Cut a partial last line so that the next append starts on a fresh line."""
    if not path.exists() or path.stat().st_size == 0:
        return
    with open(path, "rb+") as f:
        f.seek(-1, os.SEEK_END)
        if f.read(1) == b"\n":
            return
        f.seek(0)
        cut = f.read().rfind(b"\n") + 1
        f.truncate(cut)


def score_path(run_dir: Path, metric: str, fingerprint: str) -> Path:
    return run_dir / SCORES_DIR / slugify(metric) / f"{fingerprint}.jsonl"


def active_fingerprint(run_dir: Path, metric: str) -> str | None:
    """The fingerprint whose scores the run's summary reports for `metric`."""
    path = run_dir / SUMMARY
    if not path.is_file():
        return None
    try:
        entry = (read_json(path).get("metrics") or {}).get(metric) or {}
    except (OSError, ValueError):
        return None
    fp = entry.get("fingerprint")
    return fp if isinstance(fp, str) else None


def read_scores(
    run_dir: Path, metric: str, fingerprint: str | None = None
) -> dict[str, dict[str, Any]]:
    """Score records by sample id (the last record of an id wins) of one fingerprint,
    by default the one the summary reports. A folder written before scores were kept per
    fingerprint has one `scores/<metric>.jsonl`, read when no fingerprint is named."""
    fp = fingerprint or active_fingerprint(run_dir, metric)
    if fp is not None:
        path = score_path(run_dir, metric, fp)
    elif fingerprint is None:
        path = run_dir / SCORES_DIR / f"{slugify(metric)}.jsonl"
    else:
        return {}
    return {str(r["id"]): r for r in iter_jsonl(path) if "id" in r}


def reported_scores(run_dir: Path) -> dict[str, dict[str, dict[str, Any]]]:
    """metric -> score records by sample id, for every metric the summary reports."""
    try:
        metrics = list(read_json(run_dir / SUMMARY).get("metrics") or {})
    except (OSError, ValueError):
        metrics = []
    legacy = [p.stem for p in (run_dir / SCORES_DIR).glob("*.jsonl")]
    return {m: read_scores(run_dir, m) for m in dict.fromkeys([*metrics, *legacy])}


def find_runs(root: Path) -> list[Path]:
    """Every run folder (a folder holding run.json) below `root`, sorted."""
    if not root.exists():
        return []
    return sorted(p.parent for p in root.rglob(CARD))
