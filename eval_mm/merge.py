"""Join the shard runs of one configuration (`eval-mm run --num-shards N --shard-index i`)
into a single run folder, then score it.

Shards must agree on everything but the shard index: task, task version and prompt,
model and revision, generation settings and sample selection. The merged folder holds
every shard's samples (images renumbered), one prediction per sample, the shards' stored
scores (so judge verdicts are reused, not bought again) and a card that lists the shards.
"""

from __future__ import annotations

import shutil
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from eval_mm.errors import UserError
from eval_mm.generate import load_predictions
from eval_mm.runcard import config_id, ids_hash, now
from eval_mm.store import (
    CARD,
    IMAGES_DIR,
    PREDICTIONS,
    SAMPLES,
    SCORES_DIR,
    atomic_write_json,
    atomic_write_jsonl,
    contained,
    read_json,
    read_jsonl,
    slugify,
)

# Card fields that must be equal across shards (dotted paths); the identity fields say
# everything else (task, model fingerprint, libraries, generation, prompt).
SAME = ("made_by", "selection.limit", "selection.limit_seed", "selection.num_shards")
# Identity fields that differ between shards by construction.
PER_SHARD = ("samples", "n_samples", "shard")


def _get(card: dict[str, Any], path: str) -> Any:
    value: Any = card
    for key in path.split("."):
        value = value.get(key) if isinstance(value, dict) else None
    return value


def _shared_identity(card: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in (card.get("identity") or {}).items() if k not in PER_SHARD}


def _first_difference(a: Any, b: Any, path: str = "") -> str | None:
    """The dotted path of the first value that differs between two JSON trees."""
    if isinstance(a, dict) and isinstance(b, dict):
        for key in sorted(set(a) | set(b)):
            found = _first_difference(a.get(key), b.get(key), f"{path}.{key}" if path else key)
            if found:
                return found
        return None
    return None if a == b else (path or "(root)")


def load_shards(folders: Sequence[Path]) -> list[tuple[Path, dict[str, Any]]]:
    """(folder, card) of each shard, sorted by shard index, after every consistency check."""
    shards: list[tuple[Path, dict[str, Any]]] = []
    for folder in folders:
        if not (folder / CARD).is_file():
            raise UserError(f"{folder} is not a run folder (no {CARD})")
        card = read_json(folder / CARD)
        if (card.get("selection") or {}).get("num_shards", 1) <= 1:
            print(f"note: skipping {folder}: not a shard run", file=sys.stderr)
            continue
        shards.append((folder, card))
    if not shards:
        raise UserError("no shard runs given (run with --num-shards N --shard-index i first)")
    first = shards[0][1]
    for folder, card in shards[1:]:
        diff = _first_difference(_shared_identity(first), _shared_identity(card))
        for path in SAME:
            if diff is None and _get(card, path) != _get(first, path):
                diff = path
        if diff is not None:
            raise UserError(
                f"{folder} differs from {shards[0][0]} in {diff}; shards of "
                "different configurations cannot be merged"
            )
    shards.sort(key=lambda fc: fc[1]["selection"]["shard_index"])
    n = first["selection"]["num_shards"]
    indices = [c["selection"]["shard_index"] for _, c in shards]
    if len(set(indices)) != len(indices):
        raise UserError(f"shard index given twice: {sorted(indices)}")
    missing = sorted(set(range(n)) - set(indices))
    if missing:
        raise UserError(f"missing shard(s) {missing} of {n}; run them, then merge again")
    running = [str(f) for f, c in shards if c.get("status") == "running"]
    if running:
        raise UserError(f"shard(s) still running or interrupted: {', '.join(running)}")
    return shards


def merge_shards(
    folders: Sequence[Path], results_dir: Path | None = None
) -> tuple[Path, dict[str, Any]]:
    """Write the merged run folder; return it and its card (not yet scored)."""
    shards = load_shards(folders)
    first = shards[0][1]
    root = results_dir or shards[0][0].parent.parent.parent
    merged_id = config_id({"merged_shards": sorted(c["config_id"] for _, c in shards)})
    out = contained(root, slugify(first["model"]["id"]), slugify(first["task"]["id"]), merged_id)
    if out.exists():
        shutil.rmtree(out)  # a merge is derived data: rebuilt from the shards every time
    (out / IMAGES_DIR).mkdir(parents=True)
    samples: list[dict[str, Any]] = []
    predictions: list[dict[str, Any]] = []
    scores: dict[Path, list[dict[str, Any]]] = {}
    for folder, _ in shards:
        preds = load_predictions(folder)
        for rec in read_jsonl(folder / SAMPLES):
            images = []
            for k, rel in enumerate(rec.get("images") or []):
                new = f"{IMAGES_DIR}/{len(samples):06d}_{k}.png"
                if (folder / rel).is_file():
                    shutil.copyfile(folder / rel, out / new)
                images.append(new)
            samples.append({**rec, "images": images})
            if rec["id"] in preds:
                predictions.append(preds[rec["id"]])
        for path in sorted((folder / SCORES_DIR).glob("*/*.jsonl")):  # <metric>/<fp>.jsonl
            scores.setdefault(path.relative_to(folder), []).extend(read_jsonl(path))
    ids = [s["id"] for s in samples]
    if len(set(ids)) != len(ids):
        raise UserError("the shards overlap (a sample id occurs in two shards)")
    atomic_write_jsonl(out / SAMPLES, samples)
    atomic_write_jsonl(out / PREDICTIONS, predictions)
    for rel, records in scores.items():
        atomic_write_jsonl(out / rel, records)
    card = dict(first)
    cards = [c for _, c in shards]
    counts = [c.get("counts") or {} for c in cards]
    card.update(
        config_id=merged_id,
        identity={
            **_shared_identity(first),
            "samples": merged_id,
            "n_samples": len(ids),
            "shard": None,
        },
        invocations=[],
        status="merged",
        created=now(),
        updated=now(),
        counts={
            k: sum(int(c.get(k) or 0) for c in counts)
            for k in ("samples", "resumed", "generated_now", "errors", "transient_errors")
        },
        timings={
            "generate_s_sum": round(
                sum(float((c.get("timings") or {}).get("generate_s") or 0) for c in cards), 3
            ),
            "generate_s_max": max(
                float((c.get("timings") or {}).get("generate_s") or 0) for c in cards
            ),
        },
    )
    card["counts"]["missing"] = len(samples) - len(predictions)
    card["selection"] = {
        **first["selection"],
        "num_shards": 1,
        "shard_index": 0,
        "sample_ids_sha256": ids_hash(ids),
    }
    card["merged_from"] = [
        {
            "shard_index": c["selection"]["shard_index"],
            "num_shards": c["selection"]["num_shards"],
            "config_id": c["config_id"],
            "folder": str(f),
            "status": c.get("status"),
            "counts": c.get("counts"),
            "harness_commit": (c.get("harness") or {}).get("git_commit"),
            "model_card": c.get("model") if c.get("model") != first.get("model") else None,
        }
        for f, c in shards
    ]
    atomic_write_json(out / CARD, card)
    return out, card
