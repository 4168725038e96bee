"""Scenario files: every shipped example loads; bad input gets ``file: field: problem``.

The loader (virtlab.course.scenario) must never raise: each problem is a line naming the file,
the field path and what is wrong, and syntax errors give the line. Sizes accept units.
"""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from virtlab.core.report import build_report
from virtlab.core.state import Datacenter
from virtlab.course.scenario import load_scenario, scenario_from_dict

ROOT = Path(__file__).resolve().parents[2]
SCENARIOS = sorted((ROOT / "scenarios").glob("*.toml"))

HOST = """
[[host]]
name = "h1"
hypervisor = "{hv}"
cores = 8
memory = "32 GiB"
disk = "1 TB"
"""


def load(tmp_path: Path, text: str, hv: str = "kvm") -> tuple[Datacenter | None, list[str]]:
    """Write ``text`` (after a standard host h1 unless it says something about hosts) and
    load it."""
    path = tmp_path / "lab.toml"
    body = textwrap.dedent(text)
    if not ("[[host]]" in body or "[host]" in body or body.lstrip().startswith("host")):
        body = HOST.format(hv=hv) + body
    path.write_text(body, encoding="utf-8")
    return load_scenario(path)


def problems(tmp_path: Path, text: str, hv: str = "kvm") -> list[str]:
    dc, probs = load(tmp_path, text, hv)
    assert dc is None, "a file with problems gives no datacenter"
    assert probs, "and at least one problem"
    prefix = f"{tmp_path / 'lab.toml'}: "
    for line in probs:
        assert line.startswith(prefix), line
        field, sep, problem = line[len(prefix):].partition(": ")
        assert sep and field and problem, f"not 'file: field: problem': {line}"
    return [line[len(prefix):] for line in probs]


def one(tmp_path: Path, text: str, hv: str = "kvm") -> tuple[str, str]:
    """The single problem of a file, as (field, problem)."""
    probs = problems(tmp_path, text, hv)
    assert len(probs) == 1, probs
    field, _, problem = probs[0].partition(": ")
    return field, problem


# ------------------------------------------------------------------------------ examples


def test_there_are_example_scenarios() -> None:
    names = {p.stem for p in SCENARIOS}
    assert {"esxi-mixed", "docker-host", "containers-in-vm", "kvm-overcommit"} <= names


@pytest.mark.parametrize("path", SCENARIOS, ids=lambda p: p.name)
def test_every_example_loads_without_problems(path: Path) -> None:
    dc, probs = load_scenario(path)
    assert probs == []
    assert isinstance(dc, Datacenter) and dc.hosts
    report = build_report(dc)
    assert len(report.workloads) == len(dc.workload_names())


def test_units_and_demand_are_read(tmp_path: Path) -> None:
    dc, probs = load(tmp_path, """
        [[vm]]
        name = "web"
        host = "h1"
        vcpus = 4
        memory = "8 GiB"
        disks = [{ size = "2 TB", provisioning = "thick-lazy" }, { size = "100 GiB", written = "40%" }]
        demand = { cpu = "50%", memory = "2 GiB" }

        [[container]]
        name = "api"
        vm = "web"
        cpu_request = "250m"
        cpu_limit = "1.5"
        memory_limit = "512 MiB"
        demand = { cpu = "200m", memory = "300 MiB" }
    """)
    assert probs == []
    web = dc.compute.vm_index["web"]
    assert web.memory_mib == 8192
    assert web.cpu_demand == 2.0 and web.mem_active_mib == 2048
    assert web.disks[0].size_gib == pytest.approx(2e12 / 2**30)
    assert web.disks[0].datastore == "h1-local"
    assert web.disks[1].written_gib == pytest.approx(40)
    api = dc.compute.container_index["api"]
    assert (api.cpu_request_m, api.cpu_limit_m, api.mem_limit_mib) == (250, 1500, 512)
    assert (api.cpu_demand_m, api.mem_demand_mib) == (200, 300)
    assert dc.host_index["h1"].memory_mib == 32 * 1024
    assert dc.storage.datastore_index["h1-local"].hosts == ("h1",)


def test_policy_preset(tmp_path: Path) -> None:
    dc, probs = load(tmp_path, """
        [policy]
        preset = "rhv-desktop"
        cpu_allocation_ratio = 8
    """)
    assert probs == []
    assert dc.policy.ram_allocation_ratio == 2.0 and dc.policy.cpu_allocation_ratio == 8


