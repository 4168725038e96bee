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


COMPUTE_LAB = textwrap.dedent("""
    import sys
    from pathlib import Path
    from virtlab.course.labs import Lab, find_lab
    from virtlab.core.network.topology import NetworkPart
    from virtlab.core.state import Datacenter
    from virtlab.core.storage.stack import StorageStack
    from virtlab.course.session import LabSession

    lab = find_lab(Path(sys.argv[1]), "l5-overcommit-budget", plays=False)
    session = LabSession(lab, lab.state)
    session.report  # what the lab's first frame shows
    print(lab.state.compute.vms[0].name, [m.__name__ for m in (Lab, Datacenter, NetworkPart, StorageStack)
                                          if m.__pydantic_complete__])
""")


def test_a_compute_lab_opens_without_building_the_other_domains_validators() -> None:
    """Reading a compute lab and reporting on it builds no validator of the lab or the state as
    a whole (a lab's holds the state's), of the network part or of the storage stack (each is put together from validated items):
    building them took ~40 ms before the lab's first frame."""
    from virtlab.course.paths import lessons_dir

    done = subprocess.run([sys.executable, "-c", COMPUTE_LAB, str(lessons_dir() / "labs")],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip().split(maxsplit=1) == ["web-01", "[]"], done.stdout + done.stderr


def test_a_state_is_made_of_models_only() -> None:
    import pytest

    from virtlab.core.hosts import Host
    from virtlab.core.state import Datacenter

    host = Host(name="h", cores_per_socket=4, memory_mib=8192)
    assert Datacenter.of(hosts=[host]).hosts == (host,)
    with pytest.raises(TypeError, match="hosts: dict is not a Host"):
        Datacenter.of(hosts=[{"name": "h", "cores_per_socket": 4, "memory_mib": 8192}])  # type: ignore[list-item]
