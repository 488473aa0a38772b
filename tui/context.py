"""What screens and widgets get from the app, as one typed object: the session, the settings, one mask
state, times in the right zone, company names, and the live events.

Screens talk to the session through it and never to the App's internals; the App builds it once the
session exists (``context_of(node)`` finds it from any widget).
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, tzinfo
from typing import TYPE_CHECKING, Protocol, cast

from textual.signal import Signal

from tui import display
from tui.safe_text import clean

if TYPE_CHECKING:
    from textual.app import App
    from textual.dom import DOMNode

    from tui.callrail.models import Call
    from tui.config import Settings
    from tui.live.events import LiveEvent
    from tui.live.session import LiveSession
    from tui.live.state import LiveState


class Times:
    """Every time-zone decision in one place: the user's zone (``display_time_zone``) when set, else each
    company's own."""

    def __init__(self, display_time_zone: str | None, state: LiveState | None = None) -> None:
        self.display_zone: tzinfo | None = display.zone(display_time_zone) if display_time_zone else None
        self._state = state

    def for_company(self, company_id: str | None, zone_name: str | None = None) -> tzinfo:
        """Where a company's times are shown; ``zone_name``: the zone a record carries, until the
        company's own is known."""
        if self.display_zone is not None:
            return self.display_zone
        if self._state is None:
            return display.zone(zone_name)
        return self._state.zone_for(company_id, zone_name)

    def for_call(self, call: Call) -> tzinfo:
        return self.for_company(call.company_id, call.company_time_zone)

    @property
    def list_zone(self) -> tzinfo:
        """One zone for lists that mix companies (the feed), so their times read in one order: the
        user's ``display_time_zone``, else this computer's."""
        return self.display_zone or datetime.now().astimezone().tzinfo or UTC


class Context:
    def __init__(self, owner: DOMNode, session: LiveSession, settings: Settings) -> None:
        self.session = session
        self.settings = settings
        self.times = Times(settings.display_time_zone, session.state)
        self.live: Signal[LiveEvent] = Signal(owner, "live")
        self.mask_changed: Signal[bool] = Signal(owner, "mask")
        self._mask = settings.mask

    @property
    def mask(self) -> bool:
        """Names and numbers hidden (for screen sharing): the one switch every screen reads."""
        return self._mask

    def set_mask(self, mask: bool) -> None:
        self._mask = mask
        self.mask_changed.publish(mask)

    def set_alerts(self, *, toast: bool | None = None, bell: bool | None = None) -> None:
        """Toasts and the terminal bell for new calls and texts, on or off for this run."""
        changes = {"notify_toast": toast, "notify_bell": bell}
        self.settings = replace(self.settings, **{k: v for k, v in changes.items() if v is not None})

    def company_name(self, company_id: str | None, fallback: str | None = None) -> str:
        """The company's name, and its account's where another account has a company of that name."""
        company = self.session.companies.get(company_id or "")
        name = (company.name if company else None) or fallback or ""
        account = self.session.account_companies.account_if_ambiguous(company_id)
        return clean(f"{name} ({account})" if account else name, single_line=True)


class _HasContext(Protocol):
    context: Context


def context_of(node: DOMNode) -> Context:
    """The context of the app ``node`` belongs to (its screens run only once a session exists)."""
    app = cast("App", node.app)
    return cast("_HasContext", app).context
