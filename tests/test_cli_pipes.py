"""`virtlab report` in a pipe: a reader that stops early ends it quietly, the text report uses
a wide page rather than 80 squeezed columns, and the JSON never holds a non-finite number."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from virtlab.core.report import to_jsonable

ROOT = Path(__file__).resolve().parents[1]
LAB = ROOT / "lessons" / "labs" / "l5-overcommit-budget.toml"


def _env() -> dict[str, str]:
    env = dict(os.environ)
    env.pop("COLUMNS", None)
    return env


def test_a_reader_that_stops_early_gets_no_traceback() -> None:
    script = (f"{sys.executable} -m virtlab report {LAB} --json --pairs | head -1; "
              "exit ${PIPESTATUS[0]}")
    result = subprocess.run(["bash", "-c", script], capture_output=True, text=True, timeout=120,
                            env=_env())
    assert result.stdout.strip() == "{"
    assert "Traceback" not in result.stderr and "BrokenPipe" not in result.stderr
    assert result.returncode == 1


def test_a_piped_text_report_is_not_squeezed() -> None:
    result = subprocess.run([sys.executable, "-m", "virtlab", "report",
                             str(ROOT / "scenarios" / "esxi-mixed.toml")],
                            capture_output=True, text=True, timeout=120, env=_env())
    assert result.returncode == 0
    assert "resou…" not in result.stdout and "resource" in result.stdout
    narrow = subprocess.run([sys.executable, "-m", "virtlab", "report", "--width", "60",
                             str(ROOT / "scenarios" / "esxi-mixed.toml")],
                            capture_output=True, text=True, timeout=120, env=_env())
    assert max(len(line) for line in narrow.stdout.splitlines()) <= 60


def test_non_finite_numbers_become_null() -> None:
    from virtlab.core.compute.contention import CpuShare

    data = to_jsonable({"share": CpuShare("w", float("inf"), 1.0, float("nan"))})
    assert data["share"]["demand_mhz"] is None and data["share"]["ready_pct"] is None
    json.dumps(data, allow_nan=False)


def test_a_large_report_is_plain_columns_and_quick(tmp_path: Path) -> None:
    """Past a few hundred workloads the text report is laid out as plain columns (Rich's table
    layout took seconds per thousand rows; a 10,000-host scenario took half a minute)."""
    import time

    lines = ['[scenario]\nname = "big"\n']
    lines += [f'[[host]]\nname = "h{i}"\ncores = 16\nmemory = "128 GiB"\n' for i in range(200)]
    lines += [f'[[vm]]\nname = "v{i}-{j}"\nhost = "h{i}"\nvcpus = 4\nmemory = "16 GiB"\n'
              for i in range(200) for j in range(2)]
    path = tmp_path / "big.toml"
    path.write_text("".join(lines), encoding="utf-8")
    started = time.monotonic()
    result = subprocess.run([sys.executable, "-m", "virtlab", "report", str(path)],
                            capture_output=True, text=True, timeout=120, env=_env())
    assert result.returncode == 0, result.stderr
    assert time.monotonic() - started < 30
    out = result.stdout.splitlines()
    assert any(line.startswith("workload  kind") for line in out)
    assert any(line.startswith("v199-1") for line in out)
    assert not any("┃" in line for line in out)
