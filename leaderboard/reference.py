"""Published reference numbers (results/reference/*.csv) and their provenance
(results/reference/sources.json), as one board per snapshot.

CSV columns: source, snapshot, judge, model, task, metric, value, scale, note; one number
per row, `value` as published. `sources.json` says, per snapshot, where the numbers come
from and under which protocol; a snapshot marked `rounded_copy_of` another is merged into
that board: its numbers fill only the cells the original lacks and are marked as rounded.
"""

from __future__ import annotations

import csv
import json
from collections import Counter
from pathlib import Path
from typing import Any

import eval_mm
from eval_mm.leaderboard.boards import (
    PUBLISHED,
    Board,
    Cell,
    Column,
    ModelRow,
    column,
    mark_primary,
    order_columns,
)
from eval_mm.leaderboard.taskinfo import full_size
from eval_mm.models.info import ModelInfo, lookup
from eval_mm.store import slugify

REFERENCE_DIR = "reference"
SOURCES_FILE = "sources.json"
COLUMNS = ("source", "snapshot", "judge", "model", "task", "metric", "value", "scale", "note")
ROUNDING_SLACK = 0.05 + 1e-9  # a 1-decimal copy of a 2-decimal number (double rounding)


def default_reference_dirs(results_dir: Path) -> list[Path]:
    """`<results>/reference/`, else the copy of a source checkout, else the wheel's copy
    (`eval_mm/leaderboard/reference/`, mapped there by the wheel build)."""
    own = results_dir / REFERENCE_DIR
    if own.is_dir():
        return [own]
    checkout = Path(eval_mm.__file__).resolve().parent.parent / "results" / REFERENCE_DIR
    wheel = Path(__file__).resolve().parent / REFERENCE_DIR
    return [d for d in (checkout, wheel) if d.is_dir()][:1]


Row = dict[str, Any]  # one CSV row plus `value_num` (float) and `file`


def load_reference(dirs: list[Path]) -> tuple[list[Row], list[str]]:
    """All reference rows with a numeric `value_num`; bad files or rows become warnings."""
    rows: list[Row] = []
    warnings: list[str] = []
    for d in dirs:
        for path in sorted(d.glob("*.csv")):
            try:
                with open(path, encoding="utf-8", newline="") as f:
                    reader = csv.DictReader(f)
                    missing = [c for c in COLUMNS if c not in (reader.fieldnames or [])]
                    if missing:
                        warnings.append(f"skipped reference file {path.name}: missing "
                                        f"columns {missing}")
                        continue
                    got = list(reader)
            except (OSError, UnicodeDecodeError, csv.Error) as exc:
                warnings.append(f"skipped reference file {path.name}: {type(exc).__name__}")
                continue
            bad = 0
            for r in got:
                try:
                    value = float(r["value"])
                except (TypeError, ValueError):
                    bad += 1
                    continue
                if value != value:
                    bad += 1
                    continue
                rows.append({**{c: str(r.get(c) or "") for c in COLUMNS}, "value_num": value,
                             "file": path.name})
            if bad:
                warnings.append(f"{path.name}: {bad} rows with a non-numeric value skipped")
    return rows, warnings


def load_sources(dirs: list[Path]) -> tuple[dict[str, dict[str, Any]], list[str]]:
    """Snapshot -> provenance entry of every `sources.json` in `dirs`."""
    out: dict[str, dict[str, Any]] = {}
    warnings: list[str] = []
    for d in dirs:
        path = d / SOURCES_FILE
        if not path.is_file():
            continue
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
            warnings.append(f"skipped {path.name}: {type(exc).__name__}")
            continue
        out.update({k: v for k, v in data.items() if isinstance(v, dict)})
    return out, warnings


def _parts(note: str) -> list[str]:
    return [p.strip() for p in note.split(";") if p.strip()]


def _common(notes: list[str]) -> list[str]:
    """Note parts every one of `notes` has, in first-seen order."""
    if not notes:
        return []
    counts = Counter(p for n in notes for p in dict.fromkeys(_parts(n)))
    return [p for p in dict.fromkeys(_parts(notes[0])) if counts[p] == len(notes)]


def _merge_cited_twice(rows: list[Row]) -> tuple[list[Row], list[str]]:
    """One row per (model, task, metric): the same number cited by two sources is kept once
    with both named; differing numbers keep the first, with a warning."""
    out: dict[tuple[str, str, str], Row] = {}
    warnings = []
    for r in rows:
        key = (r["model"], r["task"], r["metric"])
        first = out.get(key)
        if first is None:
            out[key] = dict(r)
        elif first["value"] == r["value"]:
            if r["source"] not in first["source"].split(" + "):
                first["source"] += " + " + r["source"]
        else:
            warnings.append(f"snapshot {r['snapshot']}: {key[0]} {key[1]}/{key[2]} is published "
                            f"with two different values; {r['value']} is not shown")
    return list(out.values()), warnings


def _by_column(rows: list[Row]) -> dict[tuple[str, str], list[Row]]:
    groups: dict[tuple[str, str], list[Row]] = {}
    for r in rows:
        groups.setdefault((r["task"], r["metric"]), []).append(r)
    return groups


