"""Form submissions the app holds, by id: what the Forms list, a caller's history and the inbox read.

A submission barely changes after it is sent (a tag, a note), and the poll and the webhook describe it
with different fields: merging keeps every field either brought, so the same submission brought again
(a duplicate delivery, the next poll) changes nothing and is not told again.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable, Iterable
from datetime import UTC, datetime, tzinfo
from typing import Any

from tui.callrail.models import Call, FormSubmission
from tui.live.events import FormsChanged

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_PHONE_KEY = re.compile(r"phone|tel|mobile|cell", re.IGNORECASE)
_EMAIL_KEY = re.compile(r"e-?mail", re.IGNORECASE)
_NAME_KEY = re.compile(r"^(full[ _-]?)?name$", re.IGNORECASE)


def _field(form: FormSubmission, key: re.Pattern[str]) -> str | None:
    """The first form field whose name matches ``key`` and holds some text."""
    for name, value in (form.form_data or {}).items():
        if key.search(str(name)) and isinstance(value, str | int) and str(value).strip():
            return str(value).strip()
    return None


def us_number(text: str | None) -> str | None:
    """A US/Canada number as the API writes it (``+15125550164``) from how people type it; None if the
    text is not one (a form's phone field is free text)."""
    digits = re.sub(r"\D", "", text or "")
    if len(digits) == 10:
        return "+1" + digits
    if len(digits) == 11 and digits.startswith("1"):
        return "+" + digits
    return None


def form_phone(form: FormSubmission) -> str | None:
    """The number to text or call back: CallRail's own, else the form's phone field when it is one."""
    return us_number(form.customer_phone_number) or us_number(_field(form, _PHONE_KEY))


def form_email(form: FormSubmission) -> str | None:
    return form.customer_email or _field(form, _EMAIL_KEY)


def form_name(form: FormSubmission) -> str | None:
    return form.customer_name or _field(form, _NAME_KEY)


def _merged(old: FormSubmission, new: FormSubmission) -> FormSubmission | None:
    """``old`` with what ``new`` brings; None when that adds or changes nothing."""
    before = old.model_dump(exclude_unset=True)
    after: dict[str, Any] = dict(before)
    after.update(
        (name, value) for name, value in new.model_dump(exclude_unset=True).items() if value is not None
    )
    if after == before:
        return None
    return FormSubmission.model_validate(after)


class FormBook:
    """Form submissions by id, with an index by phone number. ``zone_for(company_id)``: the company's time
    zone, which says what "today" is for its forms."""

    def __init__(self, zone_for: Callable[[str | None], tzinfo]) -> None:
        self.by_id: dict[str, FormSubmission] = {}
        self._zone_for = zone_for
        self._by_number: dict[str, set[str]] = defaultdict(set)

    def merge(self, forms: Iterable[FormSubmission]) -> FormsChanged:
        new: list[FormSubmission] = []
        changed: list[FormSubmission] = []
        for form in forms:
            old = self.by_id.get(form.id)
            if old is None:
                merged, into = form, new
            else:
                merged, into = _merged(old, form), changed
                if merged is None:
                    continue
                self._by_number[form_phone(old) or ""].discard(old.id)
            self.by_id[form.id] = merged
            self._by_number[form_phone(merged) or ""].add(form.id)
            into.append(merged)
        return FormsChanged(new=new, changed=changed)

    def newest_first(self) -> list[FormSubmission]:
        return sorted(self.by_id.values(), key=lambda form: form.submitted_at or _EPOCH, reverse=True)

    def today(self, now: datetime) -> list[FormSubmission]:
        """The forms submitted today (in each company's time zone), newest first."""
        return [
            form
            for form in self.newest_first()
            if form.submitted_at is not None
            and form.submitted_at.astimezone(zone := self._zone_for(form.company_id)).date()
            == now.astimezone(zone).date()
        ]

    def for_number(self, phone_number: str) -> list[FormSubmission]:
        """The forms that left this number, newest first."""
        forms = [self.by_id[form_id] for form_id in self._by_number.get(phone_number, ())]
        return sorted(forms, key=lambda form: form.submitted_at or _EPOCH, reverse=True)


def tracking_number_for(form: FormSubmission, calls_newest_first: Iterable[Call]) -> str | None:
    """The company's tracking number to text or call this person back from (a form has none of its own):
    the one they last called, else the one the company's newest call came in on. ``calls_newest_first``:
    this number's calls, then the company's (any iterable; read only as far as needed)."""
    for call in calls_newest_first:
        if call.company_id == form.company_id and call.direction != "outbound" and call.tracking_phone_number:
            return call.tracking_phone_number
    return None
