"""Text from outside (caller names, texts, transcripts) shown literally and safely.

Rich markup is never parsed (we build ``Text`` objects, never markup strings); what could still harm
the terminal or mislead the reader is removed here: ANSI/OSC escape sequences, other control
characters, and bidi overrides that could reorder what is shown.
"""

from __future__ import annotations

import re

from rich.text import Text

_ESCAPE_SEQUENCE = re.compile(
    r"""
    \x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?   # OSC ... BEL or ST
    | \x1b\[[0-?]*[ -/]*[@-~]            # CSI
    | \x1b[PX^_][^\x1b]*(?:\x1b\\)?      # DCS, SOS, PM, APC ... ST
    | \x1b[@-Z\\-_]                       # other two-byte escapes
    | \x9b[0-?]*[ -/]*[@-~]               # 8-bit CSI
    """,
    re.VERBOSE,
)
# C0 controls except tab and newline, DEL, C1 controls, and the bidi embedding/override/isolate marks.
_UNSAFE_CHARS = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\u200e\u200f\u061c]")


def clean(value: object, *, single_line: bool = False) -> str:
    """The text with escape sequences and unsafe control characters removed."""
    if value is None:
        return ""
    text = _UNSAFE_CHARS.sub("", _ESCAPE_SEQUENCE.sub("", str(value)))
    if single_line:
        text = " ".join(text.split())
    return text


def literal(value: object, style: str = "", *, single_line: bool = False) -> Text:
    """A Rich ``Text`` that shows ``value`` exactly (no markup, no escapes); ``single_line`` ends it in
    "…" where it is cut to fit."""
    overflow = "ellipsis" if single_line else None
    return Text(
        clean(value, single_line=single_line), style=style, no_wrap=single_line, overflow=overflow, end=""
    )


def mask_phone(number: str | None) -> str:
    """``+15125550198`` → ``•••-•••-0198``: enough to tell callers apart, not to call them."""
    digits = "".join(ch for ch in number or "" if ch.isdigit())
    return f"•••-•••-{digits[-4:]}" if len(digits) >= 4 else "•••"


def mask_name(name: str | None) -> str:
    """Initials only: ``Maria Delgado`` → ``M. D.``."""
    parts = clean(name, single_line=True).split()
    return " ".join(f"{part[0].upper()}." for part in parts) if parts else "•••"


# A US/Canada number as people write or say it: +1 (512) 555-0198, 512.555.0198, 5125550198.
_PHONE_IN_TEXT = re.compile(r"(?<!\d)(?:\+?1[\s.-]?)?\(?\d{3}\)?[\s.-]?\d{3}[\s.-]?\d{4}(?!\d)")


def mask_in_text(text: str, names: list[str]) -> str:
    """Free text (a transcript, a summary, a note) with phone numbers and the words of ``names`` masked
    as ``mask_phone`` and ``mask_name`` mask them."""
    masked = _PHONE_IN_TEXT.sub(lambda found: mask_phone(found.group()), text)
    words = {word for name in names for word in clean(name, single_line=True).split() if len(word) > 1}
    if not words:
        return masked
    pattern = re.compile(r"\b(" + "|".join(re.escape(word) for word in sorted(words)) + r")\b", re.IGNORECASE)
    return pattern.sub(lambda found: f"{found.group()[0].upper()}.", masked)
