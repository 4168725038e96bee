"""The packet-trace stepper as plain functions: the walk starts at the source's vNIC, the
hop that drops the packet is the last and says why, a passing trace walks on into its reply,
stepping wraps round at both ends, ``T`` cycles the destinations — in both languages."""

from __future__ import annotations

from pathlib import Path

from virtlab.core.actions import apply
from virtlab.core.network.actions import SetSwitchPort
from virtlab.core.network.topology import PortMode
from virtlab.core.report import build_report
from virtlab.core.state import Datacenter
from virtlab.course.scenario import load_scenario
from virtlab.ui.widgets.lines_view import ViewContext
from virtlab.ui.widgets.trace_stepper import Stepper, callout, next_destination, stepper_lines, walk

SCENARIOS = Path(__file__).resolve().parents[2] / "scenarios"


def _ctx(name: str = "network-vlan-patch-panel.toml", lang: str = "en", selected: str | None = "web-1",
         dc: Datacenter | None = None) -> ViewContext:
    if dc is None:
        dc, problems = load_scenario(SCENARIOS / name)
        assert problems == [] and dc is not None
    return ViewContext(build_report(dc), dc, lang, selected, 69)


def test_the_first_step_is_the_source_vnic_sending_the_probe() -> None:
    w = walk(_ctx(), Stepper("db-1"))
    assert w is not None and (w.src, w.dst, w.index) == ("web-1", "db-1", 0)
    assert w.step.hop.node == "web-1.eth0" and w.step.hop.code == "send"
    assert callout(w, "en").words.plain == "→ 1. 10.0.10.11 → 10.0.30.11 icmp, 1500 bytes, DF set"


def test_the_dropping_hop_is_the_last_and_says_why() -> None:
    w = walk(_ctx(), Stepper("db-1", 8))
    assert w is not None and len(w.steps) == 9 and w.drop_at == 9
    assert w.step.dropped and w.step.hop.node == "leaf-1 port 3"
    assert callout(w, "en").id == ("port", "leaf-1", "3")
    assert callout(w, "en").words.plain == "✗ 9. trunk does not allow VLAN 30"
    assert callout(w, "ko").words.plain == "✗ 9. 트렁크가 VLAN 30을 허용하지 않아요"
    head = stepper_lines(_ctx(), w).plain()
    assert "Trace web-1 → db-1 (icmp, 1500 bytes, DF set): ✗ dropped at hop 9" in head
    assert "request ●●●●●●●●✗  hop 9 of 9" in head
    ko = stepper_lines(_ctx(lang="ko"), w, with_hop=True).plain()
    assert "(icmp, 1500바이트, DF 켜짐): ✗ 9번째 홉에서" in ko and "홉 9개 중 9번째" in ko and "leaf-1 포트 3: 트렁크가" in ko


def test_stepping_wraps_round_at_both_ends() -> None:
    w = walk(_ctx(), Stepper("db-1"))
    assert w is not None
    count = len(w.steps)
    assert Stepper("db-1", 0).moved(-1, count).index == count - 1
    assert Stepper("db-1", count - 1).moved(1, count).index == 0
    assert Stepper("db-1", 3).moved(2, count).index == 5
    assert Stepper("db-1", 0).moved(1, 0).index == 0  # nothing to walk
    # An index left from a longer trace is kept inside this one.
    clamped = walk(_ctx(), Stepper("db-1", 40))
    assert clamped is not None and clamped.index == count - 1


def test_a_trace_that_passes_walks_on_into_its_reply() -> None:
    w = walk(_ctx(), Stepper("app-1"))
    assert w is not None and w.trace.ok and w.drop_at is None
    replies = [s for s in w.steps if s.reply]
    assert replies and replies[0].hop.code == "send_reply" and w.steps[-1].delivered
    last = walk(_ctx(), Stepper("app-1", len(w.steps) - 1))
    assert last is not None and callout(last, "en").words.plain.endswith("delivered to web-1")
    assert callout(last, "en").words.plain.startswith("✓ ")
    assert " reply " in stepper_lines(_ctx(), w).plain()


def test_fixing_the_trunk_moves_the_drop_to_the_security_group() -> None:
    dc, _ = load_scenario(SCENARIOS / "network-vlan-patch-panel.toml")
    assert dc is not None
    fixed = apply(dc, SetSwitchPort(switch="leaf-1", port=3, mode=PortMode.TRUNK, allowed=(10, 20, 30, 99)))
    w = walk(_ctx(dc=fixed), Stepper("db-1", 99))
    assert w is not None and w.step.dropped and w.step.hop.node == "db-1.eth0 security groups"
    assert callout(w, "en").id == ("vnic", "db-1.eth0")


def test_t_cycles_the_destinations_and_the_source_is_the_selection() -> None:
    ctx = _ctx()
    s = Stepper()
    seen = []
    for _ in range(4):
        w = walk(ctx, s)
        assert w is not None
        seen.append(w.dst)
        s = next_destination(ctx, s)
        assert s.index == 0
    assert seen == ["app-1", "db-1", "mgmt-1", "app-1"]
    w = walk(_ctx(selected="db-1"), Stepper("db-1"))
    assert w is not None and (w.src, w.dst) == ("db-1", "web-1")
    w = walk(_ctx(selected="nobody"), Stepper())
    assert w is not None and w.src == "web-1"


def test_the_overlay_drop_is_at_the_vtep_in_both_languages() -> None:
    ctx = _ctx("network-overlay-tenants.toml", selected="red-a")
    w = walk(ctx, Stepper("red-b", 2))
    assert w is not None and w.step.dropped and w.step.hop.node == "vtep kvm-1"
    assert callout(w, "en").id == ("vtep", "kvm-1")
    assert callout(w, "en").words.plain.startswith("✗ 3. underlay MTU 1500 < 1550 needed")
    assert callout(w, "ko").words.plain.startswith("✗ 3. 언더레이 MTU 1500 < 1550")


def test_p_sends_another_probe_and_a_smaller_ping_fits_the_1500_underlay() -> None:
    from virtlab.ui.widgets.trace_stepper import next_probe

    ctx = _ctx("network-overlay-tenants.toml", selected="red-a")
    first = walk(ctx, Stepper("red-b"))
    assert first is not None and first.probe == ("icmp", None, 1500) and not first.trace.ok
    assert "underlay MTU 1500 < 1550" in callout(walk(ctx, Stepper("red-b", first.drop_at - 1)), "en").words.plain
    small = next_probe(ctx, Stepper("red-b", 3))
    assert small.index == 0 and small.probe == ("icmp", None, 1400)  # from its first hop
    w = walk(ctx, small)
    assert w is not None and w.trace.ok  # 1400 + 50 fits under 1500
    assert "Trace red-a → red-b (icmp, 1400 bytes, DF set): ✓" in stepper_lines(ctx, w).plain()
    ssh = next_probe(ctx, small)
    assert ssh.probe == ("tcp", 22, 1000) and next_destination(ctx, ssh).probe == ssh.probe
    # Round the cycle, back to the matrix's own probe.
    p = ssh
    for _ in range(8):
        p = next_probe(ctx, p)
        if p.probe == first.probe:
            break
    assert p.probe == first.probe
