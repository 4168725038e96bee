"""SAN and NAS back ends: who reaches which datastore, multipathing, APD and PDL, the trace
down to the physical disks, the storage blast radius per workload, and faults as actions.

Sources (vSphere Storage guide): a LUN stays in use while one path to it is up; every path
down is All Paths Down; a RAID group that loses more members than its level survives loses
the LUN's data. RAID 6 of n disks: (n − 2) · S usable (RHEL Storage Administration Guide).
"""

from __future__ import annotations

from typing import Literal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.course.test_storage_scenario import SCENARIOS
from virtlab.core.actions import apply
from virtlab.core.base import Refused
from virtlab.core.compute.lifecycle import ConvertDisk
from virtlab.core.report import build_report
from virtlab.core.state import Datacenter
from virtlab.core.storage import raid, san
from virtlab.core.storage.actions import StorageFail, StorageRepair
from virtlab.core.storage.blast import Use, apply_fault, faults_under, storage_blast, survives_every
from virtlab.core.storage.stack import StorageStack, backend_reports
from virtlab.course.scenario import load_scenario


def _stack(paths: dict[str, list[tuple[str, bool]]], level: str = "6", n: int = 6,
           protocol: Literal["fc", "iscsi"] = "fc") -> StorageStack:
    """Two fabrics fab-a, fab-b (FC; Ethernet for iSCSI), an array with a port on each, a
    RAID group of ``n`` 1 TB disks, one LUN presented to every host in ``paths`` (host →
    [(port, up)])."""
    kind = "fc" if protocol == "fc" else "ethernet"
    disks = tuple(raid.PhysicalDisk(name=f"d{i}", size_tb=1.0) for i in range(n))
    group = raid.RaidGroup(name="rg", level=raid.RaidLevel(level), disks=tuple(d.name for d in disks))
    array = san.Array(name="arr", ports=(san.Port(name="pa", fabric="fab-a"), san.Port(name="pb", fabric="fab-b")),
                      groups=("rg",))
    ps = tuple(san.Path(name=f"{h}-{i}", host=h, array="arr", port=port, up=up)
               for h, ports in paths.items() for i, (port, up) in enumerate(ports))
    lun = san.Lun(name="lun", array="arr", group="rg", size_tb=1.0, protocol=protocol,
                  hosts=tuple(paths), datastore="ds")
    return StorageStack(disks=disks, raid_groups=(group,), arrays=(array,),
                        fabrics=(san.Fabric(name="fab-a", kind=kind), san.Fabric(name="fab-b", kind=kind)),
                        paths=ps, luns=(lun,))


def _reach(stack: StorageStack, host: str) -> san.Reach:
    found = backend_reports(stack)["ds"].reach_from(host)
    assert found is not None
    return found


def test_a_lun_stays_in_use_while_one_path_is_up_then_all_paths_down() -> None:
    stack = _stack({"h1": [("pa", True), ("pb", True)]})
    assert _reach(stack, "h1").state is san.ReachState.OK
    one = apply_fault(stack, "path", "h1-0")
    assert (_reach(one, "h1").state, _reach(one, "h1").paths_up) == (san.ReachState.DEGRADED, 1)
    both = apply_fault(one, "path", "h1-1")
    assert (_reach(both, "h1").state, _reach(both, "h1").why) == (san.ReachState.APD, "all_paths_dead")


def test_an_array_failure_takes_every_host_and_a_failed_group_loses_the_data() -> None:
    stack = _stack({"h1": [("pa", True)], "h2": [("pb", True)]})
    down = apply_fault(stack, "array", "arr")
    assert {_reach(down, h).why for h in ("h1", "h2")} == {"array_down"}
    lost = apply_fault(stack, "raid", "rg")
    assert _reach(lost, "h1").state is san.ReachState.LOST


def test_raid6_under_a_lun_degrades_at_one_and_two_failures_and_is_lost_at_three() -> None:
    stack = _stack({"h1": [("pa", True), ("pb", True)]})
    for k, want in ((1, san.ReachState.DEGRADED), (2, san.ReachState.DEGRADED), (3, san.ReachState.LOST)):
        s = stack
        for i in range(k):
            s = apply_fault(s, "disk", f"d{i}")
        assert _reach(s, "h1").state is want, k
    assert backend_reports(stack)["ds"].group_usable_tb == 4.0  # (6 − 2) × 1 TB


