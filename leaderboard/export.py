"""Exports of the current overview table: CSV (full precision), Markdown and LaTeX (2 dp)."""

from __future__ import annotations

import pandas as pd

DECIMALS = 2


def _is_nan(v: object) -> bool:
    return isinstance(v, float) and v != v


def _rounded_text(df: pd.DataFrame) -> pd.DataFrame:
    """Numbers as fixed 2-decimal strings, missing values as empty cells."""
    out = df.copy()
    for col in out.columns:
        if pd.api.types.is_float_dtype(out[col]):
            out[col] = out[col].map(lambda v: "" if pd.isna(v) else f"{v:.{DECIMALS}f}")
        else:
            out[col] = out[col].map(lambda v: "" if v is None or _is_nan(v) else str(v))
    return out


def to_csv(df: pd.DataFrame) -> str:
    return str(df.to_csv(index=False))


def to_markdown(df: pd.DataFrame) -> str:
    """A GitHub table; '|' inside cells is escaped so a model name cannot break the layout."""
    text = _rounded_text(df)
    text = text.apply(lambda s: s.str.replace("|", "\\|", regex=False))
    text.columns = [str(c).replace("|", "\\|") for c in text.columns]
    return str(text.to_markdown(index=False, disable_numparse=True)) + "\n"


_LATEX_SPECIAL = {
    "\\": r"\textbackslash{}", "&": r"\&", "%": r"\%", "$": r"\$", "#": r"\#", "_": r"\_",
    "{": r"\{", "}": r"\}", "~": r"\textasciitilde{}", "^": r"\textasciicircum{}",
}


def latex_escape(text: str) -> str:
    return "".join(_LATEX_SPECIAL.get(ch, ch) for ch in text)


def to_latex(df: pd.DataFrame) -> str:
    """A booktabs tabular; every cell and header is escaped."""
    text = _rounded_text(df)
    numeric = [pd.api.types.is_numeric_dtype(df[c]) for c in df.columns]
    spec = "".join("r" if n else "l" for n in numeric)
    lines = [rf"\begin{{tabular}}{{{spec}}}", r"\toprule"]
    lines.append(" & ".join(latex_escape(str(c)) for c in df.columns) + r" \\")
    lines.append(r"\midrule")
    for _, row in text.iterrows():
        lines.append(" & ".join(latex_escape(v) for v in row) + r" \\")
    lines += [r"\bottomrule", r"\end{tabular}"]
    return "\n".join(lines) + "\n"


def export_frame(df: pd.DataFrame) -> pd.DataFrame:
    """The table as exported: the row label becomes a normal first column."""
    return df.reset_index()
