"""Time from a stepper key (``.``, ``,``, ``T``) in the topology view to the redrawn panel, in
the lesson-size network labs L10 and L11 (issue #12 aims within a 16 ms frame).

Run from the repository root::

    .venv/bin/python benchmarks/bench_trace_stepper.py [--presses 60]

A headless app (``App.run_test``, 120×36) mounts a ``LabPanel`` on the lab and shows its
topology view; the keys are ``.`` (most presses), ``,`` and ``T`` in turn. Per press it
records *handler* (the panel's work for the key: the walk, the drawing, the header) and *to
painted* (from the key binding being dispatched to the end of the first screen update after
it, rendered to terminal segments as in ``bench_lab_panel.py``), and apart from the app the
pure drawing (*text*: the stepper's header and the topology's lines, as the plain-text twin
computes them). It prints the median and 95th percentile of each, in milliseconds.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench_lab_panel import BenchApp, pct  # noqa: E402  (benchmarks/bench_lab_panel.py)
from timing import key_spans, timed  # noqa: E402

from virtlab.course.labs import load_lab  # noqa: E402
from virtlab.course.session import LabSession  # noqa: E402
from virtlab.ui.widgets.lab_panel import LabPanel  # noqa: E402
from virtlab.ui.widgets.labtext import Lines  # noqa: E402
from virtlab.ui.widgets.lines_view import ViewContext  # noqa: E402
from virtlab.ui.widgets.topology_text import draw_topology  # noqa: E402
from virtlab.ui.widgets.topology_view import TopologyView  # noqa: E402
from virtlab.ui.widgets.trace_stepper import Stepper, callout, stepper_lines, walk  # noqa: E402

LABS = Path(__file__).resolve().parents[1] / "lessons" / "labs"
KEYS = ["full_stop"] * 6 + ["comma", "T"]


def session(name: str) -> LabSession:
    lab, problems = load_lab(LABS / f"{name}.toml")
    assert lab is not None, problems
    return LabSession(lab)


def text_ms(s: LabSession, lang: str, runs: int) -> list[float]:
    ctx = ViewContext(s.report, s.state, lang, None, 69)

    def draw(i: list[int] = [0]) -> None:  # noqa: B006  (a counter across the runs)
        i[0] += 1
        w = walk(ctx, Stepper("red-b" if "red-a" in s.state.workload_names() else "db-1", i[0]))
        out = Lines()
        placed = draw_topology(ctx, callout(w, lang) if w else None, out)
        stepper_lines(ctx, w, with_hop=not placed).extend(out).plain()

    return timed(draw, runs)


async def measure(s: LabSession, lang: str, presses: int) -> dict[str, list[float]]:
    app = BenchApp(s)
    out: dict[str, list[float]] = {"handler": [], "to painted": []}
    spans: list[tuple[float, float]] = []
    painted: list[float] = []
    async with app.run_test(size=(120, 36)) as pilot:
        panel = app.query_one(LabPanel)
        panel.lang = lang
        while panel.view != "topology":
            panel.cycle_view()
        await pilot.pause()
        view = panel.query_one(TopologyView)
        step, dest, display = view.step, view.next_destination, app._display

        def timed_step(delta: int) -> None:
            t0 = time.perf_counter()
            step(delta)
            spans.append((t0, time.perf_counter()))

        def timed_dest() -> None:
            t0 = time.perf_counter()
            dest()
            spans.append((t0, time.perf_counter()))

        def paint(screen, renderable) -> None:
            display(screen, renderable)
            if renderable is not None and hasattr(renderable, "render_segments"):
                renderable.render_segments(app.console)
            painted.append(time.perf_counter())

        view.step = timed_step  # type: ignore[method-assign]
        view.next_destination = timed_dest  # type: ignore[method-assign]
        app._display = paint  # type: ignore[method-assign]
        for i in range(presses):
            await pilot.press(KEYS[i % len(KEYS)])
            await pilot.pause()
        assert len(spans) == presses, "the keys did not reach the view"
    for key, values in key_spans(spans, painted).items():
        out[key] += values
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--presses", type=int, default=60)
    args = parser.parse_args(argv)
    print(f"{'lab':24} {'lang':4} {'measure':11} {'median ms':>10} {'p95 ms':>8}")
    for name in ("l10-vlan-patch-panel", "l11-overlay-tenants"):
        for lang in ("en", "ko"):
            s = session(name)
            results = {"text": [x / 1000 for x in text_ms(s, lang, args.presses)]}
            results.update(asyncio.run(measure(s, lang, args.presses)))
            for key, values in results.items():
                ms = [v * 1000 for v in values]
                print(f"{name:24} {lang:4} {key:11} {statistics.median(ms):10.2f} {pct(ms, 0.95):8.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
