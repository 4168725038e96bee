"""The packet trace's words in the student's language: a drop's reason, a step, a hop, a cell.

The core says why a packet was dropped as a code with its numbers, and where as a node code
with its names (:mod:`virtlab.core.network.reasons`); the string files
(``strings/{en,ko}-network.toml``) word each code (``leaf-1 port 3`` is ``leaf-1 포트 3``). A frame's tag and a VLAN read as words (0 is untagged, as IEEE 802.1Q's VID 0).
"""

from __future__ import annotations

from collections.abc import Mapping

from virtlab.core.network.fabric import Hop
from virtlab.core.network.reasons import Node
from virtlab.core.network.report import Cell
from virtlab.core.network.trace import Trace
from virtlab.course.i18n import catalog, t
from virtlab.course.josa import Word

__all__ = ["cell_text", "hop_text", "hop_words", "node_text", "reason_text", "trace_reason"]


def _word(key: str, value: str | int, lang: str) -> str:
    if isinstance(value, int) and key.endswith(("_tag", "_vlan")):
        if value == 0:
            return t("net.word.untagged", lang)
        return t("net.word.tagged" if key.endswith("_tag") else "net.word.vlan", lang, vlan=value)
    return str(value)


def _template(code: str, lang: str) -> str | None:
    for cat in (catalog(lang), catalog("en")):
        found = cat.get(f"net.drop.{code}") or cat.get(f"net.step.{code}")
        if found is not None:
            return found
    return None


def reason_text(code: str, params: Mapping[str, str | int], lang: str) -> str | None:
    """A drop's reason or a step in ``lang``, or None if no string file words ``code``."""
    template = _template(code, lang)
    if template is None:
        return None
    return template.format(**{k: Word(_word(k, v, lang)) for k, v in params.items()})


def node_text(at: Node, lang: str) -> str:
    """Where a hop is in ``lang`` (``leaf-1 port 3``); the core's English if no file words it."""
    key = f"net.node.{at.code}"
    if key not in catalog(lang) and key not in catalog("en"):
        return at.text
    return t(key, lang, **{k: str(v) for k, v in at.params.items()})


def hop_words(hop: Hop, lang: str) -> str:
    """What happened at a hop in ``lang`` (``trunk does not allow VLAN 30``), with the notes
    it adds (a hop without a code keeps the core's note)."""
    main = reason_text(hop.code, hop.params, lang) if hop.code else None
    if main is None:
        return hop.note
    notes = [reason_text(x.code, x.params, lang) or x.text for x in hop.extra]
    return "; ".join([main, *notes])


def hop_text(hop: Hop, lang: str) -> str:
    """``leaf-1 port 3: trunk does not allow VLAN 30`` in ``lang``: where, then what happened."""
    return t("net.hop", lang, node=node_text(hop.at, lang), reason=hop_words(hop, lang))


def trace_reason(tr: Trace, lang: str) -> str:
    """Why a trace failed in ``lang`` (the reply's reason marked as such), or reachable."""
    at = tr.dropped_at
    if at is None:
        return t("net.reachable", lang)
    text = hop_text(at[0], lang)
    return t("net.on_reply", lang, reason=text) if at[1] else text


def cell_text(cell: Cell, lang: str) -> str:
    """A reachability matrix cell's verdict in ``lang``."""
    if cell.hop is None:
        return t("net.reachable", lang) if cell.ok else cell.reason
    text = hop_text(cell.hop, lang)
    return t("net.on_reply", lang, reason=text) if cell.on_reply else text
