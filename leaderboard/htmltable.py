"""The board table as HTML: short task headers with the metric beneath, a rank column,
tooltips with each column's protocol and each cell's n, CI and notes.

Every text that comes from results or reference files is escaped here; Streamlit's
sanitiser (DOMPurify) is a second layer, not the first. A plain table renders in the
browser at once for hundreds of rows, with nothing to download beyond the page."""

from __future__ import annotations

from html import escape

from eval_mm.leaderboard.boards import Cell, Column, ModelRow
from eval_mm.leaderboard.table import AVERAGE, BoardView

CSS = """
<style>
.lb-wrap{overflow:auto;max-height:78vh;border:1px solid #e3e5e8;border-radius:6px}
.lb{border-collapse:separate;border-spacing:0;font-size:13px;line-height:1.25;
    font-variant-numeric:tabular-nums;width:max-content;min-width:100%}
.lb th,.lb td{padding:4px 7px;border-bottom:1px solid #eceef1;white-space:nowrap}
.lb thead th{position:sticky;top:0;background:#f6f7f9;z-index:2;vertical-align:bottom;
    text-align:right;font-weight:600;border-bottom:2px solid #d0d4da;cursor:help}
.lb thead th.l{text-align:left}
.lb td{text-align:right}
.lb td.l{text-align:left}
.lb .rank{color:#666;width:2.2em;position:sticky;left:0;background:#fff;z-index:1}
.lb .model{position:sticky;left:2.9em;background:#fff;z-index:1;max-width:15em;
    overflow:hidden;text-overflow:ellipsis;border-right:1px solid #e3e5e8}
.lb thead .rank,.lb thead .model{z-index:3;background:#f6f7f9}
.lb .t{font-size:13px}
.lb .m{font-size:10.5px;font-weight:400;color:#666;white-space:normal;max-width:6.2em;
    margin-left:auto;word-break:normal}
.lb .sub{font-size:10.5px;color:#777}
.lb .best{font-weight:700}
.lb .second{text-decoration:underline}
.lb .mark{color:#b25b00;font-size:10px;margin-left:1px}
.lb .badge{font-size:10px;color:#555;border:1px solid #ccc;border-radius:3px;padding:0 3px;
    margin-left:4px}
.lb .avg{border-left:2px solid #d0d4da}
.lb tr:hover td{background:#f3f7ff}
.lb a{color:inherit;text-decoration:none;border-bottom:1px dotted #999}
.lb .na{color:#bbb}
.lb .rounded{color:#555;font-style:italic}
.lb .params{padding-left:14px;color:#444}
.lb-notes{font-size:12.5px;color:#666;margin:6px 0 0;line-height:1.45}
</style>
"""


def _wbr(metric: str) -> str:
    """A metric id that may wrap after its underscores."""
    return escape(metric).replace("_", "_<wbr>")


def fmt(value: float, decimals: int) -> str:
    return f"{value:.{decimals}f}"


def cell_text(cell: Cell, column: Column) -> str:
    return cell.text if cell.text is not None else fmt(cell.value, column.decimals)


def cell_title(cell: Cell, column: Column) -> str:
    lines = []
    if cell.n is not None or cell.samples is not None:
        part = f"n = {cell.n if cell.n is not None else '?'} scored"
        if cell.unscored:
            part += f", {cell.unscored} unscored"
        if cell.samples is not None:
            part += f", of {cell.samples:,} samples"
        if column.full_size:
            part += f" (benchmark: {column.full_size:,})"
        lines.append(part)
    if cell.ci is not None:
        lo, hi = (fmt(v, column.decimals) for v in cell.ci)
        lines.append(f"95% CI {lo}–{hi}")
    if cell.subset:
        lines.append(f"SUBSET: {cell.subset}")
    if cell.rounded:
        lines.append("rounded copy: the snapshot's own file lacks this cell")
    lines += list(cell.notes)
    if cell.run:
        lines.append(f"run {cell.run}")
    return "\n".join(lines)


def model_title(m: ModelRow) -> str:
    i = m.info
    size = ("?" if i.params_b is None else f"{i.params_b:g}B"
            + (" (read off the name)" if i.params_from_name else ""))
    lines = [m.key, f"parameters: {size}", f"type: {m.access}"]
    if m.layout:
        lines.append(f"prompt layout: {m.layout}")
    for label, value in (("language model", i.llm), ("vision encoder", i.vision),
                         ("licence", i.licence), ("released", i.released),
                         ("model card", i.card_url), ("datasets", i.datasets_url)):
        if value:
            lines.append(f"{label}: {value}")
    if m.note:
        lines.append(m.note)
    return "\n".join(lines)


