"""A scenario's [storage] table: the stack is read, cross-checked and refused as the real
tools would refuse it, with file: field: problem messages."""

from __future__ import annotations

from pathlib import Path

import pytest

from virtlab.core.report import build_report
from virtlab.course.scenario import load_scenario, scenario_from_dict

SCENARIOS = Path(__file__).resolve().parents[2] / "scenarios"
HOST = {"host": [{"name": "h", "hypervisor": "kvm", "cores": 4, "memory": "8 GiB"}]}


#: A small SAN: three 1 TB disks in RAID 5 (2 TB usable) in the array a1, one port on fab-a.
SAN = {"disk": [{"name": f"d{i}", "size": "1 TB"} for i in (1, 2, 3)],
       "raid": [{"name": "rg", "level": 5, "disks": ["d1", "d2", "d3"]}],
       "fabric": [{"name": "fab-a"}],
       "array": [{"name": "a1", "ports": [{"name": "spa", "fabric": "fab-a"}], "groups": ["rg"]}]}


def _problems(storage: dict) -> list[str]:
    dc, problems = scenario_from_dict({**HOST, "storage": storage}, "s.toml")
    return problems


def test_the_shipped_storage_scenarios_give_the_lessons_numbers() -> None:
    ceph, p = load_scenario(SCENARIOS / "storage-ceph.toml")
    assert p == [] and ceph is not None
    c = build_report(ceph).storage_stack.ceph
    assert c.raw_tb == 80 and round(c.pools["rbd"].usable_tb, 1) == 26.7
    lvm, _ = load_scenario(SCENARIOS / "storage-lvm-thin.toml")
    stack = build_report(lvm).storage_stack
    assert stack.vgs["vg0"].extents == 3 * 2559
    assert stack.thin_pools["pool0"].use.overcommit == pytest.approx(30 / 18)
    md, _ = load_scenario(SCENARIOS / "storage-raid.toml")
    raid = build_report(md).storage_stack.raid
    assert (raid["md0"].usable_tb, raid["md0"].survives) == (16, 2)


