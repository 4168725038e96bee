"""Goal checks: predicates over a lab's state and its report.

Each check takes the datacenter, its report and the goal's parameters, and returns whether
the goal is met with a short detail in English and Korean that carries the engine's numbers
("srv-1: vRAM 240.0 GiB > 230.0 GiB"). A goal may be evaluated ``under`` a demand level
(e.g. "peak"): the course sets every workload to that level first, so a design is judged
at its busiest, as capacity planning should be.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from virtlab.core.compute.contention import MemState
from virtlab.core.compute.isolation import Level, isolation
from virtlab.core.errors import InputError
from virtlab.core.report import Report
from virtlab.core.state import Datacenter
from virtlab.core.units import (
    RESOURCE_UNIT,
    UnitError,
    fmt_gib,
    fmt_mib,
    fmt_qty,
    parse_gib,
    parse_mib,
)
from virtlab.course.josa import attach


@dataclass(frozen=True, slots=True)
class Verdict:
    met: bool
    en: str
    ko: str

    def text(self, lang: str) -> str:
        return self.ko if lang == "ko" else self.en


class GoalParamError(InputError):
    """A goal's parameters are wrong (reported by ``virtlab check``)."""


Check = Callable[[Datacenter, Report, dict[str, Any]], Verdict]
CHECKS: dict[str, Check] = {}
#: Parameters each check takes: name → required?
PARAMS: dict[str, dict[str, bool]] = {}


def check(name: str, **params: bool) -> Callable[[Check], Check]:
    def register(fn: Check) -> Check:
        CHECKS[name] = fn
        PARAMS[name] = params
        return fn
    return register


def _hosts(dc: Datacenter, report: Report, params: dict[str, Any]):
    name = params.get("host")
    return [h for h in report.hosts if name is None or h.name == name]


def _qty(resource: str, value: Any) -> float:
    try:
        if resource == "ram":
            return parse_mib(value)
        if resource == "disk":
            return parse_gib(value)
        return float(value)
    except (UnitError, TypeError, ValueError) as e:
        raise GoalParamError(f"cannot read {value!r}: {e}") from None


def _fmt(resource: str, value: float) -> str:
    return fmt_qty(value, RESOURCE_UNIT.get(resource, "count"))


RES_KO = {"cpu": "vCPU", "ram": "RAM", "disk": "디스크"}


@check("max_overcommit", resource=True, max=True, host=False)
def _max_overcommit(dc: Datacenter, report: Report, p: dict[str, Any]) -> Verdict:
    """Allocated ÷ (physical − reserved) at most ``max`` on every host (or ``host``)."""
    res, limit = p["resource"], float(p["max"])
    bad = [(h.name, h.lines[res].overcommit) for h in _hosts(dc, report, p) if res in h.lines
           and h.lines[res].overcommit > limit + 1e-9]
    if bad:
        name, ratio = max(bad, key=lambda x: x[1])
        return Verdict(False, f"{name}: {res} overcommit {ratio:.2f}:1 > {limit:g}:1",
                       f"{name}: {RES_KO[res]} 오버커밋 {ratio:.2f}:1 > {limit:g}:1")
    worst = max((h.lines[res].overcommit for h in _hosts(dc, report, p) if res in h.lines), default=0.0)
    return Verdict(True, f"{res} overcommit {worst:.2f}:1 ≤ {limit:g}:1",
                   f"{RES_KO[res]} 오버커밋 {worst:.2f}:1 ≤ {limit:g}:1")


@check("allocated_max", resource=True, max=True, host=False)
def _allocated_max(dc: Datacenter, report: Report, p: dict[str, Any]) -> Verdict:
    """Allocated ``resource`` at most ``max`` (a quantity: "230 GiB", 96 vCPUs)."""
    res = p["resource"]
    limit = _qty(res, p["max"])
    for h in _hosts(dc, report, p):
        if res in h.lines and h.lines[res].allocated > limit + 1e-9:
            a = h.lines[res].allocated
            return Verdict(False, f"{h.name}: {res} allocated {_fmt(res, a)} > {_fmt(res, limit)}",
                           f"{h.name}: {RES_KO[res]} 할당 {_fmt(res, a)} > {_fmt(res, limit)}")
    return Verdict(True, f"{res} allocated within {_fmt(res, limit)}", f"{RES_KO[res]} 할당이 {_fmt(res, limit)} 이내")


