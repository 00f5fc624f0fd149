"""Dataset loading: the Hugging Face hub at a pinned revision, or a local copy.

A local copy (parquet file(s) or a folder written by `datasets.save_to_disk`) with the
same columns goes through the same row -> sample code. It is chosen, in this order, by
`--data PATH`, by `EVAL_MM_DATA_<TASK_ID>` (upper case, `-` as `_`), or by
`EVAL_MM_DATA_DIR/<task-id>` when that exists.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from eval_mm.core.task import DatasetRef, Task
from eval_mm.errors import UserError
from eval_mm.identity import file_fingerprint


def override_path(task_id: str, explicit: str | None) -> Path | None:
    if explicit:
        return Path(explicit)
    env = os.environ.get("EVAL_MM_DATA_" + task_id.upper().replace("-", "_"))
    if env:
        return Path(env)
    root = os.environ.get("EVAL_MM_DATA_DIR")
    if root and (Path(root) / task_id).exists():
        return Path(root) / task_id
    return None


def load_local(path: Path, split: str) -> Any:
    """A `datasets.Dataset` from parquet file(s) or a `save_to_disk` folder."""
    import datasets

    if not path.exists():
        raise UserError(f"local data {path} does not exist")
    if path.is_file() or path.suffix == ".parquet":
        return datasets.load_dataset("parquet", data_files=str(path), split="train")
    parquet = sorted(path.glob("*.parquet"))
    if parquet:
        return datasets.load_dataset("parquet", data_files=[str(p) for p in parquet], split="train")
    loaded = datasets.load_from_disk(str(path))
    if isinstance(loaded, datasets.DatasetDict):
        if split not in loaded:
            raise UserError(f"{path} has splits {list(loaded)}, not {split!r}")
        return loaded[split]
    return loaded


def load_hub(ref: DatasetRef) -> Any:
    import datasets

    try:
        return datasets.load_dataset(ref.id, ref.config, split=ref.split, revision=ref.revision)
    except Exception as exc:  # network, auth, missing config: all user-fixable
        raise UserError(
            f"could not load {ref.id} ({ref.config or 'default'}/{ref.split}) from the hub: "
            f"{type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''}. "
            "Point the task at a local copy with --data PATH or EVAL_MM_DATA_DIR."
        ) from None


def resolved_revision(ref: DatasetRef) -> str | None:
    """Best-effort commit sha of the dataset revision (recorded, never required)."""
    try:
        from huggingface_hub import HfApi

        return str(HfApi().dataset_info(ref.id, revision=ref.revision).sha)
    except Exception:  # offline or no access: keep the requested revision only
        return ref.revision


def config_names(ref: DatasetRef) -> list[str]:
    import datasets

    try:
        return list(datasets.get_dataset_config_names(ref.id, revision=ref.revision))
    except Exception as exc:  # offline or no access
        raise UserError(
            f"could not list the configs of {ref.id} on the hub ({type(exc).__name__}); "
            "point the task at a local copy with --data PATH or EVAL_MM_DATA_DIR"
        ) from None


class DataSource:
    """The `RowSource` the runner hands a task: a local copy when the user gave one (or the
    task names one), else the hub at the pinned revision. `info` records what was read."""

    def __init__(self, task_id: str, explicit: str | None = None) -> None:
        self.task_id = task_id
        self._local = override_path(task_id, explicit)
        self.info: dict[str, Any] = {}

    def local_path(self) -> Path | None:
        return self._local

    def config_names(self, ref: DatasetRef) -> list[str]:
        return config_names(ref)

    def load(
        self, ref: DatasetRef, configs: Sequence[str] | None = None, path: Path | None = None
    ) -> Sequence[dict[str, Any]]:
        local = self._local or path
        if local is not None:
            ds: Any = load_local(local, ref.split)
            self.info = {"source": "local", "path": str(local), **ref.to_json()}
            self.info["files"] = file_fingerprint([local])  # provenance: names, sizes, times
        elif configs is not None:
            import datasets

            parts = [load_hub(ref.with_config(c)) for c in configs]
            ds = datasets.concatenate_datasets(parts)
            self.info = {"source": "hub", **ref.to_json(), "configs": list(configs)}
            self.info["resolved_revision"] = resolved_revision(ref)
        else:
            ds = load_hub(ref)
            self.info = {"source": "hub", **ref.to_json()}
            self.info["resolved_revision"] = resolved_revision(ref)
        self.info["rows"] = len(ds)
        return ds  # type: ignore[no-any-return]


def source_for(task: Task) -> DataSource:
    """The data source of a task built from the user's options."""
    return DataSource(task.id, task.opts.data_path)
