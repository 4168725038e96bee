"""Bad scenario and lab files through every command that reads them (check, report, sandbox):
exit code 1, a message naming the file and the field, no traceback, done within seconds
(issue 9)."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from virtlab import cli

LAB_HEAD = ('[lab]\nid = "x"\ntitle = { en = "x", ko = "x" }\n'
            '[[goal]]\nid = "g"\ntext = { en = "a", ko = "b" }\ncheck = "no_violations"\n'
            'hints = [{ en = "h", ko = "h" }]\n')
HOST = '[[host]]\nname = "h"\ncores = 4\nmemory = "8 GiB"\n'
LAB_HOST = '[scenario]\n[[scenario.host]]\nname = "h"\ncores = 4\nmemory = "8 GiB"\n'

CASES = {
    # name: (file text, words the message must hold)
    "empty": ("", ["host", "empty"]),
    "no-hosts": ('[scenario]\nname = "x"\n', ["host", "at least one"]),
    "memory-inf": ('[[host]]\nname = "h"\ncores = 4\nmemory = inf\n', ["memory", "finite"]),
    "ratio-inf": ("[policy]\ncpu_allocation_ratio = inf\n" + HOST,
                  ["cpu_allocation_ratio", "finite"]),
    "reserved-inf": (HOST + "reserved_memory = inf\n", ["reserved_memory", "finite"]),
    "request-inf": (HOST + '[[container]]\nname = "c"\nhost = "h"\ncpu_request = inf\n',
                    ["cpu_request", "finite"]),
    "disk-inf": (HOST + "disk = inf\n", ["disk", "finite"]),
    "demand-nan": (HOST + '[[vm]]\nname = "v"\nhost = "h"\nvcpus = 1\nmemory = "1 GiB"\n'
                   "demand = { cpu = nan }\n", ["demand.cpu", "finite"]),
    "deep": ("a = " + "[" * 5000 + "]" * 5000 + "\n", ["TOML", "deep"]),
    "binary": ("\x00\x01\x02", ["file", "text"]),
    "lab-scenario-int": ("scenario = 5\n" + LAB_HEAD, ["scenario", "table"]),
    "lab-scenario-str": ('scenario = "str"\n' + LAB_HEAD, ["scenario", "table"]),
    "lab-scenario-list": ("scenario = [1, 2]\n" + LAB_HEAD, ["scenario", "table"]),
    "lab-changes-int": (LAB_HEAD + LAB_HOST + '[solution]\nactions = [{ kind = "update", '
                        'name = "h", changes = 5 }]\n', ["changes", "table"]),
    "lab-vm-int": (LAB_HEAD + LAB_HOST + '[solution]\nactions = [{ kind = "add_vm", vm = 5 }]\n',
                   ["vm", "table"]),
    "lab-goal-max-text": (LAB_HEAD.replace('check = "no_violations"',
                                           'check = "max_overcommit"\nparams = { resource = "cpu", '
                                           'max = "lots" }') + LAB_HOST, ["params.max"]),
    "lab-goal-max-nan": (LAB_HEAD.replace('check = "no_violations"',
                                          'check = "max_overcommit"\nparams = { resource = "cpu", '
                                          "max = nan }") + LAB_HOST, ["params.max"]),
    "lab-goal-resource": (LAB_HEAD.replace('check = "no_violations"',
                                           'check = "max_overcommit"\nparams = { resource = "gpu", '
                                           "max = 1 }") + LAB_HOST, ["params.resource"]),
}


@pytest.mark.parametrize("command", ["check", "report", "sandbox"])
@pytest.mark.parametrize("case", sorted(CASES))
def test_a_bad_file_is_named_with_its_field(case: str, command: str, tmp_path: Path,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    text, words = CASES[case]
    path = tmp_path / f"{case}.toml"
    path.write_bytes(text.encode("utf-8"))
    started = time.monotonic()
    code = cli.main([command, str(path)])
    out = capsys.readouterr()
    said = out.out + out.err
    assert code == 1, said
    assert time.monotonic() - started < 10
    assert "Traceback" not in said
    lines = [line for line in said.splitlines() if line.startswith(str(path))]
    assert lines, said
    assert all(word in said for word in words), said


@pytest.mark.parametrize("command", ["check", "report", "sandbox"])
@pytest.mark.parametrize("kind", ["fifo", "dev-zero", "folder", "broken-link", "missing"])
def test_a_file_that_is_no_file_ends_at_once(kind: str, command: str, tmp_path: Path,
                                             capsys: pytest.CaptureFixture[str]) -> None:
    import os

    path = tmp_path / "scenario.toml"
    if kind == "fifo":
        os.mkfifo(path)
    elif kind == "dev-zero":
        path.symlink_to("/dev/zero")
    elif kind == "folder":
        path.mkdir()
    elif kind == "broken-link":
        path.symlink_to(tmp_path / "nowhere.toml")
    started = time.monotonic()
    code = cli.main([command, str(path)])
    said = capsys.readouterr()
    assert code == 1
    assert time.monotonic() - started < 10
    assert str(path) in said.out + said.err and "Traceback" not in said.err


def test_every_core_and_course_module_imports_on_its_own() -> None:
    """Each module imports first, in any order (``virtlab.core.lifecycle`` alone used to raise
    ImportError: a cycle with ``core/actions.py``).

    Which module comes first can only matter inside an import cycle: a module outside every
    cycle imports whatever it imports, whole, before its own body runs, from any start.
    ``test_no_module_of_virtlab_is_in_an_import_cycle`` keeps virtlab's own imports free of
    cycles; the only ones left are those Python adds, a module importing its package first,
    with a package's ``__init__`` importing its modules. Any module of such a package starts
    by running the package's ``__init__`` whole, so entering by the package is entering by any
    of them: each such package is imported first here, in a fresh interpreter state. (Every
    module imported first took 10 s, 8 s of CPU, and checked nothing more.)"""
    import subprocess
    import sys

    from tests.importgraph import cycles, virtlab_imports, with_packages

    layers = ("virtlab.core", "virtlab.course")
    in_cycles = {m for cycle in cycles(with_packages(virtlab_imports())) for m in cycle}
    names = sorted(m for m in in_cycles if m.startswith(layers)
                   and any(x.startswith(m + ".") for x in in_cycles))
    assert "virtlab.course.goals" in names  # the goals package and its modules
    script = (
        "import importlib, sys\n"
        f"names = {names!r}\n"
        "for name in names:\n"
        "    for k in [k for k in sys.modules if k.startswith('virtlab')]:\n"
        "        del sys.modules[k]\n"
        "    importlib.import_module(name)\n"
        "print(len(names))\n"
    )
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                            timeout=120)
    assert result.returncode == 0, result.stderr
    assert int(result.stdout) == len(names)
