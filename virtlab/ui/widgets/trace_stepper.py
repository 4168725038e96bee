"""The packet-trace stepper's model and words: a trace walked one hop at a time, as Packet
Tracer's simulation mode does.

The source is the workload selected in the table (the matrix's first when the selection is
not in it), the destination one ``T`` picks among the matrix's other workloads, and the
probe the matrix's own (``icmp, 1500 bytes, DF set`` unless the lab says otherwise), so each
walk is the trace behind a cell of the reachability matrix. The steps are the request's hops
and then the reply's, if the request arrived; the hop that drops the packet is the last one
and carries its reason. Stepping past either end wraps round. Nothing here draws: the
topology view lights the step's node (:func:`callout`) and sets the header above it
(:func:`stepper_lines`); both are plain functions of a :class:`Stepper` and a
:class:`~virtlab.ui.widgets.lines_view.ViewContext`, so the plain-text twin needs no app.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from textual.content import Content

from virtlab.core.network.fabric import Hop
from virtlab.core.network.trace import Trace, trace, where_of
from virtlab.course.i18n import t
from virtlab.course.trace_text import hop_text, hop_words
from virtlab.ui.widgets.labtext import Lines
from virtlab.ui.widgets.lines_view import ViewContext
from virtlab.ui.widgets.topology_cards import Callout
from virtlab.ui.widgets.topology_text import focus_id

__all__ = ["Step", "Stepper", "Walk", "callout", "stepper_lines", "steps", "walk"]


@dataclass(frozen=True, slots=True)
class Step:
    """One hop of the walk: the hop, whether it is on the reply, and whether it drops."""

    hop: Hop
    reply: bool
    dropped: bool

    @property
    def delivered(self) -> bool:
        return self.hop.code == "delivered"


def steps(tr: Trace) -> tuple[Step, ...]:
    """The request's hops, then the reply's (a trace whose request arrived has one)."""
    out = [Step(h, False, h is tr.drop) for h in tr.hops]
    if tr.reply is not None:
        out += [Step(h, True, h is tr.reply.drop) for h in tr.reply.hops]
    return tuple(out)


Probe = tuple[str, int | None, int]
"""What a trace sends: protocol, destination port (None for icmp) and IP packet size."""

#: The probes ``P`` cycles through after the matrix's own: the full-size ping, one small
#: enough for a 1500-byte underlay under VXLAN's 50 bytes, and the services the labs judge.
PROBES: tuple[Probe, ...] = (("icmp", None, 1500), ("icmp", None, 1400), ("tcp", 22, 1000),
                             ("tcp", 23, 1000), ("tcp", 80, 1000), ("tcp", 5432, 1000))


@dataclass(frozen=True, slots=True)
class Stepper:
    """Where the stepper is: the destination chosen (None: the first after the source), the
    probe (None: the matrix's own) and the step it is on (0: the first, the source's vNIC
    sending)."""

    dst: str | None = None
    index: int = 0
    probe: Probe | None = None

    def moved(self, delta: int, count: int) -> Stepper:
        """``delta`` steps on (back if negative), wrapping round past either end."""
        return replace(self, index=(self.index + delta) % count if count else 0)


@dataclass(frozen=True, slots=True)
class Walk:
    """The trace a stepper walks and the step it is on (its index kept inside the walk)."""

    src: str
    dst: str
    trace: Trace
    steps: tuple[Step, ...]
    index: int
    probe: Probe

    @property
    def step(self) -> Step:
        return self.steps[self.index]

    @property
    def drop_at(self) -> int | None:
        """The 1-based number of the step that drops the packet, if one does."""
        return next((i + 1 for i, s in enumerate(self.steps) if s.dropped), None)


def _pair(ctx: ViewContext, dst: str | None) -> tuple[str, str] | None:
    report = ctx.report.network
    names = report.workloads if report is not None else []
    if not names:
        return None
    src = ctx.selected if ctx.selected in names else names[0]
    others = [n for n in names if n != src]
    if not others:
        return None
    return src, dst if dst in others else others[0]


def next_destination(ctx: ViewContext, stepper: Stepper) -> Stepper:
    """The stepper on the next destination after the one it walks to, from its first hop."""
    pair = _pair(ctx, stepper.dst)
    report = ctx.report.network
    if pair is None or report is None:
        return stepper
    others = [n for n in report.workloads if n != pair[0]]
    return replace(stepper, dst=others[(others.index(pair[1]) + 1) % len(others)], index=0)


def _matrix_probe(ctx: ViewContext) -> Probe:
    net = ctx.state.network
    return net.probe_proto, net.probe_port, net.probe_size


def next_probe(ctx: ViewContext, stepper: Stepper) -> Stepper:
    """The stepper sending the next probe (the matrix's own first), from its first hop."""
    own = _matrix_probe(ctx)
    cycle = [own, *(p for p in PROBES if p != own)]
    now = stepper.probe or own
    return replace(stepper, probe=cycle[(cycle.index(now) + 1) % len(cycle)] if now in cycle else own,
                   index=0)


def walk(ctx: ViewContext, stepper: Stepper) -> Walk | None:
    """The trace from the selected workload to the stepper's destination (the matrix's own,
    else traced now with the matrix's probe), or None when the lab has no two workloads."""
    pair = _pair(ctx, stepper.dst)
    report = ctx.report.network
    if pair is None or report is None:
        return None
    src, dst = pair
    own = _matrix_probe(ctx)
    probe = stepper.probe or own
    tr = report.trace(src, dst) if probe == own else None
    if tr is None:
        tr = trace(ctx.state.network, where_of(ctx.state), src, dst, *probe)
    walked = steps(tr)
    return Walk(src, dst, tr, walked, min(max(stepper.index, 0), len(walked) - 1), probe)


def _words(w: Walk, text: str) -> Content:
    """``✗ 5. trunk does not allow VLAN 30``: a mark (→ request, ↩ reply, ✗ the drop, ✓
    delivered), the step's number and ``text``."""
    s = w.step
    mark, style = ("✗", "bold $error") if s.dropped else ("✓", "bold $success") if s.delivered else (
        "↩" if s.reply else "→", "bold $accent")
    return Content.assemble((f"{mark} {w.index + 1}. ", style), (text, style if s.dropped else ""))


def callout(w: Walk, lang: str) -> Callout:
    """The step's node to light in the drawing and the words to set under it."""
    return Callout(focus_id(w.step.hop.at), _words(w, hop_words(w.step.hop, lang)), len(f"→ {w.index + 1}. "))


def stepper_lines(ctx: ViewContext, w: Walk | None, *, with_hop: bool = False) -> Lines:
    """The stepper's header: the trace and its verdict, a strip of its steps (``●`` passed,
    ``◉`` here, ``○`` ahead, ``✗`` the drop) and which hop it is on; ``with_hop`` adds the
    hop's words (when the drawing has no node to set them under)."""
    out = Lines()
    lang, width = ctx.lang, ctx.width or 80
    if w is None:
        return out.line(t("labp.step.none", lang), "$foreground-muted")
    proto, port, size = w.probe
    what = f"{proto}/{port}" if port is not None else proto
    probe = t("labp.step.probe", lang, what=what, size=size)
    at = w.drop_at
    verdict = (t("labp.step.ok", lang) if w.trace.ok else
               t("labp.step.dropped", lang, n=at or len(w.steps)))
    head = Lines().add(t("labp.step.head", lang, src=w.src, dst=w.dst, probe=probe) + " ", "bold")
    head.add(verdict, "bold $success" if w.trace.ok else "bold $error")
    out.block(head.content(), width)
    strip = Lines()
    for i, s in enumerate(w.steps):
        if i == 0 or s.reply != w.steps[i - 1].reply:
            strip.add((" " if i else "") + t("labp.step.reply" if s.reply else "labp.step.request", lang) + " ",
                      "$foreground-muted")
        here = i == w.index
        glyph = "✗" if s.dropped else "◉" if here else "●" if i < w.index else "○"
        style = "bold $error" if s.dropped else "bold $accent" if here else "$foreground-muted"
        strip.add(glyph, f"{style} reverse" if here else style)
    strip.add("  " + t("labp.step.at", lang, n=w.index + 1, total=len(w.steps)), "$foreground-muted")
    out.block(strip.content(), width)
    if with_hop:
        out.block(_words(w, hop_text(w.step.hop, lang)), width, "", "   ")
    return out
