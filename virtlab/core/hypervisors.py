"""What each kind of hypervisor (or bare host OS) reserves and charges per VM.

Every figure cites where it is published. Where a vendor publishes no fixed figure, the
profile says which general rule it falls back on.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class HypervisorKind(StrEnum):
    """The software layer directly above a host's hardware."""

    ESXI = "esxi"
    HYPERV = "hyperv"
    KVM = "kvm"
    XEN = "xen"
    VIRTUALBOX = "virtualbox"
    WORKSTATION = "workstation"
    NONE = "none"


class HypervisorType(StrEnum):
    """Type 1 runs on the hardware, type 2 as an application on a host OS (semantics.md)."""

    TYPE1 = "type-1"
    TYPE2 = "type-2"
    OS_LEVEL = "os-level"


@dataclass(frozen=True, slots=True)
class Profile:
    """How a hypervisor kind behaves in the simulator."""

    kind: HypervisorKind
    label: str
    type: HypervisorType
    #: Whether a Linux host kernel can run containers next to (or instead of) VMs.
    runs_host_containers: bool
    #: Whether there is a general-purpose host OS below or beside the hypervisor.
    host_os: str | None
    #: Where the host OS sits, in words, for the isolation view.
    stack_note: str


PROFILES: dict[HypervisorKind, Profile] = {
    HypervisorKind.ESXI: Profile(
        HypervisorKind.ESXI, "VMware ESXi", HypervisorType.TYPE1, False, None,
        "ESXi runs on the hardware; there is no host OS (the VMkernel is the hypervisor).",
    ),
    HypervisorKind.HYPERV: Profile(
        HypervisorKind.HYPERV, "Microsoft Hyper-V", HypervisorType.TYPE1, False,
        "Windows (root partition)",
        "Hyper-V runs on the hardware; Windows runs in the root partition above it.",
    ),
    HypervisorKind.KVM: Profile(
        HypervisorKind.KVM, "KVM (Linux)", HypervisorType.TYPE1, True, "Linux",
        "KVM turns the Linux kernel into the hypervisor; each VM is a QEMU process.",
    ),
    HypervisorKind.XEN: Profile(
        HypervisorKind.XEN, "Xen", HypervisorType.TYPE1, False, "Linux (dom0)",
        "Xen runs on the hardware; a privileged Linux dom0 above it manages the guests.",
    ),
    HypervisorKind.VIRTUALBOX: Profile(
        HypervisorKind.VIRTUALBOX, "Oracle VirtualBox", HypervisorType.TYPE2, True, "host OS",
        "VirtualBox runs as an application on a host OS.",
    ),
    HypervisorKind.WORKSTATION: Profile(
        HypervisorKind.WORKSTATION, "VMware Workstation", HypervisorType.TYPE2, True, "host OS",
        "Workstation runs as an application on a host OS.",
    ),
    HypervisorKind.NONE: Profile(
        HypervisorKind.NONE, "Linux + container engine", HypervisorType.OS_LEVEL, True, "Linux",
        "No hypervisor: containers share the host's Linux kernel (namespaces + cgroups).",
    ),
}


def supports_vms(kind: HypervisorKind) -> bool:
    """A host without a hypervisor cannot run VMs."""
    return kind is not HypervisorKind.NONE


#: nova ``reserved_host_memory_mb`` default (nova/conf/compute.py), used where a vendor
#: publishes no figure of its own.
NOVA_RESERVED_HOST_MEMORY_MIB = 512
#: Microsoft's Hyper-V planning guidance reserves 2 GB for the parent (root) partition.
HYPERV_ROOT_RESERVE_MIB = 2048
#: A type-2 hypervisor's host OS is a desktop OS; Windows 11's published minimum is 4 GB RAM.
TYPE2_HOST_OS_MIB = 4096