# ------------------------------------------------------------------------------ bad input


@pytest.mark.parametrize(
    ("text", "field"),
    [
        ('[network]\nname = "x"', "network.name"),
        ('[firewall]\nname = "x"', "firewall"),
        ('[scenario]\ntitle = "x"', "scenario.title"),
        ("[policy]\novercommit = 2", "policy.overcommit"),
        ('[[vm]]\nname = "web"\nhost = "h1"\nvcpus = 1\nmemory = "1 GiB"\ncolour = "red"',
         "vm[1] (web).colour"),
        ('[[vm]]\nname = "web"\nhost = "h1"\nvcpus = 1\nmemory = "1 GiB"\ndemand = { cpu = 1, io = 3 }',
         "vm[1] (web).demand.io"),
        ('[[vm]]\nname = "web"\nhost = "h1"\nvcpus = 1\nmemory = "1 GiB"\ndisks = [{ size = "1 GiB", iops = 3 }]',
         "vm[1] (web).disks[1].iops"),
        ('[[container]]\nname = "c"\nhost = "h1"\ncpus = 2', "container[1] (c).cpus"),
    ],
)
def test_unknown_keys(tmp_path: Path, text: str, field: str) -> None:
    got_field, problem = one(tmp_path, text)
    assert got_field == field
    assert problem.startswith("unknown")
    assert "allowed" in problem


def test_unknown_host_key(tmp_path: Path) -> None:
    field, problem = one(tmp_path, '[[host]]\nname = "h1"\ncores = 4\nmemory = "4 GiB"\ngpu = 1\n')
    assert field == "host[1] (h1).gpu" and "unknown key" in problem


@pytest.mark.parametrize(
    ("text", "field"),
    [
        ('[[host]]\nname = "h1"\ncores = 4\nmemory = 0', "host[1] (h1).memory"),
        ('[[host]]\nname = "h1"\ncores = 4\nmemory = -4', "host[1] (h1).memory"),
        ('[[host]]\nname = "h1"\ncores = 4\nmemory = "-4 GiB"', "host[1] (h1).memory"),
        ('[[host]]\nname = "h1"\ncores = 4\nmemory = "4 GiB"\ndisk = 0', "host[1] (h1).disk"),
        ('[[vm]]\nname = "web"\nhost = "h1"\nvcpus = 1\nmemory = "0 GiB"', "vm[1] (web).memory"),
        ('[[vm]]\nname = "web"\nhost = "h1"\nvcpus = 1\nmemory = "1 GiB"\ndisk = -5', "vm[1] (web).disk.size"),
        ('[[datastore]]\nname = "san"\ncapacity = 0', "datastore[1] (san).capacity"),
        ('[[container]]\nname = "c"\nhost = "h1"\nmemory_limit = -1', "container[1] (c).memory_limit"),
    ],
)
def test_zero_or_negative_sizes(tmp_path: Path, text: str, field: str) -> None:
    got_field, problem = one(tmp_path, text)
    assert got_field == field
    assert "greater than 0" in problem


@pytest.mark.parametrize(
    ("text", "field"),
    [
        ('[[host]]\nname = "h1"\ncores = 0\nmemory = "4 GiB"', "host[1] (h1).cores"),
        ('[[vm]]\nname = "web"\nhost = "h1"\nvcpus = 0\nmemory = "1 GiB"', "vm[1] (web).vcpus"),
    ],
)
def test_zero_counts(tmp_path: Path, text: str, field: str) -> None:
    got_field, problem = one(tmp_path, text)
    assert got_field == field
    assert "greater than or equal to 1" in problem


def test_container_in_a_vm_that_does_not_exist(tmp_path: Path) -> None:
    field, problem = one(tmp_path, '[[container]]\nname = "api"\nvm = "ghost"')
    assert field == "container[1] (api).vm"
    assert problem == "no VM named 'ghost'"


def test_vm_on_a_missing_host(tmp_path: Path) -> None:
    field, problem = one(tmp_path, '[[vm]]\nname = "web"\nhost = "nope"\nvcpus = 1\nmemory = "1 GiB"')
    assert field == "vm[1] (web).host"
    assert problem.startswith("no host named 'nope'") and "h1" in problem


