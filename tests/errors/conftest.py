"""Fixtures of the bad-input tests: the earlier run and the bad data files (once each)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import run_cli
from tests.errors.support import BASE_RUN, bad_data, only_run


@pytest.fixture(scope="session")
def earlier_run(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A result store holding one complete run, which no bad command may touch."""
    results = tmp_path_factory.mktemp("results")
    proc = run_cli(*BASE_RUN, "-o", str(results))
    assert proc.returncode == 0, proc.stderr
    return only_run(results)


@pytest.fixture(scope="session")
def bad_files(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return bad_data(tmp_path_factory.mktemp("bad-data"))