@check("vm_size", vm=True, min_vcpus=False, max_vcpus=False, min_memory=False, max_memory=False)
def _vm_size(dc: Datacenter, report: Report, p: dict[str, Any]) -> Verdict:
    """A VM exists and its size is within the given bounds (an app's minimum, a right-size cap)."""
    names = p["vm"] if isinstance(p["vm"], list) else [p["vm"]]
    for name in names:
        vm = dc.compute.vm_index.get(name)
        if vm is None:
            return Verdict(False, f"{name} does not exist", f"{attach(name, '이/가')} 없습니다")
        checks = [
            ("min_vcpus", vm.vcpus, lambda v, b: v >= b, "≥", float),
            ("max_vcpus", vm.vcpus, lambda v, b: v <= b, "≤", float),
            ("min_memory", vm.memory_mib, lambda v, b: v >= b, "≥", lambda x: _qty("ram", x)),
            ("max_memory", vm.memory_mib, lambda v, b: v <= b, "≤", lambda x: _qty("ram", x)),
        ]
        for key, value, ok, sym, conv in checks:
            if key in p:
                bound = conv(p[key])
                if not ok(value, bound):
                    shown = fmt_mib(value) if "memory" in key else f"{value:g} vCPU"
                    want = fmt_mib(bound) if "memory" in key else f"{bound:g} vCPU"
                    return Verdict(False, f"{name}: {shown}, needs {sym} {want}", f"{name}: {shown}, {sym} {want} 필요")
    return Verdict(True, "sizes within bounds", "크기가 조건을 만족합니다")


@check("ready_max", max=True, host=False, with_costop=False)
def _ready_max(dc: Datacenter, report: Report, p: dict[str, Any]) -> Verdict:
    """Every running VM's estimated CPU ready % (per vCPU) below ``max``; with
    ``with_costop = true``, ready plus co-stop (all the time a vCPU waits)."""
    limit = float(p["max"])
    both = bool(p.get("with_costop", False))
    label_en, label_ko = ("ready + co-stop", "준비(ready) + 상호 정지(co-stop)") if both else ("ready", "준비(ready)")
    hosts = {h.name for h in _hosts(dc, report, p)}
    worst = None
    for w in report.workloads:
        if w.kind == "vm" and w.cpu is not None and w.host in hosts:
            value = w.cpu.wait_pct if both else w.cpu.ready_pct
            if worst is None or value > worst[1]:
                worst = (w.name, value)
    if worst and worst[1] >= limit:
        return Verdict(False, f"{worst[0]}: CPU {label_en} {worst[1]:.1f} % ≥ {limit:g} %",
                       f"{worst[0]}: CPU {label_ko} {worst[1]:.1f} % ≥ {limit:g} %")
    shown = worst[1] if worst else 0.0
    return Verdict(True, f"worst CPU {label_en} {shown:.1f} % < {limit:g} %",
                   f"최대 CPU {label_ko} {shown:.1f} % < {limit:g} %")


_STATE_ORDER = [MemState.LOW, MemState.HARD, MemState.SOFT, MemState.CLEAR, MemState.HIGH]


@check("memory_state", at_least=True, host=False)
def _memory_state(dc: Datacenter, report: Report, p: dict[str, Any]) -> Verdict:
    """Each host's memory state (before reclamation) at least ``at_least`` (e.g. "clear")."""
    try:
        want = MemState(p["at_least"])
    except ValueError:
        raise GoalParamError(f"unknown memory state {p['at_least']!r} (high, clear, soft, hard, low)") from None
    for h in _hosts(dc, report, p):
        if h.status != "up":
            continue
        state = h.memory.state_before
        if _STATE_ORDER.index(state) < _STATE_ORDER.index(want):
            return Verdict(False, f"{h.name}: memory state {state.value} (free {fmt_mib(h.memory.free_before_mib)}, "
                           f"minFree {fmt_mib(h.memory.min_free_mib)}) — below {want.value}",
                           f"{h.name}: 메모리 상태 {state.value} (여유 {fmt_mib(h.memory.free_before_mib)}, "
                           f"minFree {fmt_mib(h.memory.min_free_mib)}) — {want.value}보다 나쁨")
    return Verdict(True, f"memory state {want.value} or better", f"메모리 상태 {want.value} 이상")


