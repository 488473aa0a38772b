from hypothesis import given
from hypothesis import strategies as st
from rich.console import Console

from tui.safe_text import clean, literal, mask_name, mask_phone


def render(text) -> str:
    console = Console(width=200, color_system=None, force_terminal=False, record=True)
    console.print(text)
    return console.export_text()


def test_markup_is_shown_literally() -> None:
    hostile = "[bold]Maria[/bold] [link=https://evil.example]x[/link] [@click=app.quit]y[/]"
    assert render(literal(hostile)).strip() == hostile


def test_escape_sequences_and_bidi_controls_are_removed() -> None:
    hostile = "\x1b[2J\x1b]0;pwned\x07Bob\x1b]8;;http://x\x1b\\link\x1b]8;;\x1b\\ \u202egnp.exe\x9b31m"
    assert clean(hostile) == "Boblink gnp.exe"


def test_single_line_folds_newlines_and_tabs() -> None:
    assert clean("a\nb\tc\r\n", single_line=True) == "a b c"


@given(st.text())
def test_any_text_renders_without_control_characters(value: str) -> None:
    shown = clean(value)
    assert "\x1b" not in shown and "\x9b" not in shown
    assert all(ch in "\n\t" or ord(ch) >= 0x20 for ch in shown)
    render(literal(value))


def test_masking_keeps_only_what_tells_callers_apart() -> None:
    assert mask_phone("+1 (512) 555-0198") == "•••-•••-0198"
    assert mask_phone(None) == "•••"
    assert mask_name("maria  delgado") == "M. D."
    assert mask_name("") == "•••"


def test_mask_in_text_hides_numbers_and_the_callers_name_words() -> None:
    from tui.safe_text import mask_in_text

    said = "Hi, this is Maria Delgado, call me back at (512) 555-0198 or +1 512.555.0164. MARIA here."
    masked = mask_in_text(said, ["Maria Delgado"])
    assert "Maria" not in masked and "MARIA" not in masked and "Delgado" not in masked
    assert "555-0198" not in masked and "555.0164" not in masked
    assert "•••-•••-0198" in masked and "•••-•••-0164" in masked
    assert "M. D." in masked and masked.startswith("Hi, this is")
    assert mask_in_text("Order 12345 ready", []) == "Order 12345 ready"  # not a phone number


def test_feed_times_are_in_one_zone_with_their_age() -> None:
    from datetime import UTC, datetime, timedelta
    from zoneinfo import ZoneInfo

    from tui.display import age, short_time

    now = datetime(2026, 11, 26, 17, 30, tzinfo=UTC)
    chicago = ZoneInfo("America/Chicago")
    assert age(now - timedelta(seconds=20), now) == "now"
    assert age(now - timedelta(minutes=42), now) == "42m"
    assert age(now - timedelta(hours=5, minutes=59), now) == "5h"
    assert short_time(now - timedelta(minutes=3), chicago, now, with_age=True) == "11:27 3m"
    assert short_time(now - timedelta(days=2), chicago, now, with_age=True) == "Tue 11:30"


def test_sparkline_scales_to_the_busiest_bucket() -> None:
    from tui.display import sparkline

    assert sparkline([0, 0, 0]) == "   "
    assert sparkline([0, 1, 2, 4, 8]) == " ▁▂▄█"
    assert sparkline([1, 1, 0, 0, 3, 5], per=2) == "▂ █"  # 2 of 8: a quarter


def test_a_single_line_cut_to_fit_ends_in_an_ellipsis() -> None:
    console = Console(width=12, color_system=None)
    (line,) = console.render_lines(literal("Pacific Coast Law Group", single_line=True), pad=False)
    assert "".join(segment.text for segment in line) == "Pacific Coa…"
