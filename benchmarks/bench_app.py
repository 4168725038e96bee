"""App benchmarks, one run each: start-up, opening a long lesson, a key press in the lab.

    .venv/bin/python benchmarks/bench_app.py

(a) start-up to the first painted catalog, in a fresh process, against a minimal Textual
    app started the same way (``run(headless=True)``, exit as soon as the app is ready);
    the median of several runs and the ratio (aim ≤ 1.3×);
(b) opening a 300-line lesson (tables, code, a lab) until it is painted (aim ≤ 0.4 s);
(c) a key press in the lab → the panel redrawn, for a lesson-size lab (aim ≤ 16 ms) and a
    200-host sandbox.
"""

from __future__ import annotations

import asyncio
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

RUNS = 7

MINIMAL = """
from textual.app import App
from textual.widgets import Static
class Minimal(App):
    def compose(self):
        yield Static("hello")
async def stop(pilot):
    pilot.app.exit()
Minimal().run(headless=True, auto_pilot=stop)
"""

VIRTLAB = """
import sys
from pathlib import Path
from virtlab.ui.app import make_app
async def stop(pilot):
    assert type(pilot.app.screen).__name__ == "CatalogScreen"
    pilot.app.exit()
make_app(lang="en", data_dir=Path(sys.argv[1])).run(headless=True, auto_pilot=stop)
"""


def _spawn(code: str, *args: str) -> float:
    start = time.perf_counter()
    subprocess.run([sys.executable, "-c", code, *args], check=True, cwd=ROOT)
    return time.perf_counter() - start


def bench_startup() -> tuple[float, float]:
    with tempfile.TemporaryDirectory() as data:
        _spawn(MINIMAL)
        _spawn(VIRTLAB, data)  # warm the OS file cache and .pyc files
        minimal = [_spawn(MINIMAL) for _ in range(RUNS)]
        ours = [_spawn(VIRTLAB, data) for _ in range(RUNS)]
    return statistics.median(minimal), statistics.median(ours)


LAB = """
[lab]
id = "bench-lab"
title = {{ en = "Bench", ko = "벤치" }}
actions = ["all"]

[scenario]
scenario = {{ name = "bench" }}
{hosts}
{vms}

[[goal]]
id = "no-overcommit"
text = {{ en = "No host above 4:1 vCPU", ko = "4:1 초과 호스트 없음" }}
check = "max_overcommit"
params = {{ resource = "cpu", max = 4 }}
hints = [ {{ en = "Shrink", ko = "줄이기" }} ]
"""

HOST = """
[[scenario.host]]
name = "h-{i}"
sockets = 2
cores = 16
threads = 2
memory = "512 GiB"
disk = "4 TB"
"""

VM = """
[[scenario.vm]]
name = "vm-{i}"
host = "h-{h}"
vcpus = 4
memory = "8 GiB"
disk = "40 GiB"
"""


def long_lesson(lang: str) -> str:
    """About 300 lines of Markdown in eight steps with tables, lists and code."""
    parts = ["+++", 'id = "bench-long"', f'title = "Long lesson ({lang})"', 'track = "server"',
             "order = 1", 'lab = "bench-lab"', "minutes = 30", 'summary = "Benchmark."', "+++", ""]
    for s in range(8):
        parts += [f"## Step {s + 1}", "", "Some **bold** text and `code` in a paragraph " * 3, ""]
        parts += ["| host | vCPU | RAM |", "|---|---|---|"]
        parts += [f"| h-{r} | {r * 4} | {r * 8} GiB |" for r in range(8)]
        parts += ["", "```", *[f"line {n}" for n in range(6)], "```", ""]
        parts += [f"- point {n} about overcommit" for n in range(5)] + [""]
    return "\n".join(parts)


