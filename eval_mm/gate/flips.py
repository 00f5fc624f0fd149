"""The samples whose score changed between the runs, worst first, as the report lists them.

Each entry names the sample as the leaderboard's sample browser opens it: the candidate's
run folder (`<model>/<task>/<config-id>`) and the sample id, joined in the query
`?view=samples&run=<model>/<task>/<config-id>&sample=<id>` (docs/gate.md)."""

from __future__ import annotations

from collections import Counter
from typing import Any
from urllib.parse import quote

import numpy as np

from eval_mm.gate.pairing import Paired

LIMIT = 100  # entries kept per direction in the JSON report (counts are always complete)


def browser_query(run: str, sample_id: str) -> str:
    return f"?view=samples&run={quote(run, safe='/')}&sample={quote(sample_id, safe='')}"


def flipped(paired: Paired, labels: dict[str, str], run: str, limit: int = LIMIT
            ) -> dict[str, Any]:
    """Samples that got worse and better: for 0/1 scores right -> wrong and wrong -> right.

    Worst first: by the size of the change, then by how many samples of the same cluster
    changed the same way (a whole image or question lost weighs more), then in id order."""
    b, c = paired.baseline, paired.candidate
    delta = c - b
    binary = bool(np.isin(b, (0.0, 1.0)).all() and np.isin(c, (0.0, 1.0)).all())
    out: dict[str, Any] = {"binary": binary, "run": run}
    for name, sign in (("worse", -1.0), ("better", 1.0)):
        rows = [i for i in range(paired.n) if delta[i] * sign > 0]
        same = Counter(labels.get(paired.ids[i], paired.ids[i]) for i in rows)
        rows.sort(key=lambda i: (-abs(delta[i]), -same[labels.get(paired.ids[i],
                                                                    paired.ids[i])], i))
        out[f"{name}_count"] = len(rows)
        out[name] = [
            {"id": paired.ids[i], "baseline": float(b[i]), "candidate": float(c[i]),
             "delta": float(delta[i]), "cluster": labels.get(paired.ids[i]),
             "browser": browser_query(run, paired.ids[i])}
            for i in rows[:limit]
        ]
    return out
