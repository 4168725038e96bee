"""What the student sees, timed: start-up and lesson open in a real pseudo-terminal.

    .venv/bin/python benchmarks/bench_pty.py [--runs 7] [--compare REF] [--only NAME,...] [--floor]

Each case starts a fresh process in a pseudo-terminal (``ptyprocess``) of 120×36, feeds what
it writes into a terminal emulator (``pyte``) and stops the clock when the case's text is on
the emulated screen — the moment a student could read it, after imports, CSS, layout and
the first frame. The cases run interleaved (one of each, then the next round), so a busy
moment of the machine lands on all of them alike; the report gives each median and its
ratio to a bare Textual app showing one label, started the same way — in wall time, and in
the CPU time the process had used by then (which a busy machine does not inflate).

``--compare REF`` runs the virtlab cases a second time on the tree of git revision ``REF``
(extracted with ``git archive`` into a temporary folder and put first on ``PYTHONPATH``), in
the same rounds: old and new side by side on the same machine at the same moment, and the
median of their differences round by round (this machine's speed drifts by tens of percent
within minutes; a pair of runs a second apart drifts far less than two medians).

Cases: ``bare``; ``catalog`` (start → the catalog painted); ``l2`` (``virtlab open`` the
longest lesson, L2, until its first step's text shows; ``l2-all`` until its quiz shows too);
``long`` (a 300-line lesson with tables beside a compute lab, text / whole screen);
``markdown-viewer`` (Textual's MarkdownViewer alone on the 300-line lesson: the reference);
then ``catalog -> Enter``: from the catalog, after the warm-up, Enter on the long lesson →
its text and its whole screen with the lab (ms); then ``key``: a key in the lesson-size lab → the last byte that key made the app write (and
the first), read from the pseudo-terminal until it is quiet. One frame of the lesson screen
is about 9 KB, more than the pseudo-terminal passes in one read, so "first" and "last" are
the start and the end of the same frame when a key draws one frame.

``--floor`` adds the bare app started after the imports of a lesson's text, after those and
its lab's, and after only as many plain pydantic models and dataclasses as the lab's modules
define (``engine_floor.py``): what a lab costs before any of it is drawn.
"""

from __future__ import annotations

import argparse
import os
import select
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import pyte
from ptyprocess import PtyProcess

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))

from bench_app import long_lesson, write_lessons  # noqa: E402
from engine_floor import BARE, floor_programs  # noqa: E402

COLS, ROWS = 120, 36


VIEWER = """
import sys
from textual.app import App
from textual.widgets import MarkdownViewer
text = open(sys.argv[1], encoding="utf-8").read().split("+++", 2)[2]
class Viewer(App):
    def compose(self):
        yield MarkdownViewer(text, show_table_of_contents=False)
Viewer().run()
"""


@dataclass
class Case:
    """One way of starting a process and the texts that mean it is on the screen."""

    name: str
    argv: list[str]
    marks: dict[str, tuple[str, ...]]
    """Label → texts that must all be on the screen (e.g. ``text`` and ``all``)."""
    env: dict[str, str] = field(default_factory=dict)
    tree: Path | None = None
    times: dict[str, list[float]] = field(default_factory=dict)


