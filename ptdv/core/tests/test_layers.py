"""The guard rails on imports: the apps form layers (the import-linter contracts in
pyproject.toml: core imports no app, the rule engine imports no Django and no app), and no
module imports itself back through others — imports inside functions included, which is
what grimp reads (it walks the whole syntax tree of each module, not only its top level)."""

from __future__ import annotations

import sys
from collections.abc import Iterable, Mapping
from pathlib import Path

import grimp
from importlinter.cli import lint_imports

ROOT = Path(__file__).resolve().parents[3]

# Module cycles left by the other parts of issue 11, each to be broken there; the list is to be
# emptied when they land (a cycle listed here that no longer exists fails the test too).
CYCLES_LEFT: set[frozenset[str]] = set()


def module_cycles(imports: Mapping[str, Iterable[str]]) -> list[frozenset[str]]:
    """The strongly connected components of more than one module (or a module importing
    itself) of the graph `imports` (module → the modules it imports): Tarjan's algorithm,
    iterative so that a long chain of imports cannot exhaust Python's stack."""
    graph = {module: sorted(set(targets)) for module, targets in imports.items()}
    for targets in list(graph.values()):
        for target in targets:
            graph.setdefault(target, [])
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    on_stack: set[str] = set()
    stack: list[str] = []
    cycles: list[frozenset[str]] = []
    for root in sorted(graph):
        if root in index:
            continue
        work: list[tuple[str, int]] = [(root, 0)]
        while work:
            node, position = work.pop()
            if position == 0:
                index[node] = low[node] = len(index)
                stack.append(node)
                on_stack.add(node)
            targets = graph[node]
            if position < len(targets):
                work.append((node, position + 1))
                target = targets[position]
                if target not in index:
                    work.append((target, 0))
                elif target in on_stack:
                    low[node] = min(low[node], index[target])
                continue
            if low[node] == index[node]:
                component = set()
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.add(member)
                    if member == node:
                        break
                if len(component) > 1 or node in graph[node]:
                    cycles.append(frozenset(component))
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
    return cycles


def package_imports(package: str) -> dict[str, set[str]]:
    graph = grimp.build_graph(package, cache_dir=None)
    return {module: graph.find_modules_directly_imported_by(module) for module in graph.modules}


def test_import_contracts_hold() -> None:
    """`lint-imports` with the contracts of pyproject.toml (its report is in the output)."""
    assert lint_imports(config_filename=str(ROOT / "pyproject.toml"), no_cache=True) == 0


def test_no_module_cycle() -> None:
    cycles = set(module_cycles(package_imports("ptdv")))
    new = sorted(sorted(cycle) for cycle in cycles - CYCLES_LEFT)
    gone = sorted(sorted(cycle) for cycle in CYCLES_LEFT - cycles)
    assert not new, f"import cycles between modules: {new}"
    assert not gone, f"cycles broken since: remove them from CYCLES_LEFT: {gone}"


def test_cycles_are_found_through_imports_inside_functions(tmp_path: Path, monkeypatch) -> None:
    """The check sees an import hidden in a function body: grimp reads it."""
    package = tmp_path / "hidden_cycle"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "models.py").write_text(
        "def save():\n    from hidden_cycle.counters import move\n\n    move()\n"
    )
    (package / "counters.py").write_text("from hidden_cycle.models import save\n\nmove = save\n")
    (package / "alone.py").write_text("import hidden_cycle.models\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    try:
        cycles = module_cycles(package_imports("hidden_cycle"))
    finally:
        for name in [m for m in sys.modules if m.startswith("hidden_cycle")]:
            del sys.modules[name]
    assert cycles == [frozenset({"hidden_cycle.models", "hidden_cycle.counters"})]


def test_the_cycle_finder() -> None:
    graph = {"a": ["b"], "b": ["c"], "c": ["a", "d"], "d": ["d"], "e": ["a"]}
    assert sorted(sorted(c) for c in module_cycles(graph)) == [["a", "b", "c"], ["d"]]
