"""The core and course layers never import Textual or Rich (checked in a fresh interpreter)."""

from __future__ import annotations

import subprocess
import sys
import textwrap

import pytest

from tests.importgraph import cycles, virtlab_imports

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


def test_no_module_of_virtlab_is_in_an_import_cycle() -> None:
    """Imports inside functions count; ``TYPE_CHECKING`` imports (typing only) do not."""
    assert cycles(virtlab_imports()) == []


def test_the_cycle_finder_finds_a_cycle() -> None:
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]


def test_no_module_is_over_400_lines() -> None:
    """The house's rule: a module that grows past 400 lines splits by role."""
    from pathlib import Path

    import virtlab

    root = Path(virtlab.__file__).parent
    long = {str(p.relative_to(root)): n for p in root.rglob("*.py")
            if (n := len(p.read_text(encoding="utf-8").splitlines())) > 400}
    assert long == {}
