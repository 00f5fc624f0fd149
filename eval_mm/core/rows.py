"""Rows handed to a task, and errors that say where in the data they happened.

`checked_samples(build, rows, source)` runs a task's `build_samples` over rows that remember
which row is current and which column was read last. A row that breaks the task's schema (a
missing column or key, a null or mistyped value) becomes one `DataError` naming the data
source, the row and the column, instead of a KeyError or ValueError traceback.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from eval_mm.core.sample import Sample
from eval_mm.errors import DataError, UserError

log = logging.getLogger(__name__)
# What task code raises when a row is not what its schema says.
ROW_ERRORS = (UserError, KeyError, ValueError, TypeError, AttributeError, IndexError)


class MissingColumn(KeyError):
    def __str__(self) -> str:
        return f"no column {self.args[0]!r}"


class Row(dict):  # type: ignore[type-arg]
    """A row (a dict) that remembers the column read last, for error messages."""

    last: Any = None

    def __getitem__(self, key: Any) -> Any:
        self.last = key
        return super().__getitem__(key)

    def get(self, key: Any, default: Any = None) -> Any:
        self.last = key
        return super().get(key, default)

    def __missing__(self, key: Any) -> Any:
        raise MissingColumn(key)


class TrackedRows:
    """The task's rows (a `datasets.Dataset` or a list of dicts), each handed out as a `Row`;
    other attributes (`column_names`, column access by name) reach the rows underneath."""

    def __init__(self, rows: Iterable[Any]) -> None:
        self._rows = rows
        self.index: int | None = None
        self.row: Any = None

    def __iter__(self) -> Iterator[Any]:
        for i, row in enumerate(self._rows):
            self.index = i
            self.row = Row(row) if isinstance(row, dict) else row
            yield self.row

    def __len__(self) -> int:
        return len(self._rows)  # type: ignore[arg-type]

    def __getitem__(self, key: Any) -> Any:
        value = self._rows[key]  # type: ignore[index]
        return Row(value) if isinstance(key, int) and isinstance(value, dict) else value

    def __getattr__(self, name: str) -> Any:
        return getattr(self._rows, name)

    def where(self) -> str:
        if self.index is None:
            return ""
        column = getattr(self.row, "last", None)
        return f"row {self.index}" + (f", column {column!r}" if column is not None else "")


def checked_samples(
    build: Callable[[Iterable[Any]], Iterator[Sample]],
    rows: Iterable[Any],
    source: Callable[[], str],
) -> Iterator[Sample]:
    """`build(rows)`, with a schema-breaking row reported as a DataError that names it."""
    src = TrackedRows(rows)
    samples = build(src)
    while True:
        try:
            sample = next(samples)
        except StopIteration:
            return
        except DataError:
            raise  # already says where
        except ROW_ERRORS as exc:
            log.info("row error", exc_info=True)  # -v shows where in the task code
            where = ", ".join(p for p in (source(), src.where()) if p)
            raise DataError(f"{where}: {_describe(exc)}") from None
        yield sample


def _describe(exc: BaseException) -> str:
    if isinstance(exc, MissingColumn):
        return f"{exc}; a local copy needs the dataset's columns (see docs/tasks.md)"
    if isinstance(exc, KeyError):
        return f"missing key {exc.args[0]!r}"
    if isinstance(exc, UserError):
        return str(exc)
    return f"unexpected value ({type(exc).__name__}: {exc})"


def describe_source(info: dict[str, Any]) -> str:
    """The data a task read, as shown in messages: a path, a hub id, or `generated data`."""
    if info.get("path"):
        return str(info["path"])
    if info.get("source") == "hub" and info.get("id"):
        return f"{info['id']} ({info.get('split')})"
    return f"{info.get('source') or 'the'} data"
