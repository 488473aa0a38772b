"""``python -m benchmarks.hub_viewer hub URL TOKEN CALLS DIR`` or ``… standalone RECORDS.json - CALLS DIR``:
the app headless in this fresh interpreter, as a hub's viewer or standalone with the same day's records
(its poller paused: what memory it takes to hold them, not to read them); prints its RSS once its state
holds ``CALLS`` calls and the feed has drawn them."""

from __future__ import annotations

import asyncio
import json
import sys
from pathlib import Path

from benchmarks.memory import settled_rss
from tui.callrail.models import Call, Conversation

WAIT_S = 120.0  # for the day's calls to be held and drawn


def child(mode: str, target: str, secret: str, calls: int, home: Path) -> dict[str, float]:
    from tui.app import make_app
    from tui.config import Settings
    from tui.wiring import session_for_account, session_for_hub

    settings = Settings(
        config_path=home / "config.toml",
        data_dir=home,
        state_dir=home / "state",
        notify_toast=False,
        notify_bell=False,
    )
    if mode == "hub":
        session = session_for_hub(target, secret, data_dir=home)
    else:
        session = session_for_account(
            api_key="bench-key", account_id="ACCBENCH", data_dir=home, base_url="http://127.0.0.1:9/v3/"
        )
        session.set_paused(True)
    app = make_app(session, settings)
    figures: dict[str, float] = {}

    async def day() -> None:
        async with app.run_test(size=(120, 36)) as pilot:
            if mode != "hub":
                records = json.loads(Path(target).read_text())
                session.merge.calls([Call.model_validate(raw) for raw in records["calls"]])
                session.merge.conversations(
                    [Conversation.model_validate(r) for r in records["conversations"]]
                )
            deadline = asyncio.get_running_loop().time() + WAIT_S
            while len(session.state.calls) < calls or app.screen.table.row_count < calls:
                if asyncio.get_running_loop().time() > deadline:  # fail the run, never hang it
                    raise TimeoutError(f"{len(session.state.calls)} of {calls} calls after {WAIT_S:.0f} s")
                await pilot.pause(0.05)
            await pilot.pause()
            figures["rss_mb"] = settled_rss()
            await session.stop()

    asyncio.run(day())
    return figures


if __name__ == "__main__":
    mode, target, secret, calls, home = sys.argv[1:]
    print(json.dumps(child(mode, target, secret, int(calls), Path(home))))
