"""The form book: keyed by id, merged without losing what either source brought, found by phone number,
and "today" in each company's own time zone."""

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from tui.callrail.models import FormSubmission
from tui.live.forms import FormBook, form_email, form_name, form_phone

NOW = datetime(2026, 11, 24, 15, 0, tzinfo=UTC)  # 10:00 in New York, 07:00 in Los Angeles
ZONES = {"NY": ZoneInfo("America/New_York"), "LA": ZoneInfo("America/Los_Angeles")}


def form(form_id: str, minutes_ago: float, company: str = "NY", **fields) -> FormSubmission:
    at = NOW - timedelta(minutes=minutes_ago)
    return FormSubmission.model_validate({"id": form_id, "company_id": company, "submitted_at": at, **fields})


def book() -> FormBook:
    return FormBook(lambda company_id: ZONES.get(company_id or "", UTC))


def test_merging_the_same_form_again_changes_nothing_and_a_later_field_is_kept():
    forms = book()
    first = form("FRM1", 5, form_data={"name": "Ann"}, customer_phone_number="+15125550100")
    assert forms.merge([first]).new == [first]
    again = forms.merge([form("FRM1", 5, form_data={"name": "Ann"})])
    assert not again.new and not again.changed
    [changed] = forms.merge([form("FRM1", 5, note="called back")]).changed
    assert changed.note == "called back" and changed.customer_phone_number == "+15125550100"
    assert forms.for_number("+15125550100") == [changed]


def test_today_is_each_companys_own_day_newest_first():
    forms = book()
    # 02:00 in New York is today there; 11 p.m. yesterday in Los Angeles is not
    forms.merge([form("NY1", 8 * 60, "NY"), form("LA1", 8 * 60, "LA"), form("NY2", 1, "NY")])
    assert [f.id for f in forms.today(NOW)] == ["NY2", "NY1"]
    assert [f.id for f in forms.newest_first()] == ["NY2", "NY1", "LA1"]


def test_phone_email_and_name_come_from_the_fields_when_callrail_gives_none():
    typed = form(
        "FRM2", 1, form_data={"Full Name": "Bo Li", "Your E-mail": "bo@x.net", "Phone #": "(512) 555-0101"}
    )
    assert form_phone(typed) == "+15125550101"
    assert form_email(typed) == "bo@x.net" and form_name(typed) == "Bo Li"
    assert form_phone(form("FRM3", 1, form_data={"phone": "call me maybe"})) is None
    assert form_phone(form("FRM4", 1, customer_phone_number="+15125550102")) == "+15125550102"
