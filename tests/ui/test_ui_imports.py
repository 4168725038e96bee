"""The UI package has no import cycle, counting imports inside functions: the app imports
the screens, the screens the widgets, and nothing below the app imports it at run time (a
``TYPE_CHECKING`` import for typing is allowed)."""

from __future__ import annotations

import ast
from pathlib import Path

import virtlab.ui

UI = Path(virtlab.ui.__file__).parent


def _module(path: Path) -> str:
    parts = path.relative_to(UI.parent.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _is_type_checking(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING")


def _runtime_imports(tree: ast.AST) -> set[str]:
    """Every ``virtlab.ui`` module imported at run time, at any depth."""
    found: set[str] = set()

    def visit(node: ast.AST) -> None:
        if isinstance(node, ast.If) and _is_type_checking(node):
            for child in node.orelse:
                visit(child)
            return
        if isinstance(node, ast.Import):
            found.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
            found.update(f"{node.module}.{a.name}" for a in node.names)
        for child in ast.iter_child_nodes(node):
            visit(child)

    visit(tree)
    return found


def _graph() -> dict[str, set[str]]:
    files = {_module(p): p for p in UI.rglob("*.py")}
    return {name: {m for m in _runtime_imports(ast.parse(path.read_text(encoding="utf-8")))
                   if m in files and m != name}
            for name, path in files.items()}


def test_nothing_below_the_app_imports_it_at_run_time() -> None:
    importers = sorted(name for name, deps in _graph().items() if "virtlab.ui.app" in deps)
    assert importers == []


def test_ui_modules_form_no_import_cycle() -> None:
    graph = _graph()
    done: set[str] = set()
    path: list[str] = []

    def walk(name: str) -> None:
        if name in path:
            raise AssertionError("import cycle: " + " → ".join([*path[path.index(name):], name]))
        if name in done:
            return
        path.append(name)
        for dep in sorted(graph[name]):
            walk(dep)
        path.pop()
        done.add(name)

    for name in sorted(graph):
        walk(name)


QUIZ_FIRST = """
import asyncio, sys, tempfile
from pathlib import Path
from virtlab.ui.app import make_app

async def main():
    app = make_app(lang="en", data_dir=Path(tempfile.mkdtemp()))
    app.warm_up_soon = lambda: None  # it imports both, on its own thread, once the lab shows
    async with app.run_test(size=(120, 36)) as pilot:
        app.open_lesson_screen(sys.argv[1])
        for _ in range(200):
            await pilot.pause()
            if app.screen.query("#lab-panel"):
                break
        print(type(app.screen.query_one("#lab-panel")).__name__,
              sorted(m for m in ("virtlab.ui.widgets.lab_panel", "virtlab.ui.widgets.quiz_panel")
                     if m in sys.modules))

asyncio.run(main())
"""


def test_a_quiz_opens_without_the_lab_panel() -> None:
    """A quiz lesson's lab is its quiz: the lab panel's views and dialogs are not imported
    on its way to the screen (20-30 ms; a fresh interpreter, the warm-up thread off)."""
    import subprocess
    import sys

    done = subprocess.run([sys.executable, "-c", QUIZ_FIRST, "l2-hypervisor-types"],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip().split(maxsplit=1) == [
        "QuizPanel", "['virtlab.ui.widgets.quiz_panel']"], done.stdout + done.stderr