class Terminal:
    """A process in a pseudo-terminal, its output on an emulated screen."""

    def __init__(self, argv: list[str], env: dict[str, str], cwd: Path) -> None:
        self.screen = pyte.Screen(COLS, ROWS)
        self.stream = pyte.ByteStream(self.screen)
        full = {**os.environ, "TERM": "xterm-256color", "COLORTERM": "truecolor", **env}
        # As installed: byte-code is written by the warm-up run and read after (with
        # PYTHONDONTWRITEBYTECODE set, every run would compile virtlab from source again).
        full.pop("PYTHONDONTWRITEBYTECODE", None)
        self.start = time.perf_counter()
        self.proc = PtyProcess.spawn(argv, env=full, cwd=str(cwd), dimensions=(ROWS, COLS))

    def read(self, timeout: float, rest: float = 0.002) -> float | None:
        """Feed what arrives within ``timeout`` s to the screen; the time its last byte came.

        A frame larger than the pseudo-terminal's buffer (4 KiB) comes in several reads, the
        app blocked in its write until each is read; so everything that follows within
        ``rest`` s is read first and fed to the emulator after. Feeding between the reads
        would count the emulator's time (pyte: several ms for a frame) as the app's, and
        more for a screen with more colours than the bare app's."""
        ready, _, _ = select.select([self.proc.fd], [], [], timeout)
        if not ready:
            return None
        data: list[bytes] = []
        while ready:
            try:
                data.append(os.read(self.proc.fd, 1 << 16))
            except OSError:
                if not data:
                    raise RuntimeError("the process ended") from None
                break
            stamp = time.perf_counter()
            ready, _, _ = select.select([self.proc.fd], [], [], rest)
        for chunk in data:
            self.stream.feed(chunk)
        return stamp

    def text(self) -> str:
        return "\n".join(self.screen.display)

    def cpu(self) -> float | None:
        """Seconds of CPU the process's threads have used so far (Linux's schedstat), or None.

        Unlike the wall time it does not grow while the machine is busy with other work, so
        it compares start-ups on a loaded machine too."""
        try:
            tasks = Path(f"/proc/{self.proc.pid}/task")
            return sum(int((t / "schedstat").read_text().split()[0]) for t in tasks.iterdir()) / 1e9
        except (OSError, ValueError, IndexError):
            return None

    def wait_for(self, marks: dict[str, tuple[str, ...]], limit: float = 30.0) -> dict[str, float]:
        """Seconds from the spawn until each label's texts are all on the screen (and, as
        ``<label>-cpu``, the CPU seconds the process had used by then)."""
        out: dict[str, float] = {}
        while len([k for k in out if not k.endswith("-cpu")]) < len(marks):
            stamp = self.read(0.5)
            if stamp is not None:
                shown = self.text()
                for label, texts in marks.items():
                    if label not in out and all(t in shown for t in texts):
                        out[label] = stamp - self.start
                        cpu = self.cpu()
                        if cpu is not None:
                            out[f"{label}-cpu"] = cpu
            if time.perf_counter() - self.start > limit:
                raise RuntimeError(f"not on the screen after {limit} s: {marks}\n{self.text()}")
        return out

    def quiet(self, quiet: float = 0.3) -> tuple[float, float] | None:
        """Read until nothing arrives for ``quiet`` s: (first, last) arrival, or None.

        What arrives is fed to the screen only afterwards: feeding the emulator between reads
        would delay the next read, and a frame larger than the pseudo-terminal's buffer
        (4 KiB) arrives in several reads, so the emulator's time would count as the app's.
        """
        first = last = None
        data: list[bytes] = []
        while True:
            ready, _, _ = select.select([self.proc.fd], [], [], quiet)
            if not ready:
                break
            try:
                data.append(os.read(self.proc.fd, 1 << 16))
            except OSError:
                break
            last = time.perf_counter()
            first = first or last
        for chunk in data:
            self.stream.feed(chunk)
        return (first, last) if first is not None and last is not None else None

    def close(self) -> None:
        self.proc.terminate(force=True)


def _virtlab(tree: Path | None, *args: str) -> tuple[list[str], dict[str, str]]:
    env = {"PYTHONPATH": str(tree)} if tree is not None else {}
    return [sys.executable, "-m", "virtlab", "--lang", "en", *args], env


