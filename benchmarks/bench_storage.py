"""Storage report timing: a 1,000-OSD Ceph cluster with 4,096 PGs (issue #11 aims < 1 s),
and lesson-size stacks after one change (aim: within a 16 ms frame) — for the SAN/NAS
scenario and lesson 7's lab, the back ends, the storage blast radius and the lab's goals
(the path-survival check tries every path and switch) are part of what one change costs.

Run: python benchmarks/bench_storage.py
"""

from __future__ import annotations

import statistics
from pathlib import Path

from timing import timed  # benchmarks/timing.py

from virtlab.core.actions import apply
from virtlab.core.report import build_report
from virtlab.core.storage import ceph
from virtlab.core.storage.actions import StorageFail, ThinWrite
from virtlab.core.storage.stack import StorageStack, stack_report
from virtlab.course.labs import load_lab, parse_action
from virtlab.course.scenario import load_scenario
from virtlab.course.session import LabSession

ROOT = Path(__file__).resolve().parents[1]


def main() -> None:
    osds = tuple(ceph.Osd(name=f"osd.{h * 10 + i}", host=f"h{h}", rack=f"r{h % 10}", size_tb=8)
                 for h in range(100) for i in range(10))
    big = StorageStack(ceph=ceph.CephCluster(osds=osds, pools=(ceph.Pool(name="rbd", pgs=4096),)))
    def cold() -> None:
        ceph._placement.cache_clear()  # the PG map computed anew each run
        stack_report(big.evolve())  # a fresh stack: nothing cached on it

    ms = timed(cold, 3)
    print(f"1,000 OSDs, 4,096 PGs, cold: median {statistics.median(ms):.0f} ms (runs {', '.join(f'{m:.0f}' for m in ms)})")
    for name, action in (("storage-ceph.toml", StorageFail(name="ceph-1")),
                         ("storage-lvm-thin.toml", ThinWrite(name="tv1", mib=512)),
                         ("storage-raid.toml", StorageFail(name="d1")),
                         ("storage-san-nas.toml", StorageFail(name="fab-a"))):
        dc, _ = load_scenario(ROOT / "scenarios" / name)
        ms = timed(lambda dc=dc, action=action: build_report(apply(dc, action)).storage_stack, 20)
        print(f"{name}: one change → storage report, median {statistics.median(ms):.2f} ms, "
              f"max {max(ms):.2f} ms")
    dc, _ = load_scenario(ROOT / "scenarios" / "storage-san-nas.toml")
    ms = timed(lambda: build_report(apply(dc, StorageFail(name="esx-2-a"))).storage_blast, 20)
    print(f"storage-san-nas.toml: one change → storage blast radius, median {statistics.median(ms):.2f} ms, "
          f"max {max(ms):.2f} ms")
    dc, _ = load_scenario(ROOT / "scenarios" / "storage-ceph-rbd.toml")
    ms = timed(lambda: build_report(apply(dc, StorageFail(name="osd.3"))).storage_blast, 10)
    print(f"storage-ceph-rbd.toml: one change → storage blast radius (16 Ceph faults), "
          f"median {statistics.median(ms):.2f} ms, max {max(ms):.2f} ms")
    lab, _ = load_lab(ROOT / "lessons" / "labs" / "l7-thin-datastore.toml")
    assert lab is not None

    def key() -> None:  # what a key press costs the lab: the action, the report, every goal
        session = LabSession(lab)
        session.apply(parse_action({"kind": "storage_repair", "name": "esx-2-b"}, session.state))
        session.results()
        session.report.storage_stack  # noqa: B018 - the storage view reads both
        session.report.storage_blast  # noqa: B018

    ms = timed(key, 20)
    print(f"l7-thin-datastore: one change → report, blast and goals, median {statistics.median(ms):.2f} ms, "
          f"max {max(ms):.2f} ms")


if __name__ == "__main__":
    main()
