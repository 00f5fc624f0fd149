"""`eval-mm list tasks|models|metrics`."""

from __future__ import annotations

import argparse
from typing import Any


def register(sub: Any) -> None:
    p = sub.add_parser(
        "list", help="list tasks, models or metrics", description="List what is registered."
    )
    p.add_argument("what", choices=["tasks", "models", "metrics"])
    p.set_defaults(func=cmd_list)


def cmd_list(args: argparse.Namespace) -> int:
    from eval_mm.registries import METRICS, MODELS, TASKS
    from eval_mm.report import table
    from eval_mm.tasks._groups import GROUPS

    if args.what == "tasks":
        rows = [
            [
                name,
                ", ".join(cls.aliases),
                cls.version,
                cls.dataset.id if cls.dataset else "(generated)",
                ", ".join(cls.metrics),
            ]
            for name, cls in TASKS.items()
        ]
        print(table(["task", "aliases", "version", "data", "metrics"], rows))
        groups = [[name, str(len(tasks)), about] for name, (about, tasks) in GROUPS.items()]
        print("\nGroups (use as --task NAME):")
        print(table(["group", "tasks", "about"], groups))
    elif args.what == "models":
        rows = []
        for name, factory in MODELS.items():
            doc = (getattr(factory, "__doc__", None) or "").strip().splitlines()
            rows.append([name, ", ".join(MODELS.aliases_of(name)), doc[0] if doc else ""])
        print(table(["model", "aliases", "about"], rows))
        print(
            "\nAlso: any Hugging Face id (org/name) or local checkpoint folder, and openai:MODEL."
        )
    else:
        rows = [
            [
                name,
                cls.version,
                cls.kind,
                (cls.description or (cls.__doc__ or "")).strip().split("\n")[0],
            ]
            for name, cls in METRICS.items()
        ]
        print(table(["metric", "version", "kind", "about"], rows))
    return 0
