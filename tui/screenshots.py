"""Regenerate the README's screenshots: ``uv run python -m tui.screenshots [--out screenshots]``.

The app runs headless at a fixed size on the in-process simulator, with a fixed seed and a clock that
stands still, so the same command always draws the same pictures. The tests build their app the same way
(``scene``), so what the README shows is what the tests check.
"""

from __future__ import annotations

import argparse
import asyncio
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from tui.app import CallRailApp, make_app
from tui.callrail.models import CallStatus
from tui.config import Settings
from tui.live.events import PollState
from tui.live.replies import needs_reply
from tui.live.session import LiveSession
from tui.sim import SimConfig, Simulator
from tui.sim.clock import ManualClock
from tui.wiring import SIM_URL, session_on_simulator

# A Tuesday, 11:45 in Chicago: business hours in every company's zone.
SCENE_START = datetime(2026, 11, 24, 17, 45, tzinfo=UTC)
SIZE = (120, 36)
PUBLIC_URL = "https://monitor.example.net"  # where the screenshots' CallRail would post webhooks
OTHER_CONSUMER = "https://crm.example.com/hooks"  # another integration on the same webhooks
# The first poll reads calls and conversations; the clock moves on this far (seconds) for the next one,
# which reads today's forms.
FORMS_READ_AFTER = 10.0


class HeldClock(ManualClock):
    """A ManualClock whose ``sleep`` waits for the test to move time (a ManualClock's would move it), so
    the app polls once and then holds still until ``advance``."""

    async def sleep(self, seconds: float) -> None:
        until = self.monotonic() + max(0.0, seconds)
        while self.monotonic() < until:
            await asyncio.sleep(0.01)


@dataclass
class Scene:
    session: LiveSession
    simulator: Simulator
    clock: HeldClock
    settings: Settings


def scene(
    home: Path,
    *,
    seed: int = 7,
    start: datetime = SCENE_START,
    sim_config: SimConfig | None = None,
    agency: bool = False,
    **settings: object,
) -> Scene:
    """A session on an in-process simulator with a held clock; every file goes under ``home``.
    ``agency``: on both of the simulator's accounts, with an agency's key."""
    clock = HeldClock(start)
    simulator = Simulator(sim_config or SimConfig(seed=seed), clock=clock)
    options: dict[str, object] = {"notify_toast": False, "notify_bell": False, **settings}
    config = Settings(
        api_key=simulator.config.agency_api_key if agency else simulator.api_key,
        account_id=simulator.account_id,
        accounts=[account.id for account in simulator.accounts] if agency else [],
        base_url=SIM_URL,
        config_path=home / "config.toml",
        data_dir=home / "data",
        state_dir=home / "state",
        **options,
    )
    session = session_on_simulator(simulator, data_dir=config.data_dir, agency=agency)
    if config.webhooks_url:
        from tui.live.webhooks.serve import intake_for_session

        intake_for_session(session, config.data_dir, public_url=config.webhooks_url)
    return Scene(session, simulator, clock, config)


async def show_webhooks(pilot, built: Scene) -> None:
    """The Webhooks screen with another consumer on every company and this app on the first two."""
    assert built.session.webhooks is not None
    built.simulator.add_webhook_receiver(OTHER_CONSUMER)
    await built.session.webhooks.enable(sorted(built.session.companies)[:2])
    await pilot.press("w")
    table = pilot.app.screen.query_one("#webhooks-table")
    await wait_for(pilot, lambda: table.row_count == len(built.session.companies))
    await pilot.pause()


