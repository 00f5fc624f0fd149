"""The Streamlit server process of `eval-mm leaderboard`.

    python -m eval_mm.leaderboard.serve RESULTS_DIR [streamlit run options...]

Builds (or loads from its cache) the index of RESULTS_DIR first, then starts Streamlit in
this same process through its command-line entry point, so the first page view finds the
boards ready instead of reading the result store.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path


def main(argv: list[str]) -> int:
    if len(argv) < 2:
        print("usage: python -m eval_mm.leaderboard.serve RESULTS_DIR [streamlit options]",
              file=sys.stderr)
        return 2
    import eval_mm.leaderboard as lb
    from eval_mm.leaderboard.index import open_index

    t0 = time.perf_counter()
    snapshot = open_index(Path(argv[1])).current()
    print(f"indexed {len(snapshot.runs)} runs, {len(snapshot.boards)} boards in "
          f"{time.perf_counter() - t0:.1f} s", file=sys.stderr, flush=True)
    from streamlit.web import cli as stcli

    app = Path(lb.__file__).resolve().parent / "app.py"
    sys.argv = ["streamlit", "run", str(app), *argv[2:]]
    return int(stcli.main() or 0)


if __name__ == "__main__":
    sys.exit(main(sys.argv))
