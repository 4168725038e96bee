"""Weighted max-min fair share with floors and caps — how contended capacity is divided.

vSphere divides contended CPU and memory among siblings so that each gets at least its
reservation, at most its limit (and never more than it demands), and the rest in proportion
to its shares (vSphere Resource Management guide; semantics.md "Entitlement"). The cgroup CPU
controller divides by ``cpu.shares``/``cpu.weight`` the same way. Formally each entitlement is
``clamp(λ·weight, floor, cap)`` with the one level λ at which they add up to the capacity.
"""

from __future__ import annotations

from collections.abc import Sequence


def fair_share(
    capacity: float,
    weights: Sequence[float],
    floors: Sequence[float],
    caps: Sequence[float],
) -> list[float]:
    """Divide ``capacity`` among claimants.

    ``caps`` are what each would take if uncontended (demand, already cut at any limit);
    ``floors`` are guaranteed minimums (a reservation, cut at the cap: an unused reservation
    is lent to others). When the floors alone exceed the capacity (only after a failure: an
    admission check prevents it otherwise) they are scaled down in proportion.

    Exact in O(n log n): the sum of clamps is piecewise linear in λ, so we sweep its
    breakpoints instead of bisecting.
    """
    n = len(weights)
    if n == 0:
        return []
    lows = [min(max(f, 0.0), max(c, 0.0)) for f, c in zip(floors, caps, strict=True)]
    highs = [max(c, 0.0) for c in caps]
    capacity = max(capacity, 0.0)
    if sum(highs) <= capacity:
        return highs
    total_low = sum(lows)
    if total_low >= capacity:
        return [lo * capacity / total_low for lo in lows] if total_low else [0.0] * n

    events: list[tuple[float, float]] = []  # (λ, change of slope)
    slope = 0.0
    for w, lo, hi in zip(weights, lows, highs, strict=True):
        w = max(w, 1e-12)
        start, end = lo / w, hi / w
        if start <= 0.0:
            slope += w
        else:
            events.append((start, w))
        events.append((end, -w))
    events.sort()

    lam, value = 0.0, total_low
    level = None
    for point, delta in events:
        if point > lam:
            reached = value + slope * (point - lam)
            if reached >= capacity and slope > 0:
                level = lam + (capacity - value) / slope
                break
            value, lam = reached, point
        slope += delta
    if level is None:  # numerical edge: every claimant is at its cap
        return highs
    return [
        min(max(level * max(w, 1e-12), lo), hi)
        for w, lo, hi in zip(weights, lows, highs, strict=True)
    ]
