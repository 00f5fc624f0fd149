"""A run's status (complete, incomplete, failed, generated, stopped) and the history of the
invocations that wrote its folder, kept in the run card."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from eval_mm.runcard import invocation, now
from eval_mm.score import MetricOutcome
from eval_mm.store import CARD, atomic_write_json


def activity(card: dict[str, Any], outcomes: dict[str, MetricOutcome]) -> dict[str, Any]:
    counts = card.get("counts") or {}
    return {
        "generated": counts.get("generated_now", 0),
        "reused_predictions": counts.get("reused_from_other_runs", 0),
        "retried_predictions": counts.get("retried", 0),
        "scored": {
            m: {"fingerprint": o.fingerprint, "scored_now": o.scored_now, "reused": o.reused,
                "retry": o.retry}
            for m, o in outcomes.items()
        },
    }


def start_invocation(card: dict[str, Any], command: str) -> None:
    """Open this invocation's entry in the card's history; one left `running` by a process
    that died is marked `interrupted`."""
    history = [
        {**e, "status": "interrupted"} if e.get("status") == "running" else e
        for e in card.get("invocations", [])
    ]
    card["invocations"] = [*history, invocation("running", {"command": command})]


def finish_invocation(
    folder: Path, card: dict[str, Any], status: str, problems: list[str], what: dict[str, Any]
) -> None:
    """Write the card's final status and close this invocation's entry in its history."""
    card["status"] = status
    card["problems"] = problems
    card["updated"] = now()
    history = list(card.get("invocations") or [])
    if not history or history[-1].get("status") != "running":
        history.append(invocation("running", {}))
    history[-1] = {**history[-1], **what, "status": status, "finished": now()}
    card["invocations"] = history
    atomic_write_json(folder / CARD, card)


def run_status(
    counts: dict[str, Any],
    outcomes: dict[str, MetricOutcome],
    max_error_share: float,
    generate_only: bool = False,
) -> tuple[str, list[str]]:
    """complete | incomplete | failed | generated, and what is wrong when not complete."""
    problems: list[str] = []
    if counts.get("missing"):
        problems.append(f"{counts['missing']} samples have no prediction")
    if counts.get("transient_errors"):
        problems.append(
            f"{counts['transient_errors']} samples failed for transient reasons "
            "(rerun retries them)"
        )
    for metric, o in outcomes.items():
        if o.retry:
            problems.append(
                f"{metric}: {o.retry} items have judge runs that failed for transient reasons "
                "(rerun retries them)"
            )
    n = max(1, int(counts.get("samples") or 0))
    permanent = int(counts.get("errors") or 0) - int(counts.get("transient_errors") or 0)
    if problems:
        return "incomplete", problems
    if permanent / n > max_error_share:
        return "failed", [
            f"{permanent} of {n} samples failed ({permanent / n:.1%} > --max-error-share "
            f"{max_error_share:.1%})"
        ]
    return ("generated" if generate_only else "complete"), []
