"""The needs-attention inbox: missed calls nobody answered, called back or texted, and texts waiting for
a reply, oldest first by company, each with how long it has waited; from here a person replies, calls
back, or marks an item handled (and can undo that). The rules are ``tui.live.attention``'s."""

from __future__ import annotations

import asyncio

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import Static

from tui import display
from tui.callrail.errors import CallRailError
from tui.callrail.models import Call, Conversation, FormSubmission
from tui.context import Context, context_of
from tui.live.attention import Attention, AttentionItem
from tui.live.events import CallsChanged, ConversationsChanged, FormsChanged, HandledChanged, LiveEvent
from tui.messages import OpenCall, ReplyTo
from tui.safe_text import clean, literal, mask_name
from tui.screens.call_back import call_back
from tui.screens.form_detail import FormDetailScreen
from tui.screens.thread import ThreadScreen
from tui.widgets.attention_list import AttentionList
from tui.widgets.footer import Footer
from tui.widgets.screen_commands import ScreenActions
from tui.widgets.status_bar import StatusBar

TICK = 1.0  # seconds between redraws of the waiting times


class InboxScreen(Screen[None]):
    COMMANDS = {ScreenActions}
    BINDINGS = [
        Binding("enter", "open", "Open", tooltip="Open the call or the text conversation"),
        Binding("r", "reply", "Reply", tooltip="Text this caller"),
        Binding("C", "call_back", "Call back", tooltip="Call this caller back through CallRail"),
        Binding("h,x", "handled", "Handled", tooltip="Mark handled: the item leaves the inbox (h or x)"),
        Binding("u", "undo", "Undo", tooltip="Bring back the item marked handled last"),
        Binding("escape", "app.back", "Back", show=False),
    ]

    def __init__(self) -> None:
        super().__init__()
        self._tagging = asyncio.Lock()  # tag changes reach CallRail in the order the user made them

    @property
    def ctx(self) -> Context:
        return context_of(self)

    @property
    def listed(self) -> AttentionList:
        return self.query_one(AttentionList)

    def compose(self) -> ComposeResult:
        ctx = self.ctx
        yield Static(id="inbox-header")
        yield AttentionList(
            now=ctx.session.clock.now,
            zone=ctx.times.list_zone,
            company_name=ctx.company_name,
            mask=ctx.mask,
            id="inbox-list",
        )
        yield StatusBar(ctx)
        yield Footer()

    def on_mount(self) -> None:
        ctx = self.ctx
        self.attention = Attention(
            ctx.session.state,
            ctx.session.handled,
            held=ctx.session.held.records,
            hide_abandoned_under=ctx.settings.hide_abandoned_under,
            handled_tag=ctx.settings.handled_tag,
        )
        self.attention.rebuild()
        self._show()
        self.listed.focus()
        ctx.live.subscribe(self, self._on_live)
        ctx.mask_changed.subscribe(self, self.listed.set_mask)
        self.set_interval(TICK, self._tick)

    def on_unmount(self) -> None:
        self.ctx.live.unsubscribe(self)

    # -- live -----------------------------------------------------------------------------------------

    def _on_live(self, event: LiveEvent) -> None:
        if isinstance(event, CallsChanged):
            self.attention.update([*event.new, *event.changed], removed_calls=event.removed)
        elif isinstance(event, ConversationsChanged):
            self.attention.update(
                conversations=[*event.new, *event.changed], removed_conversations=event.removed
            )
        elif isinstance(event, FormsChanged):
            self.attention.update(forms=[*event.new, *event.changed])
        elif isinstance(event, HandledChanged):
            self._marks_changed(event)
        else:
            return
        self._show()

    def _marks_changed(self, event: HandledChanged) -> None:
        """Marks changed through the team hub: a colleague's (named), or the user's own taken back."""
        listed = {item.key: item for item in self.listed.items}
        self.attention.marks_changed(event.keys)
        if event.problem:
            self.notify(event.problem, severity="warning", markup=False, timeout=10)
            return
        for key in event.keys:
            if event.by and event.handled and (item := listed.get(key)) is not None:
                self.notify(_handled_by(event.by, item, mask=self.ctx.mask), markup=False)

    def _tick(self) -> None:
        self.listed.refresh()
        self._show_header()

    def _show(self, keep: AttentionItem | None = None) -> None:
        self.listed.show(self.attention.groups(), keep=keep)
        self._show_header()

    def _show_header(self) -> None:
        items = self.listed.items
        header = Text(no_wrap=True, overflow="ellipsis")
        header.append("Needs attention", style="bold")
        header.append(f" · {len(items):,} waiting")
        if items:
            oldest = min(item.since for item in items)
            waited = (self.ctx.session.clock.now() - oldest).total_seconds()
            header.append(f" · the oldest for {display.format_duration(waited)}")
        header.append(" · oldest first, by company")
        if self.ctx.settings.handled_tag:
            header.append(" · handled calls are tagged “")
            header.append_text(literal(self.ctx.settings.handled_tag, single_line=True))
            header.append("”")
        self.query_one("#inbox-header", Static).update(header)

    # -- actions --------------------------------------------------------------------------------------

    def action_open(self) -> None:
        self.listed.action_select()

    @on(AttentionList.Selected)
    def _open(self, event: AttentionList.Selected) -> None:
        record = event.item.record
        if isinstance(record, Call):
            self.post_message(OpenCall(record.id))
        elif isinstance(record, Conversation):
            self._open_thread(record)
        else:
            self.app.push_screen(FormDetailScreen(record.id))

    def _on_form(self, item: AttentionItem, action: str) -> bool:
        """Reply to or call back a form's sender as its own screen does (it knows which number to use);
        whether ``item`` was a form."""
        if not isinstance(item.record, FormSubmission):
            return False
        detail = FormDetailScreen(item.record.id)
        self.app.push_screen(detail)
        detail.call_after_refresh(detail.run_action, action)
        return True

    def _open_thread(self, conversation: Conversation) -> None:
        self.app.push_screen(
            ThreadScreen(
                conversation.id,
                conversation.customer_phone_number or "",
                conversation.company_id or "",
                tracking_number=conversation.tracking_number,
            )
        )

    def action_reply(self) -> None:
        item = self.listed.highlighted
        if item is None or self._on_form(item, "reply"):
            return
        if isinstance(item.record, Call):
            self.post_message(ReplyTo(item.record))
        elif isinstance(item.record, Conversation):
            self._open_thread(item.record)

    def action_call_back(self) -> None:
        item = self.listed.highlighted
        if item is not None and not self._on_form(item, "call_back"):
            call_back(self, _to_call_back(item))

    def action_handled(self) -> None:
        item = self.listed.highlighted
        if item is None:
            return
        self.attention.mark_handled(item)
        self._show()
        if self.attention.handled_tag and isinstance(item.record, Call):
            self._change_tag(item.record.id, add=True)

    def action_undo(self) -> None:
        item = self.attention.undo()
        if item is None:
            self.notify("Nothing marked handled here to undo.", severity="warning")
            return
        self._show(keep=item)
        tag = (self.attention.handled_tag or "").casefold()
        if not isinstance(item.record, Call):
            return
        call = self.ctx.session.state.calls.get(item.id) or item.record  # as read last: held ones whole
        if tag and any(name.casefold() == tag for name in call.tags):
            self._change_tag(call.id, add=False, tags=call.tags)

    def _change_tag(self, call_id: str, *, add: bool, tags: list[str] | None = None) -> None:
        """Add the handled tag on CallRail, or take it out of ``tags`` (the call's). Run by the app, so
        leaving the inbox does not cancel it; the session reads the call back, and the inbox follows the
        tag from there."""
        app, session, tag = self.app, self.ctx.session, self.attention.handled_tag or ""

        async def change() -> None:
            async with self._tagging:
                try:
                    if add:
                        await session.update_call(call_id, tags=[tag], append_tags=True)
                        return
                    kept = [name for name in tags or [] if name.casefold() != tag.casefold()]
                    await session.update_call(call_id, tags=kept)
                except CallRailError as error:
                    app.notify(
                        f"Kept here, but could not {'tag' if add else 'untag'} the call on CallRail: "
                        f"{error.message}",
                        severity="warning",
                        markup=False,
                        timeout=10,
                    )

        app.run_worker(change(), name="handled tag", group="handled-tag", exit_on_error=False)


def _handled_by(name: str, item: AttentionItem, *, mask: bool) -> str:
    """What a colleague's mark is told as (names as they came, masked with m; the toast is not markup)."""
    if item.customer_name and clean(item.customer_name, single_line=True):
        who = mask_name(item.customer_name) if mask else clean(item.customer_name, single_line=True)
    else:
        who = display.phone_number(item.customer_phone_number, mask=mask) or "a caller"
    return f"Handled by {clean(name, single_line=True)}: {who} ({item.reason})"


def _to_call_back(item: AttentionItem) -> Call:
    """The call to call back: the item's own, or for a conversation its caller, from the number they
    texted."""
    if isinstance(item.record, Call):
        return item.record
    conversation = item.record
    return Call.model_validate(
        {
            "id": conversation.id,
            "company_id": conversation.company_id,
            "customer_name": conversation.customer_name,
            "customer_phone_number": conversation.customer_phone_number,
            "tracking_phone_number": conversation.tracking_number,
        }
    )
