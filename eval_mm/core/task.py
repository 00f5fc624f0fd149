"""A task turns dataset rows into samples and names its scorers."""

from __future__ import annotations

import hashlib
import json
from abc import ABC, abstractmethod
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Any, ClassVar, Protocol

from eval_mm.core.model import GenerationConfig
from eval_mm.core.options import NoOptions, Options, given_options, parse_options
from eval_mm.core.rows import checked_samples, describe_source
from eval_mm.core.sample import Sample
from eval_mm.errors import UserError


@dataclass(frozen=True)
class DatasetRef:
    """A Hugging Face dataset at a pinned revision."""

    id: str
    split: str
    config: str | None = None
    revision: str | None = None

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    def with_config(self, config: str | None) -> DatasetRef:
        return replace(self, config=config)


class RowSource(Protocol):
    """Where a task reads its rows: the runner hands one to `Task.samples`.

    The implementation (`eval_mm.data.DataSource`) reads the hub at the pinned revision, or
    the user's local copy of the task's data, and records what it read in `info`."""

    info: dict[str, Any]

    def local_path(self) -> Path | None:
        """The user's local copy (a path) that replaces the hub, or None."""

    def load(
        self, ref: DatasetRef, configs: Sequence[str] | None = None, path: Path | None = None
    ) -> Sequence[dict[str, Any]]:
        """Rows of `ref` (of each of `configs`, concatenated), from `path` when given, else
        from the local copy or the hub."""

    def config_names(self, ref: DatasetRef) -> list[str]:
        """The configs of a hub dataset (JMMMU's subjects)."""


@dataclass
class TaskOptions:
    """User choices for one task: prompt variant, a local data copy, task-specific options."""

    prompt_variant: str | None = None
    data_path: str | None = None
    options: dict[str, Any] = field(default_factory=dict)


def sha256_text(*parts: str) -> str:
    h = hashlib.sha256()
    for p in parts:
        h.update(p.encode("utf-8"))
        h.update(b"\x00")
    return h.hexdigest()


class Task(ABC):
    """Base class of task plugins (one file per benchmark in `tasks/`).

    Subclasses set the class attributes and implement `build_samples`, and `load_rows` when
    the rows are not simply those of `dataset` (filters, several configs, generated data).
    Tasks never open files or the hub themselves: the runner hands them a `RowSource`.
    """

    id: ClassVar[str]
    short_name: ClassVar[str] = ""  # column header on the leaderboard (`Heron`); "" = the id
    aliases: ClassVar[tuple[str, ...]] = ()
    version: ClassVar[str] = "1"
    description: ClassVar[str] = ""
    dataset: ClassVar[DatasetRef | None] = None
    metrics: ClassVar[tuple[str, ...]] = ()
    primary_metric: ClassVar[str | None] = None
    breakdown_keys: ClassVar[tuple[str, ...]] = ()
    # Metadata key naming the cluster of a sample: samples sharing a value are not
    # independent (questions on one image, rotations of one question). Bootstrap intervals
    # and the gate resample whole clusters. None: samples are independent.
    cluster_key: ClassVar[str | None] = None
    prompt_variants: ClassVar[tuple[str, ...]] = ("llmjp",)
    generation: ClassVar[GenerationConfig | None] = None
    group: ClassVar[str] = "general"
    # What `--task-option NAME=VALUE` may set (eval_mm.core.options); values in `self.options`.
    options_schema: ClassVar[type[Options]] = NoOptions

    def __init__(self, opts: TaskOptions | None = None) -> None:
        opts = opts or TaskOptions()
        self.options = parse_options(self.options_schema, opts.options, f"{self.id} task")
        # The given options, typed: `per_variant=4` and `per_variant=04` are one configuration.
        self.opts = replace(opts, options=given_options(self.options, opts.options))
        variant = self.opts.prompt_variant or self.prompt_variants[0]
        if variant not in self.prompt_variants:
            raise UserError(
                f"task {self.id} has no prompt variant {variant!r}; "
                f"choose one of: {', '.join(self.prompt_variants)}"
            )
        self.prompt_variant = variant
        self.data_info: dict[str, Any] = {}
        self.warnings: list[str] = []

    # --- data ---------------------------------------------------------------------
    def load_rows(self, source: RowSource) -> Iterable[dict[str, Any]]:
        """Rows of the dataset (or of a local copy with the same schema)."""
        if self.dataset is None:
            raise NotImplementedError(f"task {self.id} must implement load_rows")
        rows = source.load(self.dataset)
        self.data_info.update(source.info)
        return rows

    @abstractmethod
    def build_samples(self, rows: Iterable[dict[str, Any]]) -> Iterator[Sample]: ...

    def samples(self, source: RowSource) -> Iterator[Sample]:
        """Samples of the task; a row that breaks the schema is a DataError naming it."""
        return checked_samples(
            self.build_samples, self.load_rows(source), lambda: describe_source(self.data_info)
        )

    # --- prompts and scoring -------------------------------------------------------
    def prompt_templates(self) -> dict[str, str]:
        """The template strings of the current prompt variant (hashed into the run card)."""
        return {}

    def prompt_hash(self) -> str:
        templates = self.prompt_templates()
        return sha256_text(
            self.prompt_variant, json.dumps(templates, sort_keys=True, ensure_ascii=False)
        )

    def card(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "version": self.version,
            "prompt_variant": self.prompt_variant,
            "prompt_hash": self.prompt_hash(),
            "dataset": self.dataset.to_json() if self.dataset else None,
            "data": self.data_info,
            "options": self.options.to_json(),
            "warnings": self.warnings,
        }
