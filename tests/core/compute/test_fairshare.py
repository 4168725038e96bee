"""Weighted max-min fair share with floors and caps (virtlab.core.fairshare).

Source: semantics.md "Entitlement" — between reservation (floor) and limit (cap), contended
capacity is divided in proportion to shares; the same rule divides cgroup CPU by cpu.shares.
"""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.core.corekit import FAST
from virtlab.core.compute.fairshare import fair_share

amount = st.one_of(
    st.just(0.0), st.floats(min_value=0.01, max_value=1e4, allow_nan=False, allow_infinity=False)
)
weight = st.floats(min_value=0.1, max_value=1e4, allow_nan=False, allow_infinity=False)


@st.composite
def problems(draw):
    n = draw(st.integers(0, 8))
    capacity = draw(amount)
    weights = draw(st.lists(weight, min_size=n, max_size=n))
    caps = draw(st.lists(amount, min_size=n, max_size=n))
    floors = draw(st.lists(st.one_of(st.just(0.0), amount), min_size=n, max_size=n))
    return capacity, weights, floors, caps


def _eps(*values: float) -> float:
    return 1e-6 * max(1.0, *values)


@FAST
@given(problems())
def test_fair_share_invariants(problem) -> None:
    """Each entitlement ≤ its cap; ≥ min(floor, cap) when the floors fit; the sum never
    exceeds the capacity and equals min(capacity, Σ caps) (work-conserving)."""
    capacity, weights, floors, caps = problem
    out = fair_share(capacity, weights, floors, caps)
    eps = _eps(capacity, sum(caps))
    assert len(out) == len(weights)
    for e, c in zip(out, caps, strict=True):
        assert -eps <= e <= c + eps
    assert sum(out) <= capacity + eps
    assert sum(out) == pytest.approx(min(capacity, sum(caps)), rel=1e-6, abs=1e-6)
    lows = [min(f, c) for f, c in zip(floors, caps, strict=True)]
    if sum(lows) <= capacity:
        for e, lo in zip(out, lows, strict=True):
            assert e >= lo - eps


@FAST
@given(problems())
def test_fair_share_divides_by_weight(problem) -> None:
    """Max-min fairness: claimants strictly between floor and cap share one level
    λ = entitlement ÷ weight; a claimant held at its cap sits at or below λ, one held at its
    floor at or above it."""
    capacity, weights, floors, caps = problem
    out = fair_share(capacity, weights, floors, caps)
    lows = [min(f, c) for f, c in zip(floors, caps, strict=True)]
    if sum(lows) > capacity or sum(caps) <= capacity:
        return
    eps = 1e-10 * max(1.0, capacity)
    free = [i for i, e in enumerate(out) if lows[i] + eps < e < caps[i] - eps]
    if not free:
        return
    level = out[free[0]] / weights[free[0]]
    for i in free:
        assert out[i] / weights[i] == pytest.approx(level, rel=1e-6, abs=1e-9)
    for i, e in enumerate(out):
        if i in free:
            continue
        if abs(e - caps[i]) <= eps and caps[i] > lows[i] + eps:
            assert caps[i] / weights[i] <= level * (1 + 1e-6) + 1e-9
        elif abs(e - lows[i]) <= eps and lows[i] < caps[i] - eps:
            assert lows[i] / weights[i] >= level * (1 - 1e-6) - 1e-9


def test_examples() -> None:
    assert fair_share(100, [], [], []) == []
    assert fair_share(100, [1, 1], [0, 0], [30, 40]) == [30, 40]  # no contention
    assert fair_share(90, [2, 1], [0, 0], [100, 100]) == pytest.approx([60, 30])
    assert fair_share(90, [2, 1], [0, 50], [100, 100]) == pytest.approx([40, 50])  # a floor
    assert fair_share(90, [1, 1], [0, 0], [10, 100]) == pytest.approx([10, 80])  # a cap
    assert fair_share(0, [1, 1], [0, 0], [10, 10]) == [0, 0]


def test_floors_above_capacity_scale_down_in_proportion() -> None:
    """Only after a failure can floors exceed capacity; they then shrink proportionally."""
    assert fair_share(60, [1, 1], [40, 80], [100, 100]) == pytest.approx([20, 40])


def test_unused_floor_is_cut_at_the_cap() -> None:
    """A reservation beyond what a claimant wants is lent to the others."""
    assert fair_share(100, [1, 1], [80, 0], [10, 200]) == pytest.approx([10, 90])