@check("active_memory_max", max_pct=True, host=False)
def _active_memory_max(dc: Datacenter, report: Report, p: dict[str, Any]) -> Verdict:
    """Active VM memory at most ``max_pct`` % of each host's physical RAM."""
    limit = float(p["max_pct"])
    for h in _hosts(dc, report, p):
        active = sum(m.active_mib for m in h.memory.vms.values())
        pct = 100 * active / h.memory.total_mib
        if pct > limit + 1e-9:
            return Verdict(False, f"{h.name}: active RAM {fmt_mib(active)} = {pct:.0f} % > {limit:g} %",
                           f"{h.name}: 활성 메모리 {fmt_mib(active)} = {pct:.0f} % > {limit:g} %")
    return Verdict(True, f"active RAM ≤ {limit:g} % of physical", f"활성 메모리 ≤ 물리 메모리의 {limit:g} %")


@check("containers_limited", resource=False)
def _containers_limited(dc: Datacenter, report: Report, p: dict[str, Any]) -> Verdict:
    """Every container has a memory limit (or a CPU limit, with ``resource = "cpu"``)."""
    res = p.get("resource", "memory")
    for c in dc.compute.containers:
        if (c.mem_limit_mib if res == "memory" else c.cpu_limit_m) is None:
            return Verdict(False, f"{c.name} has no {res} limit", f"{c.name}에 {res} 제한이 없습니다")
    return Verdict(True, f"every container has a {res} limit", f"모든 컨테이너에 {res} 제한이 있습니다")


@check("no_oom", workloads=False)
def _no_oom(dc: Datacenter, report: Report, p: dict[str, Any]) -> Verdict:
    """No container (or none of ``workloads``) is OOM-killed."""
    only = set(p.get("workloads", [])) or None
    for w in report.workloads:
        if w.container and w.container.killed and (only is None or w.name in only):
            why = "its own limit" if w.container.killed.value == "limit" else "the node ran out of memory"
            why_ko = "자기 제한 초과" if w.container.killed.value == "limit" else "노드 메모리 부족"
            return Verdict(False, f"{w.name} is OOM-killed ({why})", f"{attach(w.name, '이/가')} OOM으로 종료됩니다 ({why_ko})")
    return Verdict(True, "no container is OOM-killed", "OOM으로 종료되는 컨테이너가 없습니다")


@check("oom_killed", workload=True)
def _oom_killed(dc: Datacenter, report: Report, p: dict[str, Any]) -> Verdict:
    """``workload`` *is* OOM-killed (a lab that shows a limit working)."""
    w = report.workload(p["workload"])
    if w is None or w.container is None:
        return Verdict(False, f"no container {p['workload']}", f"컨테이너 {attach(p['workload'], '이/가')} 없습니다")
    if w.container.killed is None:
        return Verdict(False, f"{w.name} is not OOM-killed", f"{attach(w.name, '이/가')} OOM으로 종료되지 않습니다")
    why_en = "above its own limit" if w.container.killed.value == "limit" else "the node ran out"
    why_ko = "자기 제한 초과" if w.container.killed.value == "limit" else "노드 메모리 부족"
    return Verdict(True, f"{w.name} is OOM-killed ({why_en})", f"{attach(w.name, '이/가')} OOM으로 종료됩니다 ({why_ko})")


#: How each isolation level reads in a goal's detail.
LEVEL_WORDS = {
    Level.SAME_VM: ("run one inside the other", "한쪽이 다른 쪽 안에서 실행됩니다"),
    Level.SHARED_KERNEL: ("share one kernel", "커널 하나를 공유합니다"),
    Level.HOST_KERNEL: ("have separate kernels, but the container's host kernel also runs the hypervisor",
                        "커널은 서로 다르지만, 컨테이너가 쓰는 호스트 커널이 하이퍼바이저이기도 합니다"),
    Level.HYPERVISOR: ("have separate guest kernels on one hypervisor", "하이퍼바이저 하나 위에서 각자의 게스트 커널을 씁니다"),
    Level.SEPARATE_HOSTS: ("run on separate hosts", "서로 다른 호스트에서 실행됩니다"),
}
_SHARED_KO = {"hardware": "하드웨어", "hypervisor": "하이퍼바이저", "kernel": "커널",
              "host kernel": "호스트 커널", "VM": "VM"}


def _shared_ko(item: str) -> str:
    if item.startswith("datastore "):
        return "데이터스토어 " + item.removeprefix("datastore ")
    return _SHARED_KO.get(item, item)


