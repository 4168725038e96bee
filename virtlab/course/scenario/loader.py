"""Reading a whole scenario file: the sections in order, their cross-references, the datacenter.

Each section is read by its reader (:mod:`virtlab.course.scenario.sections`); names must be
unique across hosts, VMs and containers; a VM's host and datastores and a container's home are
judged by the core's placement validators (:mod:`virtlab.course.scenario.placement`) against
what the sections before it built.
"""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

from virtlab.core.compute.models import VM, Container
from virtlab.core.errors import InputError
from virtlab.core.hosts import Host
from virtlab.core.state import Datacenter
from virtlab.core.storage.models import Datastore
from virtlab.course.files import read_text
from virtlab.course.scenario.network import read_network
from virtlab.course.scenario.placement import container_home_problems, vm_home_problems
from virtlab.course.scenario.reading import Problems, table_list
from virtlab.course.scenario.san import check_backings
from virtlab.course.scenario.sections import (
    read_container,
    read_datastore,
    read_host,
    read_meta,
    read_policy,
    read_vm,
)
from virtlab.course.scenario.storage import read_storage

TOP_KEYS = {"scenario", "policy", "host", "datastore", "vm", "container", "storage", "network"}


class _Built:
    """What the sections read so far: objects by name, and which kind holds each name."""

    def __init__(self) -> None:
        self.hosts: dict[str, Host] = {}
        self.datastores: dict[str, Datastore] = {}
        self.local: dict[str, str] = {}  # host → its local datastore (a disk's default)
        self.vms: dict[str, VM] = {}
        self.containers: list[Container] = []
        self.kinds: dict[str, str] = {}  # workload or host name → "host", "VM" or "container"

    def datacenter(self, name: str = "", **parts: Any) -> Datacenter:
        return Datacenter.of(name=name, hosts=tuple(self.hosts.values()),
                             datastores=tuple(self.datastores.values()), vms=tuple(self.vms.values()),
                             containers=tuple(self.containers), **parts)

    def taken(self, name: str, where: str, p: Problems) -> bool:
        if name in self.kinds:
            p.add(f"{where}.name", f"duplicate name {name!r} (already a {self.kinds[name]})")
            return True
        return False


def _hosts(data: dict[str, Any], p: Problems, b: _Built) -> None:
    for where, raw in table_list(data, "host", p):
        host, disk = read_host(raw, where, p)
        if host is None:
            continue
        if host.name in b.hosts:
            p.add(f"{where}.name", f"duplicate host name {host.name!r}")
            continue
        b.hosts[host.name] = host
        b.kinds[host.name] = "host"
        if disk is not None and disk <= 0:
            p.add(f"{where}.disk", "must be greater than 0")
        elif disk is not None:
            ds = Datastore(name=f"{host.name}-local", capacity_gib=disk, hosts=(host.name,))
            b.datastores[ds.name] = ds
            b.local[host.name] = ds.name


def _datastores(data: dict[str, Any], p: Problems, b: _Built) -> None:
    for where, raw in table_list(data, "datastore", p):
        ds = read_datastore(raw, where, p)
        if ds is None:
            continue
        if ds.name in b.datastores:
            p.add(f"{where}.name", f"duplicate datastore name {ds.name!r}")
            continue
        for h in ds.hosts:
            if h not in b.hosts:
                p.add(f"{where}.hosts", f"no host named {h!r}")
        b.datastores[ds.name] = ds


def _vms(data: dict[str, Any], p: Problems, b: _Built) -> None:
    dc = b.datacenter()
    for where, raw in table_list(data, "vm", p):
        vm = read_vm(raw, where, p, b.local)
        if vm is None or b.taken(vm.name, where, p):
            continue
        placed, problems = vm_home_problems(dc, vm, where)
        p.extend(problems)
        if placed:
            b.kinds[vm.name] = "VM"
            b.vms[vm.name] = vm


def _containers(data: dict[str, Any], p: Problems, b: _Built) -> None:
    dc = b.datacenter()
    for where, raw in table_list(data, "container", p):
        c = read_container(raw, where, p)
        if c is None or b.taken(c.name, where, p):
            continue
        problems = container_home_problems(dc, c, where)
        p.extend(problems)
        if not problems:
            b.kinds[c.name] = "container"
            b.containers.append(c)


def scenario_from_dict(data: dict[str, Any], source: str, prefix: str = ""
                       ) -> tuple[Datacenter | None, list[str]]:
    """Read a scenario from already-parsed TOML: the datacenter, or ``None`` and every problem
    as ``file: field: problem``. ``prefix`` is put before field paths (a lab file nests its
    scenario under a table)."""
    p = Problems(source, prefix)
    for key in data:
        if key not in TOP_KEYS:
            p.add(key, f"unknown table (allowed: {', '.join(sorted(TOP_KEYS))})")
    name = read_meta(data.get("scenario", {}), p)
    policy = read_policy(data.get("policy"), p)
    stack = read_storage(data.get("storage"), p)
    built = _Built()
    for section in (_hosts, _datastores, _vms, _containers):
        section(data, p, built)
    if not data.get("host") and not p:
        p.add("host", "no hosts: a scenario needs at least one [[host]]"
              if data else "the scenario is empty: it needs at least one [[host]]")
    check_backings(stack, built.datastores, set(built.hosts), p)
    network = read_network(data.get("network"), p, set(built.hosts),
                           set(built.vms) | {c.name for c in built.containers})
    if p:
        return None, p.items
    return built.datacenter(name, policy=policy, stack=stack, network=network), []


def read_toml(path: Path) -> tuple[dict[str, Any] | None, list[str]]:
    """Parse a TOML file read safely (:mod:`virtlab.course.files`: a regular file of bounded
    size, UTF-8); problems name the file (and the line for syntax errors)."""
    try:
        text = read_text(path)
    except InputError as e:
        return None, [f"{path}: file: {'not found' if e.message.startswith('no such') else e.message}"]
    try:
        return tomllib.loads(text), []
    except tomllib.TOMLDecodeError as e:
        return None, [f"{path}: TOML syntax: {e}"]
    except RecursionError:
        return None, [f"{path}: TOML syntax: nested too deeply"]


def load_scenario(path: Path) -> tuple[Datacenter | None, list[str]]:
    """Read a scenario file: the datacenter, or ``None`` and every problem found."""
    data, problems = read_toml(path)
    if data is None:
        return None, problems
    return scenario_from_dict(data, str(path))