def cases(lessons: Path, long_file: Path, trees: dict[str, Path | None]) -> list[Case]:
    out = [Case("bare", [sys.executable, "-c", BARE], {"text": ("hello from a bare app",)}),
           Case("markdown-viewer", [sys.executable, "-c", VIEWER, str(long_file)],
                {"text": ("Some bold text and",)})]
    for tag, tree in trees.items():
        suffix = f"@{tag}" if tag else ""
        argv, env = _virtlab(tree)
        out.append(Case(f"catalog{suffix}", argv, {"text": ("Hypervisor types",)}, env, tree))
        argv, env = _virtlab(tree, "open", "l2-hypervisor-types")
        out.append(Case(f"l2{suffix}", argv, {
            "text": ("A hypervisor (or VMM)",),
            "all": ("A hypervisor (or VMM)", "hardware → ESXi (VMkernel) → VMs")}, env, tree))
        argv, env = _virtlab(tree, "open", "bench-long")
        out.append(Case(f"long{suffix}", argv, {
            "text": ("Some bold text and",),
            "all": ("Some bold text and", "No host above 4:1", "vm-5")},
            {**env, "VIRTLAB_LESSONS": str(lessons)}, tree))
    return out


def run_case(case: Case, data: Path) -> None:
    cwd = case.tree or ROOT
    env = {**case.env, "VIRTLAB_DATA_DIR": str(data / case.name)}
    term = Terminal(case.argv, env, cwd)
    try:
        for label, seconds in term.wait_for(case.marks).items():
            case.times.setdefault(label, []).append(seconds)
    finally:
        term.close()


def bench_keys(case: Case, data: Path, presses: int = 20) -> dict[str, list[float]]:
    """A key in the lab → (first, last) frame it wrote, in ms; ``+`` and ``-`` alternately."""
    env = {**case.env, "VIRTLAB_DATA_DIR": str(data / f"keys-{case.name}")}
    term = Terminal(case.argv, env, case.tree or ROOT)
    first: list[float] = []
    last: list[float] = []
    try:
        term.wait_for(case.marks)
        # Past the warm-up thread the app starts after its first frame, and past the toast
        # that says the lab's goals are met (they are from the start; it goes after 6 s):
        # its repaint is no key's (it landed on the 15th key as a 200 ms "frame").
        time.sleep(6.5)
        term.quiet()
        for n in range(presses):
            sent = time.perf_counter()
            term.proc.write(b"+" if n % 2 == 0 else b"-")
            got = term.quiet()
            if got is not None:
                first.append((got[0] - sent) * 1000)
                last.append((got[1] - sent) * 1000)
    finally:
        term.close()
    return {"first": first, "last": last}


def bench_pick(case: Case, data: Path, runs: int) -> dict[str, list[float]]:
    """From the catalog, once the warm-up is over, Enter on the lesson → its text, and its
    whole screen with the lab, in ms (a student's usual way in: after the first lab of the
    process the lab comes with the text)."""
    marks = {label: texts for label, texts in case.marks.items() if label in ("text", "all")}
    out: dict[str, list[float]] = {"text": [], "all": []}
    argv = [a for a in case.argv if a not in ("open", "bench-long")]
    for n in range(runs):
        env = {**case.env, "VIRTLAB_DATA_DIR": str(data / f"pick-{case.name}-{n}")}
        term = Terminal(argv, env, case.tree or ROOT)
        try:
            term.wait_for({"catalog": ("Long lesson (en)",)})
            time.sleep(2.0)  # past the warm-up thread (it starts 0.5 s after the first frame)
            term.quiet()
            sent = time.perf_counter()
            term.proc.write(b"\r")
            term.start = sent
            for label, seconds in term.wait_for(marks).items():
                if label in out:
                    out[label].append(seconds * 1000)
        finally:
            term.close()
    return out


