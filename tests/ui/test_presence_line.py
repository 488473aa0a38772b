"""The line that names colleagues on the same call or thread (through a team hub)."""

from tui.live.events import TeamPresence, Viewing
from tui.widgets.presence_line import describe


def test_it_names_who_has_it_open_and_who_is_writing() -> None:
    presence = TeamPresence(
        (
            Viewing("Dana", "thread:+1512", composing=True),
            Viewing("Sam", "thread:+1512"),
            Viewing("Lee", "call:CAL1"),
            Viewing("[b]Kim[/b]\x1b[31m", "thread:+1512"),
        )
    )
    assert describe(presence, "thread:+1512") == "Dana is writing a reply · Sam, [b]Kim[/b] have this open"
    assert describe(presence, "call:CAL1") == "Lee has this open"
    assert describe(presence, "call:CAL2") == ""
