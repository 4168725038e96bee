"""The scenario package's parts: input models name the file's keys, the public parsers the lab
loader uses report every problem at once, and cross-references are the core's own rules."""

from __future__ import annotations

import pytest

from virtlab.core.base import Refused
from virtlab.core.compute.actions import AddContainer, AddVM
from virtlab.core.errors import InputError
from virtlab.core.units import UnitError
from virtlab.course.scenario import (
    InputProblems,
    parse_container,
    parse_update_changes,
    parse_vm,
    scenario_from_dict,
)
from virtlab.course.scenario.models import ContainerIn, HostIn, VMIn

HOST = {"name": "h1", "hypervisor": "kvm", "cores": 4, "memory": "16 GiB", "disk": "1 TB"}


def test_input_models_name_the_files_keys_and_the_cores_fields() -> None:
    assert HostIn.names()["cores_per_socket"] == "cores"
    assert VMIn.names()["cpu_limit_mhz"] == "cpu_limit"
    assert ContainerIn.names()["mem_limit_mib"] == "memory_limit"
    assert "memory_mib" not in HostIn.keys() and "memory" in HostIn.keys()


def test_parse_vm_reads_units_and_the_local_datastore() -> None:
    vm = parse_vm({"name": "web", "host": "h1", "vcpus": 2, "memory": "4 GiB", "disk": "40 GiB",
                   "demand": "idle"}, "vm", {"h1": "h1-local"})
    assert vm.memory_mib == 4096 and vm.disks[0].datastore == "h1-local"
    assert vm.cpu_demand == pytest.approx(0.1)


def test_parse_vm_reports_every_problem_as_one_input_error() -> None:
    with pytest.raises(InputProblems) as info:
        parse_vm({"name": "web", "host": "h1", "vcpus": 0, "memory": "lots", "colour": "red"})
    e = info.value
    assert isinstance(e, InputError) and isinstance(e, ValueError)
    assert e.errors[0].where == "vm.colour"
    assert {"vm.memory", "vm.vcpus"} <= {x.where for x in e.errors}
    assert str(e) == "; ".join(str(x) for x in e.errors)


def test_parse_vm_and_container_refuse_what_is_not_a_table() -> None:
    with pytest.raises(InputProblems, match="^vm: must be a table$"):
        parse_vm("web")
    with pytest.raises(InputProblems, match="^container: must be a table$"):
        parse_container(["api"])


def test_parse_container_needs_one_home() -> None:
    c = parse_container({"name": "api", "vm": "web", "cpu_limit": "1.5", "memory_limit": "512 MiB"})
    assert (c.cpu_limit_m, c.mem_limit_mib) == (1500, 512)
    with pytest.raises(InputProblems, match="not both"):
        parse_container({"name": "api", "vm": "web", "host": "h1"})


def test_update_changes_use_the_files_units() -> None:
    assert parse_update_changes({"memory": "8 GiB", "cpu_limit": 2000, "vcpus": 4}, container=False) == {
        "memory_mib": 8192, "cpu_limit_mhz": 2000.0, "vcpus": 4}
    assert parse_update_changes({"cpu_limit": "500m"}, container=True) == {"cpu_limit_m": 500}
    with pytest.raises(UnitError) as info:
        parse_update_changes({"memory": "lots"}, container=False)
    assert info.value.where == "changes.memory"


@pytest.mark.parametrize(
    ("kind", "table", "field"),
    [
        ("vm", {"name": "web", "host": "ghost", "vcpus": 1, "memory": 512}, "vm[1] (web).host"),
        ("container", {"name": "api", "vm": "ghost"}, "container[1] (api).vm"),
    ],
)
def test_cross_references_are_the_cores_placement_rules(kind: str, table: dict, field: str) -> None:
    """What the loader reports is what the core refuses when the object is added."""
    dc, probs = scenario_from_dict({"host": [HOST], kind: [table]}, "f.toml")
    assert dc is None and len(probs) == 1 and probs[0].startswith(f"f.toml: {field}: no ")
    base, _ = scenario_from_dict({"host": [HOST]}, "f.toml")
    assert base is not None
    action = AddVM(vm=parse_vm(table)) if kind == "vm" else AddContainer(container=parse_container(table))
    with pytest.raises(Refused):
        action.apply(base)


def test_a_kubernetes_node_reads_the_kubelets_reservations() -> None:
    """kube_reserved + system_reserved + eviction_hard (100 MiB by default) become the node's
    reservation (Kubernetes "Reserve Compute Resources for System Daemons")."""
    from virtlab.course.scenario import scenario_from_dict

    node = {"name": "k", "hypervisor": "none", "cores": 4, "memory": "16 GiB",
            "kube_reserved": {"cpu": "500m", "memory": "1 GiB"}, "system_reserved": {"memory": "512 MiB"}}
    dc, problems = scenario_from_dict({"host": [node]}, "x.toml")
    assert problems == [] and dc is not None
    assert (dc.hosts[0].reserved_memory_mib, dc.hosts[0].reserved_cpus) == (1024 + 512 + 100, 0.5)
    dc, problems = scenario_from_dict({"host": [{**node, "eviction_hard": "1 GiB"}]}, "x.toml")
    assert dc is not None and dc.hosts[0].reserved_memory_mib == 1024 + 512 + 1024
    _, problems = scenario_from_dict({"host": [{**node, "hypervisor": "kvm"}]}, "x.toml")
    assert problems == ['x.toml: host[1] (k).kube_reserved: the kubelet\'s reservations are for a '
                        'Kubernetes node (hypervisor = "none")']
    _, problems = scenario_from_dict({"host": [{**node, "kube_reserved": {"cpu": "1", "disk": 1}}]}, "x.toml")
    assert problems == ["x.toml: host[1] (k).kube_reserved.disk: unknown key"]
