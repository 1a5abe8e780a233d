"""The engine reads as one pipeline: each folder a stage, in the order data flows, and a
module imports only from its own stage or an earlier one (so there is no import cycle).
Speed comes from doing less, not from machinery: no forked process, one cache."""

from __future__ import annotations

import ast
from pathlib import Path

from conftest import ROOT

PACKAGE = ROOT / "scripts" / "masterplan"
#: The stages in the order data flows; the modules at the top of the package come first.
STAGES = ["", "read", "html", "check", "figures", "views", "outputs", "build", "commands"]
#: Kept for forks upgrading from 0.2.0, whose `upgrade` runs `python -m masterplan.migrations`.
COMPATIBILITY = {"masterplan.migrations"}


def _modules() -> dict[str, Path]:
    found = {}
    for path in PACKAGE.rglob("*.py"):
        parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
        found[".".join(parts).removesuffix(".__init__")] = path
    return found


def _imports(name: str, path: Path, modules: dict[str, Path]) -> set[str]:
    package = name.split(".") if path.name == "__init__.py" else name.split(".")[:-1]
    out = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom):
            base = package[: len(package) - node.level + 1] if node.level else []
            target = ".".join(base + ([node.module] if node.module else []))
            for alias in node.names:
                full = f"{target}.{alias.name}"
                out.add(full if full in modules else target)
        elif isinstance(node, ast.Import):
            out |= {alias.name for alias in node.names}
    return {m for m in out if m in modules and m != name}


def _stage(name: str) -> int:
    parts = name.split(".")
    if len(parts) == 2 and parts[1] not in STAGES:
        return 0  # a module at the top
    return STAGES.index(parts[1])


def test_a_module_imports_only_from_its_own_stage_or_earlier() -> None:
    modules = _modules()
    wrong = [
        f"{name} -> {target}"
        for name, path in modules.items()
        if name != "masterplan" and name not in COMPATIBILITY
        for target in _imports(name, path, modules)
        if target != "masterplan" and _stage(target) > _stage(name)
    ]
    assert wrong == []


def test_there_is_no_import_cycle() -> None:
    modules = _modules()
    graph = {name: _imports(name, path, modules) for name, path in modules.items()}
    done: set[str] = set()

    def visit(name: str, path: list[str]) -> None:
        for target in graph[name]:
            assert target not in path, " -> ".join([*path[path.index(target) :], target])
            if target not in done:
                visit(target, [*path, target])
        done.add(name)

    for name in graph:
        visit(name, [name])


def test_no_forked_process_and_one_module_knows_the_cache() -> None:
    modules = _modules()
    sources = {name: path.read_text(encoding="utf-8") for name, path in modules.items()}
    assert [name for name, text in sources.items() if "os.fork" in text or "multiprocessing" in text] == []
    knows_cache = [
        name for name, path in modules.items() if "masterplan.build.cache" in _imports(name, path, modules)
    ]
    assert knows_cache == ["masterplan.build.site"]


def test_the_mkdocs_hook_file_only_registers_the_plugin() -> None:
    hooks = (ROOT / "macros" / "hooks.py").read_text(encoding="utf-8")
    assert len(hooks.splitlines()) <= 80
    assert "from masterplan.build.plugin import MasterplanPlugin" in hooks
