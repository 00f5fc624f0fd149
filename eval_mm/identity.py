"""What made a number: content digests of samples, models, libraries and run identities.

A run folder is named by the digest of everything that determines its predictions and
what they are scored against (see `docs/identity.md`). Each stored prediction carries the
digest of its sample's messages (`input`) and of the model identity it was made under
(`made_by`); each stored score carries its scorer's fingerprint and the digest of what it
scored. Anything stored is reused only when all of these match.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Iterable, Sequence
from importlib import metadata
from pathlib import Path
from typing import Any

from eval_mm.core.model import GenerationConfig, Model
from eval_mm.core.sample import ImagePart, Sample, TextPart
from eval_mm.core.task import Task

DIGEST_CHARS = 16  # 64 bits: per-record keys; run ids use 10 hex characters as before


def canonical(obj: Any) -> str:
    """Canonical JSON: sorted keys, no whitespace, non-JSON values as strings."""
    return json.dumps(obj, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str)


def digest(obj: Any, chars: int = DIGEST_CHARS) -> str:
    return hashlib.sha256(canonical(obj).encode("utf-8")).hexdigest()[:chars]


def messages_digest(sample: Sample) -> str:
    """The model's input as sent: roles, texts and image pixels in order."""
    h = hashlib.sha256()
    for message in sample.messages:
        h.update(b"\x00role:" + message.role.encode())
        for part in message.content:
            if isinstance(part, TextPart):
                h.update(b"\x00text:" + part.text.encode("utf-8"))
            elif isinstance(part, ImagePart):
                img = part.image
                h.update(f"\x00image:{img.mode}:{img.size[0]}x{img.size[1]}:".encode())
                h.update(img.tobytes())
    return h.hexdigest()[:DIGEST_CHARS]


def input_digest(sample: Sample, model: Model, gold: str) -> str:
    """What a prediction of `model` for `sample` is made from: the messages, and the gold
    (`gold_digest`) too for a model that reads it (the oracle)."""
    if model.reads_references:
        return digest([messages_digest(sample), gold])
    return messages_digest(sample)


def gold_digest(sample: Sample) -> str:
    """What a scorer compares against: references, metadata and the judge's question."""
    return digest([sample.references, sample.metadata, sample.judge_question])


def score_input_digest(prediction: dict[str, Any], gold: str) -> str:
    """The content a score was computed from: the prediction's output (and its error and
    reasoning, which some scorers read) and the sample's gold digest."""
    h = hashlib.sha256(gold.encode())
    for key in ("output", "error", "reasoning"):
        value = prediction.get(key)
        h.update(b"\x01" if value is None else b"\x02" + str(value).encode("utf-8"))
        h.update(b"\x00")
    return h.hexdigest()[:DIGEST_CHARS]


def library_versions(names: Iterable[str]) -> dict[str, str | None]:
    """major.minor of libraries whose version changes outputs (None when not installed)."""
    out: dict[str, str | None] = {}
    for name in names:
        try:
            out[name] = ".".join(metadata.version(name).split(".")[:2])
        except metadata.PackageNotFoundError:
            out[name] = None
    return out


# Small files of a checkpoint folder whose content decides outputs; other files count by
# name, size and modification time (weights are too large to read on every run).
_CONTENT_SUFFIXES = (".json", ".txt", ".model", ".jinja", ".py", ".yaml", ".yml", ".tiktoken")
_CONTENT_MAX_BYTES = 8 << 20


def folder_fingerprint(path: Path) -> dict[str, Any]:
    """A local checkpoint folder: content digests of its configs, tokenizer and chat template
    files, and (name, size, mtime) of everything else, notably the weights."""
    entries: list[list[Any]] = []
    for file in sorted(p for p in path.rglob("*") if p.is_file()):
        rel = file.relative_to(path).as_posix()
        if rel.startswith(".") or "/." in rel:
            continue  # .git, .cache, editor files
        st = file.stat()
        if file.suffix in _CONTENT_SUFFIXES and st.st_size <= _CONTENT_MAX_BYTES:
            entries.append([rel, hashlib.sha256(file.read_bytes()).hexdigest()[:DIGEST_CHARS]])
        else:
            entries.append([rel, st.st_size, st.st_mtime_ns])
    return {"path": str(path.resolve()), "files": len(entries), "digest": digest(entries)}


def file_fingerprint(paths: Sequence[Path]) -> dict[str, Any]:
    """Local data files by name, size and modification time (recorded, not hashed: the
    samples' own content digests are what the identity uses)."""
    files = []
    for p in paths:
        for f in sorted([p] if p.is_file() else [q for q in p.rglob("*") if q.is_file()]):
            st = f.stat()
            files.append([os.fspath(f), st.st_size, st.st_mtime_ns])
    return {"files": len(files), "digest": digest(files)}


def model_identity(model: Model, generation: GenerationConfig) -> dict[str, Any]:
    """What decides a prediction besides its messages (the `made_by` of each record)."""
    return {
        "model": model.fingerprint(),
        "libraries": library_versions(model.output_libraries),
        "generation": generation.to_json(),
    }


def run_identity(
    task: Task,
    made_by: dict[str, Any],
    samples: Sequence[Sample],
    inputs: dict[str, str],
    golds: dict[str, str],
    shard: tuple[int, int] | None,
) -> dict[str, Any]:
    """Everything that determines a run's predictions and what they are scored against: one
    run folder per distinct identity (the card keeps it under `identity`).

    `samples` is the content digest of the selected samples in order (id, messages as
    sent, references and metadata): a changed prompt-building code, a corrected gold answer,
    another data copy or another selection all change it."""
    return {
        "task": task.id,
        "task_version": task.version,
        "prompt_variant": task.prompt_variant,
        "task_options": task.opts.options,
        "samples": digest([[s.id, inputs[s.id], golds[s.id]] for s in samples]),
        "n_samples": len(samples),
        **made_by,
        "shard": list(shard) if shard else None,
    }