def _board(snapshot: str, rows: list[Row], copies: list[Row], src: dict[str, Any],
           sources: dict[str, dict[str, Any]], user: dict[str, ModelInfo] | None) -> Board:
    rows, warnings = _merge_cited_twice(rows)
    board_notes = _common([r["note"] for r in rows])
    board = Board(f"pub-{slugify(snapshot, 110)}", PUBLISHED, str(src.get("title") or snapshot),
                  [], source=src, warnings=warnings)
    columns: list[Column] = []
    for (task, metric), group in _by_column(rows).items():
        col_notes = [p for p in _common([r["note"] for r in group]) if p not in board_notes]
        columns.append(_column(group[0], tuple(col_notes)))
        skip = set(board_notes) | set(col_notes)
        for r in group:
            notes = tuple(p for p in _parts(r["note"]) if p not in skip)
            board.cells[(r["model"], f"{task}|{metric}")] = Cell(r["value_num"], r["value"],
                                                                notes=notes)
    _fill_from_copies(board, columns, copies, sources)
    board.columns = {c.key: c for c in order_columns(mark_primary(columns))}
    for model in dict.fromkeys(m for m, _ in board.cells):
        board.models[model] = ModelRow(model, lookup(model, user))
    board.protocol = _protocol(board.source, rows, board_notes)
    return board


def _column(r: Row, notes: tuple[str, ...] = ()) -> Column:
    details = (f"task {r['task']}, metric {r['metric']}, scale {r['scale']}",
               f"judge: {r['judge']}", *notes)
    return column(f"{r['task']}|{r['metric']}", r["task"], r["metric"], r["scale"], False,
                  details, full_size(r["task"]))


def _fill_from_copies(board: Board, columns: list[Column], copies: list[Row],
                      sources: dict[str, dict[str, Any]]) -> None:
    """Cells the snapshot lacks, from its rounded copies; overlapping cells are checked."""
    filled = checked = 0
    have = {c.key for c in columns}
    for r in copies:
        key = f"{r['task']}|{r['metric']}"
        title = str(sources.get(r["snapshot"], {}).get("title") or r["snapshot"])
        cell = board.cells.get((r["model"], key))
        if cell is not None:
            checked += 1
            if abs(cell.value - r["value_num"]) > ROUNDING_SLACK:
                board.warnings.append(f"{title}: {r['model']} {r['task']}/{r['metric']} = "
                                      f"{r['value']} does not round {cell.text}; the original "
                                      "is shown")
            continue
        if key not in have:
            have.add(key)
            columns.append(_column(r))
        board.cells[(r["model"], key)] = Cell(r["value_num"], r["value"], rounded=True,
                                             notes=(f"from {title}", *_parts(r["note"])))
        filled += 1
    if filled:
        board.source = {**board.source, "merged_copies": {"filled": filled, "checked": checked}}


def _protocol(src: dict[str, Any], rows: list[Row], board_notes: list[str]
              ) -> list[tuple[str, str]]:
    cited = " + ".join(dict.fromkeys(s for r in rows for s in r["source"].split(" + ")))
    lines = [("Source", str(src.get("citation") or cited))]
    if src.get("url"):
        lines.append(("Link", str(src["url"])))
    for label, key in (("Judge", "judge"), ("Judge prompt", "judge_prompt"),
                       ("Generation", "generation")):
        if src.get(key):
            lines.append((label, str(src[key])))
    notes = list(dict.fromkeys([*(src.get("notes") or []), *board_notes]))
    if notes:
        lines.append(("Notes", "; ".join(notes)))
    merged = src.get("merged_copies")
    if merged:
        lines.append(("Rounded copy", f"{merged['filled']} cells the snapshot lacks are taken "
                      "from its 1-decimal copy and shown in italics; the "
                      f"{merged['checked']} cells in both agree within rounding"))
    if src.get("comparable"):
        lines.append(("Compare with", str(src["comparable"])))
    return lines


def published_boards(ref: list[Row], sources: dict[str, dict[str, Any]],
                     user: dict[str, ModelInfo] | None = None) -> list[Board]:
    """One board per snapshot (rounded copies merged into their original), the reference
    harness's snapshots first, newest first, then the others by title."""
    by_snapshot: dict[str, list[Row]] = {}
    for r in ref:
        by_snapshot.setdefault(r["snapshot"], []).append(r)
    copy_of = {s: str(sources.get(s, {}).get("rounded_copy_of") or "") for s in by_snapshot}
    boards = []
    for snapshot, rows in by_snapshot.items():
        if copy_of[snapshot] in by_snapshot:
            continue  # merged into its original
        copies = [r for s, o in copy_of.items() if o == snapshot for r in by_snapshot[s]]
        boards.append(_board(snapshot, rows, copies, dict(sources.get(snapshot, {})), sources,
                             user))
    return sorted(boards, key=_board_order)


def _board_order(board: Board) -> tuple[int, str, str]:
    """The reference harness's snapshots newest first (D, C, B, A), then the rest by title."""
    llmjp = board.id.startswith("pub-llmjp-")
    letter = board.id[len("pub-llmjp-"):][:1] if llmjp else ""
    return (0 if llmjp else 1, chr(0x7F - ord(letter)) if letter else "", board.title)
