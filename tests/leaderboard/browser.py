"""Helpers to serve the leaderboard with `eval-mm leaderboard` and drive Debian's Chromium.

Shared by the browser test and benchmarks/leaderboard.py."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx

CHROMIUM = os.environ.get("EVAL_MM_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def serve(results: Path, log: Path, timeout: float = 120.0) -> Iterator[str]:
    """`eval-mm leaderboard` on a free port of 127.0.0.1; yields its base URL."""
    port = free_port()
    cmd = [sys.executable, "-m", "eval_mm.cli.main", "leaderboard",
           "--results-dir", str(results), "--port", str(port)]
    with serve_command(cmd, port, log, timeout) as url:
        yield url


@contextmanager
def serve_command(cmd: list[str], port: int, log: Path, timeout: float = 120.0
                  ) -> Iterator[str]:
    """Any Streamlit server command listening on `port`; yields once it is healthy."""
    with open(log, "w", encoding="utf-8") as out:
        proc = subprocess.Popen(cmd, stdout=out, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + timeout
        while True:
            if proc.poll() is not None:
                raise RuntimeError(f"leaderboard exited early:\n{log.read_text()}")
            try:
                if httpx.get(f"{url}/_stcore/health", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError(f"leaderboard did not start:\n{log.read_text()}")
            time.sleep(0.2)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


@contextmanager
def chromium() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


def grid_cell_texts(page: Any) -> list[str]:
    """Texts of the data grid's accessible cells (the grid itself draws on a canvas)."""
    return [str(t) for t in page.locator('[data-testid="stDataFrame"] td').all_inner_texts()]
