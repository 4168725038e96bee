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
