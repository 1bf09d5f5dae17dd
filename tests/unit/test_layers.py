"""The layering rules, checked on the source: every import statement
(top-level, nested, TYPE_CHECKING-guarded, relative) and every
``importlib.import_module("literal")`` / ``__import__("literal")`` call of
every module under medisync/."""

from __future__ import annotations

import ast
import sys
from pathlib import Path
from typing import Iterator

import pytest

PACKAGE = Path(__file__).resolve().parents[2] / "medisync"
STDLIB = frozenset(sys.stdlib_module_names)


def module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def imports_of(path: Path) -> Iterator[tuple[int, str]]:
    """(line, dotted name) for every import; ``from X import a`` yields X.a."""
    name = module_name(path)
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")
                anchor = anchor[: len(anchor) - (node.level - 1)]
                base = ".".join([*anchor, base] if base else anchor)
            for alias in node.names:
                yield node.lineno, base if alias.name == "*" else f"{base}.{alias.name}"
        elif isinstance(node, ast.Call) and node.args and isinstance(node.args[0], ast.Constant) \
                and isinstance(node.args[0].value, str):
            func = node.func
            called = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
            if called in ("import_module", "__import__"):
                yield node.lineno, node.args[0].value


def modules_in(layer: str) -> list[Path]:
    return sorted((PACKAGE / layer).rglob("*.py"))


def under(name: str, prefix: str) -> bool:
    return name == prefix or name.startswith(prefix + ".")


def violations(layer: str, forbidden: tuple[str, ...]) -> list[str]:
    found = []
    for path in modules_in(layer):
        for line, name in imports_of(path):
            if any(under(name, prefix) for prefix in forbidden):
                found.append(f"{path.relative_to(PACKAGE.parent)}:{line} imports {name}")
    return found


DOMAIN_ALLOWED = ("eventsourcing.domain", "medisync.domain")
KAFKA = ("kafka", "confluent_kafka", "aiokafka")
RULES = {
    "application": ("aiohttp", "psycopg", "psycopg_pool", *KAFKA, "faster_whisper", "numpy",
                    "medisync.adapters", "medisync.interface"),
    "projections": ("aiohttp", "psycopg", "psycopg_pool", "medisync.adapters", "medisync.interface"),
    "adapters": ("medisync.interface",),
    "ml": ("medisync.interface",),
}


def test_every_layer_has_modules_and_the_walker_sees_their_imports() -> None:
    for layer in ("domain", *RULES, "interface"):
        assert modules_in(layer), layer
    # The walker is not vacuous: it finds imports we know are there.
    interface = {n for p in modules_in("interface") for _, n in imports_of(p)}
    assert any(under(n, "aiohttp") for n in interface)
    assert "medisync.domain.errors.ConflictError" in {n for _, n in imports_of(PACKAGE / "domain" / "indexes.py")}
    relative = {n for _, n in imports_of(PACKAGE / "ml" / "asr" / "whisper.py")}
    assert "medisync.ml.model_cache.ensure_model" in relative


def test_domain_imports_only_stdlib_eventsourcing_domain_and_itself() -> None:
    found = []
    for path in modules_in("domain"):
        for line, name in imports_of(path):
            top = name.split(".")[0]
            if top not in STDLIB and not any(under(name, p) for p in DOMAIN_ALLOWED):
                found.append(f"{path.relative_to(PACKAGE.parent)}:{line} imports {name}")
    assert found == []


@pytest.mark.parametrize("layer", sorted(RULES))
def test_layer_does_not_import_what_it_must_not(layer: str) -> None:
    assert violations(layer, RULES[layer]) == []


def test_relative_imports_resolve_against_the_package() -> None:
    # A module-level check of the resolver itself, on a real package module.
    resolved = {n for _, n in imports_of(PACKAGE / "ml" / "diarization" / "__init__.py")}
    assert "medisync.ml.diarization.resemblyzer_backend.ResemblyzerDiarizer" in resolved
