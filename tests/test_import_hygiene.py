"""The core and course layers never import Textual or Rich (checked in a fresh interpreter)."""

from __future__ import annotations

import subprocess
import sys
import textwrap

import pytest

SCRIPT = textwrap.dedent(
    """
    import importlib, pkgutil, sys
    package = importlib.import_module({package!r})
    names = [package.__name__]
    for info in pkgutil.walk_packages(package.__path__, package.__name__ + "."):
        importlib.import_module(info.name)
        names.append(info.name)
    leaked = sorted(m for m in sys.modules if m.split(".")[0] in ("textual", "rich"))
    print("imported:", len(names), "modules")
    if leaked:
        raise SystemExit("leaked: " + ", ".join(leaked))
    """
)


@pytest.mark.parametrize("package", ["virtlab.core", "virtlab.course"])
def test_headless_layers_do_not_import_textual_or_rich(package: str) -> None:
    result = subprocess.run(
        [sys.executable, "-c", SCRIPT.format(package=package)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr or result.stdout


def _cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components of more than one module (Tarjan, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    on_stack: set[str] = set()
    stack: list[str] = []
    out: list[list[str]] = []
    counter = 0
    for root in sorted(edges):
        if root in index:
            continue
        work = [(root, iter(sorted(edges[root])))]
        index[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(edges[child]))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                comp = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    comp.append(member)
                    if member == node:
                        break
                if len(comp) > 1:
                    out.append(sorted(comp))
    return out


def test_no_module_of_virtlab_is_in_an_import_cycle() -> None:
    """Imports inside functions count; ``TYPE_CHECKING`` imports (typing only) do not."""
    import grimp

    graph = grimp.build_graph("virtlab", exclude_type_checking_imports=True, cache_dir=None)
    edges = {m: {x for x in graph.find_modules_directly_imported_by(m) if x in graph.modules}
             for m in graph.modules}
    assert _cycles(edges) == []


def test_the_cycle_finder_finds_a_cycle() -> None:
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]


def test_no_module_is_over_400_lines() -> None:
    """The house's rule: a module that grows past 400 lines splits by role."""
    from pathlib import Path

    import virtlab

    root = Path(virtlab.__file__).parent
    long = {str(p.relative_to(root)): n for p in root.rglob("*.py")
            if (n := len(p.read_text(encoding="utf-8").splitlines())) > 400}
    assert long == {}
