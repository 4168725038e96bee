"""``virtlab serve`` for a classroom: textual-serve's server with an access token, a cap on
concurrent sessions, and one progress folder per browser that a reload comes back to.

- **Token.** With ``--token``, the page opens only at ``/?token=…`` (the address the
  instructor hands out); it sets a cookie, so the websocket the page opens carries it too.
- **Cap.** At most ``--max-sessions`` app processes at once; the next browser gets a page
  saying the class is full, not a hung terminal.
- **Progress per browser.** A cookie names the browser; the server maps it to a folder it
  numbers itself (``sessions/s0001`` …), so a reload resumes that student's progress. The
  command each session runs is built from the server's own constant and that folder — never
  from anything the browser sent.
"""

from __future__ import annotations

import asyncio
import hmac
import logging
import secrets
import shlex
from pathlib import Path
from typing import Any

from aiohttp import web
from textual_serve.app_service import AppService
from textual_serve.server import Server, to_int

__all__ = ["ClassServer", "FULL_PAGE", "TOKEN_PAGE"]

TOKEN_COOKIE, SESSION_COOKIE = "virtlab_token", "virtlab_session"
TOKEN_PAGE = ("virtlab: this class needs its access token. Open the address your instructor "
              "gave you (it ends in ?token=…).")
FULL_PAGE = ("virtlab: the class is full ({n} sessions are open). Try again when someone "
             "leaves, or ask your instructor to raise --max-sessions.")


class ClassServer(Server):
    def __init__(self, command: str, *, sessions_root: Path, token: str | None = None,
                 max_sessions: int = 40, **kwargs: Any) -> None:
        super().__init__(command, **kwargs)
        self.sessions_root = sessions_root
        self.token = token
        self.max_sessions = max_sessions
        self._live: dict[str, int] = {}  # browser → its open sessions
        self._folders: dict[str, Path] = {}

    @property
    def active(self) -> int:
        """Browsers with a session open."""
        return len(self._live)

    def _full_for(self, browser: str | None) -> bool:
        """Whether a new browser must wait (one already in, reloading, never has to)."""
        others = sum(1 for b in self._live if b != browser)
        return others >= self.max_sessions

    def _token_ok(self, request: web.Request) -> bool:
        if not self.token:
            return True
        given = request.query.get("token") or request.cookies.get(TOKEN_COOKIE) or ""
        return hmac.compare_digest(given.encode(), self.token.encode())

    def folder_for(self, browser: str) -> Path:
        """The progress folder of one browser (numbered by the server, not named by it)."""
        if browser not in self._folders:
            self._folders[browser] = self.sessions_root / f"s{len(self._folders) + 1:04d}"
        return self._folders[browser]

    def session_command(self, folder: Path) -> str:
        return f"{self.command} --data-dir {shlex.quote(str(folder))}"

    async def handle_index(self, request: web.Request) -> web.StreamResponse:
        if not self._token_ok(request):
            return web.Response(status=403, text=TOKEN_PAGE)
        if self._full_for(request.cookies.get(SESSION_COOKIE)):
            return web.Response(status=503, text=FULL_PAGE.format(n=self.active))
        response: web.StreamResponse = await super().handle_index(request)
        if self.token:
            response.set_cookie(TOKEN_COOKIE, self.token, httponly=True, samesite="Strict")
        if SESSION_COOKIE not in request.cookies:
            response.set_cookie(SESSION_COOKIE, secrets.token_hex(16), httponly=True, samesite="Strict",
                                max_age=14 * 24 * 3600)
        return response

    async def handle_websocket(self, request: web.Request) -> web.WebSocketResponse:
        """As textual-serve's, with the token, the cap and the browser's own folder."""
        websocket = web.WebSocketResponse(heartbeat=15)
        browser = request.cookies.get(SESSION_COOKIE) or secrets.token_hex(16)
        if not self._token_ok(request) or self._full_for(browser):
            await websocket.prepare(request)
            await websocket.close(message=(TOKEN_PAGE if not self._token_ok(request) else
                                           FULL_PAGE.format(n=self.active)).encode()[:120])
            return websocket
        folder = self.folder_for(browser)
        width = to_int(request.query.get("width", "80"), 80)
        height = to_int(request.query.get("height", "24"), 24)
        app_service: AppService | None = None
        self._live[browser] = self._live.get(browser, 0) + 1
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
            self._live[browser] -= 1
            if not self._live[browser]:
                del self._live[browser]
            if app_service is not None:
                await app_service.stop()
        return websocket
