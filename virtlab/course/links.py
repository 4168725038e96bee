"""Links in a lesson: which lab actions a ``[text](lab:NAME)`` link may run, and the links a
lesson may not have (checked by ``virtlab check``; in the app a link that is not allowed does
nothing, and an allowed one runs its lab action — the key a student would press, e.g.
``lab:move`` opens the Move dialog).

A link names the lab panel's action (the key's name, as the command palette lists them), not
a lab file's action kind: ``lab:edit`` opens the dialog that makes an ``update``.

Lessons are data: a link never names an app action (``app.quit``), a screen or code.
"""

from __future__ import annotations

import re
from pathlib import Path

from virtlab.course.lessons import CourseFileError

LAB_ACTIONS: tuple[tuple[str, str], ...] = (
    ("add_vm", "keys.add_vm"),
    ("add_container", "keys.add_container"),
    ("cpu(1)", "keys.cpu_1"),
    ("cpu(-1)", "keys.cpu_m1"),
    ("memory(1)", "keys.memory_1"),
    ("memory(-1)", "keys.memory_m1"),
    ("demand", "keys.demand"),
    ("edit", "keys.edit"),
    ("remove", "keys.remove"),
    ("fail", "keys.fail"),
    ("move", "keys.move"),
    ("undo", "keys.undo"),
    ("redo", "keys.redo"),
    ("reset", "keys.reset"),
    ("cycle_view", "keys.cycle_view"),
    ("snapshot", "keys.snapshot"),
    ("write", "keys.write"),
    ("revert", "keys.revert"),
    ("consolidate", "keys.consolidate"),
    ("backup", "keys.backup"),
    ("time", "keys.time"),
)
"""The lab panel's actions by name, with the string key of each one's label: what the
command palette offers when a lab is open, and all a lesson link may run."""
#: What a lesson link ``[text](lab:NAME)`` may run: the lab panel's actions, by their exact
#: name (with their only arguments). Anything else is a ``virtlab check`` error and does
#: nothing in the app.
LAB_LINK_ACTIONS: frozenset[str] = frozenset(action for action, _ in LAB_ACTIONS)
#: The link schemes a lesson may use besides ``lab:``.
LINK_SCHEMES = ("http", "https", "mailto")
_SCHEME = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]*):")


def lab_link_action(href: str) -> str | None:
    """The lab action a ``lab:`` link names, if it is one a lesson may run."""
    if not href.startswith("lab:"):
        return None
    name = href.removeprefix("lab:")
    return name if name in LAB_LINK_ACTIONS else None


def link_destinations(text: str) -> list[tuple[int, str]]:
    """Every link and image destination in a lesson, with its line: parsed by markdown-it with
    Textual's own preset (``gfm-like``), so reference links, autolinks, linkified URLs,
    destinations on the next line, code spans, code blocks and fences are read exactly as the
    app renders them."""
    from markdown_it import MarkdownIt

    class EveryLink(MarkdownIt):
        """Every destination, also those markdown-it refuses to make links of (javascript:,
        file:, data:): the app shows them as text, and the author should hear about them."""

        def validateLink(self, url: str) -> bool:  # noqa: N802 (markdown-it's name)
            return True

    parser = EveryLink("gfm-like")
    out: list[tuple[int, str]] = []
    for block in parser.parse(text):
        line = block.map[0] + 1 if block.map else 0
        for token in block.children or ():
            href = token.attrGet("href") if token.type == "link_open" else (
                token.attrGet("src") if token.type == "image" else None)
            if isinstance(href, str):
                out.append((line, href))
    return out


def link_problems(path: Path, text: str) -> list[CourseFileError]:
    """Links that name a lab action outside :data:`LAB_LINK_ACTIONS` or an unknown scheme."""
    out: list[CourseFileError] = []
    for n, href in link_destinations(text):
        scheme = _SCHEME.match(href)
        if href.startswith("lab:") and lab_link_action(href) is None:
            out.append(CourseFileError(path, f"line {n}", (
                f"link {href!r} names no lab action a lesson may run "
                f"(allowed: lab:{', lab:'.join(sorted(LAB_LINK_ACTIONS))})")))
        elif scheme and scheme.group(1).lower() not in ("lab", *LINK_SCHEMES):
            out.append(CourseFileError(path, f"line {n}", (
                f"link {href!r}: a lesson links only to lab: actions and "
                f"{', '.join(s + ':' for s in LINK_SCHEMES)} pages")))
    return out
