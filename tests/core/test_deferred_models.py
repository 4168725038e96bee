"""virtlab's models (the engine's, the goal parameters, lab and scenario tables) are built on
first use (``defer_build``): every one can be built, and
threads that meet them first at once (the app's warm-up thread beside its UI thread) get the
same results as one thread alone."""

from __future__ import annotations

import subprocess
import sys
import textwrap

from virtlab.core.base import build_models, virtlab_models


def test_build_models_leaves_none_deferred() -> None:
    import virtlab.course.labs  # noqa: F401  (every domain's models)

    build_models()
    models = virtlab_models()
    assert len(models) > 140
    assert [m.__qualname__ for m in models if not m.__pydantic_complete__] == []
    assert build_models() == 0


SCRIPT = textwrap.dedent("""
    import sys, threading
    from pathlib import Path
    from virtlab.core.actions import action_adapter
    from virtlab.core.base import build_models
    from virtlab.course.labs import find_lab

    labs = Path(sys.argv[1])
    ids = ["l5-overcommit-budget", "l7-thin-datastore", "l10-vlan-patch-panel",
           "l9-ceph-failure-domains"]
    raw = {"kind": "update", "name": "web-01", "changes": {"vcpus": 4}}
    results, errors = {}, []
    start = threading.Barrier(8)

    def work(n):
        try:
            start.wait()
            if n == 0:
                build_models()
            lab = find_lab(labs, ids[n % len(ids)], plays=False)
            action = action_adapter().validate_python(raw)
            results[n] = (lab.id if lab else None, action.model_dump())
        except Exception as exc:
            errors.append(repr(exc))

    threads = [threading.Thread(target=work, args=(n,)) for n in range(8)]
    for t in threads: t.start()
    for t in threads: t.join()
    same = len(results) == 8 and all(
        lid == ids[n % len(ids)] and dump == results[0][1] for n, (lid, dump) in results.items())
    print(errors or "ok", same)
""")


def test_threads_meeting_deferred_models_at_once_agree() -> None:
    from virtlab.course.paths import lessons_dir

    for _ in range(3):  # a fresh interpreter each time: nothing built yet
        done = subprocess.run([sys.executable, "-c", SCRIPT, str(lessons_dir() / "labs")],
                              capture_output=True, text=True, timeout=120)
        assert done.returncode == 0, done.stderr
        assert done.stdout.split() == ["ok", "True"], done.stdout + done.stderr
