"""Fixtures for the call detail and texts screens: a session on the in-process simulator with a manual
clock (nothing moves unless a test moves it), and a small host app that provides what the screens use
from the real app (``session``, ``settings``, ``context``) and its stylesheet.

The session's loops are not run: tests call ``poll_once()`` and ``outbox.process()`` when they want a
poll or a send, so every step is deterministic.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
from textual.app import App

from tui.callrail.models import Call, CallStatus, Conversation
from tui.context import Context
from tui.live.session import LiveSession
from tui.sim import SimConfig, Simulator
from tui.sim.clock import ManualClock
from tui.wiring import SIM_URL, session_on_simulator

# A Thursday mid-morning in the simulator's companies (US time zones): calls and texts already today.
START = datetime(2026, 11, 26, 17, 30, tzinfo=UTC)
APP_TCSS = Path(__file__).resolve().parents[2] / "tui" / "app.tcss"


@dataclass
class HostSettings:
    mask: bool = False
    display_time_zone: str | None = None
    notify_toast: bool = False
    notify_bell: bool = False
    enter_sends: bool = False


class HostApp(App[None]):
    """What the screens need of ``CallRailApp``, without the feed around them."""

    CSS_PATH = [APP_TCSS] if APP_TCSS.exists() else None

    def __init__(self, session: LiveSession, settings: HostSettings | None = None) -> None:
        super().__init__()
        self.session = session
        self.settings = settings or HostSettings()
        self.context = Context(self, session, self.settings)
        self.opened_urls: list[str] = []

    def on_mount(self) -> None:
        self.session.subscribe(self.context.live.publish)

    def open_url(self, url: str, *, new_tab: bool = True) -> None:
        self.opened_urls.append(url)


@dataclass
class Demo:
    sim: Simulator
    clock: ManualClock
    session: LiveSession

    def http(self) -> httpx.AsyncClient:
        """A plain client on the simulator's API, to read back what the server holds."""
        return httpx.AsyncClient(
            transport=httpx.ASGITransport(app=self.sim.app),
            base_url=f"{SIM_URL}a/{self.sim.account_id}/",
            headers={"Authorization": f'Token token="{self.sim.api_key}"'},
        )

    async def server_call(self, call_id: str) -> dict:
        async with self.http() as http:
            response = await http.get(
                f"calls/{call_id}.json", params={"fields": "tags,note,lead_status,value"}
            )
            response.raise_for_status()
            return response.json()

    async def server_conversation(self, conversation_id: str) -> dict:
        async with self.http() as http:
            response = await http.get(f"text-messages/{conversation_id}.json")
            response.raise_for_status()
            return response.json()

    async def server_conversations(self) -> list[dict]:
        async with self.http() as http:
            response = await http.get("text-messages.json", params={"per_page": 250})
            response.raise_for_status()
            return response.json()["conversations"]

    def answered_call(self) -> Call:
        """An answered call that ended long enough ago for its recording and transcript to be there."""
        for call in self.session.state.calls_newest_first():
            old_enough = call.start_time is not None and (START - call.start_time) > timedelta(hours=1)
            if call.status is CallStatus.ANSWERED and call.customer_phone_number and old_enough:
                return call
        raise LookupError("no answered call in the scenario")

    def conversation(self) -> Conversation:
        return self.session.state.conversations_newest_first()[0]


def build_demo(data_dir: Path, *, config: SimConfig | None = None, clock: ManualClock | None = None) -> Demo:
    """A simulator at ``START`` and a session on it (store in ``data_dir``), not started yet."""
    clock = clock or ManualClock(START)
    sim = Simulator(config or SimConfig(seed=7), clock=clock)
    return Demo(sim=sim, clock=clock, session=_session(sim, clock, data_dir))


def _session(sim: Simulator, clock: ManualClock, data_dir: Path) -> LiveSession:
    return session_on_simulator(sim, data_dir=data_dir, state_dir=data_dir)


async def start(demo: Demo) -> Demo:
    """Start the session and poll once, so the app holds today's calls and conversations."""
    await demo.session.start()
    await demo.session.poll_once()
    return demo


async def start_demo(data_dir: Path, *, config: SimConfig | None = None) -> Demo:
    return await start(build_demo(data_dir, config=config))


async def reopen(demo: Demo, data_dir: Path) -> Demo:
    """A new session on the same simulator and data dir, as after quitting and starting again."""
    await demo.session.stop()
    session = _session(demo.sim, demo.clock, data_dir)
    await session.start()
    return Demo(sim=demo.sim, clock=demo.clock, session=session)
