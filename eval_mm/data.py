"""Dataset loading: the Hugging Face hub at a pinned revision, or a local copy.

A local copy with the same columns (a `save_to_disk` or hub-style folder, or a parquet,
JSON Lines, JSON or CSV file: eval_mm.data_files) goes through the same row -> sample code.
It is chosen, in this order, by `--data PATH`, by `EVAL_MM_DATA_<TASK_ID>` (upper case,
`-` as `_`), or by `EVAL_MM_DATA_DIR/<task-id>` when that exists.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from eval_mm.core.task import DatasetRef, Task
from eval_mm.data_files import check_file, detect
from eval_mm.errors import DataError, UserError
from eval_mm.hub import check_available, offline, reachable
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
    """A `datasets.Dataset` from a local copy (see eval_mm.data_files for the formats).
    Images stay undecoded until a task converts them, so that one corrupt image is that
    sample's failure, not the end of the run."""
    found = detect(path, split)  # before importing datasets: a bad file fails in moments
    if found.builder != "disk":
        for f in found.files:
            check_file(f, found.builder, found.csv_sep)
    import datasets
    from datasets.utils import disable_progress_bars

    disable_progress_bars()  # a local copy loads in moments; its bars would only bury errors
    if found.builder == "disk":
        try:
            loaded = datasets.load_from_disk(str(path))
        except Exception as exc:  # a damaged or foreign folder
            raise DataError(f"{path} is not a readable save_to_disk folder: {_first(exc)}") from exc
        if isinstance(loaded, datasets.DatasetDict):
            if split not in loaded:
                raise DataError(f"{path} has splits {list(loaded)}, not {split!r}")
            loaded = loaded[split]
        return undecoded_images(loaded)
    kwargs: dict[str, Any] = {"sep": found.csv_sep} if found.builder == "csv" else {}
    try:
        ds = datasets.load_dataset(
            found.builder, data_files=[str(f) for f in found.files], split="train", **kwargs
        )
    except Exception as exc:  # e.g. columns that differ between files, a type that breaks
        where = found.files[0] if len(found.files) == 1 else path
        raise DataError(f"{where}: cannot load it as {found.builder}: {_cause(exc)}") from None
    if found.builder in ("json", "csv"):
        ds = absolute_image_paths(ds, found.files[0].parent)
    return undecoded_images(ds)


def _cause(exc: BaseException) -> str:
    """The innermost message (datasets wraps the parser's error in its own)."""
    while exc.__cause__ is not None or exc.__context__ is not None:
        exc = exc.__cause__ or exc.__context__  # type: ignore[assignment]
    return _first(exc)


def _first(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return f"{type(exc).__name__}: {text[0] if text else ''}"[:300]


def undecoded_images(ds: Any) -> Any:
    """`ds` with its image columns (`Image`, lists of `Image`) left as bytes/path dicts."""
    import datasets

    def undecoded(feature: Any) -> Any:
        if isinstance(feature, datasets.Image):
            return datasets.Image(mode=feature.mode, decode=False)
        if isinstance(feature, datasets.List):
            return datasets.List(undecoded(feature.feature), length=feature.length)
        if isinstance(feature, datasets.LargeList):
            return datasets.LargeList(undecoded(feature.feature))
        if isinstance(feature, dict):
            return {k: undecoded(v) for k, v in feature.items()}
        return feature

    for name, feature in (getattr(ds, "features", None) or {}).items():
        new = undecoded(feature)
        if new != feature:
            ds = ds.cast_column(name, new)
    return ds


_IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".webp", ".gif", ".bmp", ".tif", ".tiff")


def absolute_image_paths(ds: Any, base: Path) -> Any:
    """JSON Lines and CSV copies name images by file path: relative paths are relative to
    the data file's folder, not to where eval-mm runs."""

    def is_image_path(value: Any) -> bool:
        return isinstance(value, str) and value.lower().endswith(_IMAGE_SUFFIXES)

    def fix(value: Any) -> Any:
        if is_image_path(value) and not Path(value).is_absolute():
            return str(base / value)
        if isinstance(value, list):
            return [fix(v) for v in value]
        return value

    first = ds[0] if len(ds) else {}
    columns = [
        c
        for c, v in first.items()
        if is_image_path(v) or (isinstance(v, list) and v and is_image_path(v[0]))
    ]
    if not columns:
        return ds
    return ds.map(
        lambda row: {c: fix(row[c]) for c in columns},
        keep_in_memory=True,
        new_fingerprint=f"{ds._fingerprint}-abs-{abs(hash(str(base)))}",  # no dill hashing
    )


def hub_reference_check(ref: DatasetRef) -> None:
    """Fail within seconds when the hub dataset cannot be had (offline, unknown id)."""
    try:
        check_available(ref.id, ref.revision, kind="dataset")
    except UserError as exc:
        raise UserError(
            f"{exc}, or point the task at a local copy with --data PATH or EVAL_MM_DATA_DIR"
        ) from None


def load_hub(ref: DatasetRef) -> Any:
    import datasets

    hub_reference_check(ref)
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
    if offline("dataset") or not reachable():
        return ref.revision
    try:
        from huggingface_hub import HfApi

        return str(HfApi().dataset_info(ref.id, revision=ref.revision).sha)
    except Exception:  # offline or no access: keep the requested revision only
        return ref.revision


def config_names(ref: DatasetRef) -> list[str]:
    import datasets

    hub_reference_check(ref)
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
