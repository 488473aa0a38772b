"""The Forms list and a form's detail: today's forms newest first, every field shown literally (keys and
values), reply and call back offered only when the form left a number, the mask, and the toast."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

from textual.geometry import Region
from textual.widget import Widget
from textual.widgets import DataTable, Static

from tui.app import make_app
from tui.callrail.models import FormSubmission
from tui.live.events import InboundForm
from tui.live.sources import Batch
from tui.screens.call_detail import CallDetailScreen
from tui.screens.form_detail import FormDetailScreen
from tui.screens.forms import FormsScreen
from tui.screens.thread import ThreadScreen
from tui.screenshots import SCENE_START, SIZE, wait_for, wait_until_polled
from tui.widgets.caller_history import CallerHistory
from tui.widgets.modals import ChoicePrompt

HOSTILE_KEY = "[bold red]Your name[/]"
HOSTILE_VALUE = "[link=https://evil.example]click[/link] \x1b[31mred\x1b[0m \x1b]0;pwned\x07\u202eexe"
FORBIDDEN = re.compile("[\x1b\x9b\u202a-\u202e\u2066-\u2069]")


def form(form_id: str, minutes_ago: float, company_id: str, **fields: Any) -> FormSubmission:
    data: dict[str, Any] = {
        "id": form_id,
        "company_id": company_id,
        "submitted_at": (SCENE_START - timedelta(minutes=minutes_ago)).isoformat(),
        "form_url": "https://www.example.com/contact-us",
        "landing_page_url": "https://www.example.com/lp/spring",
        "referrer": "google",
        "source": "Google Ads",
        **fields,
    }
    return FormSubmission.model_validate(data)


def visible(widget: Widget) -> str:
    lines = widget.render_lines(Region(0, 0, widget.size.width, widget.size.height))
    return "\n".join(strip.text for strip in lines)


def row_texts(table: DataTable) -> list[str]:
    return [" ".join(str(cell) for cell in table.get_row_at(row)) for row in range(table.row_count)]


async def started(make_scene, **settings):
    scene = make_scene(**settings)
    app = make_app(scene.session, scene.settings)
    return scene, app


def company_of(scene) -> str:
    return next(iter(scene.session.companies))


async def test_F_lists_todays_forms_newest_first_and_a_new_one_goes_on_top(make_scene) -> None:
    scene, app = await started(make_scene)
    async with app.run_test(size=SIZE) as pilot:
        await wait_until_polled(pilot, app)
        company = company_of(scene)
        older = form("FRMold", 50, company, form_data={"name": "Ann Old", "phone": "512-555-0101"})
        newer = form("FRMnew", 5, company, customer_email="bo@example.net", form_data={"name": "Bo New"})
        yesterday = form("FRMyday", 26 * 60, company, form_data={"name": "Cy Yesterday"})
        scene.session.apply(Batch(forms=[older, yesterday, newer]))
        await pilot.press("F")
        await wait_for(pilot, lambda: isinstance(app.screen, FormsScreen))
        table = app.screen.query_one(DataTable)
        rows = row_texts(table)
        assert [r.split()[0] for r in rows] == ["17:40", "16:55"]
        assert "Bo New" in rows[0] and "bo@example.net" in rows[0] and "/contact-us" in rows[0]
        assert "Ann Old" in rows[1] and "512-555-0101" in rows[1] and "Google Ads" in rows[1]
        table.move_cursor(row=1)
        scene.session.apply(Batch(forms=[form("FRMnewest", 1, company, form_data={"name": "Di Newest"})]))
        await pilot.pause()
        assert "Di Newest" in row_texts(table)[0]
        assert table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value == "FRMold"
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, FormDetailScreen))
        assert app.screen.form_id == "FRMold"


async def test_the_detail_shows_every_field_literally_and_offers_reply_and_call_back(make_scene) -> None:
    scene, app = await started(make_scene, my_phone="+15125550199")
    async with app.run_test(size=SIZE) as pilot:
        await wait_until_polled(pilot, app)
        company = company_of(scene)
        data = {HOSTILE_KEY: HOSTILE_VALUE, "phone": "(512) 555-0177", "message": "Leak\nunder the sink"}
        scene.session.apply(Batch(forms=[form("FRM1", 3, company, form_data=data)]))
        app.push_screen(FormDetailScreen("FRM1"))
        await wait_for(pilot, lambda: isinstance(app.screen, FormDetailScreen))
        await pilot.pause()
        fields = visible(app.screen.query_one("#form-fields", Static))
        assert HOSTILE_KEY in fields and "[link=https://evil.example]click[/link]" in fields
        assert "red" in fields and "under the sink" in fields and not FORBIDDEN.search(fields)
        facts = visible(app.screen.query_one("#form-facts", Static))
        assert "512-555-0177" in facts and "https://www.example.com/lp/spring" in facts
        assert "Google Ads" in facts
        assert app.screen.check_action("reply", ()) and app.screen.check_action("call_back", ())

        await pilot.press("C")
        await wait_for(pilot, lambda: isinstance(app.screen, ChoicePrompt))
        note = str(app.screen.query_one(".prompt-note", Static).render())
        assert "512-555-0177" in note and "512-555-0199" in note
        await pilot.press("escape")
        await wait_for(pilot, lambda: isinstance(app.screen, FormDetailScreen))
        await pilot.press("r")
        await wait_for(pilot, lambda: isinstance(app.screen, ThreadScreen))
        assert app.screen.customer_phone_number == "+15125550177" and app.screen.company_id == company
        assert app.screen.tracking_number  # the company's number, though this person never called


async def test_without_a_phone_number_there_is_no_reply_or_call_back(make_scene) -> None:
    scene, app = await started(make_scene)
    async with app.run_test(size=SIZE) as pilot:
        await wait_until_polled(pilot, app)
        only_email = {"name": "Eve", "email": "eve@example.net", "phone": "call me maybe"}
        scene.session.apply(Batch(forms=[form("FRM2", 3, company_of(scene), form_data=only_email)]))
        app.push_screen(FormDetailScreen("FRM2"))
        await wait_for(pilot, lambda: isinstance(app.screen, FormDetailScreen))
        screen = app.screen
        assert not screen.check_action("reply", ()) and not screen.check_action("call_back", ())
        assert "r" not in screen.active_bindings and "C" not in screen.active_bindings
        await pilot.press("r", "C")
        await pilot.pause()
        assert app.screen is screen


async def test_mask_hides_names_numbers_emails_and_personal_fields(make_scene) -> None:
    scene, app = await started(make_scene)
    async with app.run_test(size=SIZE) as pilot:
        await wait_until_polled(pilot, app)
        data = {
            "name": "Maria Delgado",
            "email": "maria.delgado@example.net",
            "phone": "512-555-0198",
            "Street address": "12 Elm St",
            "message": "Maria here, call 512 555 0198 or maria.delgado@example.net",
            "service": "water heater",
        }
        scene.session.apply(Batch(forms=[form("FRM3", 3, company_of(scene), form_data=data)]))
        await pilot.press("F", "m")
        await wait_for(pilot, lambda: isinstance(app.screen, FormsScreen))
        await pilot.pause()
        [row] = row_texts(app.screen.query_one(DataTable))
        assert "M. D." in row and "•••-•••-0198" in row and "Maria" not in row and "555-0198" not in row
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, FormDetailScreen))
        await pilot.pause()
        shown = visible(app.screen.query_one("#form-facts", Static))
        shown += visible(app.screen.query_one("#form-fields", Static))
        shown += app.screen.query_one("#form-title", Static).render().plain
        for secret in ("Maria", "Delgado", "512-555-0198", "512 555 0198", "maria.delgado", "12 Elm"):
            assert secret not in shown, secret
        assert "water heater" in shown and "M. here" in shown and "m•••@•••.net" in shown
        await pilot.press("m")
        await pilot.pause()
        assert "12 Elm St" in visible(app.screen.query_one("#form-fields", Static))


async def test_a_new_form_is_toasted_masked_and_joins_the_callers_history(make_scene) -> None:
    scene, app = await started(make_scene, notify_toast=True, mask=True)
    async with app.run_test(size=SIZE) as pilot:
        await wait_until_polled(pilot, app)
        call = next(c for c in scene.session.state.calls_newest_first() if c.customer_phone_number)
        number = call.customer_phone_number
        sent = form(
            "FRM4", 0, call.company_id, customer_phone_number=number, form_data={"name": "Maria Delgado"}
        )
        scene.session.apply(Batch(forms=[sent]))
        assert scene.session.state.forms.by_id["FRM4"] == sent
        await wait_for(pilot, lambda: app._notifications)
        [toast] = [str(n.message) for n in app._notifications if "Form" in str(n.message)]
        assert toast == "Form from M. D."
        app.open_call(call.id)
        await wait_for(pilot, lambda: isinstance(app.screen, CallDetailScreen))
        await pilot.pause()
        entries = app.screen.query_one(CallerHistory).entries
        assert any(entry.kind == "form" and "/contact-us" in entry.detail for entry in entries)


def test_the_session_announces_a_form_only_once(make_scene) -> None:
    scene = make_scene()
    events: list = []
    scene.session.subscribe(events.append)
    sent = form("FRM5", 0, "COM1", form_data={"name": "Ann"})
    scene.session.apply(Batch(forms=[sent]))
    scene.session.apply(Batch(forms=[sent]))
    assert [e.form.id for e in events if isinstance(e, InboundForm)] == ["FRM5"]
