"""textual-serve's server with a sign-in in front: no page, asset or websocket without a live session.

``GET /signin?token=…`` (the printed link) or the sign-in form's ``POST /signin`` trades the one-time
token for a session cookie (HttpOnly, SameSite=Strict, Secure behind https) and redirects to ``/``, so
the token leaves the address bar. The websocket that runs a tab also checks its Origin is this server's,
so another site open in the same browser cannot drive the app.
"""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import TYPE_CHECKING

import aiohttp_jinja2
from aiohttp import web
from textual_serve.server import Server, to_int
from yarl import URL

from tui.web.sign_in import COOKIE, SignIn
from tui.web.tab import IdleLimited, Tab
from tui.web.warm import Spare

if TYPE_CHECKING:
    from tui.web.viewer_sign_in import ViewerSignIn

TEMPLATES = Path(__file__).parent / "templates"
IDLE_MINUTES = 8 * 60.0
NEXT_SPARE_AFTER_S = 1.0  # after a tab attaches: its first frames go out before the next process starts
HEADERS = {
    "Cache-Control": "no-store",
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
    "Content-Security-Policy": "frame-ancestors 'none'",
}
# textual-serve's script and style sheet: kept by this browser only, asked again with If-Modified-Since
# (a 304 on loopback), so a new tab skips the 500 KB download and Chromium reuses its compiled script
STATIC_HEADERS = {**HEADERS, "Cache-Control": "private, no-cache"}


class WebServer(Server):
    def __init__(
        self,
        command: str,
        *,
        sign_in: SignIn | ViewerSignIn,
        host: str,
        port: int,
        public_url: str | None = None,
        idle_seconds: float = IDLE_MINUTES * 60,
    ) -> None:
        super().__init__(command, host=host, port=port, title="callrail-tui", public_url=public_url)
        self.templates_path = TEMPLATES
        self.sign_in = sign_in
        self.idle_seconds = idle_seconds
        self.origin = str(URL(self.public_url).origin())
        self.tabs: set[Tab] = set()
        self.spare = Spare(self._new_tab)

    @property
    def sign_in_url(self) -> str:
        """The link to print once: it carries the token."""
        return f"{self.public_url}/signin?token={self.sign_in.token}"

    async def start(self) -> web.AppRunner:
        """Listen; the caller ends it with ``await runner.cleanup()``. No access log: the sign-in
        link's query would be in it."""
        app = await self._make_app()
        app.middlewares.append(self._guard)
        app.router.add_route("*", "/signin", self.handle_sign_in)
        runner = web.AppRunner(app, access_log=None, handle_signals=False)
        await runner.setup()
        await web.TCPSite(runner, self.host, self.port).start()
        return runner

    async def on_startup(self, app: web.Application) -> None:
        """Print nothing: the command prints where to sign in."""

    async def on_shutdown(self, app: web.Application) -> None:
        await asyncio.gather(self.spare.close(), *(tab.stop() for tab in list(self.tabs)))

    def _new_tab(self, env: dict[str, str | None]) -> Tab:
        return Tab(self.command, download_manager=self.download_manager, env=env)

    @web.middleware
    async def _guard(self, request: web.Request, handler) -> web.StreamResponse:
        if request.path == "/signin" or self.sign_in.signed_in(request.cookies.get(COOKIE)):
            response = await handler(request)
        elif request.path == "/" and request.method == "GET":
            response = self._sign_in_page(request, refused=False)
        else:
            response = web.Response(status=401, text="Sign in first.")
        if not response.prepared:
            static = request.path.startswith("/static/") and response.status in (200, 304)
            response.headers.update(STATIC_HEADERS if static else HEADERS)
        return response

    def _sign_in_page(self, request: web.Request, *, refused: bool) -> web.Response:
        return aiohttp_jinja2.render_template("sign_in.html", request, {"refused": refused}, status=401)

    async def handle_sign_in(self, request: web.Request) -> web.StreamResponse:
        if request.method == "POST":
            token = str((await request.post()).get("token", ""))
        elif request.method == "GET":
            token = request.query.get("token", "")
        else:
            return web.Response(status=405)
        session_id = self.sign_in.exchange(token.strip())
        if session_id is None:
            return self._sign_in_page(request, refused=bool(token))
        self.spare.prepare(self.sign_in.env_for(session_id))  # for this session's first tab
        response = web.Response(status=303, headers={"Location": "/"})
        response.set_cookie(
            COOKIE,
            session_id,
            max_age=int(self.sign_in.session_seconds),
            path="/",
            httponly=True,
            samesite="Strict",
            secure=self.public_url.startswith("https:"),
        )
        return response

    async def handle_websocket(self, request: web.Request) -> web.StreamResponse:
        if request.headers.get("Origin") != self.origin:
            return web.Response(status=403, text="Not from this page.")
        websocket = web.WebSocketResponse(heartbeat=15)
        await websocket.prepare(request)
        env = self.sign_in.env_for(request.cookies.get(COOKIE))
        width = to_int(request.query.get("width", "80"), 80)
        height = to_int(request.query.get("height", "24"), 24)
        tab = await self.spare.take(env, width, height)
        if tab is None:
            tab = self._new_tab(env)
            await tab.start(width, height)
        self.tabs.add(tab)
        try:
            await tab.attach(websocket, width, height)
            self.spare.prepare_after(env, NEXT_SPARE_AFTER_S)  # for the next tab
            await self._process_messages(IdleLimited(websocket, self.idle_seconds), tab)
        finally:
            await tab.stop()
            self.tabs.discard(tab)
            await websocket.close()
        return websocket
