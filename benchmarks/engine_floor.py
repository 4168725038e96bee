"""What a lab's engine costs before anything of it is drawn: the floor under "the whole screen".

``bench_pty.py --floor`` starts the bare Textual app twice more, in the same rounds as the
other cases, each importing something first and then showing the same label:

- ``bare+text-imports``: the modules a lesson's text needs (the app, the lesson screen, the
  lesson parser), as the app imports them (pydantic's plugin scan off, no garbage collection
  during start-up);
- ``bare+lab-imports``: those and the modules its lab brings in after the text (virtlab's
  engine, the course's lab loading and goals, the lab widgets); the difference is the lab's;
- ``bare+same-classes``: nothing of virtlab, only as many pydantic models and frozen
  dataclasses as those modules define, in as many modules, each with four to six plain
  fields (``int``, ``str``, a tuple…), the dataclasses three to five. The real models have
  richer fields (constraints, unions, nested models), so this is a floor: what any engine of
  that many classes would cost, whatever its code.

Each ratio minus one is what that import adds, in bare apps. A lesson whose text shows at T×
the bare app cannot show its lab before T + (same-classes − 1)×: the lab's classes have to be
made after the text (made before, they would hold the text back by as much).
"""

from __future__ import annotations

import json
import random
import subprocess
import sys
from pathlib import Path

LAB_MODULES = ("virtlab.ui.widgets.lab_panel", "virtlab.ui.widgets.quiz_panel", "virtlab.course.session")
"""What ``LessonScreen`` imports for its lab (``lesson.py``: ``_lab_widgets`` and the session)."""

TEXT_MODULES = ("virtlab.ui.app", "virtlab.ui.screens.lesson", "virtlab.course.lessons")
"""What the lesson's text has imported before the lab's turn."""

COUNT = f"""
import dataclasses, json, sys
import {", ".join(TEXT_MODULES)}
before = set(sys.modules)
import {", ".join(LAB_MODULES)}
from virtlab.core.base import virtlab_models
new = [sys.modules[name] for name in set(sys.modules) - before]
mine = [m for m in new if m.__name__.startswith("virtlab.")]
dataclass_count = sum(1 for m in mine for v in vars(m).values()
                      if isinstance(v, type) and v.__module__ == m.__name__
                      and dataclasses.is_dataclass(v))
model_count = sum(1 for c in virtlab_models() if c.__module__ in {{m.__name__ for m in mine}})
print(json.dumps({{"models": model_count, "dataclasses": dataclass_count, "modules": len(mine)}}))
"""

BARE = """
from textual.app import App
from textual.widgets import Static
class Bare(App):
    def compose(self):
        yield Static("hello from a bare app")
Bare().run()
"""
"""The reference: a bare Textual app showing one label."""

BEFORE_BARE = """
import gc, os, sys
os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "__all__")
gc.disable()
sys.path.insert(0, {path!r})
{imports}
"""
"""What the floor cases run before the same bare app."""

_FIELDS = [("int", "0"), ("float", "0.0"), ("str", "''"), ("bool", "False"),
           ("tuple[str, ...]", "()"), ("float | None", "None")]


def count_engine(cwd: Path) -> dict[str, int]:
    """How many pydantic models, dataclasses and modules of virtlab a lab imports after its
    lesson's text (in a fresh interpreter)."""
    out = subprocess.run([sys.executable, "-c", COUNT], cwd=cwd, capture_output=True, text=True,
                         check=True)
    return json.loads(out.stdout)


def write_same_classes(root: Path, models: int, dataclasses: int, modules: int) -> str:
    """A package ``floor_engine`` under ``root`` with that many plain models and dataclasses
    spread over that many modules; the statement that imports all of it."""
    rng = random.Random(1)
    package = root / "floor_engine"
    package.mkdir(parents=True, exist_ok=True)
    (package / "__init__.py").write_text("", encoding="utf-8")
    for index in range(modules):
        lines = ["from __future__ import annotations",
                 "from dataclasses import dataclass",
                 "from pydantic import BaseModel, ConfigDict",
                 "class _Frozen(BaseModel):",
                 "    model_config = ConfigDict(frozen=True, extra='forbid', defer_build=True)"]
        for n in range(models // modules + (index < models % modules)):
            lines.append(f"class Model{n}(_Frozen):")
            for f in range(rng.randint(4, 6)):
                annotation, default = rng.choice(_FIELDS)
                lines.append(f"    f{f}: {annotation} = {default}")
        for n in range(dataclasses // modules + (index < dataclasses % modules)):
            lines.append("@dataclass(frozen=True, slots=True)")
            lines.append(f"class Data{n}:")
            for f in range(rng.randint(3, 5)):
                lines.append(f"    f{f}: int = 0")
        (package / f"m{index}.py").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return "\n".join(f"import floor_engine.m{i}" for i in range(modules))


def floor_programs(root: Path, cwd: Path) -> tuple[dict[str, str], dict[str, int]]:
    """The two programs (name → source for ``python -c``) and the counts they were built on."""
    counts = count_engine(cwd)
    same = write_same_classes(root / "floor", counts["models"], counts["dataclasses"],
                              counts["modules"])
    text = "\n".join(f"import {m}" for m in TEXT_MODULES)
    lab = "\n".join(f"import {m}" for m in (*TEXT_MODULES, *LAB_MODULES))
    def after(path: Path, imports: str) -> str:
        return BEFORE_BARE.format(path=str(path), imports=imports) + BARE

    return ({"bare+text-imports": after(cwd, text), "bare+lab-imports": after(cwd, lab),
             "bare+same-classes": after(root / "floor", same)},
            counts)
