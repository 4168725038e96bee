"""The page ``virtlab serve`` hands a browser: textual-serve's own, with fonts that show Korean
and nothing fetched from the internet.

textual-serve 1.1.3 builds its xterm.js terminal with ``fontFamily: "'Roboto Mono', Monaco,
'Courier New', monospace"`` written into its bundle, and its page links Google Fonts for Roboto
Mono. On a machine whose monospace fonts have no Hangul, the footer's 한국어 then shows as
boxes, and in a classroom without internet the page waits on a stylesheet it cannot fetch.
So the server here

- serves the bundle with that one literal replaced by :data:`FONT_STACK` (a monospace font
  with Hangul first, then Roboto Mono as before, then the Korean fonts macOS and Windows
  carry), and
- renders textual-serve's template with the Google Fonts link swapped for an ``@font-face``
  on the Roboto Mono files textual-serve itself ships under ``static/fonts``.

If a textual-serve upgrade changes either text, the original is served unchanged and the
server logs that it could not (a page without CJK fallbacks, never a broken one).
"""

from __future__ import annotations

import logging
from functools import cache
from pathlib import Path

__all__ = ["FONT_STACK", "page_template", "terminal_script"]

#: First the monospace fonts whose Hangul is exactly two of their Latin cells — Noto Sans Mono
#: CJK (Debian's fonts-noto-cjk), D2Coding, NanumGothicCoding — so 한국어 sits tight on the
#: grid (xterm.js sizes its cells from the first font it finds); without one of them,
#: textual-serve's Roboto Mono, with the macOS and Windows Korean system fonts for Hangul.
FONT_STACK = ("'Noto Sans Mono CJK KR', 'D2Coding', 'NanumGothicCoding', 'Roboto Mono', "
              "'Apple SD Gothic Neo', 'Malgun Gothic', 'Noto Sans CJK KR', 'DejaVu Sans Mono', "
              "Monaco, 'Courier New', monospace")

_BUNDLED_STACK = "fontFamily:\"'Roboto Mono', Monaco, 'Courier New', monospace\""
_GOOGLE_FONTS = """    <link
      rel="stylesheet"
      href="https://fonts.googleapis.com/css?family=Roboto%20Mono"
    />"""
_LOCAL_FONTS = """    <style>
      @font-face {
        font-family: "Roboto Mono";
        src: url("{{ config.static.url }}fonts/RobotoMono-VariableFont_wght.ttf");
        font-weight: 100 700;
      }
      @font-face {
        font-family: "Roboto Mono";
        src: url("{{ config.static.url }}fonts/RobotoMono-Italic-VariableFont_wght.ttf");
        font-weight: 100 700;
        font-style: italic;
      }
    </style>"""

_log = logging.getLogger("virtlab.serve")


@cache
def terminal_script(statics: Path) -> bytes:
    """textual-serve's ``js/textual.js`` with :data:`FONT_STACK` as the terminal's font."""
    source = (statics / "js" / "textual.js").read_text(encoding="utf-8")
    if source.count(_BUNDLED_STACK) != 1:
        _log.warning("textual-serve's terminal font is not where virtlab expects it; "
                     "the page keeps textual-serve's fonts (Korean may show as boxes)")
        return source.encode("utf-8")
    return source.replace(_BUNDLED_STACK, f'fontFamily:"{FONT_STACK}"').encode("utf-8")


@cache
def page_template(templates: Path) -> str:
    """textual-serve's ``app_index.html`` with the bundled Roboto Mono instead of Google Fonts."""
    source = (templates / "app_index.html").read_text(encoding="utf-8")
    if source.count(_GOOGLE_FONTS) != 1:
        _log.warning("textual-serve's page does not link Google Fonts as virtlab expects; "
                     "it is served unchanged")
        return source
    return source.replace(_GOOGLE_FONTS, _LOCAL_FONTS)