def test_a_fabric_failure_cuts_hosts_whose_paths_all_cross_it() -> None:
    stack = _stack({"h1": [("pa", True), ("pb", True)], "h2": [("pa", True), ("pa", True)]})
    cut = survives_every(stack, "ds", ["path", "fabric"])
    assert cut is not None and (cut.fault, cut.host, cut.why) == ("fabric:fab-a", "h2", "fabric_down")
    assert survives_every(_stack({"h1": [("pa", True), ("pb", True)]}), "ds", ["path", "fabric"]) is None


def test_fc_lun_ignores_ethernet_paths_and_an_unpresented_host_is_unmapped() -> None:
    stack = _stack({"h1": [("pa", True)]}, protocol="iscsi")  # the fabrics are Ethernet: iSCSI paths
    assert _reach(stack, "h1").state is san.ReachState.OK
    fc = stack.evolve(luns=(stack.luns[0].model_copy(update={"protocol": "fc"}),))
    assert (_reach(fc, "h1").state, _reach(fc, "h1").why) == (san.ReachState.APD, "no_path")
    other = san.backing_reach(stack.san_view, stack.luns[0], "h9")
    assert other.state is san.ReachState.UNMAPPED


def test_storage_blast_names_who_loses_the_disk_and_who_only_degrades() -> None:
    stack = _stack({"h1": [("pa", True), ("pb", True)], "h2": [("pa", True)]})
    users = {"ds": [Use("vm1", "h1", ("ctr1",)), Use("vm2", "h2")]}
    by = {b.fault: b for b in storage_blast(stack, users)}
    assert by["path:h2-0"].lose_disk == ("vm2",) and by["path:h2-0"].degraded == ()
    assert by["path:h1-0"].degraded == ("vm1", "ctr1") and by["path:h1-0"].lose_disk == ()
    assert by["fabric:fab-a"].lose_disk == ("vm2",) and by["fabric:fab-a"].degraded == ("vm1", "ctr1")
    assert by["array:arr"].lose_disk == ("vm1", "ctr1", "vm2") and by["array:arr"].datastores == ("ds",)
    assert by["disk:d0"].degraded == ("vm1", "ctr1", "vm2")
    assert storage_blast(stack, {}) == []


def test_san_faults_are_actions_and_repairs_bring_them_back() -> None:
    dc, p = load_scenario(SCENARIOS / "storage-san-nas.toml")
    assert dc is not None and p == []
    after = apply(dc, StorageFail(name="fab-a"))
    assert not next(f for f in after.storage.stack.fabrics if f.name == "fab-a").up
    back = apply(after, StorageRepair(name="fab-a"))
    assert build_report(back).storage_stack.backends == build_report(dc).storage_stack.backends
    report = build_report(apply(dc, StorageFail(name="array-1")))
    assert {r.why for r in report.storage_stack.backends["ds-san"].reach} == {"array_down"}
    with pytest.raises(Refused, match="no disk, RAID group, array, fabric, path"):
        apply(dc, StorageFail(name="nothing-here"))


def test_storage_vmotion_moves_a_disk_to_a_datastore_the_host_sees_and_refuses_others() -> None:
    dc, _ = load_scenario(SCENARIOS / "storage-san-nas.toml")
    assert dc is not None
    moved = apply(dc, ConvertDisk(name="web-1", provisioning="thin", datastore="ds-nfs"))
    assert moved.compute.vm_index["web-1"].disks[0].datastore == "ds-nfs"
    with pytest.raises(Refused, match="does not see a datastore named 'ds-x'"):
        apply(dc, ConvertDisk(name="web-1", provisioning="thin", datastore="ds-x"))


# --------------------------------------------------------------------------- properties

_paths = st.dictionaries(st.sampled_from(["h1", "h2", "h3"]),
                         st.lists(st.tuples(st.sampled_from(["pa", "pb"]), st.booleans()), min_size=0, max_size=4),
                         min_size=1, max_size=3)