def _model_cell(m: ModelRow) -> str:
    name = escape(m.name)
    if m.info.card_url:
        name = (f'<a href="{escape(m.info.card_url)}" target="_blank" '
                f'rel="noopener noreferrer">{name}</a>')
    badges = ""
    if m.access == "api":
        badges += '<span class="badge">API</span>'
    if m.debug:
        badges += '<span class="badge">debug</span>'
    return (f'<td class="l model" data-model="{escape(m.key)}" '
            f'title="{escape(model_title(m))}">{name}{badges}</td>')


def _params_cell(m: ModelRow) -> str:
    p = m.info.params_b
    if p is None:
        return '<td class="na params">—</td>'
    if m.info.params_from_name:
        return f'<td class="params" title="read off the model name">≈{p:g}B</td>'
    return f'<td class="params">{p:.1f}B</td>' if p < 100 else f'<td class="params">{p:.0f}B</td>'


def _value_cell(view: BoardView, m: ModelRow, c: Column, show_n: bool, show_ci: bool) -> str:
    cell = view.board.cell(m.key, c.key)
    attrs = f'data-model="{escape(m.key)}" data-col="{escape(c.key)}"'
    if cell is None:
        return f'<td class="na" {attrs}>—</td>'
    cls = []
    best = view.best.get(c.key)
    if best is not None and not m.debug:
        if cell.value == best[0]:
            cls.append("best")
        elif best[1] is not None and cell.value == best[1]:
            cls.append("second")
    if cell.rounded:
        cls.append("rounded")
    body = f'<span class="v">{escape(cell_text(cell, c))}</span>'
    if cell.subset:
        body += '<sup class="mark">†</sup>'
    if show_n and (cell.n is not None or cell.samples is not None):
        n = cell.n if cell.n is not None else cell.samples
        body += f'<div class="sub">n={n:,}</div>'
    if show_ci and cell.ci is not None:
        body += (f'<div class="sub">{fmt(cell.ci[0], c.decimals)}–'
                 f'{fmt(cell.ci[1], c.decimals)}</div>')
    klass = f' class="{" ".join(cls)}"' if cls else ""  # fewer attributes, a faster draw
    return f'<td{klass} {attrs} title="{escape(cell_title(cell, c))}">{body}</td>'



def _header(c: Column, sort: str) -> str:
    arrow = " ▼" if sort == c.key else ""
    title = "\n".join([f"{c.short}: {c.task}", *c.details, "higher is better"])
    return (f'<th data-col="{escape(c.key)}" title="{escape(title)}">'
            f'<div class="t">{escape(c.short)}{arrow}</div><div class="m">{_wbr(c.metric)}'
            "</div></th>")


def render(view: BoardView, show_n: bool = False, show_ci: bool = False,
           rows: slice | None = None) -> str:
    """The table; `rows` selects a page of the sorted models (ranks stay board-wide)."""
    avg = bool(view.average)
    head = ['<th class="rank" title="rank by the sorted column; ties share a rank">#</th>',
            '<th class="l model" title="hover a model for its metadata">Model</th>',
            '<th class="params" title="total parameters, billions">Params</th>']
    head += [_header(c, view.sort) for c in view.columns]
    if avg:
        arrow = " ▼" if view.sort == AVERAGE else ""
        head.append(f'<th class="avg" data-col="{AVERAGE}" title="mean over the columns named '
                    f'under the table"><div class="t">Avg.{arrow}</div><div class="m">'
                    f"{len(view.average_columns)} columns</div></th>")
    body = []
    for m in view.models[rows or slice(None)]:
        rank = view.rank.get(m.key)
        tds = [f'<td class="rank">{rank if rank is not None else ""}</td>', _model_cell(m),
               _params_cell(m)]
        tds += [_value_cell(view, m, c, show_n, show_ci) for c in view.columns]
        if avg:
            a = view.average.get(m.key)
            tds.append(f'<td class="avg" data-model="{escape(m.key)}" data-col="{AVERAGE}">'
                       f'{"" if a is None else fmt(a, 2)}</td>')
        body.append("<tr>" + "".join(tds) + "</tr>")
    return (CSS + '<div class="lb-wrap"><table class="lb"><thead><tr>' + "".join(head)
            + "</tr></thead><tbody>" + "".join(body) + "</tbody></table></div>")
