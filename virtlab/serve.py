"""``virtlab serve`` for a classroom: textual-serve's server with an access token, a cap on
concurrent sessions, and one progress folder per browser that a reload comes back to.

- **Token.** With ``--token``, the page opens only at ``/?token=…`` (the address the
  instructor hands out); it sets a cookie, so the websocket the page opens carries it too.
- **Cap.** At most ``--max-sessions`` app processes at once; the next browser gets a page
  saying the class is full, not a hung terminal.
- **Progress per browser.** A cookie the server signs names the browser; its folder is
  ``sessions/<HMAC of the cookie>`` under a secret kept in ``sessions/.secret``, so a reload —
  or a restarted server — comes back to that student's progress, and a made-up cookie gets a
  new one. One live session per browser: a reload replaces the old one. The command each
  session runs is the server's own constant and that hex folder name — never anything the
  browser sent.
- **Fonts.** The page names a font stack with Korean fallbacks and fetches nothing from the
  internet (:mod:`virtlab.serve_page`).
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import logging
import os
import secrets
import shlex
from pathlib import Path
from typing import Any

import aiohttp_jinja2
import jinja2
from aiohttp import web
from textual_serve.app_service import AppService
from textual_serve.server import Server, to_int

from virtlab.serve_page import page_template, terminal_script

__all__ = ["ClassServer", "FULL_PAGE", "TOKEN_PAGE"]

TOKEN_COOKIE, SESSION_COOKIE = "virtlab_token", "virtlab_session"
TOKEN_PAGE = ("virtlab: this class needs its access token. Open the address your instructor "
              "gave you (it ends in ?token=…).")
FULL_PAGE = ("virtlab: the class is full ({n} sessions are open). Try again when someone "
             "leaves, or ask your instructor to raise --max-sessions.")


def _secret(root: Path) -> bytes:
    """The server's secret for signing cookies and naming folders, kept across restarts."""
    path = root / ".secret"
    try:
        return bytes.fromhex(path.read_text(encoding="ascii").strip())
    except (OSError, ValueError):
        root.mkdir(parents=True, exist_ok=True)
        value = secrets.token_bytes(32)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="ascii") as handle:
            handle.write(value.hex())
        return value


class ClassServer(Server):
    def __init__(self, command: str, *, sessions_root: Path, token: str | None = None,
                 max_sessions: int = 40, **kwargs: Any) -> None:
        super().__init__(command, **kwargs)
        self.sessions_root = sessions_root
        self.token = token
        self.max_sessions = max_sessions
        self._live: dict[str, web.WebSocketResponse] = {}  # browser → its one open session
        self._secret = _secret(sessions_root)

    async def _make_app(self) -> web.Application:
        """textual-serve's routes, with the page and the terminal's script from
        :mod:`virtlab.serve_page` (registered before the static folder, so they win)."""
        app = web.Application()
        template = page_template(self.templates_path)
        aiohttp_jinja2.setup(app, loader=jinja2.DictLoader({"app_index.html": template}))
        app.add_routes([
            web.get("/", self.handle_index, name="index"),
            web.get("/ws", self.handle_websocket, name="websocket"),
            web.get("/download/{key}", self.handle_download, name="download"),
            web.get("/static/js/textual.js", self.handle_script),
            web.static("/static", self.statics_path, show_index=False, name="static"),
        ])
        app.on_startup.append(self.on_startup)
        app.on_shutdown.append(self.on_shutdown)
        return app

    async def handle_script(self, request: web.Request) -> web.Response:
        return web.Response(body=terminal_script(self.statics_path),
                            content_type="application/javascript", charset="utf-8")

    @property
    def active(self) -> int:
        """Browsers with a session open."""
        return len(self._live)

    def _full_for(self, browser: str | None) -> bool:
        """Whether a new browser must wait (one already in, reloading, never has to)."""
        others = sum(1 for b in self._live if b != browser)
        return others >= self.max_sessions

    def _sign(self, nonce: str) -> str:
        return hmac.new(self._secret, nonce.encode(), hashlib.sha256).hexdigest()

    def new_cookie(self) -> str:
        nonce = secrets.token_hex(16)
        return f"{nonce}.{self._sign(nonce)[:32]}"

    def browser_of(self, request: web.Request) -> str | None:
        """The browser's id if its cookie is one this server signed, else None."""
        value = request.cookies.get(SESSION_COOKIE, "")
        nonce, _, sig = value.partition(".")
        if len(nonce) == 32 and all(c in "0123456789abcdef" for c in nonce) and \
                hmac.compare_digest(sig, self._sign(nonce)[:32]):
            return nonce
        return None

    def _token_ok(self, request: web.Request) -> bool:
        if not self.token:
            return True
        given = request.query.get("token") or request.cookies.get(TOKEN_COOKIE) or ""
        return hmac.compare_digest(given.encode(), self.token.encode())

    def folder_for(self, browser: str) -> Path:
        """The progress folder of one browser: a hex name the server derives with its secret."""
        return self.sessions_root / self._sign("folder:" + browser)[:24]

    def session_command(self, folder: Path) -> str:
        return f"{self.command} --data-dir {shlex.quote(str(folder))}"

    async def handle_index(self, request: web.Request) -> web.StreamResponse:
        if not self._token_ok(request):
            return web.Response(status=403, text=TOKEN_PAGE)
        if self._full_for(self.browser_of(request)):
            return web.Response(status=503, text=FULL_PAGE.format(n=self.active))
        response: web.StreamResponse = await super().handle_index(request)
        if self.token:
            response.set_cookie(TOKEN_COOKIE, self.token, httponly=True, samesite="Strict")
        if self.browser_of(request) is None:
            response.set_cookie(SESSION_COOKIE, self.new_cookie(), httponly=True, samesite="Strict",
                                max_age=14 * 24 * 3600)
        return response

    async def handle_websocket(self, request: web.Request) -> web.WebSocketResponse:
        """As textual-serve's, with the token, the cap and the browser's own folder."""
        websocket = web.WebSocketResponse(heartbeat=15)
        browser = self.browser_of(request) or secrets.token_hex(16)
        if not self._token_ok(request) or self._full_for(browser):
            await websocket.prepare(request)
            await websocket.close(message=(TOKEN_PAGE if not self._token_ok(request) else
                                           FULL_PAGE.format(n=self.active)).encode()[:120])
            return websocket
        folder = self.folder_for(browser)
        width = to_int(request.query.get("width", "80"), 80)
        height = to_int(request.query.get("height", "24"), 24)
        app_service: AppService | None = None
        old = self._live.get(browser)
        if old is not None:  # a reload: the old session gives way (one process per browser)
            await old.close()
        self._live[browser] = websocket
        try:
            await websocket.prepare(request)
            app_service = AppService(self.session_command(folder), write_bytes=websocket.send_bytes,
                                     write_str=websocket.send_str, close=websocket.close,  # type: ignore[arg-type]
                                     download_manager=self.download_manager, debug=self.debug)
            await app_service.start(width, height)
            await self._process_messages(websocket, app_service)
        except asyncio.CancelledError:
            await websocket.close()
        except Exception:  # a session that fails must not take the server down
            logging.getLogger("virtlab.serve").exception("session failed")
        finally:
            if self._live.get(browser) is websocket:
                del self._live[browser]
            if app_service is not None:
                await app_service.stop()
        return websocket
