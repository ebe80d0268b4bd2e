"""Read the bad-input tables of ``tests/test_hardening.py`` without importing it.

The test module's source is parsed with :mod:`ast` and only literals are evaluated
(strings, names of module-level string constants, ``str.format`` with literal arguments,
``+`` of strings): no row is called and nothing the tests import (pytest, TensorFlow) is
loaded. ``hardening_table`` renders what this module reads; ``tests/test_docs.py`` checks
it against the imported table.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass
from pathlib import Path

SOURCE = Path(__file__).resolve().parents[2] / "tests" / "test_hardening.py"


class TableError(ValueError):
    """The test module no longer has the structure read here."""


@dataclass(frozen=True)
class RowInfo:
    kind: str
    entry: str
    error: str | None  # exception or warning class name; None: the call must work
    match: str | None  # the regular expression the message must match
    check: str | None  # for working calls: what is checked, in words or as source code
    check_is_code: bool = False
    fast: bool = False  # refused before allocating anything


class _Unresolved(TableError):
    """An expression that is not a literal (where one was expected)."""


def _literal(node: ast.AST, constants: dict[str, object]) -> object:
    """Evaluate a literal: constants, names of module-level constants, ``str.format``
    with literal arguments and ``+`` of strings. Anything else is not evaluated."""
    if isinstance(node, ast.Constant):
        return node.value
    if isinstance(node, ast.Name) and node.id in constants:
        return constants[node.id]
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        left, right = _literal(node.left, constants), _literal(node.right, constants)
        if isinstance(left, str) and isinstance(right, str):
            return left + right
    if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
            and node.func.attr == "format" and not node.keywords):
        template = _literal(node.func.value, constants)
        if isinstance(template, str):
            return template.format(*(_literal(a, constants) for a in node.args))
    if isinstance(node, ast.Tuple):
        return tuple(_literal(e, constants) for e in node.elts)
    raise _Unresolved(ast.unparse(node))


def _module_constants(tree: ast.Module) -> dict[str, object]:
    constants: dict[str, object] = {}
    for stmt in tree.body:
        if (isinstance(stmt, ast.Assign) and len(stmt.targets) == 1
                and isinstance(stmt.targets[0], ast.Name)):
            try:
                constants[stmt.targets[0].id] = _literal(stmt.value, constants)
            except _Unresolved:
                pass
    return constants


def _assigned(tree: ast.Module, name: str) -> ast.AST:
    for stmt in tree.body:
        targets = stmt.targets if isinstance(stmt, ast.Assign) else (
            [stmt.target] if isinstance(stmt, ast.AnnAssign) else [])
        if any(isinstance(t, ast.Name) and t.id == name for t in targets):
            return stmt.value
    raise TableError(f"{SOURCE.name} has no module-level {name} any more")


def _functions(tree: ast.Module) -> dict[str, ast.FunctionDef]:
    return {s.name: s for s in tree.body if isinstance(s, ast.FunctionDef)}


def _row_fields(tree: ast.Module) -> list[str]:
    """The field names of the ``Row`` dataclass, in order (positional arguments)."""
    for stmt in tree.body:
        if isinstance(stmt, ast.ClassDef) and stmt.name == "Row":
            return [s.target.id for s in stmt.body
                    if isinstance(s, ast.AnnAssign) and isinstance(s.target, ast.Name)]
    raise TableError(f"{SOURCE.name} has no Row class any more")


def _describe_check(node: ast.AST | None,
                    functions: dict[str, ast.FunctionDef]) -> tuple[str | None, bool]:
    """What a working row checks: (text, whether the text is source code)."""
    if node is None:
        return None, False
    if isinstance(node, ast.Lambda):
        return ast.unparse(node.body), True
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
        helper = functions.get(node.func.id)
        doc = ast.get_docstring(helper) if helper is not None else None
        if doc:  # e.g. _same_as_array(...): its docstring says what it checks
            return doc.strip().splitlines()[0], False
    return ast.unparse(node), True


def _parse(source: str | None = None) -> ast.Module:
    text = SOURCE.read_text(encoding="utf-8") if source is None else source
    return ast.parse(text)


def read_rows(source: str | None = None) -> list[RowInfo]:
    """The ``ROWS`` table of the hardening tests (``source``: the module's text)."""
    tree = _parse(source)
    constants, functions = _module_constants(tree), _functions(tree)
    fields = _row_fields(tree)
    table = _assigned(tree, "ROWS")
    if not isinstance(table, ast.List):
        raise TableError("ROWS is not a list literal any more")
    rows = []
    for call in table.elts:
        if not (isinstance(call, ast.Call) and isinstance(call.func, ast.Name)
                and call.func.id == "Row"):
            raise TableError(f"ROWS holds {ast.unparse(call)[:60]!r}, not a Row(...)")
        args = dict(zip(fields, call.args))
        args.update({k.arg: k.value for k in call.keywords})
        error = args.get("error")
        if isinstance(error, ast.Constant) and error.value is None:
            error = None
        match = args.get("match")
        try:
            match_text = None if match is None else _literal(match, constants)
        except _Unresolved as exc:
            match_text = str(exc)  # shown as source; still informative
        fast = args.get("fast")
        check, check_is_code = _describe_check(args.get("check"), functions)
        rows.append(RowInfo(
            kind=_literal(args["kind"], constants),
            entry=_literal(args["entry"], constants),
            error=None if error is None else ast.unparse(error),
            match=match_text,
            check=check,
            check_is_code=check_is_code,
            fast=bool(fast is not None and _literal(fast, constants)),
        ))
    return rows


def read_layouts(source: str | None = None) -> tuple[list[str], list[str]]:
    """The entry points of ``LAYOUT_CALLS`` and the array layouts of ``_layouts``."""
    tree = _parse(source)
    calls = _assigned(tree, "LAYOUT_CALLS")
    layouts = _functions(tree).get("_layouts")
    returns = [n for n in ast.walk(layouts) if isinstance(n, ast.Return)] if layouts else []
    if not isinstance(calls, ast.Dict) or not returns or not isinstance(returns[0].value,
                                                                       ast.Dict):
        raise TableError("LAYOUT_CALLS or _layouts() is not a dict literal any more")
    return ([_literal(k, {}) for k in calls.keys],
            [_literal(k, {}) for k in returns[0].value.keys])


def read_searches(source: str | None = None) -> list[tuple[str, str]]:
    """``SEARCHES``: (parameter searched, the message the error must match)."""
    tree = _parse(source)
    constants = _module_constants(tree)
    searches = _assigned(tree, "SEARCHES")
    if not isinstance(searches, ast.Dict):
        raise TableError("SEARCHES is not a dict literal any more")
    out = []
    for key, value in zip(searches.keys, searches.values):
        if not (isinstance(value, ast.Tuple) and len(value.elts) == 2):
            raise TableError("SEARCHES values are not (search, match) pairs any more")
        out.append((_literal(key, constants), _literal(value.elts[1], constants)))
    return out


_ESCAPED = re.compile(r"\\([()\[\]{}.?*+|^$\\])")


def readable(pattern: str) -> str:
    """A ``match`` regular expression as message text: escapes dropped, ``.*`` as ..."""
    return _ESCAPED.sub(r"\1", pattern.replace(".*", "..."))