@pytest.mark.parametrize(
    ("text", "field", "already"),
    [
        (HOST.format(hv="kvm") * 2, "host[2] (h1).name", "duplicate host name 'h1'"),
        ('[[vm]]\nname = "h1"\nhost = "h1"\nvcpus = 1\nmemory = "1 GiB"', "vm[1] (h1).name", "already a host"),
        ('[[vm]]\nname = "web"\nhost = "h1"\nvcpus = 1\nmemory = "1 GiB"\n' * 2,
         "vm[2] (web).name", "already a VM"),
        ('[[vm]]\nname = "web"\nhost = "h1"\nvcpus = 1\nmemory = "1 GiB"\n'
         '[[container]]\nname = "web"\nvm = "web"', "container[1] (web).name", "already a VM"),
        ('[[datastore]]\nname = "h1-local"\ncapacity = 10', "datastore[1] (h1-local).name", "duplicate datastore"),
    ],
)
def test_duplicate_names(tmp_path: Path, text: str, field: str, already: str) -> None:
    got_field, problem = one(tmp_path, text)
    assert got_field == field
    assert already in problem


def test_toml_syntax_error_gives_the_line(tmp_path: Path) -> None:
    path = tmp_path / "lab.toml"
    path.write_text('[scenario]\nname = "x"\n[[host]\nname = "h1"\n', encoding="utf-8")
    dc, probs = load_scenario(path)
    assert dc is None and len(probs) == 1
    assert probs[0].startswith(f"{path}: ")
    assert "line 3" in probs[0]


def test_unquoted_size_is_a_syntax_error_with_line(tmp_path: Path) -> None:
    path = tmp_path / "lab.toml"
    path.write_text('[[host]]\nname = "h1"\ncores = 4\nmemory = 16 GiB\n', encoding="utf-8")
    dc, probs = load_scenario(path)
    assert dc is None and "line 4" in probs[0]


@pytest.mark.parametrize(
    ("text", "field", "words"),
    [
        ('[[host]]\nname = "h1"\ncores = 4\nmemory = "16 parsecs"', "host[1] (h1).memory", "unknown size unit 'parsecs'"),
        ('[[container]]\nname = "c"\nhost = "h1"\ncpu_limit = "2 GHz"', "container[1] (c).cpu_limit", "unknown CPU unit"),
        ('[[vm]]\nname = "web"\nhost = "h1"\nvcpus = 1\nmemory = "1 GiB"\ndisk = "ten GiB"',
         "vm[1] (web).disk.size", "cannot read"),
        ('[[vm]]\nname = "web"\nhost = "h1"\nvcpus = 1\nmemory = "1 GiB"\ndemand = { memory = "lots" }',
         "vm[1] (web).demand.memory", "cannot read"),
    ],
)
def test_bad_units(tmp_path: Path, text: str, field: str, words: str) -> None:
    got_field, problem = one(tmp_path, text)
    assert got_field == field
    assert words in problem


@pytest.mark.parametrize(
    ("text", "hv", "field", "words"),
    [
        ('[[vm]]\nname = "web"\nhost = "h1"\nvcpus = 1\nmemory = "1 GiB"', "none", "vm[1] (web).host",
         "cannot run VMs"),
        ('[[container]]\nname = "c"\nhost = "h1"', "esxi", "container[1] (c).host", "in a VM"),
        ('[[host]]\nname = "h1"\nhypervisor = "vmware"\ncores = 4\nmemory = "4 GiB"', "kvm",
         "host[1] (h1).hypervisor", "'esxi'"),
        ("[policy]\npreset = \"cheap\"", "kvm", "policy.preset", "unknown preset 'cheap'"),
        ('[[host]]\nname = "esx 1"\ncores = 4\nmemory = "4 GiB"', "kvm", "host[1] (esx 1).name", "pattern"),
        ("host = 3", "kvm", "host", "array of tables"),
        ('[host]\nname = "h1"', "kvm", "host", "[[host]]"),
        ('[[vm]]\nname = "web"\nhost = "h1"\nvcpus = 1\nmemory = "1 GiB"\ndemand = "frantic"', "kvm",
         "vm[1] (web).demand", "unknown level 'frantic'"),
        ('[[vm]]\nname = "web"\nhost = "h1"\nvcpus = 1\nmemory = "1 GiB"\ndisks = [{ size = "1 GiB", datastore = "nas" }]',
         "kvm", "vm[1] (web).disks[1].datastore", "no datastore named 'nas'"),
    ],
)
def test_other_problems(tmp_path: Path, text: str, hv: str, field: str, words: str) -> None:
    got_field, problem = one(tmp_path, text, hv)
    assert got_field == field
    assert words in problem


