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


def key_spans(spans: list[tuple[float, float]], painted: list[float]) -> dict[str, list[float]]:
    """Per key: its handler's time, and from the key to the first frame painted after it (ms
    or s, as the spans are)."""
    out: dict[str, list[float]] = {"handler": [], "to painted": []}
    for start, end in spans:
        out["handler"].append(end - start)
        after = [p for p in painted if p >= end]
        if after:
            out["to painted"].append(min(after) - start)
    return out
