"""``benchmarks/engine_floor.py`` builds what it says: as many plain pydantic models and
dataclasses as a lab's modules define (its figure is a floor only if the counts are right)."""

from __future__ import annotations

import dataclasses
import importlib
import sys
from pathlib import Path

from pydantic import BaseModel

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))

from engine_floor import count_engine, write_same_classes  # noqa: E402


def test_the_counts_are_the_labs_and_the_copy_has_as_many(tmp_path: Path) -> None:
    counts = count_engine(ROOT)
    assert counts["models"] > 100 and counts["dataclasses"] > 50 and counts["modules"] > 50

    imports = write_same_classes(tmp_path, 7, 5, 3)
    assert imports.count("import floor_engine.") == 3
    sys.path.insert(0, str(tmp_path))
    try:
        modules = [importlib.import_module(f"floor_engine.m{i}") for i in range(3)]
    finally:
        sys.path.remove(str(tmp_path))
        for name in [n for n in sys.modules if n.startswith("floor_engine")]:
            del sys.modules[name]
    classes = [v for m in modules for k, v in vars(m).items()
               if isinstance(v, type) and not k.startswith("_") and v.__module__ == m.__name__]
    assert sum(issubclass(c, BaseModel) for c in classes) == 7
    assert sum(dataclasses.is_dataclass(c) for c in classes) == 5
