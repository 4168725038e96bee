"""Time from a key press in the lab panel to the redrawn panel.

Run from the repository root::

    .venv/bin/python benchmarks/bench_lab_panel.py [--presses 60]

Two labs: a lesson-size one (2 hosts, 10 workloads) and a 200-host sandbox (20 workloads per
host: 4,000). A headless app (``App.run_test``) mounts a ``LabPanel``; the selected VM gets
``+`` / ``-`` alternately. Per press it records

- *report*: building the engine's report for the new state (``build_report``, once per
  state; the rest of the app reuses it through ``session.report``);
- *handler*: the panel's whole work for the key — ``session.apply`` (the engine and the
  report) plus updating the changed table cells and re-rendering the visible view;
- *to painted*: from the key binding being dispatched to the end of the first screen update
  after it (Textual's compositor plus rendering the update to terminal segments, which a
  headless app would otherwise skip).

It prints the median and 95th percentile of each, in milliseconds. Target: ≤ 16 ms median
painted for the lesson-size lab, and for the sandbox ≤ 16 ms median and ≤ 33 ms p95 (#10).

Median / p95 ms, ``--presses 90``, before (90d241f) and after the incremental report, the
partial-repaint table and the line-wise views (one noisy 2-CPU machine, both runs back to
back; expect a few ms of spread):

=========================  ==========  =============  ============  ==============
lab, view                  handler     handler        to painted    to painted
                           before      after          before        after
=========================  ==========  =============  ============  ==============
lesson-size, hosts         3.8 / 5.8   4.7 / 6.2      13.1 / 19.7   7.2 / 9.5
lesson-size, isolation     2.9 / 4.2   4.1 / 5.7      12.1 / 19.9   6.5 / 10.0
lesson-size, contention    4.0 / 5.1   4.4 / 5.7      12.7 / 19.0   6.4 / 8.7
l7, hosts                  5.0 / 7.2   5.4 / 7.2      11.9 / 17.5   6.9 / 9.7
l7, storage                5.2 / 7.7   6.6 / 8.0      8.3 / 12.8    10.3 / 12.3
sandbox, hosts             28.9 / 178  7.6 / 12.1     45.9 / 194    10.6 / 15.8
sandbox, isolation         64.2 / 247  6.1 / 8.0      79.7 / 277    8.5 / 15.8
sandbox, contention        42.1 / 182  7.5 / 11.6     63.9 / 278    9.4 / 13.7
=========================  ==========  =============  ============  ==============

The sandbox's report went from 15–23 ms to 1.6–1.8 ms median.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from textual.app import App, ComposeResult  # noqa: E402
from timing import key_spans  # noqa: E402  (benchmarks/timing.py)

from virtlab.core.compute.models import VM, Container
from virtlab.core.hosts import Host
from virtlab.core.state import Datacenter
from virtlab.core.storage.models import Datastore, VirtualDisk
from virtlab.course.session import LabSession  # noqa: E402
from virtlab.ui.widgets.lab_panel import LabPanel  # noqa: E402


def build(n_hosts: int, per_host: int) -> Datacenter:
    """ESXi and KVM hosts in turn; KVM hosts run two containers on the host kernel."""
    hosts, stores, vms, ctrs = [], [], [], []
    for i in range(n_hosts):
        kvm = i % 2 == 1
        name = f"{'kvm' if kvm else 'esx'}-{i}"
        hosts.append(Host(name=name, hypervisor="kvm" if kvm else "esxi", sockets=2,
                          cores_per_socket=16, threads_per_core=2, mhz=2400,
                          memory_mib=512 * 1024))
        stores.append(Datastore(name=f"{name}-local", capacity_gib=8000, hosts=(name,)))
        n_vms = per_host - 2 if kvm else per_host
        for j in range(n_vms):
            vcpus = (1, 2, 4, 8)[j % 4]
            mem = vcpus * 4096
            busy = (0.1, 0.4, 0.9)[j % 3]
            vms.append(VM(name=f"{name}-vm{j}", host=name, vcpus=vcpus, memory_mib=mem,
                          disks=(VirtualDisk(size_gib=40, datastore=f"{name}-local"),),
                          cpu_shares=("normal", "high", "low")[j % 3],
                          cpu_demand=busy * vcpus, mem_active_mib=mem * 0.5))
        if kvm:
            for k in range(2):
                ctrs.append(Container(name=f"{name}-c{k}", host=name, cpu_request_m=250,
                                      cpu_limit_m=500, mem_request_mib=256, mem_limit_mib=512,
                                      cpu_demand_m=200, mem_demand_mib=300))
    return Datacenter.of(name=f"{n_hosts} hosts", hosts=tuple(hosts), datastores=tuple(stores),
                      vms=tuple(vms), containers=tuple(ctrs))


class BenchApp(App):
    def __init__(self, session: LabSession) -> None:
        super().__init__()
        self.session = session

    def compose(self) -> ComposeResult:
        yield LabPanel(self.session, "en", id="lab")

    def on_mount(self) -> None:
        self.query_one(LabPanel).focus()


def pct(values: list[float], p: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p * (len(values) - 1))))]


async def measure(dc, presses: int, view: str = "hosts") -> dict[str, list[float]]:
    """``dc`` is a state (a sandbox) or a lab (its goals are judged after each key too)."""
    session = LabSession(None, dc) if isinstance(dc, Datacenter) else LabSession(dc)
    app = BenchApp(session)
    out: dict[str, list[float]] = {"report": [], "handler": [], "to painted": []}
    spans: list[tuple[float, float]] = []
    painted: list[float] = []
    async with app.run_test(size=(120, 36)) as pilot:
        panel = app.query_one(LabPanel)
        while panel.view != view:
            panel.cycle_view()
        await pilot.pause()
        writes = not isinstance(dc, Datacenter)  # a lab: w writes 5 GiB (its allowed key)
        original, display = (panel.action_write if writes else panel.action_cpu), app._display
        report_for = session.report_for

        def timed(*step: int) -> None:
            t0 = time.perf_counter()
            original(*step)
            if session.lab is not None:
                session.results()  # the goals panel beside the lab judges every goal
            spans.append((t0, time.perf_counter()))

        def timed_report(state, under=None):
            t0 = time.perf_counter()
            result = report_for(state, under)
            if under is None and state is session.state and len(out["report"]) < len(spans) + 1:
                out["report"].append(time.perf_counter() - t0)
            return result

        def paint(screen, renderable) -> None:
            display(screen, renderable)
            if renderable is not None and hasattr(renderable, "render_segments"):
                renderable.render_segments(app.console)
            painted.append(time.perf_counter())

        if writes:
            panel.action_write = timed  # type: ignore[method-assign]
        else:
            panel.action_cpu = timed  # type: ignore[method-assign]
        app._display = paint  # type: ignore[method-assign]
        session.report_for = timed_report  # type: ignore[method-assign]
        for i in range(presses):
            await pilot.press("w" if writes else "plus" if i % 2 == 0 else "minus")
            await pilot.pause()
        assert len(spans) == presses, "the key did not reach the panel"
        assert panel.last_outcome is not None and panel.last_outcome.ok, panel.last_outcome
    for key, values in key_spans(spans, painted).items():
        out[key] += values
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--presses", type=int, default=60)
    parser.add_argument("--only", choices=("lesson", "l7", "sandbox"), help="time one lab only")
    args = parser.parse_args(argv)
    from virtlab.course.labs import load_lab

    l7, _ = load_lab(Path(__file__).resolve().parents[1] / "lessons" / "labs" / "l7-thin-datastore.toml")
    assert l7 is not None
    labs = [("lesson", "lesson-size lab (2 hosts, 10 workloads)", build(2, 5), ("hosts", "isolation", "contention")),
            ("l7", "lesson 7's lab (SAN/NAS, 11 VMs)", l7, ("hosts", "storage")),
            ("sandbox", "sandbox (200 hosts, 4,000 workloads)", build(200, 20), ("hosts", "isolation", "contention"))]
    print(f"{'lab':42} {'view':11} {'measure':11} {'median ms':>10} {'p95 ms':>8}")
    for which, label, dc, views in labs:
        if args.only and which != args.only:
            continue
        for view in views:
            presses = args.presses if which != "sandbox" else max(10, args.presses // 3)
            result = asyncio.run(measure(dc, presses, view))
            for key, values in result.items():
                if not values:
                    continue
                ms = [v * 1000 for v in values]
                print(f"{label:42} {view:11} {key:11} {statistics.median(ms):10.2f} "
                      f"{pct(ms, 0.95):8.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
