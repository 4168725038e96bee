"""The one timing helper the benchmark scripts share (run them from the repository root:
``python benchmarks/bench_storage.py``; this folder is then on ``sys.path``)."""

from __future__ import annotations

import time
from collections.abc import Callable


def timed(fn: Callable[[], object], n: int) -> list[float]:
    """``n`` runs of ``fn``, each in milliseconds."""
    out = []
    for _ in range(n):
        t = time.perf_counter()
        fn()
        out.append((time.perf_counter() - t) * 1000)
    return out
