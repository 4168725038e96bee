"""Scenario files: a datacenter written as TOML, read into the core's models.

The package reads one section at a time: an input model per section names its keys and reads
its units (:mod:`.models`), a reader per section builds the core's object (:mod:`.sections`),
the core's placement validators judge cross-references (:mod:`.placement`) and
:mod:`.loader` reads a whole file; :mod:`.parse` reads one VM, container or update for a lab.

Every problem is reported as ``FILE: FIELD: PROBLEM`` (e.g. ``lab.toml: vm[2] (db-1).memory:
must be greater than 0``) and collected, never raised as a traceback. Sizes accept units
(``"16 GiB"``, ``"2 TB"``, ``"500m"``, ``"40%"``; see :mod:`virtlab.core.units`).

```toml
[scenario]
name = "One ESXi host"

[policy]
preset = "openstack"            # or any of cpu/ram/disk_allocation_ratio, reserved_*

[[host]]
name = "esx-1"
hypervisor = "esxi"             # esxi, hyperv, kvm, xen, virtualbox, workstation, none
sockets = 2
cores = 8                       # per socket
threads = 2                     # per core
mhz = 2600
memory = "256 GiB"
disk = "2 TB"                   # a local datastore named esx-1-local
# a Kubernetes node (hypervisor = "none") may give the kubelet's reservations instead of
# reserved_memory / reserved_cpus: kube_reserved = { cpu = "100m", memory = "1 GiB" },
# system_reserved = { … }, eviction_hard = "100 MiB" (its default)

[[datastore]]
name = "san-1"
capacity = "10 TB"
hosts = ["esx-1"]               # the hosts that see it; left out: every host

[[vm]]
name = "web-1"
host = "esx-1"
vcpus = 2
memory = "4 GiB"
disk = "40 GiB"                 # or disks = [{ size = "40 GiB", provisioning = "thin", ... }]
# a disk table: size, provisioning (thin, thick-lazy, thick-eager), datastore (default: the
# host's local one), written ("40%" of the size, or a size), snapshots = [{ name, delta, age_h }]
demand = "normal"               # idle, normal, peak, or { cpu = "50%", memory = "2 GiB" }

[[container]]
name = "api"
vm = "web-1"                    # or host = "docker-1"
cpu_request = "250m"
memory_limit = "512 MiB"
demand = { cpu = "200m", memory = "300 MiB" }
```

The storage stack below the datastores is a ``[storage]`` table (:mod:`.storage`) and the
network — uplinks, switches and their ports, links, routers, vSwitches, port groups, vNICs,
VTEPs and VXLAN segments, the SDN controller's flows, security groups, learning tables and
the workloads of the reachability matrix — a ``[network]`` table (:mod:`.network`).
"""

from virtlab.course.scenario.loader import TOP_KEYS, load_scenario, read_toml, scenario_from_dict
from virtlab.course.scenario.parse import parse_container, parse_update_changes, parse_vm
from virtlab.course.scenario.reading import InputProblems, Problems

__all__ = ["TOP_KEYS", "InputProblems", "Problems", "load_scenario", "parse_container",
           "parse_update_changes", "parse_vm", "read_toml", "scenario_from_dict"]