@pytest.mark.parametrize(("storage", "problem"), [
    ({"disk": [{"name": "d1", "size": "4 TB"}] * 1 + [{"name": f"d{i}", "size": "4 TB"} for i in (2, 3)],
      "raid": [{"name": "md0", "level": 6, "disks": ["d1", "d2", "d3"]}]},
     "s.toml: storage.raid (md0).disks: RAID 6 needs at least 4 disks; md0 has 3"),
    ({"raid": [{"name": "md0", "level": 1, "disks": ["x", "y"]}]},
     "s.toml: storage.raid (md0).disks: no disk named 'x'"),
    ({"raid": [{"name": "md0", "level": 7, "disks": ["x", "y"]}]},
     "s.toml: storage.raid[1] (md0).level: expected a RAID level (0, 1, 5, 6 or 10), got 7"),
    ({"pv": [{"name": "pv1", "size": "10G"}], "vg": [{"name": "vg0", "pvs": ["pv1"]}],
      "lv": [{"name": "big", "vg": "vg0", "size": "12000M"}]},
     "s.toml: storage.vg (vg0): its LVs and thin pools take 3000 extents, vg0 has 2559"),
    ({"pv": [{"name": "pv1", "size": "10G"}], "vg": [{"name": "vg0", "pvs": ["pv2"]}]},
     "s.toml: storage.vg (vg0).pvs: no PV named 'pv2'"),
    ({"ceph": {"hosts": 5, "pool": [{"name": "ec", "kind": "erasure", "k": 4, "m": 2}]}},
     "s.toml: storage.ceph.pool (ec): EC 4+2 needs 6 failure domains (host); this cluster has 5"),
    ({"disk": [{"name": "d1", "size": "lots"}]}, "s.toml: storage.disk[1] (d1).size: cannot read 'lots' as a number with a unit"),
    ({"pv": [{"name": "a", "size": "10G"}], "vg": [{"name": "v1", "pvs": ["a"]}, {"name": "v2", "pvs": ["a"]}]},
     "s.toml: storage.vg (v2).pvs: a already belongs to v1"),
    ({"disk": [{"name": "d", "size": "1 TB"}, {"name": "d", "size": "1 TB"}]},
     "s.toml: storage (d).name: duplicate name 'd' in the storage stack"),
    ({"ceph": {"osd_size": "0 TB"}}, "s.toml: storage.ceph.osd_size: must be more than 0, got '0 TB'"),
    ({"tape": []}, "s.toml: storage.tape: unknown table (allowed: array, ceph, disk, fabric, lun, lv, path, pv, "
                   "raid, share, thin_pool, thin_volume, vg)"),
    ({"ceph": {"pool": [{"name": "rbd", "size": 0}]}},
     "s.toml: storage.ceph.pool[1] (rbd).size: Input should be greater than or equal to 1"),
    (SAN | {"lun": [{"name": "l1", "array": "a1", "group": "rg", "size": "3 TB", "hosts": ["h"]}]},
     "s.toml: storage.lun (l1).size: the LUNs and shares on rg take 3 TB; rg has 2 TB usable"),
    (SAN | {"lun": [{"name": "l1", "array": "a1", "group": "d9", "size": "1 TB", "hosts": ["h"]}]},
     "s.toml: storage.lun (l1).group: a1 has no RAID group or disk 'd9'"),
    (SAN | {"path": [{"name": "p1", "host": "h", "array": "a1", "port": "x"}]},
     "s.toml: storage.path (p1).port: a1 has no port 'x' (it has spa)"),
    (SAN | {"path": [{"name": "p1", "host": "nobody", "array": "a1", "port": "spa"}]},
     "s.toml: storage.path (p1).host: no host named 'nobody'"),
    (SAN | {"lun": [{"name": "l1", "array": "a1", "group": "rg", "size": "1 TB", "hosts": ["h"],
                     "datastore": "nowhere"}]},
     "s.toml: storage.lun (l1).datastore: no datastore named 'nowhere'"),
    (SAN | {"array": [{"name": "a1", "ports": [{"name": "spa", "fabric": "fab-z"}], "groups": ["rg"]}]},
     "s.toml: storage.array (a1).ports: spa: no fabric named 'fab-z'"),
])
def test_storage_problems_name_the_file_and_field(storage: dict, problem: str) -> None:
    assert problem in _problems(storage)


def test_lvm_sizes_read_as_lvm_reads_them() -> None:
    dc, p = scenario_from_dict({**HOST, "storage": {"pv": [{"name": "a", "size": "10G"}, {"name": "b", "size": "10 GB"}]}}, "s")
    assert p == [] and [pv.size_mib for pv in dc.storage.stack.pvs] == [10240, pytest.approx(9536.74, abs=0.01)]


def test_a_datastore_bigger_than_its_lun_or_seen_where_it_is_not_presented_is_a_problem() -> None:
    two = {"host": [*HOST["host"], {"name": "h2", "hypervisor": "esxi", "cores": 4, "memory": "8 GiB"}]}
    lun = {"name": "l1", "array": "a1", "group": "rg", "size": "1 TB", "hosts": ["h"], "datastore": "ds"}
    _, p = scenario_from_dict({**two, "datastore": [{"name": "ds", "capacity": "2 TB", "hosts": ["h", "h2"]}],
                               "storage": SAN | {"lun": [lun]}}, "s.toml")
    assert "s.toml: storage.lun (l1).datastore: ds is 1.8 TiB; l1 holds 931.3 GiB (1 TB)" in p
    assert "s.toml: storage.lun (l1).hosts: ds is seen by h2, to which l1 is not presented" in p


def test_the_san_scenario_traces_every_datastore_to_its_disks() -> None:
    dc, p = load_scenario(SCENARIOS / "storage-san-nas.toml")
    assert p == [] and dc is not None
    backs = build_report(dc).storage_stack.backends
    assert [h.kind for h in backs["ds-san"].trace][:4] == ["datastore", "lun", "array", "raid"]
    assert [h.name for h in backs["ds-san"].trace if h.kind == "disk"] == [f"a{i}" for i in range(1, 7)]
    assert backs["ds-san"].fs == "vmfs" and backs["ds-nfs"].fs == "nfs"
    assert backs["ds-san"].group_usable_tb == pytest.approx(2.4)  # RAID 6 of six 0.6 TB: (6 − 2) × 0.6
