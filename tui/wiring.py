"""Where the parts are put together: a client for a key, a session for a real account, and a session on
the simulator, the one factory the demo, the screenshots, the tests and the benchmarks share.

The live layer never imports the simulator and the App never builds a client: both come from here.
"""

from __future__ import annotations

import asyncio
import hashlib
import socket
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from tui.callrail.budget import RateBudget
from tui.callrail.client import DEFAULT_BASE_URL, CallRailClient
from tui.callrail.clock import Clock, SystemClock
from tui.config import Settings, listen_address
from tui.live.first_rows import store_path
from tui.live.lanes import AccountAccess
from tui.live.session import LiveSession
from tui.live.sources import Batch
from tui.live.store import Store

if TYPE_CHECKING:
    import httpx

    from tui.hub.replicas.replica import Replica
    from tui.hub.server import Hub
    from tui.live.webhooks.serve import WebhookIntake
    from tui.sim import Simulator

# The address the in-process simulator answers on; nothing is sent to it over a network.
SIM_URL = "http://sim.invalid/v3/"


def client_for_key(api_key: str, base_url: str) -> CallRailClient:
    """A client with no budget, for the setup screen's one request."""
    return CallRailClient(api_key, base_url=base_url, deadline=15.0)


def _scope(account_id: str) -> str:
    return hashlib.sha256(account_id.encode()).hexdigest()[:16]


def session_for_account(
    *,
    api_key: str,
    account_id: str,
    data_dir: Path,
    base_url: str = DEFAULT_BASE_URL,
    state_dir: Path | None = None,
    share: float = 0.8,
    clock: Clock | None = None,
    transport: httpx.AsyncBaseTransport | None = None,
    reconcile_every: tuple[float, float] | None = None,
    more_accounts: Sequence[str] = (),
    replica: Replica | None = None,
) -> LiveSession:
    """A session for a real account (or any CallRail-compatible server at ``base_url``); with
    ``more_accounts``, for those too (the key sees them all), each with its own budget and client. As a
    hub ``replica``, its budget ledger and its texts are the replicas' shared ones."""
    clock = clock or SystemClock()

    def access(account: str) -> AccountAccess:
        scope = _scope(account)
        ledger = replica.ledger(scope) if replica is not None else None
        budget = RateBudget(scope, share=share, state_dir=state_dir, clock=clock, store=ledger)
        client = CallRailClient(api_key, base_url=base_url, transport=transport, budget=budget, clock=clock)
        return AccountAccess(account, client, budget)

    first = access(account_id)
    store = Store(store_path(data_dir), now=clock.now())
    return LiveSession(
        account_id=account_id,
        client=first.client,
        budget=first.budget,
        store=store,
        clock=clock,
        reconcile_every=reconcile_every,
        more_accounts=[access(account) for account in more_accounts if account != account_id],
        outbox_records=replica.outbox if replica is not None else None,
    )


def session_from_settings(settings: Settings) -> LiveSession:
    """The live session for the account the settings name (a real one, or ``callrail-tui sim``), with
    its webhook receiver listening when ``webhooks_listen`` is set, and the companies' webhooks managed
    from the app when ``webhooks_url`` is; or a viewer's on the hub the settings name (``hub_url``)."""
    if settings.hub_url:
        return hub_session_from_settings(settings)
    if not settings.account_id:
        raise ValueError("no account chosen")
    session = session_for_account(
        api_key=settings.api_key_value,
        account_id=settings.account_id,
        data_dir=settings.data_dir,
        base_url=settings.base_url,
        state_dir=settings.state_dir,
        share=settings.share,
        reconcile_every=(settings.reconcile_calls_every, settings.reconcile_texts_every),
        more_accounts=settings.account_ids[1:],
    )
    if settings.webhooks_listen or settings.webhooks_url:
        # imported only here: uvicorn and the receiver are not needed before the first frame otherwise
        from tui.live.webhooks.serve import intake_for_session

        intake_for_session(
            session,
            settings.data_dir,
            listen=listen_address(settings.webhooks_listen) if settings.webhooks_listen else None,
            public_url=settings.webhooks_url,
            always_on=settings.webhooks_always_on,
        )
    return session