def test_datastore_not_visible_from_the_host(tmp_path: Path) -> None:
    text = HOST.format(hv="kvm") + HOST.format(hv="kvm").replace('"h1"', '"h2"') + (
        '[[vm]]\nname = "web"\nhost = "h2"\nvcpus = 1\nmemory = "1 GiB"\n'
        'disks = [{ size = "1 GiB", datastore = "h1-local" }]\n')
    field, problem = one(tmp_path, text)
    assert field == "vm[1] (web).disks[1].datastore"
    assert problem == "h1-local is not visible from h2"


def test_container_both_on_a_host_and_in_a_vm(tmp_path: Path) -> None:
    field, problem = one(tmp_path, '[[vm]]\nname = "web"\nhost = "h1"\nvcpus = 1\nmemory = "1 GiB"\n'
                                   '[[container]]\nname = "c"\nhost = "h1"\nvm = "web"')
    assert field == "container[1] (c)"
    assert "not both" in problem


def test_every_problem_is_listed(tmp_path: Path) -> None:
    """``virtlab check`` lists all the problems of a file, not just the first."""
    probs = problems(tmp_path, """
        [[vm]]
        name = "a"
        host = "nope"
        vcpus = 1
        memory = "1 GiB"

        [[vm]]
        name = "b"
        host = "h1"
        vcpus = 0
        memory = "1 GiB"

        [[container]]
        name = "c"
        vm = "ghost"
        colour = "red"
    """)
    fields = {p.partition(": ")[0] for p in probs}
    assert {"vm[1] (a).host", "vm[2] (b).vcpus", "container[1] (c).colour", "container[1] (c).vm"} <= fields


def test_missing_fields_are_each_reported_once(tmp_path: Path) -> None:
    """A VM missing host, vcpus and memory gets one line for each."""
    probs = problems(tmp_path, '[[vm]]\nname = "web"')
    assert len(probs) == len(set(probs))
    for key in ("host", "vcpus", "memory"):
        assert sum(p.startswith(f"vm[1] (web).{key}: ") for p in probs) == 1, probs


def test_file_problems(tmp_path: Path) -> None:
    dc, probs = load_scenario(tmp_path / "missing.toml")
    assert dc is None and probs == [f"{tmp_path / 'missing.toml'}: file: not found"]
    dc, probs = load_scenario(tmp_path)
    assert dc is None and probs[0].startswith(f"{tmp_path}: file: ")
    bad = tmp_path / "binary.toml"
    bad.write_bytes(b"\xff\xfe[[host]]")
    dc, probs = load_scenario(bad)
    assert dc is None and probs[0].startswith(f"{bad}: ")


# ------------------------------------------------------------------------------ never a traceback


def test_scenario_name_that_is_not_a_string_is_a_problem() -> None:
    dc, probs = scenario_from_dict({"scenario": {"name": 5}}, "lab.toml")
    assert dc is None
    assert probs and probs[0].startswith("lab.toml: scenario.name: ")


def test_preset_that_is_not_a_string_is_a_problem() -> None:
    dc, probs = scenario_from_dict({"policy": {"preset": ["rhv-server"]}}, "lab.toml")
    assert dc is None
    assert probs and probs[0].startswith("lab.toml: policy.preset: ")


@pytest.mark.parametrize(
    ("kind", "table"),
    [
        ("vm", {"name": "web", "host": "h1", "vcpus": 1, "memory": "1 GiB", "demand": {"cpu": -1}}),
        ("vm", {"name": "web", "host": "h1", "vcpus": 1, "memory": "1 GiB", "demand": {"memory": -5}}),
        ("container", {"name": "c", "host": "h1", "demand": {"cpu": -1}}),
        ("container", {"name": "c", "host": "h1", "demand": {"memory": "-5 MiB"}}),
    ],
)
def test_negative_demand_is_a_problem(kind: str, table: dict) -> None:
    data = {"host": [{"name": "h1", "hypervisor": "kvm", "cores": 4, "memory": "16 GiB"}], kind: [table]}
    dc, probs = scenario_from_dict(data, "lab.toml")
    assert dc is None
    assert any(".demand." in p for p in probs), probs


