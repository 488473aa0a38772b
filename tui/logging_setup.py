"""The log file a user can attach to a problem report: phone numbers and the API key masked.

While the TUI runs nothing may reach the terminal, so the root logger gets exactly one handler (the
file) and Python warnings are routed into it. httpx and httpcore log request lines (with the URL)
at INFO, so they are held at WARNING.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable
from pathlib import Path

from tui.config import mask_secret
from tui.safe_text import mask_phone

LOG_NAME = "callrail-tui.log"

# E.164 (+15125550198) and North American forms ((512) 555-0198, 512.555.0198, 1-512-555-0198).
# Dates (2026-11-27) and ids (CAL8154…) do not match: a number must stand alone.
_PHONE = re.compile(r"(?<![\w+])(?:\+\d{10,15}|(?:\+?1[\s.-]?)?\(?\d{3}\)?[\s.-]?\d{3}[\s.-]?\d{4})(?!\w)")
_TOKEN = re.compile(r"(Token\s+token=)\S+", re.IGNORECASE)


def redact(text: str, secrets: Iterable[str] = ()) -> str:
    for secret in secrets:
        if secret:
            text = text.replace(secret, mask_secret(secret))
    text = _TOKEN.sub(r"\1…", text)
    return _PHONE.sub(lambda match: mask_phone(match.group(0)), text)


class RedactFilter(logging.Filter):
    """Masks phone numbers, ``Token token=…`` headers and known secrets in messages and tracebacks."""

    def __init__(self, secrets: Iterable[str] = ()) -> None:
        super().__init__()
        self.secrets = [secret for secret in secrets if secret]

    def filter(self, record: logging.LogRecord) -> bool:
        record.msg = redact(record.getMessage(), self.secrets)
        record.args = None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = redact(record.exc_text, self.secrets)
        return True


_filter = RedactFilter()


def register_secret(secret: str) -> None:
    """Mask this value too from now on (a key typed into the setup screen)."""
    if secret and secret not in _filter.secrets:
        _filter.secrets.append(secret)


def setup_logging(state_dir: Path, *, secrets: Iterable[str] = (), level: int = logging.INFO) -> Path:
    """Log to ``<state_dir>/callrail-tui.log`` only; returns the file's path."""
    state_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
    path = state_dir / LOG_NAME
    from logging.handlers import RotatingFileHandler  # not needed by the app's first frame

    handler = RotatingFileHandler(path, maxBytes=2_000_000, backupCount=3, encoding="utf-8")
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    for secret in secrets:
        register_secret(secret)
    handler.addFilter(_filter)
    root = logging.getLogger()
    for old in root.handlers[:]:
        root.removeHandler(old)
        old.close()
    root.addHandler(handler)
    root.setLevel(level)
    for noisy in ("httpx", "httpcore"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
    logging.captureWarnings(True)
    return path
