"""Storage report timing: a 1,000-OSD Ceph cluster with 4,096 PGs (issue #11 aims < 1 s),
and lesson-size stacks after one change (aim: within a 16 ms frame).

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
from virtlab.course.scenario import load_scenario

ROOT = Path(__file__).resolve().parents[1]


def main() -> None:
    osds = tuple(ceph.Osd(name=f"osd.{h * 10 + i}", host=f"h{h}", rack=f"r{h % 10}", size_tb=8)
                 for h in range(100) for i in range(10))
    big = StorageStack(ceph=ceph.CephCluster(osds=osds, pools=(ceph.Pool(name="rbd", pgs=4096),)))
    def cold() -> None:
        ceph._placement.cache_clear()  # the PG map computed anew each run
        stack_report(big)

    ms = timed(cold, 3)
    print(f"1,000 OSDs, 4,096 PGs, cold: median {statistics.median(ms):.0f} ms (runs {', '.join(f'{m:.0f}' for m in ms)})")
    for name, action in (("storage-ceph.toml", StorageFail(name="ceph-1")),
                         ("storage-lvm-thin.toml", ThinWrite(name="tv1", mib=512)),
                         ("storage-raid.toml", StorageFail(name="d1"))):
        dc, _ = load_scenario(ROOT / "scenarios" / name)
        ms = timed(lambda dc=dc, action=action: build_report(apply(dc, action)).storage_stack, 20)
        print(f"{name}: one change → storage report, median {statistics.median(ms):.2f} ms, "
              f"max {max(ms):.2f} ms")


if __name__ == "__main__":
    main()
