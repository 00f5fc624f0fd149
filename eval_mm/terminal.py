"""Text bound for a terminal, made harmless: control characters are shown escaped.

Model ids, task breakdown groups, file names and error texts come from users, datasets and
servers; printed raw, `\\x1b[2J` clears the screen and `\\x1b]0;...\\x07` sets the window
title. `safe` keeps newlines and tabs (multi-line text); `cell` escapes them too (one line,
a table cell or a progress-bar label).
"""

from __future__ import annotations

import re
from typing import Any

# C0 and C1 controls, DEL, and the bidirectional overrides that reorder what is shown.
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
_LINE_OK = frozenset("\n\t")


_NAMED = {"\n": "\\n", "\t": "\\t", "\r": "\\r"}


def _escape(ch: str) -> str:
    if ch in _NAMED:
        return _NAMED[ch]
    code = ord(ch)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def safe(text: Any) -> str:
    """`text` with every control character but newline and tab shown escaped."""
    return _CONTROL.sub(lambda m: m[0] if m[0] in _LINE_OK else _escape(m[0]), str(text))


def json_safe(text: str) -> str:
    """JSON text whose C1 and bidi controls are written as \\u escapes (json.dumps escapes
    only C0 ones), so that it stays valid JSON and harmless on a terminal."""
    return _CONTROL.sub(lambda m: m[0] if m[0] in _LINE_OK else f"\\u{ord(m[0]):04x}", text)


def cell(text: Any) -> str:
    """One line of `text` with every control character (newlines too) shown escaped."""
    return _CONTROL.sub(lambda m: _escape(m[0]), str(text))