def extract(ref: str, into: Path) -> Path:
    """The tree of git revision ``ref``, as files under ``into``."""
    archive = subprocess.run(["git", "archive", ref], cwd=ROOT, check=True, capture_output=True)
    subprocess.run(["tar", "-x", "-C", str(into)], input=archive.stdout, check=True)
    return into


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--compare", metavar="REF", help="also run the virtlab cases on REF's tree")
    parser.add_argument("--only", help="comma-separated case names (bare is always run)")
    parser.add_argument("--floor", action="store_true",
                        help="also the bare app after the lab's imports and after as many plain "
                             "classes (engine_floor.py)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        lessons = root / "lessons"
        write_lessons(lessons, hosts=2, vms=6)
        long_file = lessons / "en" / "01-bench-long.md"
        assert long_lesson("en") == long_file.read_text(encoding="utf-8")
        trees: dict[str, Path | None] = {"": None}
        if args.compare:
            old = root / "old"
            old.mkdir()
            trees[args.compare] = extract(args.compare, old)
        all_cases = cases(lessons, long_file, trees)
        if args.floor:
            programs, counts = floor_programs(root, ROOT)
            print(f"the lab's imports after its text: {counts['models']} pydantic models, "
                  f"{counts['dataclasses']} dataclasses, {counts['modules']} modules of virtlab")
            all_cases += [Case(name, [sys.executable, "-c", source],
                               {"text": ("hello from a bare app",)})
                          for name, source in programs.items()]
        if args.only:
            wanted = {"bare", *args.only.split(",")}
            all_cases = [c for c in all_cases if c.name.split("@")[0] in wanted]
        for case in all_cases:  # warm the .pyc files and the OS cache
            run_case(case, root / "warm")
            case.times.clear()
        for r in range(args.runs):
            order = all_cases[r % len(all_cases):] + all_cases[:r % len(all_cases)]
            for case in order:
                run_case(case, root / f"run{r}")
        bare = {label: statistics.median(v) for label, v in all_cases[0].times.items()}
        print(f"{COLS}x{ROWS}, {args.runs} interleaved runs, medians; bare Textual app "
              f"{bare['text'] * 1000:.0f} ms ({bare.get('text-cpu', 0) * 1000:.0f} ms of CPU)")
        for case in all_cases[1:]:
            cells = [f"{label} {statistics.median(v) * 1000:5.0f} ms = "
                     f"{statistics.median(v) / bare['text-cpu' if label.endswith('-cpu') else 'text']:4.2f}x"
                     for label, v in case.times.items() if not label.endswith("-cpu")]
            cpu = [f"{label} {statistics.median(v) / bare['text-cpu']:4.2f}x"
                   for label, v in case.times.items() if label.endswith("-cpu") and "text-cpu" in bare]
            print(f"  {case.name:<24} " + " | ".join(cells) + ("   CPU: " + " | ".join(cpu) if cpu else ""))
        if args.compare:  # the same round's runs of old and new, paired: steadier than medians
            by_name = {c.name: c for c in all_cases}
            for case in all_cases:
                ref = by_name.get(f"{case.name}@{args.compare}")
                if ref is None:
                    continue
                diffs = []
                for label, v in case.times.items():
                    pairs = [a - b for a, b in zip(v, ref.times.get(label, []), strict=False)]
                    if pairs:
                        diffs.append(f"{label} {statistics.median(pairs) * 1000:+.0f} ms")
                print(f"  {case.name:<24} minus @{args.compare}, paired by round (median): " + " | ".join(diffs))
        for case in all_cases:
            if case.name.split("@")[0] == "long":
                picked = bench_pick(case, root, max(3, args.runs // 2))
                print(f"  catalog -> Enter {case.name:<12} text median {statistics.median(picked['text']):.0f} ms; "
                      f"whole screen median {statistics.median(picked['all']):.0f} ms "
                      f"({len(picked['all'])} runs)")
        for case in all_cases:
            if case.name.split("@")[0] == "long":
                keys = bench_keys(case, root)
                print(f"  key -> frames {case.name:<15} first frame median "
                      f"{statistics.median(keys['first']):.1f} ms; last frame median "
                      f"{statistics.median(keys['last']):.1f} ms, max {max(keys['last']):.1f} ms "
                      f"({len(keys['last'])} keys)")


if __name__ == "__main__":
    main()
