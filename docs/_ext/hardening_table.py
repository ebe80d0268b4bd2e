"""``.. hardening-table::``: the bad-input tables of ``tests/test_hardening.py`` as docs.

The user guide's page on bad inputs shows the very table the tests assert, so the two
cannot drift apart. The test module is *read* by ``hardening_rows``, never imported or
run: building the docs executes no row and needs neither pytest nor TensorFlow.

Usage (the argument picks the table)::

    .. hardening-table:: rows       (ROWS: kind, entry point, exception and message)
    .. hardening-table:: layouts    (LAYOUT_CALLS and _layouts: memory layouts tried)
    .. hardening-table:: searches   (SEARCHES: errors raised inside GridSearchCV)
"""

from __future__ import annotations

from docutils import nodes
from hardening_rows import (
    SOURCE,
    RowInfo,
    TableError,
    read_layouts,
    read_rows,
    read_searches,
    readable,
)
from sphinx.util.docutils import SphinxDirective


def _para(*parts: nodes.Node | str) -> nodes.paragraph:
    para = nodes.paragraph()
    for part in parts:
        para += nodes.Text(part) if isinstance(part, str) else part
    return para


def _outcome(row: RowInfo) -> nodes.paragraph:
    if row.error is None:
        if row.check is None:
            return _para("works")
        if row.check_is_code:
            return _para("works; checked: ", nodes.literal(text=row.check))
        return _para("works: ", row.check)
    is_warning = row.error.endswith("Warning")
    parts: list[nodes.Node | str] = [
        "warns " if is_warning else "raises ", nodes.literal(text=row.error)]
    if row.match:
        parts += [": ", nodes.literal(text=readable(row.match))]
    if row.fast:
        parts.append(" (before anything is allocated)")
    return _para(*parts)


def _table(header: list[str], widths: list[int], body: list[list[nodes.Node | None]]):
    """A docutils table; a None cell continues the cell above (row span)."""
    table = nodes.table(classes=["hardening-table"])
    group = nodes.tgroup(cols=len(header))
    table += group
    for width in widths:
        group += nodes.colspec(colwidth=width)
    head = nodes.thead()
    head += nodes.row("", *(nodes.entry("", _para(h)) for h in header))
    group += head
    tbody = nodes.tbody()
    group += tbody
    spans: dict[int, nodes.entry] = {}
    for cells in body:
        row = nodes.row()
        for i, cell in enumerate(cells):
            if cell is None:
                spans[i]["morerows"] = spans[i].get("morerows", 0) + 1
                continue
            entry = nodes.entry("", cell)
            spans[i] = entry
            row += entry
        tbody += row
    return table


class HardeningTable(SphinxDirective):
    required_arguments = 1

    def run(self):
        self.env.note_dependency(str(SOURCE))  # rebuild the page when the tests change
        which = self.arguments[0]
        try:
            if which == "rows":
                return [self._rows()]
            if which == "layouts":
                return self._layouts()
            if which == "searches":
                return [self._searches()]
        except (TableError, OSError, SyntaxError, KeyError) as exc:
            raise self.error(f"cannot read the hardening table from {SOURCE}: {exc}") from exc
        raise self.error(f"unknown table {which!r}; expected rows, layouts or searches")

    def _rows(self):
        groups: dict[str, list[RowInfo]] = {}
        for row in read_rows():
            groups.setdefault(row.kind, []).append(row)
        body = []
        for kind, rows in groups.items():
            for i, row in enumerate(rows):
                body.append([
                    _para(kind[:1].upper() + kind[1:]) if i == 0 else None,
                    _para(nodes.literal(text=row.entry)),
                    _outcome(row),
                ])
        return _table(["Kind of bad input", "Entry point", "What happens"], [18, 30, 52], body)

    def _layouts(self):
        entries, layouts = read_layouts()
        items = nodes.bullet_list()
        for label, names in (("Entry points: ", entries), ("Layouts: ", layouts)):
            parts: list[nodes.Node | str] = [label]
            for i, name in enumerate(names):
                parts += [", " if i else "", nodes.literal(text=name)]
            items += nodes.list_item("", _para(*parts, "."))
        return [items]

    def _searches(self):
        body = [[_para(nodes.literal(text=name)), _para(nodes.literal(text=readable(match)))]
                for name, match in read_searches()]
        return _table(["Invalid value searched", "Message (raised, or quoted in the warning)"],
                      [30, 70], body)


def setup(app):
    app.add_directive("hardening-table", HardeningTable)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
