"""Reading a 300-line lesson file (front matter, ten steps, fenced code): the median of 20
reads, in milliseconds. Aim: under 5 ms (the catalog reads 22 lesson files at start-up).

    .venv/bin/python benchmarks/bench_lesson_parse.py

(It was a timed test; timings belong here, where a busy machine cannot fail the suite.)
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from virtlab.course.lessons import parse_lesson  # noqa: E402

FRONT = ('+++\nid = "bench-parse"\ntitle = "Parse"\ntrack = "server"\norder = 1\n'
         'minutes = 5\nsummary = "Benchmark."\n+++\n\n')


def main() -> None:
    steps = "".join(f"## Step {i}\n" + "Some text with `code`.\n" * 28 + "```\n## x\n```\n"
                    for i in range(10))
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "01-long.md"
        path.write_text(FRONT + steps, encoding="utf-8")
        parse_lesson(path, "en")
        times = []
        for _ in range(20):
            start = time.perf_counter()
            parse_lesson(path, "en")
            times.append((time.perf_counter() - start) * 1000)
    print(f"300-line lesson read: median {statistics.median(times):.2f} ms, "
          f"max {max(times):.2f} ms (aim < 5 ms)")


if __name__ == "__main__":
    main()
