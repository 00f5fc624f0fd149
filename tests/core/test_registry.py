"""Registries: built-ins found, aliases resolve, unknown names list close matches."""

from __future__ import annotations

import pytest

from eval_mm.errors import UserError
from eval_mm.models import resolve_model
from eval_mm.registries import METRICS, TASKS


def test_builtin_task_and_alias_resolve_to_the_same_class() -> None:
    assert TASKS.get("ja-word-ocr") is TASKS.get("word-ocr")


def test_unknown_task_suggests_close_matches() -> None:
    with pytest.raises(UserError) as err:
        TASKS.get("ja-word-ocrr")
    assert "ja-word-ocr" in str(err.value)
    assert "eval-mm list tasks" in str(err.value)


def test_unknown_metric_and_model_suggest_close_matches() -> None:
    with pytest.raises(UserError, match="anls"):
        METRICS.get("anl")
    with pytest.raises(UserError, match="oracle"):
        resolve_model("oracel")


def test_model_registry_builds_oracle_with_options() -> None:
    model = resolve_model("oracle", {"batch_size": 3})
    assert model.batch_size == 3 and model.card()["debug"] is True


def test_entry_point_plugins_are_registered(monkeypatch: pytest.MonkeyPatch) -> None:
    """A third-party task published through the `eval_mm.tasks` entry-point group."""
    from importlib import metadata

    from eval_mm.registries import Registry

    class FakeEP:
        name = "plugin-task"

        def load(self) -> type:
            return dict  # any object stands in for a task class here

    def fake_entry_points(group: str) -> list[FakeEP]:
        return [FakeEP()] if group == "test.group" else []

    monkeypatch.setattr("eval_mm.registries.entry_points", fake_entry_points)
    reg: Registry[type] = Registry("task", (), "test.group")
    assert reg.get("plugin-task") is dict
    assert metadata is not None
