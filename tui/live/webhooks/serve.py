"""Putting the receiver together and serving it with uvicorn on HOST:PORT.

```python
intake = intake_for_session(session, data_dir)  # before session.run(): its deliveries are a source
await session.start()
await intake.keys.ensure(session.companies)     # each company's key, once
async with receiver_running(intake.receiver, "127.0.0.1", 8787):
    await session.run()
intake.close()                                  # after session.stop()
# CallRail posts to webhook_url("https://public.example", company_id, event) (``webhooks enable``)
```
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import socket
from collections.abc import AsyncIterator, Callable, Collection, Iterator
from dataclasses import dataclass
from pathlib import Path

import uvicorn

from tui.callrail.clock import Clock
from tui.live.session import LiveSession
from tui.live.sources import Batch
from tui.live.webhooks.control import WebhookControl
from tui.live.webhooks.inbox import INBOX_FILE, Inbox
from tui.live.webhooks.keys import Fetch, SigningKeys, key_fetcher
from tui.live.webhooks.receiver import MAX_BODY, PREFIX, WebhookReceiver
from tui.live.webhooks.source import WebhookSource

log = logging.getLogger(__name__)


@dataclass
class WebhookIntake:
    inbox: Inbox
    keys: SigningKeys
    receiver: WebhookReceiver
    source: WebhookSource

    def close(self) -> None:
        self.inbox.close()


def webhook_intake(
    data_dir: Path | str,
    clock: Clock,
    *,
    fetch: Fetch | None = None,
    companies: Callable[[], Collection[str]] = frozenset,
    prefix: str = PREFIX,
    max_body: int = MAX_BODY,
    inbox: Inbox | None = None,
) -> WebhookIntake:
    """The inbox (``webhooks.sqlite3`` in ``data_dir``, unless given: a hub replica's shares its
    deliveries), the keys, the receiver and the source, wired so each delivery the receiver keeps wakes
    the source."""
    inbox = inbox or Inbox(Path(data_dir) / INBOX_FILE)
    keys = SigningKeys(inbox, clock, fetch, companies)
    source = WebhookSource(inbox, clock)
    receiver = WebhookReceiver(inbox, keys, clock, source.delivered, prefix=prefix, max_body=max_body)
    return WebhookIntake(inbox, keys, receiver, source)


def intake_for_session(
    session: LiveSession,
    data_dir: Path | str,
    *,
    listen: tuple[str, int] | None = None,
    public_url: str | None = None,
    always_on: bool = False,
) -> WebhookIntake:
    """``webhook_intake`` for a session: keys read with its client, for its companies only, and its
    deliveries merged by it (``add_source``); with ``listen``, the receiver is served on that address
    for as long as the session runs (``ServedWebhooks``). With ``public_url`` (where CallRail reaches the
    receiver) the session can turn the companies' webhooks on and off (``session.webhooks``); a served
    receiver that is not ``always_on`` takes its URLs out when the session stops and puts them back when
    it listens again."""
    intake = webhook_intake(
        data_dir,
        session.clock,
        fetch=key_fetcher(session.client, session.account_id),
        companies=lambda: session.webhook_companies,
    )
    control = None
    if public_url:
        control = WebhookControl(
            session.client,
            session.account_id,
            public_url,
            intake.inbox,
            intake.keys,
            always_on=always_on,
            backstop=session.backstop,
            company_name=lambda company_id: (
                session.companies[company_id].name if company_id in session.companies else company_id
            ),
            deliveries=intake.receiver.stats,
        )
        session.webhooks = control
        session.backstop.on_fall_back = control.check_soon
    if listen is None:
        session.add_source(intake.source, pushes=True)
    else:
        session.add_source(ServedWebhooks(intake, *listen, control=control), pushes=True)
        if control is not None:
            session.before_stop(control.withdraw)
    return intake


class ServedWebhooks:
    """The webhook source with its receiver listening on ``host:port`` while its batches are taken.

    A port that cannot be listened on is logged and the source goes on with what is already stored:
    the poller remains the backstop."""

    def __init__(
        self, intake: WebhookIntake, host: str, port: int, *, control: WebhookControl | None = None
    ) -> None:
        self._intake = intake
        self._host = host
        self._port = port
        self._control = control

    async def batches(self) -> AsyncIterator[Batch]:
        await self._intake.keys.ensure()  # the shared URL can only tell companies apart by known keys
        try:
            async with receiver_running(self._intake.receiver, self._host, self._port):
                if self._control is not None:
                    await self._control.restore()  # listening: CallRail may post to us again
                async for batch in self._intake.source.batches():
                    yield batch
        except OSError as error:
            log.error("the webhook receiver cannot listen on %s:%s: %s", self._host, self._port, error)
            if self._control is not None:
                await self._control.withdraw()  # deliveries to us would fail and get it disabled
            yield Batch(push_problem=f"the webhook receiver cannot listen on {self._host}:{self._port}")
        async for batch in self._intake.source.batches():
            yield batch

    def refresh_now(self) -> None:
        self._intake.source.refresh_now()

    def texting_happened(self) -> None:
        self._intake.source.texting_happened()


class _EmbeddedServer(uvicorn.Server):
    """Leaves the process's signals to the app it runs in."""

    @contextlib.contextmanager
    def capture_signals(self) -> Iterator[None]:
        yield


def _listening_socket(host: str, port: int) -> socket.socket:
    """A TCP socket listening on ``host:port``. Made with ``IPPROTO_TCP`` spelled out: asyncio turns Nagle
    off (``TCP_NODELAY``) only on connections of such a socket, and with Nagle on every answer waited ~40 ms
    for the sender's delayed ACK (``socket.create_server`` leaves the protocol 0)."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    listening = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    try:
        listening.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listening.bind((host, port))
        listening.listen(2048)
    except OSError:
        listening.close()
        raise
    return listening


@contextlib.asynccontextmanager
async def receiver_running(receiver: WebhookReceiver, host: str, port: int) -> AsyncIterator[uvicorn.Server]:
    """The receiver served by uvicorn on ``host:port`` in the running event loop, until the block ends;
    ``OSError`` if it cannot listen there."""
    config = uvicorn.Config(
        receiver.app,
        host=host,
        port=port,
        log_level="warning",
        access_log=False,
        lifespan="off",
        timeout_graceful_shutdown=1,
    )
    server = _EmbeddedServer(config)
    # bound here, so a busy port is an OSError (uvicorn would sys.exit, ending the app's event loop)
    listening = _listening_socket(host, port)
    task = asyncio.create_task(server.serve(sockets=[listening]))
    try:
        while not server.started:
            if task.done():
                task.result()
                raise OSError(f"the webhook receiver could not serve on {host}:{port}")
            await asyncio.sleep(0.01)
        yield server
    finally:
        # also when cancelled while starting: nothing is left serving or listening
        server.should_exit = True
        with contextlib.suppress(Exception):
            await task
        listening.close()
