"""Links in a lesson: which lab actions a ``[text](lab:NAME)`` link may run, and the links a
lesson may not have (checked by ``virtlab check``; inert in the app).

Lessons are data: a link never names an app action (``app.quit``), a screen or code.
"""

from __future__ import annotations

import re
from pathlib import Path

from virtlab.course.lessons import CourseFileError

_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")

#: What a lesson link ``[text](lab:NAME)`` may run: the lab panel's actions, by their exact
#: name (with their only arguments). Anything else is a ``virtlab check`` error and does
#: nothing in the app.
LAB_LINK_ACTIONS: frozenset[str] = frozenset({
    "add_vm", "add_container", "cpu(1)", "cpu(-1)", "memory(1)", "memory(-1)", "demand",
    "edit", "remove", "fail", "move", "undo", "redo", "reset", "cycle_view", "snapshot",
    "write", "revert", "consolidate", "backup", "time",
})
#: The link schemes a lesson may use besides ``lab:``.
LINK_SCHEMES = ("http", "https", "mailto")
_LINK_START = re.compile(r"\]\(\s*")
_CODE_SPAN = re.compile(r"(`+)(?:(?!\1).)+?\1")
_SCHEME = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]*):")


def _hrefs(line: str) -> list[str]:
    """The destinations of the inline links on one line (outside code spans), with balanced
    parentheses as CommonMark reads them: ``[x](lab:cpu(1))`` links to ``lab:cpu(1)``."""
    line = _CODE_SPAN.sub("", line)
    out = []
    for start in _LINK_START.finditer(line):
        i, depth, href = start.end(), 0, []
        if line.startswith("<", i):
            end = line.find(">", i)
            out.append(line[i + 1:end] if end > 0 else line[i + 1:])
            continue
        while i < len(line) and not line[i].isspace():
            ch = line[i]
            if ch == "(":
                depth += 1
            elif ch == ")":
                if depth == 0:
                    break
                depth -= 1
            href.append(ch)
            i += 1
        if href:
            out.append("".join(href))
    return out


def lab_link_action(href: str) -> str | None:
    """The lab action a ``lab:`` link names, if it is one a lesson may run."""
    if not href.startswith("lab:"):
        return None
    name = href.removeprefix("lab:")
    return name if name in LAB_LINK_ACTIONS else None


def link_problems(path: Path, text: str) -> list[CourseFileError]:
    """Links that name a lab action outside :data:`LAB_LINK_ACTIONS` or an unknown scheme."""
    out: list[CourseFileError] = []
    fence: str | None = None
    for n, line in enumerate(text.splitlines(), start=1):
        marker = _FENCE.match(line)
        if marker:
            char = marker.group(1)[0]
            fence = char if fence is None else (None if char == fence else fence)
            continue
        if fence is not None:
            continue
        for href in _hrefs(line):
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
