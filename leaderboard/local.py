"""Local runs as boards, one per protocol (generation profile + judge).

A judged number goes to the board of its judge; a number no judge made goes to every board
of its generation profile, so a board of judge X shows the string-metric tasks too. Within
a board, two runs that fill the same cell are resolved in favour of a complete run over a
subset, then of the newer run, with a warning naming the hidden one.
"""

from __future__ import annotations

from collections import defaultdict
from functools import lru_cache

from eval_mm.leaderboard.boards import (
    LOCAL,
    Board,
    Cell,
    Column,
    ModelRow,
    column,
    order_columns,
)
from eval_mm.leaderboard.composites import add_composites
from eval_mm.leaderboard.protocol import Protocol, column_protocol
from eval_mm.leaderboard.runs import Run
from eval_mm.models.catalog import spec_for
from eval_mm.models.info import ModelInfo, lookup
from eval_mm.store import slugify

BoardKey = tuple[str, str | None, str | None]


DEFAULT_LAYOUT = "chat_template"  # the catalog's default prompt layout


def shown_layout(run: Run) -> str:
    """The run's prompt layout when it is not the default chat template ('' otherwise, and
    for cards that do not record one): Asagi's numbers depend on it (`asagi`, the model
    card's layout, vs `asagi-llmjp`, the layout behind the published numbers)."""
    layout = run.prompt_layout
    return "" if layout in (None, DEFAULT_LAYOUT) else str(layout)


def model_key(run: Run) -> str:
    """One row per model and prompt layout: a catalog model under its Hugging Face id
    however it was named; runs of one model in two layouts are two rows, never one."""
    hf_id = run.model.get("hf_id")
    key = hf_id if isinstance(hf_id, str) and hf_id else _catalog_hf_id(run.model_id)
    layout = shown_layout(run)
    return f"{key} · layout {layout}" if layout else key


@lru_cache(maxsize=4096)
def _catalog_hf_id(model_id: str) -> str:
    spec = spec_for(model_id)
    return spec.hf_id if spec is not None else model_id


def scale_label(metric_id: str, scale: object) -> str:
    if metric_id.startswith("judge_1to5"):
        return "1-5"
    if metric_id.startswith("heron_rel"):
        return "pct_rel"
    if scale == 100:
        return "0-100"
    return "raw"


def board_id(key: BoardKey) -> str:
    profile, judge, runs = key
    parts = ["local", profile] + ([f"{judge}x{runs}"] if judge else ["nojudge"])
    return slugify("-".join(parts), max_len=120)


def board_title(key: BoardKey) -> str:
    profile, judge, runs = key
    who = f"judge {judge} ×{runs}" if judge else "no LLM judge"
    prof = "" if profile == "default" else f", generation profile {profile}"
    return f"Local runs · {who}{prof}"


def _column(p: Protocol, primary: bool, full: int | None, scale: str) -> Column:
    details = [f"task {p.task} v{p.task_version}, prompt variant {p.prompt_variant}",
               f"metric {p.metric} v{p.metric_version}, scale {scale}"]
    if p.judge is not None:
        details.append(f"judge {p.judge.who} ×{p.judge.runs}, "
                       f"judge prompt {p.judge.prompt_version}")
    if full is not None:
        details.append(f"full benchmark: {full:,} samples")
    return column(p.column_key, p.task, p.metric, scale, primary, tuple(details), full)


def _cell(run: Run, metric: str) -> Cell:
    m = run.metrics[metric]
    lo, hi = m.get("ci_low"), m.get("ci_high")
    ci = (float(lo), float(hi)) if isinstance(lo, (int, float)) and isinstance(
        hi, (int, float)) else None
    n = m.get("n")
    unscored = m.get("unscored")
    fp = m.get("fingerprint")
    return Cell(float(m["value"]), None, n if isinstance(n, int) else None,
                unscored if isinstance(unscored, int) else None, run.samples, ci, run.subset,
                run.rel, fingerprint=fp if isinstance(fp, str) else "")


def _protocol_lines(key: BoardKey, columns: list[Column], runs: list[Run],
                    prompts: dict[str, set[str]]) -> list[tuple[str, str]]:
    profile, judge, judge_runs = key
    versions = sorted({f"{c.short} v{c.key.split('|')[1]}" for c in columns})
    lines = [("Source", f"local runs in this result store ({len(runs)} run folders)"),
             ("Judge", f"{judge}, {judge_runs} run(s) per item" if judge
              else "none (string metrics only)")]
    if prompts:
        short = {c.task: c.short for c in columns}
        lines.append(("Judge prompts", "; ".join(
            f"{prompt} ({', '.join(sorted(short.get(t, t) for t in tasks))})"
            for prompt, tasks in sorted(prompts.items()))))
    lines += [("Generation profile", profile), ("Task versions", ", ".join(versions))]
    return lines


def local_boards(runs: list[Run], user_info: dict[str, ModelInfo] | None = None
                 ) -> tuple[list[Board], list[str]]:
    protos = [(r, m, column_protocol(r, m)) for r in runs for m in r.metrics
              if r.metrics[m].get("value") is not None]
    keys_by_profile: dict[str, set[BoardKey]] = defaultdict(set)
    for _, _, p in protos:
        keys_by_profile[p.profile].add(p.board_key)
    for profile, keys in keys_by_profile.items():
        judged = {k for k in keys if k[1] is not None}
        keys_by_profile[profile] = judged or keys
    boards: dict[BoardKey, Board] = {}
    placed: dict[BoardKey, list[tuple[Run, str, Protocol]]] = defaultdict(list)
    for item in protos:
        p = item[2]
        targets = [p.board_key] if p.judge is not None else sorted(
            keys_by_profile[p.profile], key=str)
        for k in targets:
            placed[k].append(item)
    warnings: list[str] = []
    for key, items in placed.items():
        board = Board(board_id(key), LOCAL, board_title(key), [])
        chosen: dict[tuple[str, str], Run] = {}
        columns: dict[str, Column] = {}
        prompts: dict[str, set[str]] = defaultdict(set)
        for run, metric, p in items:
            if p.judge is not None:
                prompts[p.judge.prompt_version].add(p.task)
            mk = model_key(run)
            if mk not in board.models:
                board.models[mk] = ModelRow(mk, lookup(run.model_id, user_info), run.debug,
                                            str(run.model.get("note") or ""),
                                            shown_layout(run))
            if p.column_key not in columns:
                columns[p.column_key] = _column(
                    p, metric == run.primary_metric, run.full_size,
                    scale_label(metric, run.metrics[metric].get("scale")))
            cell_key = (mk, p.column_key)
            old = chosen.get(cell_key)
            if old is not None and old.rel != run.rel:
                keep, hide = sorted((old, run), key=lambda r: (r.subset is None, r.updated))[::-1]
                warnings.append(f"{hide.rel} is hidden by {keep.rel} (same model and column; "
                                "a complete run wins over a subset, then the newer one)")
                if keep is old:
                    continue
            chosen[cell_key] = run
            board.cells[cell_key] = _cell(run, metric)
        board.columns = {c.key: c for c in order_columns(list(columns.values()))}
        used = sorted({r.rel: r for r in chosen.values()}.values(), key=lambda r: r.rel)
        board.protocol = _protocol_lines(key, list(board.columns.values()), used, prompts)
        add_composites(board)
        boards[key] = board
    ordered = sorted(boards.values(), key=lambda b: (-len(b.models), -len(b.cells), b.title))
    return ordered, sorted(set(warnings))
