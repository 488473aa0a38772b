"""Serve the simulator over HTTP with uvicorn (``callrail-tui sim``), pushing webhooks if asked to."""

from __future__ import annotations

import asyncio

import uvicorn

from tui.sim.clock import SimClock
from tui.sim.config import SimConfig
from tui.sim.faults import quiet_dropped_connections
from tui.sim.simulator import Simulator


def serve(
    host: str = "127.0.0.1", port: int = 8765, config: SimConfig | None = None, speed: float = 1.0
) -> int:
    """Run until Ctrl-C; print where the API is, how to authenticate and how webhooks are signed.
    Returns the exit status."""
    sim = Simulator(config or SimConfig(), clock=SimClock(speed=speed))
    quiet_dropped_connections()
    print(f"CallRail v3 simulator at http://{host}:{port}/v3/", flush=True)
    print(f"account id: {sim.account_id}", flush=True)
    print(f'API key:    {sim.api_key}  (header: Authorization: Token token="{sim.api_key}")', flush=True)
    if sim.config.agency_api_key:
        ids = " ".join(account.id for account in sim.accounts)
        print(f"agency key: {sim.config.agency_api_key}  (sees every account: {ids})", flush=True)
    if speed != 1.0:
        print(f"clock:      {speed:g}x real time", flush=True)
    if sim.config.webhook_url:
        print(f"webhooks:   every event of every company to {sim.config.webhook_url}", flush=True)
        for company in sim.account.companies.values():
            key = sim.account.signing_keys[company.id]
            print(f"            signing key {key}  {company.id}  {company.name}", flush=True)

    async def run() -> None:
        config = uvicorn.Config(
            sim.app, host=host, port=port, log_level="warning", timeout_graceful_shutdown=2
        )
        async with sim.webhooks.running():
            await uvicorn.Server(config).serve()

    try:
        asyncio.run(run())
    except KeyboardInterrupt:
        pass
    return 0