def session_on_simulator(
    simulator: Simulator,
    *,
    data_dir: Path,
    state_dir: Path | None = None,
    api_key: str | None = None,
    transport: httpx.AsyncBaseTransport | None = None,
    agency: bool = False,
    replica: Replica | None = None,
) -> LiveSession:
    """A session on ``simulator``'s account, in process (or through ``transport``), on its clock;
    ``agency``: on every account of the simulator, with the key an agency's user has."""
    import httpx  # the simulator brings it anyway; a session for an account loads it at its first request

    more = [account.id for account in simulator.accounts[1:]] if agency else []
    return session_for_account(
        api_key=api_key or (simulator.config.agency_api_key if agency else None) or simulator.api_key,
        account_id=simulator.account_id,
        data_dir=data_dir,
        state_dir=state_dir,
        base_url=SIM_URL,
        clock=simulator.clock,
        transport=transport or httpx.ASGITransport(app=simulator.app),
        more_accounts=more,
        replica=replica,
    )


def demo_session(
    *,
    seed: int = 7,
    speed: float = 20.0,
    data_dir: Path,
    start: datetime | None = None,
    push: bool = True,
) -> tuple[LiveSession, Simulator]:
    """A session on the in-process simulator, at ``speed`` times real time; writes only into ``data_dir``.

    With ``push`` the simulator also delivers its webhooks, signed, over loopback HTTP to the app's own
    receiver on a free port of 127.0.0.1, as CallRail would to a user who turned them on; the poller is
    the backstop."""
    # imported here so that a real session never loads the simulator
    from tui.sim import SimConfig, Simulator
    from tui.sim.clock import SimClock

    simulator = Simulator(SimConfig(seed=seed), clock=SimClock(start, speed=speed))
    session = session_on_simulator(simulator, data_dir=data_dir)
    if push:
        _push_to(session, simulator, data_dir)
    return session, simulator


def _push_to(session: LiveSession, simulator: Simulator, data_dir: Path) -> None:
    from tui.live.webhooks.events import MONITOR_EVENTS
    from tui.live.webhooks.serve import intake_for_session

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    public_url = f"http://127.0.0.1:{port}"
    intake = intake_for_session(session, data_dir, listen=("127.0.0.1", port), public_url=public_url)
    for company_id in simulator.account.companies:
        intake.inbox.set_enabled(company_id, MONITOR_EVENTS)  # as if turned on: put in when it listens
    session.add_source(_SimulatorDelivering(simulator))
    session.before_stop(_closing(intake))


def _closing(intake) -> Callable[[], Awaitable[None]]:
    async def close() -> None:
        intake.close()

    return close


class _SimulatorDelivering:
    """Runs the simulator's webhook deliveries for as long as the session runs; brings nothing itself
    (what it delivers reaches the session through the receiver)."""

    def __init__(self, simulator: Simulator) -> None:
        self._simulator = simulator

    async def batches(self) -> AsyncIterator[Batch]:
        async with self._simulator.webhooks.running():
            await asyncio.Event().wait()
        yield Batch()  # never reached: makes this an async generator

    def refresh_now(self) -> None:
        """Deliveries go when the simulated day makes them."""

    def texting_happened(self) -> None:
        """Deliveries go when the simulated day makes them."""


def hub_for_account(
    settings: Settings,
    home: Path,
    *,
    public_url: str | None = None,
    clock: Clock | None = None,
    replica: Replica | None = None,
) -> tuple[Hub, WebhookIntake | None]:
    """A team hub on the settings' account: its session, store and event log in ``home`` (with the viewers'
    tokens), and with ``public_url`` the webhook receiver served by the hub under ``/webhooks``. As a
    ``replica`` (``tui.hub.replicas.replica.join``) the tokens, the log, the budget, the texts and the
    deliveries are the replicas' shared ones, and it polls and sends only while it holds the lease."""
    from tui.live.webhooks.inbox import INBOX_FILE
    from tui.live.webhooks.keys import key_fetcher
    from tui.live.webhooks.serve import webhook_intake

    if not settings.account_id:
        raise ValueError("no account chosen")
    session = session_for_account(
        api_key=settings.api_key_value,
        account_id=settings.account_id,
        data_dir=home,
        base_url=settings.base_url,
        state_dir=settings.state_dir,
        share=settings.share,
        clock=clock,
        replica=replica,
    )
    intake = None
    if public_url:
        intake = webhook_intake(
            home,
            session.clock,
            fetch=key_fetcher(session.client, session.account_id),
            companies=lambda: session.companies,
            inbox=replica.inbox(Path(home) / INBOX_FILE) if replica is not None else None,
        )
        session.add_source(intake.source, pushes=True)
    return hub_on_session(session, home, home, settings.api_key_value, intake, replica), intake


