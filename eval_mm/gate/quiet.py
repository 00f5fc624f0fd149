"""Running scorers' `aggregate` many times: without their logs.

Scorers may warn on every resample (say, a category missing from it); once is enough."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def resampling_scorers() -> Iterator[None]:
    previous_disable = logging.root.manager.disable
    logging.disable(logging.WARNING)
    try:
        yield
    finally:
        logging.disable(previous_disable)