def write_lessons(root: Path, hosts: int, vms: int) -> None:
    for lang in ("en", "ko"):
        (root / lang).mkdir(parents=True)
        (root / lang / "01-bench-long.md").write_text(long_lesson(lang), encoding="utf-8")
    (root / "labs").mkdir()
    lab = LAB.format(hosts="".join(HOST.format(i=i) for i in range(hosts)),
                     vms="".join(VM.format(i=i, h=i % hosts) for i in range(vms)))
    (root / "labs" / "bench.toml").write_text(lab, encoding="utf-8")


class PaintClock:
    """Records when the app last wrote a frame to its (headless) driver."""

    def __init__(self, app) -> None:
        self.last = 0.0
        self.first = 0.0  # the first frame after ``arm()``
        self._armed = False
        self._display = app._display

        def display(screen, renderable) -> None:
            self._display(screen, renderable)
            self.last = time.perf_counter()
            if self._armed:
                self.first, self._armed = self.last, False

        app._display = display

    def arm(self) -> None:
        self._armed = True


async def bench_lesson_and_keys(hosts: int, vms: int, sandbox: bool) -> dict[str, float]:
    """Times from the request (open, key press) to the last frame painted because of it.

    Pilot's own waiting (for idle) comes after that frame and is not counted.
    """
    from virtlab.ui.app import make_app

    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "lessons"
        write_lessons(root, hosts, vms)
        out: dict[str, float] = {}
        app = make_app(lang="en", data_dir=Path(tmp) / "data", lessons_root=root)
        async with app.run_test(size=(120, 36)) as pilot:
            clock = PaintClock(app)
            await pilot.pause()
            # the app loads labs and imports the lesson modules in a thread after the
            # catalog is painted; a student takes longer than that to pick a lesson
            while not app.warmed.is_set():
                await asyncio.sleep(0.01)
            opens = []
            for _ in range(3):
                start = time.perf_counter()
                if sandbox:
                    app.open_sandbox(None, app.labs["bench-lab"].state)
                else:
                    app.open_lesson_screen("bench-long")
                await pilot.pause()
                opens.append(clock.last - start)
                if _ < 2:
                    app.pop_screen()
                    await pilot.pause()
            out["open_first"], out["open"] = opens[0], statistics.median(opens)
            panel = app.screen.lab_panel
            panel.focus()
            panel.table.move_cursor(row=0)
            await pilot.pause()
            times, firsts = [], []
            for key in ["plus", "minus"] * 10:
                clock.arm()
                start = time.perf_counter()
                await pilot.press(key)
                await pilot.pause()
                times.append(clock.last - start)
                firsts.append(clock.first - start)
            out["key"] = statistics.median(times)
            out["key_max"] = max(times)
            out["key_first"] = statistics.median(firsts)
        return out


def main() -> None:
    minimal, ours = bench_startup()
    print(f"(a) start-up to first painted screen: minimal Textual app {minimal * 1000:.0f} ms, "
          f"virtlab catalog {ours * 1000:.0f} ms, ratio {ours / minimal:.2f}x (aim <= 1.3x)")
    lesson = asyncio.run(bench_lesson_and_keys(hosts=2, vms=6, sandbox=False))
    print(f"(b) open a 300-line lesson with its lab until painted: first {lesson['open_first'] * 1000:.0f} ms, "
          f"median of 3 {lesson['open'] * 1000:.0f} ms (aim <= 400 ms)")
    print(f"(c) key press -> redrawn lab panel and goals, lesson-size lab (2 hosts, 6 VMs): "
          f"first frame (shows the change) median {lesson['key_first'] * 1000:.1f} ms; last frame "
          f"median {lesson['key'] * 1000:.1f} ms, max {lesson['key_max'] * 1000:.1f} ms (aim <= 16 ms)")
    big = asyncio.run(bench_lesson_and_keys(hosts=200, vms=400, sandbox=True))
    print(f"    200-host sandbox (400 VMs): open {big['open'] * 1000:.0f} ms, key press first frame "
          f"median {big['key_first'] * 1000:.1f} ms, last frame median {big['key'] * 1000:.1f} ms, "
          f"max {big['key_max'] * 1000:.1f} ms")


if __name__ == "__main__":
    main()
