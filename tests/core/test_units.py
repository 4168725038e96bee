"""Units and their parsing (virtlab.core.units).

TB, GB and MB are decimal and GiB/MiB binary, as ``reference/semantics.md`` states;
Kubernetes CPU quantities are millicores (``"500m"``) or cores (``"2"``).
"""

from __future__ import annotations

import math

import pytest

from virtlab.core.units import (
    UnitError,
    fmt_gib,
    fmt_mib,
    parse_fraction,
    parse_gib,
    parse_mib,
    parse_millicores,
)


@pytest.mark.parametrize(
    ("text", "mib"),
    [
        ("16 GiB", 16 * 1024),
        ("16GiB", 16 * 1024),
        ("16 gib", 16 * 1024),
        ("512 MiB", 512),
        ("512Mi", 512),
        ("1.5 GiB", 1536),
        ("1 TiB", 1024 * 1024),
        ("512M", 512e6 / 2**20),  # decimal megabytes
        ("1 GB", 1e9 / 2**20),
        (" 2048 ", 2048),  # a bare number is already in MiB
        (2048, 2048),
        (0.5, 0.5),
    ],
)
def test_parse_mib(text: object, mib: float) -> None:
    """Memory sizes: binary units are exact, decimal ones are converted (semantics.md)."""
    assert parse_mib(text) == pytest.approx(mib)


@pytest.mark.parametrize(
    ("text", "gib"),
    [
        ("2 TB", 2e12 / 2**30),  # 1862.6 GiB: a "2 TB" disk is not 2048 GiB
        ("2 TiB", 2048),
        ("40 GiB", 40),
        ("500 GB", 500e9 / 2**30),
        (100, 100),
    ],
)
def test_parse_gib(text: object, gib: float) -> None:
    """Disk sizes: TB = 10^12 bytes (semantics.md), GiB binary."""
    assert parse_gib(text) == pytest.approx(gib)
    assert parse_gib("2 TB") == pytest.approx(1862.645, abs=1e-3)


@pytest.mark.parametrize(
    ("text", "millicores"),
    [("500m", 500), ("250m", 250), ("1", 1000), ("1.5", 1500), ("2 cores", 2000),
     ("0.1", 100), (2, 2000), (0.25, 250)],
)
def test_parse_millicores(text: object, millicores: float) -> None:
    """Kubernetes CPU quantities: ``500m`` is half a core, a bare number is cores."""
    assert parse_millicores(text) == pytest.approx(millicores)


@pytest.mark.parametrize(
    ("text", "fraction"),
    [("40%", 0.4), ("40 %", 0.4), ("100%", 1.0), ("0%", 0.0), (0.4, 0.4), (40, 0.4),
     ("0.25", 0.25), ("75", 0.75)],
)
def test_parse_fraction(text: object, fraction: float) -> None:
    """Percentages: ``"40%"`` = 0.4; a bare number ≤ 1 is a fraction, above 1 a percent."""
    assert parse_fraction(text) == pytest.approx(fraction)


@pytest.mark.parametrize(
    ("fn", "value"),
    [
        (parse_mib, "16 parsecs"),
        (parse_mib, "sixteen GiB"),
        (parse_mib, "16 GiB GiB"),
        (parse_mib, ""),
        (parse_mib, True),
        (parse_mib, [16]),
        (parse_mib, None),
        (parse_gib, "2 TBs"),
        (parse_gib, "2 furlongs"),
        (parse_millicores, "500 MHz"),
        (parse_millicores, "500mc"),
        (parse_millicores, "half"),
        (parse_millicores, False),
        (parse_millicores, {"cpu": 1}),
        (parse_fraction, "40 apples"),
        (parse_fraction, "%"),
        (parse_fraction, True),
    ],
)
def test_bad_units_raise_unit_error(fn, value: object) -> None:
    """Unreadable values raise ``UnitError`` (a ``ValueError``) with the value in the text."""
    with pytest.raises(UnitError) as info:
        fn(value)
    assert isinstance(info.value, ValueError)
    assert str(info.value)


def test_unit_error_names_the_known_units() -> None:
    with pytest.raises(UnitError, match="GiB"):
        parse_mib("16 parsecs")
    with pytest.raises(UnitError, match="500m"):
        parse_millicores("500 MHz")


def test_formatting() -> None:
    assert fmt_mib(512) == "512 MiB"
    assert fmt_mib(4096) == "4.0 GiB"
    assert fmt_gib(40) == "40 GiB"
    assert fmt_gib(40.5) == "40.5 GiB"
    assert fmt_gib(2048) == "2.0 TiB"
    assert not math.isnan(parse_mib("0 GiB"))