@check("isolation_min", a=True, b=True, level=True)
def _isolation_min(dc: Datacenter, report: Report, p: dict[str, Any]) -> Verdict:
    """Workloads ``a`` and ``b`` isolated at least at ``level`` (e.g. "hypervisor")."""
    try:
        want = Level[str(p["level"]).upper().replace(" ", "_").replace("-", "_")]
    except KeyError:
        raise GoalParamError(f"unknown level {p['level']!r} ({', '.join(x.name.lower() for x in Level)})") from None
    try:
        pair = isolation(dc, p["a"], p["b"])
    except KeyError as e:
        return Verdict(False, str(e), str(e))
    en, ko = LEVEL_WORDS[pair.level]
    shared_en = ", ".join(pair.shared) or "nothing"
    shared_ko = ", ".join(_shared_ko(x) for x in pair.shared) or "없음"
    a_ko = attach(pair.a, "과/와")
    if pair.level < want:
        return Verdict(False, f"{pair.a} and {pair.b} {en} (they share: {shared_en})",
                       f"{a_ko} {pair.b}: {ko} (공유: {shared_ko})")
    return Verdict(True, f"{pair.a} and {pair.b} {en}", f"{a_ko} {pair.b}: {ko}")


@check("count_min", kind=True, min=True, host=False)
def _count_min(dc: Datacenter, report: Report, p: dict[str, Any]) -> Verdict:
    """At least ``min`` running workloads of ``kind`` ("vm" or "container")."""
    n = sum(1 for w in report.workloads if w.kind == p["kind"] and w.status == "running"
            and (p.get("host") is None or w.host == p["host"]))
    want = int(p["min"])
    en_kind = "VMs" if p["kind"] == "vm" else "containers"
    ko_kind = "VM" if p["kind"] == "vm" else "컨테이너"
    if n < want:
        return Verdict(False, f"{n} running {en_kind}, need {want}", f"실행 중인 {ko_kind} {n}개, {want}개 필요")
    return Verdict(True, f"{n} running {en_kind}", f"실행 중인 {ko_kind} {n}개")


@check("no_violations")
def _no_violations(dc: Datacenter, report: Report, p: dict[str, Any]) -> Verdict:
    """No placement or admission rule is broken."""
    if report.violations:
        return Verdict(False, report.violations[0].message, report.violations[0].message)
    return Verdict(True, "no rule is broken", "위반된 규칙이 없습니다")


@check("datastore_free_min", datastore=True, min_pct=True)
def _datastore_free_min(dc: Datacenter, report: Report, p: dict[str, Any]) -> Verdict:
    """Datastore free space at least ``min_pct`` % of its capacity."""
    d = next((d for d in report.datastores if d.name == p["datastore"]), None)
    if d is None:
        return Verdict(False, f"no datastore {p['datastore']}", f"데이터스토어 {attach(p['datastore'], '이/가')} 없습니다")
    free_pct = 100 * d.free_gib / d.capacity_gib
    want = float(p["min_pct"])
    if free_pct < want:
        return Verdict(False, f"{d.name}: free {free_pct:.0f} % < {want:g} %", f"{d.name}: 여유 공간 {free_pct:.0f} % < {want:g} %")
    return Verdict(True, f"{d.name}: free {free_pct:.0f} %", f"{d.name}: 여유 공간 {free_pct:.0f} %")


@check("running", workloads=True)
def _running(dc: Datacenter, report: Report, p: dict[str, Any]) -> Verdict:
    """Each of ``workloads`` is running (not crashed, off, OOM-killed or on a failed host)."""
    for name in p["workloads"]:
        w = report.workload(name)
        if w is None:
            return Verdict(False, f"{name} does not exist", f"{attach(name, '이/가')} 없습니다")
        if w.status != "running":
            return Verdict(False, f"{name} is {w.status}", f"{name} 상태: {w.status}")
    return Verdict(True, "all running", "모두 실행 중")


def validate_params(kind: str, params: dict[str, Any]) -> list[str]:
    """Problems with a goal's ``check`` and ``params`` (for ``virtlab check``)."""
    if kind not in CHECKS:
        return [f"unknown check {kind!r} (known: {', '.join(sorted(CHECKS))})"]
    spec = PARAMS[kind]
    out = [f"params.{k}: unknown parameter for {kind} (takes {', '.join(spec) or 'none'})" for k in params if k not in spec]
    out += [f"params.{k}: missing (required by {kind})" for k, req in spec.items() if req and k not in params]
    return out