SCALARS = st.one_of(
    st.integers(-5, 10**6),
    st.floats(min_value=-10, max_value=1e6, allow_nan=False),
    st.booleans(),
    st.sampled_from(["", "x", "h1", "v1", "esxi", "none", "kvm", "16 GiB", "-1 GiB", "500m", "40%",
                     "normal", "thin", "thick-eager", "peak", "h1-local", "running", "down"]),
)
VALUES = st.recursive(
    SCALARS,
    lambda inner: st.one_of(
        st.lists(inner, max_size=3),
        st.dictionaries(st.sampled_from(["cpu", "memory", "size", "name", "datastore", "written"]),
                        inner, max_size=3),
    ),
    max_leaves=5,
)


DEMANDS = st.one_of(
    st.sampled_from(["idle", "normal", "peak", "leak", "frantic"]),
    st.fixed_dictionaries({}, optional={
        "cpu": st.one_of(st.integers(0, 64), st.sampled_from(["500m", "50%", "2", "x", "150%"])),
        "memory": st.one_of(st.integers(0, 10**5), st.sampled_from(["1 GiB", "40%", "lots"])),
    }),
    VALUES,
).filter(lambda d: not (isinstance(d, dict) and any(
    isinstance(v, int | float) and not isinstance(v, bool) and v < 0 for v in d.values())))


def _tables(required: dict, optional: list[str], special: dict | None = None):
    extra = {k: VALUES for k in optional if k not in required}
    extra.update(special or {})
    return st.lists(st.fixed_dictionaries(required, optional=extra), max_size=2)


FILES = st.fixed_dictionaries({}, optional={
    "scenario": st.fixed_dictionaries({}, optional={"name": st.text(max_size=5), "description": VALUES}),
    "policy": st.fixed_dictionaries({}, optional={
        "preset": st.sampled_from(["openstack", "rhv-server", "nope"]),
        "cpu_allocation_ratio": VALUES, "ram_allocation_ratio": VALUES,
        "reserved_host_memory": VALUES, "reserved_host_cpus": VALUES, "extra": VALUES}),
    "host": st.one_of(VALUES, _tables(
        {"name": st.sampled_from(["h1", "h2"]), "cores": st.just(4), "memory": st.just("16 GiB")},
        ["hypervisor", "sockets", "cores", "threads", "mhz", "memory", "disk", "reserved_memory",
         "reserved_cpus", "status", "bogus"])),
    "datastore": st.one_of(VALUES, _tables({}, ["name", "capacity", "hosts"])),
    "vm": st.one_of(VALUES, _tables(
        {"name": st.sampled_from(["v1", "v2"]), "host": st.sampled_from(["h1", "h2"]),
         "vcpus": st.just(2), "memory": st.just("2 GiB")},
        ["host", "vcpus", "memory", "disk", "disks", "cpu_shares", "mem_shares", "cpu_reservation",
         "cpu_limit", "mem_reservation", "mem_limit", "status"], {"demand": DEMANDS})),
    "container": st.one_of(VALUES, _tables(
        {"name": st.sampled_from(["c1", "c2"])},
        ["host", "vm", "cpu_request", "cpu_limit", "memory_request", "memory_limit", "status"],
        {"demand": DEMANDS})),
})


@settings(max_examples=150, deadline=None, derandomize=True, database=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(FILES)
def test_any_toml_shaped_input_gives_problems_not_tracebacks(data: dict) -> None:
    """Whatever the TOML holds, the loader returns a datacenter or ``file: field: problem``
    lines — and a datacenter it returns is valid. (The three inputs the xfail tests above pin
    — a non-string scenario name or preset, a negative demand — are kept out of the search
    until they are fixed.)"""
    dc, probs = scenario_from_dict(data, "f.toml")
    assert (dc is None) == bool(probs)
    for line in probs:
        assert line.startswith("f.toml: ") and ": " in line[len("f.toml: "):], line
    if dc is not None:
        Datacenter.model_validate(dc.model_dump())
        build_report(dc)
