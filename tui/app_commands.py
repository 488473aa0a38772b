"""The app's own commands in the command palette: its places, polling, alerts, masking and help (each
screen's own actions come from ``tui.widgets.screen_commands``)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from textual.app import SystemCommand

if TYPE_CHECKING:
    from tui.app import CallRailApp


def app_commands(app: CallRailApp) -> Iterator[SystemCommand]:
    if app.session is not None:
        yield SystemCommand("Feed", "The live call feed (f)", app.action_feed)
        yield SystemCommand(
            "Companies", "Companies with today's calls; pick one to filter (c)", app.action_companies
        )
        yield SystemCommand("Texts", "Text conversations (t)", app.action_texts)
        yield SystemCommand("Forms", "Today's form submissions (F)", app.action_forms)
        yield SystemCommand(
            "Needs attention", "Missed calls and texts still waiting for a person (i)", app.action_inbox
        )
        yield SystemCommand(
            "Webhooks",
            "Push from CallRail: each company's webhooks, enable or disable (w)",
            app.action_webhooks,
        )
        yield SystemCommand(
            "Resume polling" if app.paused else "Pause polling",
            "Stop or restart polling (p)",
            app.action_toggle_pause,
        )
        yield SystemCommand("Refresh now", "Poll now (R)", app.action_refresh_now)
        settings = app.context.settings
        yield SystemCommand(
            "Turn toasts off" if settings.notify_toast else "Turn toasts on",
            "A toast when new calls and texts arrive",
            lambda: switch_alerts(app, toast=not settings.notify_toast),
        )
        yield SystemCommand(
            "Turn the bell off" if settings.notify_bell else "Turn the bell on",
            "The terminal bell when new calls and texts arrive",
            lambda: switch_alerts(app, bell=not settings.notify_bell),
        )
    yield SystemCommand(
        "Show names and numbers" if app.mask else "Mask names and numbers",
        "For screen sharing (m)",
        app.action_toggle_mask,
    )
    yield SystemCommand("Help", "Keys and what the screens show (?)", app.action_help)


def switch_alerts(app: CallRailApp, *, toast: bool | None = None, bell: bool | None = None) -> None:
    app.context.set_alerts(toast=toast, bell=bell)
    settings = app.context.settings
    on_off = {True: "on", False: "off"}
    app.notify(f"Toasts {on_off[settings.notify_toast]}, bell {on_off[settings.notify_bell]}.")