async def wait_for(pilot, condition: Callable[[], object], *, timeout: float = 20.0) -> None:
    """Let the app run until ``condition()`` holds (a worker finished, a row arrived)."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not condition():
        if loop.time() > deadline:
            raise TimeoutError(f"the app did not reach the expected state within {timeout} s")
        await pilot.pause(0.05)


async def wait_until_polled(pilot, app: CallRailApp) -> None:
    """The first poll has finished and the feed shows its calls."""
    session = app.session
    assert session is not None
    await wait_for(pilot, lambda: session.status.state is not PollState.STARTING and session.companies)
    await pilot.pause()


async def wait_until_forms_read(pilot, app: CallRailApp) -> None:
    """After the first poll: the held clock moves on for one more poll, which reads today's forms."""
    session = app.session
    assert session is not None and isinstance(session.clock, HeldClock)
    session.clock.advance(FORMS_READ_AFTER)
    await wait_for(pilot, lambda: session.state.forms.by_id)
    await pilot.pause()


async def capture(out: Path, *, seed: int = 7) -> list[Path]:
    with tempfile.TemporaryDirectory(prefix="callrail-tui-shots-") as home:
        built = scene(Path(home), seed=seed, webhooks_url=PUBLIC_URL)
        app = make_app(built.session, built.settings)
        saved: list[Path] = []

        def save(name: str) -> None:
            saved.append(Path(app.save_screenshot(f"{name}.svg", str(out))))

        async with app.run_test(size=SIZE) as pilot:
            await wait_until_polled(pilot, app)
            save("feed")

            await pilot.press("c")
            await pilot.pause()
            save("companies")
            await pilot.press("escape")

            await pilot.press("i", "j", "j")
            await pilot.pause()
            save("inbox")
            await pilot.press("escape")

            call = _call_with_transcript(built.session)
            app.open_call(call.id)
            await wait_for(pilot, lambda: built.session.state.calls[call.id].conversational_transcript)
            await pilot.pause(0.2)
            save("call-detail")
            await pilot.press("escape")

            conversation = next(c for c in built.session.state.conversations_newest_first() if needs_reply(c))
            from tui.screens.thread import ThreadScreen

            await app.push_screen(
                ThreadScreen(
                    conversation.id, conversation.customer_phone_number or "", conversation.company_id or ""
                )
            )
            await wait_for(pilot, lambda: built.session.state.conversations[conversation.id].messages)
            await pilot.pause(0.2)
            await pilot.press(*"Thanks! We can come by tomorrow at 10. Does that work?")
            await pilot.pause(0.2)
            save("text-thread")
            await pilot.press("escape")

            await show_webhooks(pilot, built)
            save("webhooks")
            await pilot.press("escape")

            await pilot.press("question_mark")
            await pilot.pause()
            save("help")
            await pilot.press("escape")

            await wait_until_forms_read(pilot, app)
            await pilot.press("F")
            await pilot.pause()
            save("forms")
            await pilot.press("enter")
            await pilot.pause(0.2)
            save("form-detail")
            await built.session.stop()
        return [*saved, await _capture_several_accounts(out, Path(home) / "agency", seed=seed)]


async def _capture_several_accounts(out: Path, home: Path, *, seed: int) -> Path:
    """The feed of an agency's key watching both of the simulator's accounts."""
    built = scene(home, seed=seed, agency=True)
    app = make_app(built.session, built.settings)
    async with app.run_test(size=SIZE) as pilot:
        await wait_until_polled(pilot, app)
        others = set(built.simulator.accounts[1].companies)
        await wait_for(pilot, lambda: others <= set(built.session.companies))
        await pilot.pause(0.2)
        saved = Path(app.save_screenshot("several-accounts.svg", str(out)))
        await built.session.stop()
    return saved


def _call_with_transcript(session: LiveSession):
    """The newest answered call old enough for its recording and transcript to exist."""
    now = session.clock.now()
    for call in session.state.calls_newest_first():
        if (
            call.status is CallStatus.ANSWERED
            and call.start_time
            and (now - call.start_time).total_seconds() > 3600
        ):
            return call
    raise LookupError("no answered call in the scene")


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m tui.screenshots", description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path("screenshots"), help="folder for the SVGs")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    for path in asyncio.run(capture(args.out, seed=args.seed)):
        print(path)


if __name__ == "__main__":
    main()
