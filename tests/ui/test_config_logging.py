"""The log file: phone numbers and the key masked, httpx quiet, nothing on the terminal."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from tui.logging_setup import LOG_NAME, redact, setup_logging


@pytest.mark.parametrize(
    "number", ["+15125550198", "(512) 555-0198", "512-555-0198", "512.555.0198", "1-512-555-0198"]
)
def test_phone_numbers_are_masked(number: str) -> None:
    assert redact(f"call from {number} ended") == "call from •••-•••-0198 ended"


def test_dates_ids_and_counts_are_left_alone() -> None:
    text = "poll at 2026-11-27 08:00:00 got 250 calls, CAL81547481234567890 changed"
    assert redact(text) == text


def test_log_file_masks_numbers_keys_and_tracebacks(
    tmp_path: Path, restore_logging: None, capsys: pytest.CaptureFixture[str]
) -> None:
    key = "live-key-0123456789abcdef"
    path = setup_logging(tmp_path / "state", secrets=[key])
    log = logging.getLogger("tui.test")
    log.info("text to %s with key %s", "+15125550198", key)
    try:
        raise ValueError(f"bad answer for +13035550100 (Authorization: Token token={key})")
    except ValueError:
        log.exception("request failed")
    logging.getLogger("httpx").info("HTTP Request: GET https://api.callrail.com/v3/a.json")
    for handler in logging.getLogger().handlers:
        handler.flush()

    text = path.read_text()
    assert path.name == LOG_NAME and path.parent == tmp_path / "state"
    assert "+15125550198" not in text and "0198" in text
    assert "3035550100" not in text
    assert key not in text
    assert "ValueError" in text
    assert "HTTP Request" not in text
    captured = capsys.readouterr()
    assert captured.out == "" and captured.err == ""
