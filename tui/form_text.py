"""A form submission as text for the screens and toasts: who sent it, how to reach them, which form, and
each field, literal (``safe_text.clean``), with what looks like personal data hidden while masked."""

from __future__ import annotations

import json
import re
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from tui import display
from tui.live.forms import form_email, form_name, form_phone
from tui.safe_text import clean, mask_in_text, mask_name, mask_phone

if TYPE_CHECKING:
    from tui.callrail.models import FormSubmission

# Fields whose whole value is personal data: masked outright, whatever it holds.
_NAME_KEY = re.compile(r"name", re.IGNORECASE)
_PHONE_KEY = re.compile(r"phone|tel|mobile|cell|fax", re.IGNORECASE)
_PERSONAL_KEY = re.compile(
    r"e-?mail|address|street|city|zip|postal|birth|dob|ssn|social|licen[cs]e", re.IGNORECASE
)
_EMAIL = re.compile(r"[^\s@<>()\[\],;:\"']+@([A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*)")


def mask_email(text: str) -> str:
    """Every address in ``text`` as its first letter and its top-level domain: ``l•••@•••.net``."""

    def hide(found: re.Match[str]) -> str:
        tld = found.group(1).rsplit(".", 1)[-1] if "." in found.group(1) else "•••"
        return f"{found.group()[0]}•••@•••.{tld}"

    return _EMAIL.sub(hide, text)


def who(form: FormSubmission, *, mask: bool) -> str:
    """The sender's name, else their number or address."""
    name = clean(form_name(form), single_line=True)
    if name:
        return mask_name(name) if mask else name
    return contact(form, mask=mask) or "Unknown sender"


def contact(form: FormSubmission, *, mask: bool) -> str:
    """How to reach them: the phone number, else the email address."""
    phone = form_phone(form)
    if phone:
        return display.compact_phone(phone, mask=mask)
    email = clean(form_email(form), single_line=True)
    return mask_email(email) if mask else email


def form_label(form: FormSubmission) -> str:
    """Which form: the page it is on (``/contact``), as CallRail names no form."""
    url = clean(form.form_url, single_line=True)
    if not url:
        return "form"
    parts = urlsplit(url)
    return parts.path.rstrip("/") or parts.netloc or url


def source(form: FormSubmission) -> str:
    return clean(form.source or form.medium or form.referrer or "", single_line=True)


def field_text(value: object) -> str:
    """A field's value as the sender typed it (a list or object as JSON), safe to show."""
    if isinstance(value, str):
        return clean(value)
    return clean(json.dumps(value, ensure_ascii=False, default=str))


def field_value(form: FormSubmission, key: str, value: object, *, mask: bool) -> str:
    """One field's value for the detail; while masked, a personal field is hidden and numbers, addresses
    and the sender's name are hidden in free text."""
    text = field_text(value)
    if not mask or not text.strip():
        return text
    if _PHONE_KEY.search(key):
        return mask_phone(text)
    if _NAME_KEY.search(key):
        return mask_name(text)
    if _PERSONAL_KEY.search(key):
        return mask_email(text) if _EMAIL.search(text) else "•••"
    return mask_in_text(mask_email(text), [form_name(form) or ""])