def hub_on_demo(home: Path, data_dir: Path, *, seed: int = 7, speed: float = 20.0) -> Hub:
    """A team hub on the in-process simulator (its data in ``data_dir``; the tokens in ``home``)."""
    session, simulator = demo_session(seed=seed, speed=speed, data_dir=data_dir)
    return hub_on_session(session, home, data_dir, simulator.api_key, None, None)


def hub_on_session(
    session: LiveSession,
    home: Path,
    data_dir: Path,
    api_key: str,
    intake: WebhookIntake | None,
    replica: Replica | None,
) -> Hub:
    """The hub around ``session``: on this machine (tokens in ``home``, the log in ``data_dir``), or as
    a ``replica`` of the others on its Redis."""
    from tui.hub.eventlog import LOG_FILE, EventLog
    from tui.hub.server import Hub
    from tui.hub.tokens import ViewerTokens

    Path(data_dir).mkdir(parents=True, exist_ok=True)
    webhooks = intake.receiver.app if intake is not None else None
    if replica is None:
        return Hub(
            session,
            tokens=ViewerTokens(home),
            events=EventLog(Path(data_dir) / LOG_FILE),
            secrets=(api_key,),
            webhooks=webhooks,
        )
    from tui.hub.replicas.inbox import WAKE_DELIVERIES
    from tui.hub.replicas.outbox import WAKE_OUTBOX

    wakers = {WAKE_OUTBOX: session.outbox.wake}
    if intake is not None:
        wakers[WAKE_DELIVERIES] = intake.source.delivered
    return Hub(
        session,
        tokens=replica.tokens,
        events=replica.events,
        secrets=(api_key,),
        webhooks=webhooks,
        leadership=replica.leadership(wakers),
        marks=replica.handled,
        presence=replica.presence,
    )


def session_for_hub(
    url: str,
    token: str,
    *,
    data_dir: Path,
    clock: Clock | None = None,
    transport: httpx.AsyncBaseTransport | None = None,
) -> LiveSession:
    """A viewer's session on a team hub (``callrail-tui --hub URL``): what the hub sent is kept in a store
    of its own in ``data_dir``, so a restart while the hub is away still shows it. ``transport``: for the
    HTTP actions (a benchmark's that drops answers)."""
    from tui.hub.viewer.link import HubLink
    from tui.hub.viewer.session import HubSession

    link = HubLink(url, token, transport=transport)
    clock = clock or SystemClock()
    name = "hub-" + hashlib.sha256(link.url.encode()).hexdigest()[:12] + ".sqlite3"
    return HubSession(link, store=Store(Path(data_dir) / name, now=clock.now()), clock=clock)


def hub_session_from_settings(settings: Settings) -> LiveSession:
    """The viewer's session on the hub the settings name (``hub_url``, ``hub_token``)."""
    if not settings.hub_url or settings.hub_token is None:
        raise ValueError("no hub or no token")
    return session_for_hub(
        settings.hub_url, settings.hub_token.get_secret_value(), data_dir=settings.data_dir
    )


async def check_hub(url: str, token: str) -> str:
    """The hub's account name if it takes ``token`` (the setup screen's check); a ``CallRailError`` (or a
    ``ValueError`` for an address that is not a URL) when not."""
    from tui.hub.viewer.link import HubLink

    link = HubLink(url, token)
    try:
        _, name = await link.account()
    finally:
        await link.aclose()
    return name