@check("vm_minimums", minimums=True)
def _vm_minimums(dc: Datacenter, report: Report, p: dict[str, Any]) -> Verdict:
    """Every listed VM exists with at least its vCPUs and memory:
    ``minimums = { web-1 = { vcpus = 2, memory = "8 GiB" }, … }``."""
    mins = p["minimums"]
    if not isinstance(mins, dict):
        raise GoalParamError("minimums must be a table of VM name → { vcpus, memory }")
    short = []
    for name, need in mins.items():
        vm = dc.compute.vm_index.get(name)
        want_cpu = int(need.get("vcpus", 0))
        want_mem = _qty("ram", need.get("memory", 0))
        if vm is None:
            short.append((name, f"{name} is missing", f"{attach(name, '이/가')} 없습니다"))
        elif vm.vcpus < want_cpu or vm.memory_mib < want_mem:
            short.append((name, f"{name}: {vm.vcpus} vCPU / {fmt_mib(vm.memory_mib)}, needs ≥ {want_cpu} / {fmt_mib(want_mem)}",
                          f"{name}: {vm.vcpus} vCPU / {fmt_mib(vm.memory_mib)}, {want_cpu} / {fmt_mib(want_mem)} 이상 필요"))
    if short:
        n = len(short) - 1
        more = f" (and {n} more VM{'s' if n > 1 else ''} below minimum)" if n else ""
        more_ko = f" (그 밖에 최소에 못 미치는 VM {n}개)" if n else ""
        return Verdict(False, short[0][1] + more, short[0][2] + more_ko)
    return Verdict(True, f"all {len(mins)} VMs meet their minimums", f"VM {len(mins)}개 모두 최소 요구를 만족합니다")


@check("container_limits", container=True, cpu_limit=False, memory_limit=False)
def _container_limits(dc: Datacenter, report: Report, p: dict[str, Any]) -> Verdict:
    """A container's cgroup limits are exactly these (``cpu_limit = "500m"``, ``memory_limit = "256 MiB"``)."""
    from virtlab.core.units import parse_millicores

    c = dc.compute.container_index.get(p["container"])
    if c is None:
        return Verdict(False, f"no container {p['container']}", f"컨테이너 {attach(p['container'], '이/가')} 없습니다")
    if "memory_limit" in p:
        want = _qty("ram", p["memory_limit"])
        if c.mem_limit_mib is None or abs(c.mem_limit_mib - want) > 0.5:
            got = fmt_mib(c.mem_limit_mib) if c.mem_limit_mib else "max"
            return Verdict(False, f"{c.name}: memory.max {got}, want {fmt_mib(want)}",
                           f"{c.name}: memory.max {got}, 목표 {fmt_mib(want)}")
    if "cpu_limit" in p:
        try:
            want_m = parse_millicores(p["cpu_limit"])
        except UnitError as e:
            raise GoalParamError(str(e)) from None
        if c.cpu_limit_m is None or abs(c.cpu_limit_m - want_m) > 0.5:
            got = f"{int(c.cpu_limit_m * 100)} 100000" if c.cpu_limit_m else "max 100000"
            return Verdict(False, f"{c.name}: cpu.max \"{got}\", want \"{int(want_m * 100)} 100000\"",
                           f"{c.name}: cpu.max \"{got}\", 목표 \"{int(want_m * 100)} 100000\"")
    return Verdict(True, f"{c.name}: limits set", f"{c.name}: 제한 설정 완료")


@check("snapshot_age_max", max_h=True)
def _snapshot_age_max(dc: Datacenter, report: Report, p: dict[str, Any]) -> Verdict:
    """No snapshot older than ``max_h`` hours (a snapshot-age policy, e.g. 72 h)."""
    limit = float(p["max_h"])
    for vm in dc.compute.vms:
        for snap in (vm.disks[0].snapshots if vm.disks else ()):
            if snap.age_h > limit:
                return Verdict(False, f"{vm.name}: snapshot {snap.name} is {snap.age_h:g} h old > {limit:g} h",
                               f"{vm.name}: 스냅샷 {attach(snap.name, '이/가')} {snap.age_h:g}시간 지남 > {limit:g}시간")
    return Verdict(True, f"no snapshot older than {limit:g} h", f"{limit:g}시간보다 오래된 스냅샷 없음")


