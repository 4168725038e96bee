"""The packet trace's reasons in both languages: every code the core uses is worded, the
English repeats the core's own, and the Korean fills every template."""

from __future__ import annotations

import re
from pathlib import Path

from tests.core.network.netkit import lan, scenario
from virtlab.core.actions import apply
from virtlab.core.network.actions import SetMtu
from virtlab.core.network.reasons import NODES, REASONS, STEPS
from virtlab.core.network.trace import trace, where_of
from virtlab.core.report import build_report
from virtlab.course.i18n import catalog
from virtlab.course.trace_text import cell_text, hop_text, trace_reason

CORE = Path(__file__).resolve().parents[2] / "virtlab" / "core" / "network"


def test_every_reason_code_the_core_uses_is_worded_in_both_languages() -> None:
    used = set()
    for path in CORE.glob("*.py"):
        used |= set(re.findall(r'why\(\s*"([a-z_0-9]+)"', path.read_text(encoding="utf-8")))
    used |= {"flow_drop", "controller_secure"}  # chosen by a conditional in fabric.switch_flows
    assert used <= set(REASONS) | set(STEPS), used - set(REASONS) - set(STEPS)
    for lang in ("en", "ko"):
        missing = {c for c in REASONS if f"net.drop.{c}" not in catalog(lang)}
        assert missing == set(), (lang, missing)


def test_the_english_strings_repeat_the_cores_words() -> None:
    en = catalog("en")
    assert {c: en[f"net.drop.{c}"] for c in REASONS} == REASONS
    assert {c: en[f"net.step.{c}"] for c in STEPS} == STEPS
    assert not set(REASONS) & set(STEPS)
    for lang in ("en", "ko"):
        assert {c for c in STEPS if f"net.step.{c}" not in catalog(lang)} == set()


def test_every_hop_of_every_trace_is_worded_in_both_languages() -> None:
    from virtlab.core.network.faults import NetSend

    for name in ("network-vlan-patch-panel.toml", "network-overlay-tenants.toml", "network-vss-learning.toml"):
        dc = scenario(name)
        names = [v.workload for v in dc.network.vnics]
        dc = apply(dc, NetSend(src=names[0], dst=names[1]))
        for mtu in (1500, 1600):
            state = apply(dc, SetMtu(mtu=mtu))
            for a in names:
                for b in names:
                    tr = trace(state.network, where_of(state), a, b)
                    for leg in (tr, tr.reply):
                        for h in leg.hops if leg is not None else ():
                            assert h.code, h
                            assert hop_text(h, "en") == f"{h.node}: {h.note}"
                            ko = hop_text(h, "ko")
                            assert "{" not in ko and ko != hop_text(h, "en") or h.code in ("underlay",)


def test_node_words_repeat_the_cores_and_every_node_code_the_core_uses_is_worded() -> None:
    used = set()
    for path in CORE.glob("*.py"):
        used |= set(re.findall(r'node\(\s*"([a-z_0-9]+)"', path.read_text(encoding="utf-8")))
    assert used == set(NODES), used ^ set(NODES)
    en = catalog("en")
    assert {c: en[f"net.node.{c}"] for c in NODES} == NODES
    assert {c for c in NODES if f"net.node.{c}" not in catalog("ko")} == set()


def test_korean_hop_names_have_no_english_node_words() -> None:
    """#12: 'leaf-1 port 3', 'web-1.eth0 security groups', 'br-int flows', 'vtep kvm-1' and
    'underlay …' read in Korean; the names themselves stay as they are."""
    english = re.compile(r" port \d| security groups| flows\b|\bvtep |\bunderlay ")
    seen = set()
    for name in ("network-vlan-patch-panel.toml", "network-overlay-tenants.toml", "network-vss-learning.toml"):
        dc = scenario(name)
        for mtu in (1500, 1600):
            state = apply(dc, SetMtu(mtu=mtu))
            names = [v.workload for v in state.network.vnics]
            for a in names:
                for b in names:
                    tr = trace(state.network, where_of(state), a, b)
                    for leg in (tr, tr.reply):
                        for h in leg.hops if leg is not None else ():
                            seen.add(h.at.code)
                            where = hop_text(h, "ko").split(": ")[0]
                            assert not english.search(where), where
                            assert english.search(h.node) or h.at.code in (
                                "vnic", "uplink", "router", "host", "vswitch", "workload")
    assert {"port", "sgs", "vtep_ip", "underlay", "vswitch", "vnic", "uplink", "router"} <= seen
    from virtlab.core.network.actions import AddFlow

    dc = apply(scenario("network-overlay-tenants.toml"), AddFlow(
        name="deny-23", switch="br-int", priority=300, match={"proto": "tcp", "tp_dst": 23}, action="drop"))
    tr = trace(dc.network, where_of(dc), "red-a", "red-b", "tcp", 23, 1000)
    assert tr.drop is not None and tr.drop.node == "br-int flows"
    assert hop_text(tr.drop, "ko").startswith("br-int 플로 테이블: ")


def test_a_hop_name_in_korean() -> None:
    dc = scenario("network-vlan-patch-panel.toml")
    cell = build_report(dc).network.cell("web-1", "db-1")
    assert cell is not None and cell.hop is not None
    assert cell_text(cell, "en") == "leaf-1 port 3: trunk does not allow VLAN 30"
    assert cell_text(cell, "ko").startswith("leaf-1 포트 3: ")


def test_matrix_cells_read_the_same_in_english_and_are_filled_in_korean() -> None:
    for name in ("network-vlan-patch-panel.toml", "network-overlay-tenants.toml"):
        for c in build_report(scenario(name)).network.cells:
            assert cell_text(c, "en") == (c.reason if not c.ok else "reachable")
            ko = cell_text(c, "ko")
            assert "{" not in ko and (c.ok or ko != c.reason)


def test_a_reply_that_is_dropped_says_so() -> None:
    from virtlab.core.network.secgroups import SecurityGroup, SgRule

    rules = (SgRule(direction="egress"), SgRule(direction="ingress", proto="tcp", port_min=5432))
    dc = lan([("a", 1, 10), ("b", 2, 10)], groups=[SecurityGroup(name="g", rules=rules, stateful=False)],
             vm_groups={"a": ("g",), "b": ("g",)})
    t = trace(dc.network, where_of(dc), "a", "b", "tcp", 5432, 100)
    assert trace_reason(t, "en") == t.reason and t.reason.startswith("reply: ")
    assert trace_reason(t, "ko").startswith("응답: a.eth0 보안 그룹: g: ")


def test_tags_read_as_words() -> None:
    from virtlab.core.network.topology import PortMode, SwitchPort

    dc = lan([("a", 1, 10), ("b", 2, 10)], ports={2: SwitchPort(number=2, mode=PortMode.ACCESS, vlan=10)})
    t = trace(dc.network, where_of(dc), "a", "b")
    assert trace_reason(t, "ko") == "h2.eth0: 프레임이 태그 없음 상태로 도착했는데 포트 그룹 pg-10은 VLAN 10 태그를 기대해요"
    ok = apply(scenario("network-overlay-tenants.toml"), SetMtu(mtu=1600))
    assert trace_reason(trace(ok.network, where_of(ok), "red-a", "red-b"), "ko") == "도달 가능"
