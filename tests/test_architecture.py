"""The shape of the code, checked: the import graph has no circle, and each room imports
only the rooms below it (README, "Layout").

Every import counts, including one inside a function: a lazy import that dodges a circle
is still a circle.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("bot", "conversations", "storage")

# Which rooms a room may import (besides itself). A room is a package, or a top-level
# module of bot/. Anything not listed for a room is forbidden to it.
ALLOWED: dict[str, set[str]] = {
    "conversations": set(),
    "storage": {"conversations"},
    "bot.settings": {"storage"},  # the encryption key format is checked where it is used
    "bot.slack": {"bot.settings", "storage", "conversations"},
    "bot.scheduling": {"bot.slack", "bot.deps", "bot.settings", "storage", "conversations"},
    "bot.blocks": {"bot.slack", "conversations"},
    "bot.deps": {"bot.settings", "bot.slack"},
    "bot.usecases": {
        "bot.blocks",
        "bot.slack",
        "bot.scheduling",
        "bot.deps",
        "bot.settings",
        "storage",
        "conversations",
    },
    "bot.listeners": {"bot.usecases", "bot.blocks", "bot.slack", "bot.deps", "conversations"},
    "bot.app": {"bot.listeners", "bot.slack", "bot.deps", "bot.settings", "storage"},
    "bot.serve": {
        "bot.app",
        "bot.usecases",
        "bot.scheduling",
        "bot.slack",
        "bot.deps",
        "bot.settings",
        "storage",
    },
    "bot.cli": {
        "bot.serve",
        "bot.local",
        "bot.usecases",
        "bot.slack",
        "bot.settings",
        "storage",
        "conversations",
    },
    # The local world (stand-in, shell, payload builders) may use everything; nothing in
    # production may use it (it is absent from every other room's list).
    "bot.local": {
        "bot.app",
        "bot.blocks",
        "bot.deps",
        "bot.listeners",
        "bot.scheduling",
        "bot.serve",
        "bot.settings",
        "bot.slack",
        "bot.usecases",
        "storage",
        "conversations",
    },
}


def _modules() -> dict[str, Path]:
    found = {}
    for package in PACKAGES:
        for path in (ROOT / package).rglob("*.py"):
            if "migrations" in path.parts:
                continue
            parts = list(path.relative_to(ROOT).with_suffix("").parts)
            if parts[-1] == "__init__":
                parts.pop()
            found[".".join(parts)] = path
    return found


def _imports(name: str, path: Path, known: set[str]) -> Iterator[str]:
    """The project modules ``name`` imports (anywhere in the file)."""
    is_package = path.name == "__init__.py"
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        targets: list[str] = []
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                here = name.split(".") if is_package else name.split(".")[:-1]
                up = here[: len(here) - node.level + 1]
                base = ".".join([*up, base] if base else up)
            # ``from pkg import module`` imports that module; ``from module import name``
            # imports the module itself.
            subs = [f"{base}.{alias.name}" for alias in node.names]
            targets = [t for t in subs if t in known]
            if len(targets) < len(subs):
                targets.append(base)
        for target in targets:
            while target and target not in known:
                target = target.rpartition(".")[0]
            if target and target != name:
                yield target


def _graph() -> dict[str, set[str]]:
    modules = _modules()
    known = set(modules)
    return {name: set(_imports(name, path, known)) for name, path in modules.items()}


def _room(module: str) -> str:
    parts = module.split(".")
    return parts[0] if parts[0] != "bot" else ".".join(parts[:2]) if len(parts) > 1 else "bot"


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    out: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in graph.get(v, ()):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                out.append(sorted(component))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return out


def test_the_import_graph_has_no_circle() -> None:
    cycles = _cycles(_graph())
    assert not cycles, "import circles:\n" + "\n".join(" <-> ".join(c) for c in cycles)


def test_each_room_imports_only_the_rooms_below_it() -> None:
    wrong = []
    for module, targets in sorted(_graph().items()):
        room = _room(module)
        if room == "bot":  # bot/__init__.py
            continue
        assert room in ALLOWED, f"{module}: room {room} is not in ALLOWED; place it"
        for target in sorted(targets):
            other = _room(target)
            if other != room and other not in ALLOWED[room]:
                wrong.append(f"{module} -> {target}")
    assert not wrong, "imports against the layering:\n" + "\n".join(wrong)


def test_the_checker_sees_a_circle_and_a_wrong_way_import() -> None:
    """The two checks above can fail: they find what they look for."""
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert _room("bot.usecases.runbook.listing") == "bot.usecases"
    assert "bot.listeners" not in ALLOWED["bot.usecases"]