@check("backup_max_age", vm=True, max_h=True)
def _backup_max_age(dc: Datacenter, report: Report, p: dict[str, Any]) -> Verdict:
    """``vm`` has a backup no older than ``max_h`` hours."""
    vm = dc.compute.vm_index.get(p["vm"])
    limit = float(p["max_h"])
    if vm is None:
        return Verdict(False, f"{p['vm']} does not exist", f"{attach(p['vm'], '이/가')} 없습니다")
    if vm.backup_age_h is None:
        return Verdict(False, f"{vm.name} has no backup", f"{vm.name}의 백업이 없습니다")
    if vm.backup_age_h > limit:
        return Verdict(False, f"{vm.name}: last backup {vm.backup_age_h:g} h old > {limit:g} h",
                       f"{vm.name}: 마지막 백업이 {vm.backup_age_h:g}시간 전 > {limit:g}시간")
    return Verdict(True, f"{vm.name}: backup {vm.backup_age_h:g} h old", f"{vm.name}: 백업 {vm.backup_age_h:g}시간 전")


@check("datastore_worst_free_min", datastore=True, min_pct=True)
def _datastore_worst_free_min(dc: Datacenter, report: Report, p: dict[str, Any]) -> Verdict:
    """Free space at least ``min_pct`` % even if every thin disk and snapshot delta on the
    datastore grew to its disk's size (each delta can)."""
    d = next((d for d in report.datastores if d.name == p["datastore"]), None)
    if d is None:
        return Verdict(False, f"no datastore {p['datastore']}", f"데이터스토어 {attach(p['datastore'], '이/가')} 없습니다")
    free_pct = 100 * d.worst_case_free_gib / d.capacity_gib
    want = float(p["min_pct"])
    if free_pct < want:
        return Verdict(False, f"{d.name}: worst case free {free_pct:.0f} % < {want:g} % ({fmt_gib(d.worst_case_gib)} of {fmt_gib(d.capacity_gib)})",
                       f"{d.name}: 최악의 경우 여유 {free_pct:.0f} % < {want:g} % ({fmt_gib(d.capacity_gib)} 중 {fmt_gib(d.worst_case_gib)})")
    return Verdict(True, f"{d.name}: worst case free {free_pct:.0f} %", f"{d.name}: 최악의 경우 여유 {free_pct:.0f} %")


@check("vm_written_min", vm=True, gib=True)
def _vm_written_min(dc: Datacenter, report: Report, p: dict[str, Any]) -> Verdict:
    """``vm``'s base disk holds at least ``gib`` written, with no snapshot left on top
    (a change that has been committed: written and consolidated)."""
    vm = dc.compute.vm_index.get(p["vm"])
    if vm is None or not vm.disks:
        return Verdict(False, f"{p['vm']} has no disk", f"{p['vm']}에 디스크가 없습니다")
    disk = vm.disks[0]
    want = _qty("disk", p["gib"])
    if disk.lost:
        return Verdict(False, f"{vm.name}: the base disk is lost", f"{vm.name}: 기본 디스크를 잃었습니다")
    if disk.snapshots:
        return Verdict(False, f"{vm.name}: {len(disk.snapshots)} snapshot(s) still on top of the base disk",
                       f"{vm.name}: 기본 디스크 위에 스냅샷 {len(disk.snapshots)}개가 남아 있습니다")
    if disk.written_gib + 1e-9 < want:
        return Verdict(False, f"{vm.name}: base disk holds {fmt_gib(disk.written_gib)}, needs {fmt_gib(want)}",
                       f"{vm.name}: 기본 디스크에 {fmt_gib(disk.written_gib)}, {fmt_gib(want)} 필요")
    return Verdict(True, f"{vm.name}: {fmt_gib(disk.written_gib)} committed", f"{vm.name}: {fmt_gib(disk.written_gib)} 반영됨")


@check("survives_disk_loss", vm=True)
def _survives_disk_loss(dc: Datacenter, report: Report, p: dict[str, Any]) -> Verdict:
    """If ``vm``'s base disk were lost now, could it be brought back? (Tries it: the fault,
    then a restore.)"""
    from virtlab.core.actions import apply
    from virtlab.core.base import Refused
    from virtlab.core.compute.actions import Fail
    from virtlab.core.compute.lifecycle import Restore

    if p["vm"] not in dc.compute.vm_index:
        return Verdict(False, f"{p['vm']} does not exist", f"{attach(p['vm'], '이/가')} 없습니다")
    lost = apply(dc, Fail(name=p["vm"], fault="disk-lost"))
    try:
        apply(lost, Restore(name=p["vm"]))
    except Refused as e:
        return Verdict(False, f"losing the base disk would lose {p['vm']}: {e}",
                       f"기본 디스크를 잃으면 {p['vm']}도 잃습니다: 백업이 없습니다")
    return Verdict(True, f"{p['vm']} could be restored from its backup", f"{attach(p['vm'], '은/는')} 백업에서 복원할 수 있습니다")