_levels = st.sampled_from([("0", 2), ("1", 2), ("5", 3), ("6", 4), ("10", 4), ("6", 6)])


@settings(max_examples=60, deadline=None)
@given(_paths, _levels)
def test_a_lun_with_a_live_path_on_a_healthy_array_is_reachable(paths: dict[str, list[tuple[str, bool]]],
                                                                level: tuple[str, int]) -> None:
    stack = _stack(paths, *level)
    for host, ps in paths.items():
        assert _reach(stack, host).state.usable == any(up for _, up in ps)


@settings(max_examples=60, deadline=None)
@given(_paths, _levels, st.data())
def test_tracing_a_datastore_always_ends_at_its_physical_disks(paths: dict[str, list[tuple[str, bool]]],
                                                               level: tuple[str, int], data: st.DataObject) -> None:
    stack = _stack(paths, *level)
    for kind, name in data.draw(st.lists(st.sampled_from(faults_under(stack, ["ds"])), max_size=3)):
        stack = apply_fault(stack, kind, name)
    trace = backend_reports(stack)["ds"].trace
    assert trace[0].kind == "datastore" and trace[-1].kind == "disk"
    assert [h.name for h in trace if h.kind == "disk"] == list(stack.raid_index["rg"].disks)


@settings(max_examples=40, deadline=None)
@given(_paths, st.sampled_from(["nothing", "lun-9", "esx-9"]))
def test_a_refused_storage_action_leaves_the_state_unchanged(paths: dict[str, list[tuple[str, bool]]],
                                                             name: str) -> None:
    dc = Datacenter.of(stack=_stack(paths))
    before = dc.model_dump()
    with pytest.raises(Refused):
        apply(dc, StorageFail(name=name))
    with pytest.raises(Refused):
        apply(dc, ConvertDisk(name=name, provisioning="thin", datastore="ds"))
    assert dc.model_dump() == before


@settings(max_examples=40, deadline=None)
@given(_paths)
def test_survives_every_finds_the_counterexample_the_blast_shows(paths: dict[str, list[tuple[str, bool]]]) -> None:
    stack = _stack(paths)
    users = {"ds": [Use(f"vm-{h}", h) for h in paths]}
    cut = survives_every(stack, "ds", ["path", "fabric"])
    broken_now = any(not _reach(stack, h).state.usable for h in paths)
    blast = [b for b in storage_blast(stack, users) if b.fault.split(":")[0] in ("path", "fabric")]
    if cut is None:
        assert not broken_now and all(not b.lose_disk for b in blast)
    elif cut.fault is not None:
        assert f"vm-{cut.host}" in next(b for b in blast if b.fault == cut.fault).lose_disk


def test_vm_disks_on_ceph_rbd_lose_io_when_a_host_takes_two_copies_of_a_pg() -> None:
    """Failure domain osd lets two copies of a PG share a host: losing that host leaves one
    copy, below min_size 2, and an RBD image striped over every PG stops; one OSD only
    degrades it. Failure domain host keeps I/O through any one host."""
    dc, p = load_scenario(SCENARIOS / "storage-ceph-rbd.toml")
    assert dc is not None and p == []
    report = build_report(dc)
    by = {b.fault: b for b in report.storage_blast}
    assert by["ceph-host:ceph-1"].lose_disk == ("web-1", "db-1")
    assert by["osd:osd.0"].lose_disk == () and by["osd:osd.0"].degraded == ("web-1", "db-1")
    back = report.storage_stack.backends["ds-rbd"]
    assert back.fs == "rbd" and back.size_tb == pytest.approx(16.0)  # 48 TB raw ÷ size 3
    assert back.trace[-1].kind == "disk" and len([h for h in back.trace if h.kind == "disk"]) == 12
    cut = survives_every(dc.storage.stack, "ds-rbd", ["ceph-host"])
    assert cut is not None and cut.fault == "ceph-host:ceph-1"
    from virtlab.core.storage.actions import CephPool

    fixed = apply(dc, CephPool(name="vms", changes={"failure_domain": "host"}))
    assert survives_every(fixed.storage.stack, "ds-rbd", ["ceph-host", "osd"]) is None