def gke_reserved_memory_mib(total_mib: float) -> float:
    """Memory a Kubernetes node keeps for the system (GKE "plan node sizes").

    25 % of the first 4 GiB, 20 % of the next 4, 10 % of the next 8, 6 % of the next 112,
    2 % of anything above 128 GiB, plus the 100 MiB hard eviction threshold
    (``memory.available<100Mi``). GKE's worked example: 150 GiB → 9.8577 GiB reserved.
    """
    gib = total_mib / 1024
    bands = ((4, 0.25), (4, 0.20), (8, 0.10), (112, 0.06), (float("inf"), 0.02))
    reserved, left = 0.0, gib
    for width, rate in bands:
        take = min(left, width)
        reserved += take * rate
        left -= take
        if left <= 0:
            break
    return reserved * 1024 + 100


def node_allocatable_mib(memory_mib: float) -> float:
    """Kubernetes node allocatable memory: capacity − reserved − eviction threshold."""
    return memory_mib - gke_reserved_memory_mib(memory_mib)


def gke_reserved_millicores(cores: float) -> float:
    """CPU a Kubernetes node keeps for the system (GKE "plan node sizes").

    6 % of the first core, 1 % of the next, 0.5 % of the next 2, 0.25 % above 4 cores.
    """
    bands = ((1, 0.06), (1, 0.01), (2, 0.005), (float("inf"), 0.0025))
    reserved, left = 0.0, cores
    for width, rate in bands:
        take = min(left, width)
        reserved += take * rate
        left -= take
        if left <= 0:
            break
    return reserved * 1000


def default_reserved_memory_mib(kind: HypervisorKind, total_mib: float) -> float:
    """The RAM a host keeps for itself when the policy does not say.

    - Hyper-V: 2 GiB for the root partition (Microsoft planning guidance).
    - type 2: the host OS's own minimum (Windows 11: 4 GB).
    - no hypervisor (a container host): GKE's kube/system-reserved + eviction threshold.
    - ESXi, KVM, Xen: nova's ``reserved_host_memory_mb`` = 512 MiB.
    """
    if kind is HypervisorKind.HYPERV:
        return HYPERV_ROOT_RESERVE_MIB
    if PROFILES[kind].type is HypervisorType.TYPE2:
        return TYPE2_HOST_OS_MIB
    if kind is HypervisorKind.NONE:
        return gke_reserved_memory_mib(total_mib)
    return NOVA_RESERVED_HOST_MEMORY_MIB


def default_reserved_cpus(kind: HypervisorKind, logical_cpus: int) -> float:
    """CPUs a host keeps for itself: nova ``reserved_host_cpus`` = 0; GKE's formula for a
    container host (in whole CPUs, fractional)."""
    if kind is HypervisorKind.NONE:
        return gke_reserved_millicores(logical_cpus) / 1000
    return 0.0


def vm_memory_overhead_mib(kind: HypervisorKind, vcpus: int, memory_mib: float) -> float:
    """Memory a hypervisor spends on one VM beyond the VM's own RAM.

    - VMware (ESXi, Workstation) and VirtualBox: a linear fit through the vSphere Resource
      Management guide's sample table — 1024 MB: 26 MB (1 vCPU) / 38 MB (4 vCPU); 4096 MB:
      49 MB / 61 MB — which the four samples satisfy exactly:
      ``14.33 + 4 × vCPU + 23/3072 × MB``.
    - KVM (and Xen): OpenShift Virtualization's estimate, ``0.002 × memory + 218 MiB +
      8 MiB × vCPU + 16 MiB`` for one graphics device.
    - Hyper-V: 32 MB for the first GB of VM memory plus 8 MB for each further GB
      (Microsoft Hyper-V planning guide).
    - no hypervisor: 0 (there are no VMs).
    """
    if kind is HypervisorKind.NONE:
        return 0.0
    if kind is HypervisorKind.HYPERV:
        extra_gb = max(0.0, memory_mib / 1024 - 1)
        return 32 + 8 * extra_gb
    if kind in (HypervisorKind.KVM, HypervisorKind.XEN):
        return 0.002 * memory_mib + 218 + 8 * vcpus + 16
    return 43 / 3 + 4 * vcpus + 23 / 3072 * memory_mib
