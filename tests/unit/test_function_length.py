"""Short functions (issue 16): no function or method under medisync/ runs over 60 lines, counted from
its ``def`` line to its last line (``end_lineno - lineno + 1``: signature and docstring included,
decorators not), except a data table named in ``DATA_TABLES``.  A function that grows past the limit
is split, not added here."""

from __future__ import annotations

import ast
from pathlib import Path
from typing import Iterator

PACKAGE = Path(__file__).resolve().parents[2] / "medisync"
LIMIT = 60
#: functions that are data tables and may run longer: "path/under/medisync.py::Qualified.name" -> why.
#: Keep each entry true: the test fails on one that no longer names a function over the limit.
DATA_TABLES: dict[str, str] = {}


def functions(tree: ast.AST, prefix: str = "") -> Iterator[tuple[str, int, int]]:
    """(qualified name, first line, length in lines) of every function, nested ones included."""
    for node in ast.iter_child_nodes(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            name = f"{prefix}{node.name}"
            yield name, node.lineno, node.end_lineno - node.lineno + 1  # type: ignore[operator]
            yield from functions(node, f"{name}.<locals>.")
        elif isinstance(node, ast.ClassDef):
            yield from functions(node, f"{prefix}{node.name}.")
        else:
            yield from functions(node, prefix)


def long_functions() -> dict[str, tuple[int, int]]:
    """"path::name" -> (line, length) of every function over ``LIMIT`` lines."""
    out: dict[str, tuple[int, int]] = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        rel = path.relative_to(PACKAGE).as_posix()
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for name, line, length in functions(tree):
            if length > LIMIT:
                out[f"{rel}::{name}"] = (line, length)
    return out


def test_no_function_over_60_lines_except_data_tables() -> None:
    found = long_functions()
    over = [f"medisync/{key.replace('::', f':{line} ')} is {length} lines"
            for key, (line, length) in sorted(found.items()) if key not in DATA_TABLES]
    assert not over, f"functions over {LIMIT} lines (split them; issue 16):\n" + "\n".join(over)
    stale = sorted(set(DATA_TABLES) - set(found))
    assert not stale, f"DATA_TABLES entries that are no longer over {LIMIT} lines: {stale}"


def test_the_check_sees_methods_and_nested_functions() -> None:
    body = "\n".join(f"            x{i} = {i}" for i in range(LIMIT))
    tree = ast.parse(f"class A:\n    def m(self):\n        def inner():\n{body}\n        return inner\n")
    lengths = {name: length for name, _line, length in functions(tree)}
    assert lengths == {"A.m": LIMIT + 3, "A.m.<locals>.inner": LIMIT + 1}
