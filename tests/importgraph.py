"""virtlab's import graph, read from its source (grimp): which module imports which."""

from __future__ import annotations

from collections.abc import Mapping, Set
from functools import cache


@cache
def virtlab_imports() -> dict[str, frozenset[str]]:
    """Each virtlab module and the virtlab modules it imports directly: at the top, in a
    function or in a class; ``TYPE_CHECKING`` imports (typing only) do not count."""
    import grimp

    graph = grimp.build_graph("virtlab", exclude_type_checking_imports=True, cache_dir=None)
    return {m: frozenset(x for x in graph.find_modules_directly_imported_by(m) if x in graph.modules)
            for m in graph.modules}


def with_packages(edges: dict[str, frozenset[str]]) -> dict[str, set[str]]:
    """``edges`` and what Python adds: a module imports its package first (its ``__init__``)."""
    out = {m: set(x) for m, x in edges.items()}
    for module in edges:
        package = module.rpartition(".")[0]
        if package in out:
            out[module].add(package)
    return out


def cycles(edges: Mapping[str, Set[str]]) -> list[list[str]]:
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
