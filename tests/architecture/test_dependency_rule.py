"""The dependency rule of STYLE.md §3, checked on every module's imports with `ast`."""

from __future__ import annotations

import ast
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
STDLIB = frozenset(sys.stdlib_module_names) | {"__future__"}
FRAMEWORKS = frozenset(
    {
        "fastapi",
        "starlette",
        "pydantic",
        "pydantic_core",
        "strawberry",
        "sqlalchemy",
        "sqlmodel",
        "alembic",
        "asyncpg",
        "aiosqlite",
        "jose",
        "httpx",
        "structlog",
        "uvicorn",
        "uvloop",
        "cryptography",
    }
)
DOMAIN_CORE = ("domain.model", "domain.events", "domain.errors", "domain.policy")
DOMAIN_PORTS = (*DOMAIN_CORE, "domain.ports", "domain.commands", "domain.views")


def modules(folder: str) -> Iterator[tuple[str, Path]]:
    for path in sorted((ROOT / folder).rglob("*.py")):
        name = ".".join(path.relative_to(ROOT).with_suffix("").parts).removesuffix(".__init__")
        yield name, path


def imports_of(path: Path) -> Iterator[str]:
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            yield node.module


def within(name: str, prefixes: tuple[str, ...]) -> bool:
    return any(name == p or name.startswith(p + ".") for p in prefixes)


def allowed_for(module: str) -> tuple[str, ...] | None:
    """Third-party or first-party prefixes a module may import (stdlib always allowed)."""
    if within(module, DOMAIN_CORE):
        return DOMAIN_CORE
    if within(module, ("domain.ports", "domain.commands", "domain.views")):
        return DOMAIN_PORTS
    if within(module, ("domain.services", "domain")):
        return ("domain",)
    if within(module, ("adapters",)):
        return (
            "domain",
            "adapters",
            "sqlalchemy",
            "sqlmodel",
            "pydantic_core",  # sqlmodel's own serialiser: JSON for the intake statement
            "alembic",
            "asyncpg",
            "aiosqlite",
            "jose",
            "httpx",
            "structlog",
            "cryptography",
        )
    if within(module, ("api.rest",)):
        return (
            "domain",
            "fastapi",
            "starlette",
            "pydantic",
            "pydantic_core",
            "api.deps",
            "api.errors",
            "api.auth",
            "api.problems",
            "api.schemas",
            "api.rest",
        )
    if within(module, ("api.graphql",)):
        return (
            "domain",
            "strawberry",
            "fastapi",
            "starlette",
            "pydantic",
            "pydantic_core",
            "graphql",
            "structlog",
            "api.deps",
            "api.errors",
            "api.auth",
            "api.problems",
            "api.schemas",
            "api.graphql",
        )
    if within(module, ("api.schemas", "api.errors", "api.auth", "api.problems", "api.deps")):
        return (
            "domain",
            "fastapi",
            "starlette",
            "pydantic",
            "pydantic_core",
            "structlog",
            "api.errors",
            "api.auth",
            "api.problems",
            "api.schemas",
        )
    if within(module, ("migrations",)):
        return ("adapters.db", "sqlalchemy", "sqlmodel", "alembic")
    return None  # the composition root: api.app, api.deps, commands


CHECKED = [m for folder in ("domain", "adapters", "api", "migrations") for m in modules(folder)]


@pytest.mark.parametrize(("module", "path"), CHECKED, ids=[m for m, _ in CHECKED])
def test_a_module_imports_only_what_its_layer_may(module: str, path: Path) -> None:
    allowed = allowed_for(module)
    if allowed is None:
        allowed = ("domain", "adapters", "api", *FRAMEWORKS, "graphql")
    forbidden = [
        name
        for name in imports_of(path)
        if name.split(".")[0] not in STDLIB and not within(name, allowed)
    ]
    assert forbidden == [], f"{module} imports {forbidden}"


AMBIENT = frozenset(
    {
        "datetime.now",
        "datetime.utcnow",
        "date.today",
        "datetime.datetime.now",
        "datetime.date.today",
        "uuid4",
        "uuid.uuid4",
        "time.time",
        "random.random",
    }
)
DOMAIN_FILES = [p for _, p in modules("domain")]


@pytest.mark.parametrize("path", DOMAIN_FILES, ids=lambda p: p.name)
def test_the_domain_neither_reads_the_clock_nor_makes_ids(path: Path) -> None:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    ambient = [
        ast.unparse(node.func)
        for node in ast.walk(tree)
        if isinstance(node, ast.Call) and ast.unparse(node.func) in AMBIENT
    ]
    assert ambient == []


def defined_tests(path: Path) -> Iterator[ast.FunctionDef | ast.AsyncFunctionDef]:
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and node.name.startswith(
            "test_"
        ):
            yield node


def asserts_something(function: ast.FunctionDef | ast.AsyncFunctionDef) -> bool:
    for node in ast.walk(function):
        if isinstance(node, ast.Assert):
            return True
        if isinstance(node, ast.Call):
            called = ast.unparse(node.func)
            if called.endswith(("pytest.raises", "call_and_validate")) or called.split(".")[
                -1
            ].startswith("assert"):
                return True
    return False


TEST_FILES = sorted((ROOT / "tests").rglob("test_*.py"))


@pytest.mark.parametrize("path", TEST_FILES, ids=lambda p: str(p.relative_to(ROOT)))
def test_every_test_asserts_something(path: Path) -> None:
    silent = [f.name for f in defined_tests(path) if not asserts_something(f)]
    assert silent == []
