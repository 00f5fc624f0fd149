"""eval-mm: evaluation harness for Japanese vision-language models.

The user-facing folders `tasks/`, `judges/` and `leaderboard/` sit at the top of the
repository and are the subpackages `eval_mm.tasks`, `eval_mm.judges` and
`eval_mm.leaderboard` through symbolic links in this folder, which the wheel build, the type
checker and the import system all follow. Nothing else of the checkout is importable here.
"""

from __future__ import annotations

__version__ = "0.1.0"
