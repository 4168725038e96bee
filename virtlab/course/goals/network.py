"""Goal checks on the network: a packet reaches (or is kept from) a workload, and the
reachability matrix matches a stated policy — each failure naming the hop that drops the
packet and the rule that did, from the packet trace (:mod:`virtlab.core.network.trace`).

Words: the ``goal.net.*`` keys of ``strings/{en,ko}-network.toml``; the hop's reason is the
trace's own code (``net.drop.*``), worded there too.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Literal

from pydantic import Field

from virtlab.core.network.fabric import Hop
from virtlab.core.network.reasons import REASONS
from virtlab.core.network.trace import Trace, trace, where_of
from virtlab.core.report import Report
from virtlab.core.state import Datacenter
from virtlab.course.goals.fields import WorkloadRef
from virtlab.course.goals.registry import Arg, CheckSpec, GoalParams, Msg, Verdict, fail, msg, ok

__all__ = ["CHECKS", "hop_msg"]

Proto = Literal["icmp", "tcp", "udp"]


def _why(code: str, params: Mapping[str, str | int]) -> Msg:
    key = f"net.drop.{code}" if code in REASONS else f"net.step.{code}"
    args: dict[str, Arg] = {}
    for k, v in params.items():
        if isinstance(v, int) and k.endswith(("_tag", "_vlan")):
            args[k] = msg("net.word.untagged") if v == 0 else msg(
                "net.word.tagged" if k.endswith("_tag") else "net.word.vlan", vlan=v)
        else:
            args[k] = str(v)  # text, so that a Korean particle after a number agrees with it
    return msg(key, **args)


def hop_msg(hop: Hop, on_reply: bool = False) -> Msg:
    """The hop that dropped a packet, as a message worded in the student's language."""
    where = msg(f"net.node.{hop.at.code}", **{k: str(v) for k, v in hop.at.params.items()})
    m = msg("net.hop", node=where, reason=_why(hop.code, hop.params) if hop.code else hop.note)
    return msg("net.on_reply", reason=m) if on_reply else m


class Probe(GoalParams):
    proto: Proto = "icmp"
    port: int | None = Field(None, ge=1, le=65535)
    """Destination port (tcp, udp)."""
    size: int = Field(1500, ge=28, le=9216)
    """IP packet size in bytes, sent with DF set (1500: a full-size frame)."""

    @property
    def what(self) -> str:
        return f"{self.proto}/{self.port}" if self.port is not None and self.proto != "icmp" else self.proto

    def run(self, dc: Datacenter, src: str, dst: str) -> Trace:
        port = self.port if self.proto != "icmp" else None
        return trace(dc.network, where_of(dc), src, dst, self.proto, port, self.size)


class Reach(Probe):
    src: WorkloadRef
    dst: WorkloadRef
    expect: bool = True
    """True: the packet and its reply must arrive; false: it must be dropped."""


def _dropped(t: Trace) -> Msg:
    at = t.dropped_at
    assert at is not None
    return hop_msg(*at)


def reach(dc: Datacenter, report: Report, p: Reach) -> Verdict:
    """``src`` reaches ``dst`` with the probe (its reply comes back) — or, with ``expect =
    false``, the packet is dropped; the verdict names the hop that drops it."""
    t = p.run(dc, p.src, p.dst)
    args: dict[str, Arg] = {"src": p.src, "dst": p.dst, "what": p.what, "size": p.size}
    if t.ok:
        return ok("goal.net.reaches", **args) if p.expect else fail("goal.net.not_blocked", **args)
    return fail("goal.net.dropped", reason=_dropped(t), **args) if p.expect else ok(
        "goal.net.blocked", reason=_dropped(t), **args)


class Policy(Probe):
    workloads: list[WorkloadRef] = Field(min_length=2)
    """The workloads of the matrix."""
    allowed: list[tuple[WorkloadRef, WorkloadRef]] = []
    """The (from, to) pairs that must reach each other; every other pair must not."""
    both_ways: bool = True
    """Each allowed pair allows both directions."""


def reachability_policy(dc: Datacenter, report: Report, p: Policy) -> Verdict:
    """The reachability matrix of ``workloads`` is exactly the policy: the allowed pairs
    reach, every other pair is dropped. The first pair that breaks it is named, with the
    hop that drops it (or the fact that nothing does)."""
    allowed = set(p.allowed) | ({(b, a) for a, b in p.allowed} if p.both_ways else set())
    n_ok = 0
    for a in p.workloads:
        for b in p.workloads:
            if a == b:
                continue
            t = p.run(dc, a, b)
            if (a, b) in allowed and not t.ok:
                return fail("goal.net.policy_dropped", src=a, dst=b, what=p.what, reason=_dropped(t))
            if (a, b) not in allowed and t.ok:
                return fail("goal.net.policy_open", src=a, dst=b, what=p.what)
            n_ok += t.ok
    n = len(p.workloads) * (len(p.workloads) - 1)
    return ok("goal.net.policy_ok", allowed=n_ok, blocked=n - n_ok, what=p.what)


CHECKS: tuple[CheckSpec[Any], ...] = (
    CheckSpec("reach", Reach, reach),
    CheckSpec("reachability_policy", Policy, reachability_policy),
)
