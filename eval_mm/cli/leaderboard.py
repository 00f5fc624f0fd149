"""`eval-mm leaderboard`: serve the Streamlit leaderboard over a result store."""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
from pathlib import Path
from types import FrameType
from typing import Any

from eval_mm.errors import UserError

RESULTS_ENV = "EVAL_MM_RESULTS_DIR"  # read by eval_mm.leaderboard.ui.state
INFO_ENV = "EVAL_MM_MODELS_INFO"  # read by eval_mm.leaderboard.index
STOP_GRACE_S = 4.0  # after SIGTERM the server gets this long before it is killed


def register(sub: Any) -> None:
    p = sub.add_parser(
        "leaderboard",
        help="browse results in a web app (Streamlit)",
        description="Serve the leaderboard over the runs in --results-dir, with the published "
        "reference numbers of <results-dir>/reference/ (else the shipped ones) beside them.",
    )
    p.add_argument("--results-dir", type=Path, default=Path("results"),
                   help="result store to read (default: results)")
    p.add_argument("--port", type=int, default=8501, help="port to listen on (default 8501)")
    p.add_argument("--host", default="127.0.0.1",
                   help="address to listen on (default 127.0.0.1; 0.0.0.0 exposes it)")
    p.add_argument("--models-info", type=Path, default=None,
                   help="JSON file with metadata of local checkpoints (parameters, LLM, vision "
                   "encoder, licence, links); default: <results-dir>/models.json if present")
    p.set_defaults(func=cmd_leaderboard)


def streamlit_options(port: int, host: str) -> list[str]:
    return [
        "--server.port", str(port),
        "--server.address", host,
        "--server.headless", "true",
        "--browser.gatherUsageStats", "false",
        "--server.fileWatcherType", "none",
        "--client.toolbarMode", "minimal",
    ]


def server_command(results_dir: Path, port: int, host: str) -> list[str]:
    """The server process: index the store, then run Streamlit in that process."""
    return [sys.executable, "-m", "eval_mm.leaderboard.serve", str(results_dir),
            *streamlit_options(port, host)]


def _die_with_parent() -> None:
    """Linux: the server gets SIGTERM if this process dies without forwarding (SIGKILL)."""
    try:
        import ctypes

        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass


def serve(cmd: list[str], env: dict[str, str]) -> int:
    """Run the server child; SIGTERM, SIGINT and SIGHUP are passed on to it, and it is
    killed if it has not stopped `STOP_GRACE_S` seconds later, so the port is freed."""
    proc = subprocess.Popen(cmd, env=env,
                            preexec_fn=_die_with_parent if sys.platform == "linux" else None)
    stopping: list[int] = []

    def forward(signum: int, _frame: FrameType | None) -> None:
        stopping.append(signum)
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM if signum == signal.SIGHUP else signum)

    previous = {s: signal.signal(s, forward)
                for s in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP)}
    try:
        while True:
            try:
                rc = proc.wait(timeout=STOP_GRACE_S if stopping else None)
                break
            except subprocess.TimeoutExpired:
                proc.kill()
    finally:
        for s, handler in previous.items():
            signal.signal(s, handler)
    if stopping:
        return 128 + stopping[0] if stopping[0] != signal.SIGINT else 0
    return rc


def cmd_leaderboard(args: argparse.Namespace) -> int:
    try:
        import streamlit  # noqa: F401
    except ImportError as exc:
        raise UserError(
            "the leaderboard needs Streamlit: pip install 'evalmm-ja[leaderboard]'"
        ) from exc
    if not args.results_dir.is_dir():
        raise UserError(f"--results-dir {args.results_dir} is not a folder; run `eval-mm run` "
                        "first or point it at a result store")
    if not 0 < args.port < 65536:
        raise UserError("--port must be between 1 and 65535")
    env = {**os.environ, RESULTS_ENV: str(args.results_dir.resolve())}
    if args.models_info is not None:
        if not args.models_info.is_file():
            raise UserError(f"--models-info {args.models_info} is not a file")
        from eval_mm.models.info import load_user_info

        load_user_info(args.models_info)  # a bad file is a usage error, reported now
        env[INFO_ENV] = str(args.models_info.resolve())
    print(f"leaderboard on http://{args.host}:{args.port}  (results: {args.results_dir})",
          file=sys.stderr)
    return serve(server_command(args.results_dir.resolve(), args.port, args.host), env)
