"""The feed's index on its own, without Textual: sort by each column, filter, keyed updates, positions."""

from __future__ import annotations

import subprocess
import sys
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tui.callrail.models import Call
from tui.feed_index import SORT_VALUES, FeedIndex

NOW = datetime(2026, 11, 26, 15, 0, tzinfo=UTC)


def call(call_id: str, minutes_ago: float, **fields: Any) -> Call:
    data: dict[str, Any] = {
        "id": call_id,
        "start_time": (NOW - timedelta(minutes=minutes_ago)).isoformat(),
        "customer_name": "Maria Delgado",
        "customer_phone_number": "+15125550198",
        "company_name": "Bay State Dental",
        "source": "Google Ads",
        "call_type": "answered",
        "answered": True,
        "duration": 125,
    }
    data.update(fields)
    return Call.model_validate(data)


def ids(index: FeedIndex) -> list[str]:
    return [shown.id for shown in index.visible_calls()]


def three_calls() -> list[Call]:
    """Three calls whose order differs from column to column (A oldest, C newest)."""
    return [
        call(
            "A",
            30,
            company_name="Zeta Roofing",
            customer_name="Carl",
            formatted_customer_location="Boston, MA",
            source="Yelp",
            tracking_phone_number="+16175550103",
            duration=300,
            first_call=True,
            lead_status="good_lead",
            tags=["Quote"],
        ),
        call(
            "B",
            20,
            company_name="Alpha Dental",
            customer_name="Zed",
            formatted_customer_location="Austin, TX",
            source="Google Ads",
            tracking_phone_number="+16175550101",
            call_type="missed",
            answered=False,
            duration=0,
            first_call=False,
            lead_status=None,
            tags=["Booked"],
        ),
        call(
            "C",
            10,
            company_name="Mid Town HVAC",
            customer_name="Amy",
            formatted_customer_location=None,
            source="Direct",
            tracking_phone_number="+16175550102",
            call_type="in_progress",
            answered=None,
            duration=5,
            first_call=False,
            lead_status="not_a_lead",
            tags=[],
        ),
    ]


# column: (ascending, descending); empty values last going up, first going down; ties newest first.
ORDERS = {
    "time": ("ABC", "CBA"),
    "company": ("BCA", "ACB"),
    "caller": ("CAB", "BAC"),
    "location": ("BAC", "CAB"),
    "source": ("CBA", "ABC"),
    "tracking": ("BCA", "ACB"),
    "status": ("CAB", "BAC"),  # in progress, answered, missed
    "duration": ("BCA", "ACB"),
    "first": ("CBA", "ACB"),  # B and C are both not first calls: C is newer
    "lead": ("ACB", "BCA"),
    "tags": ("BAC", "CAB"),
}


def test_every_column_has_an_expected_order() -> None:
    assert set(ORDERS) == set(SORT_VALUES)


@pytest.mark.parametrize("column", list(ORDERS))
def test_sort_by_each_column_both_ways(column: str) -> None:
    index = FeedIndex()
    index.upsert(three_calls())
    ascending, descending = ORDERS[column]
    index.sort_by(column, descending=False)
    assert "".join(ids(index)) == ascending
    index.sort_by(column, descending=True)
    assert "".join(ids(index)) == descending
    assert [index.call_at(row).id for row in range(len(index))] == ids(index)


def test_default_directions_and_unknown_columns() -> None:
    index = FeedIndex()
    assert (index.sort_column, index.sort_descending) == ("time", True)
    index.sort_by("company")
    assert (index.sort_column, index.sort_descending) == ("company", False)
    index.sort_by("company", descending=True)
    index.sort_by("company")  # the same column keeps its direction
    assert index.sort_descending
    index.sort_by("time")
    assert index.sort_descending
    with pytest.raises(ValueError, match="nope"):
        index.sort_by("nope")


def test_company_sort_and_filter_use_the_given_company_names() -> None:
    names = {"A": "Zulu", "B": "Bravo", "C": "Alpha"}
    index = FeedIndex(company_name=lambda shown: names[shown.id])
    index.upsert(three_calls())
    index.sort_by("company", descending=False)
    assert ids(index) == ["C", "B", "A"]
    index.set_filter("bravo")
    assert ids(index) == ["B"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", "CBA"),
        ("zeta", "A"),  # company
        ("BOSTON", "A"),  # location, any case
        ("yelp", "A"),  # source
        ("missed", "B"),  # status label
        ("good_lead", "A"),  # lead status
        ("booked", "B"),  # tag
        ("amy", "C"),  # caller name
        ("0103", "A"),  # tracking number
        ("5125550198", "CBA"),  # caller number, every call has it
        ("maria", ""),  # customer_name is replaced in all three
        ("carl quote", "A"),  # every word must match
        ("carl booked", ""),
        ("  zed\t", "B"),
    ],
)
def test_filter_matches_every_word_in_the_visible_fields(text: str, expected: str) -> None:
    index = FeedIndex()
    index.upsert(three_calls())
    index.set_filter(text)
    assert "".join(ids(index)) == expected


def test_filter_narrows_and_widens_as_you_type() -> None:
    index = FeedIndex()
    index.upsert(three_calls())
    assert index.set_filter("a")
    assert len(index) == 3
    assert index.set_filter("alpha")  # narrowing: only shown rows are checked
    assert ids(index) == ["B"]  # Alpha Dental
    assert not index.set_filter(" alpha ")  # same words: nothing to do
    assert index.set_filter("a")  # widening looks at every call again
    assert len(index) == 3


def test_masked_names_and_numbers_no_longer_match() -> None:
    index = FeedIndex()
    index.upsert(three_calls())
    index.set_filter("carl")
    assert ids(index) == ["A"]
    index.mask = True
    assert ids(index) == []
    index.set_filter("zeta")
    assert ids(index) == ["A"]
    index.mask = False
    index.set_filter("0103")
    assert ids(index) == ["A"]


def test_predicate_and_filter_together_and_recheck() -> None:
    index = FeedIndex()
    index.upsert(three_calls())
    wanted = {"A", "B"}
    index.set_predicate(lambda shown: shown.id in wanted)
    assert ids(index) == ["B", "A"]
    index.set_filter("zed")
    assert ids(index) == ["B"]
    index.set_filter("")
    wanted.discard("B")
    wanted.add("C")
    index.recheck(["B", "C", "unknown"])
    assert ids(index) == ["C", "A"]
    index.set_predicate(None)
    assert ids(index) == ["C", "B", "A"]


def test_updates_move_a_call_to_where_it_now_sorts_and_row_of_follows() -> None:
    index = FeedIndex()
    index.upsert(three_calls())
    index.sort_by("duration", descending=True)
    assert ids(index) == ["A", "C", "B"]
    assert index.row_of("B") == 2
    index.upsert([call("B", 20, duration=900)])
    assert ids(index) == ["B", "A", "C"]
    assert [index.row_of(call_id) for call_id in "ABC"] == [1, 0, 2]
    assert index.version("B") == 2 and index.version("A") == 1
    index.set_filter("bay state")  # only B still has the default company
    assert index.row_of("B") == 0
    assert index.row_of("A") is None  # filtered out
    assert index.row_of("nope") is None


def test_remove_forgets_calls_and_whatever_was_kept_for_them() -> None:
    index = FeedIndex()
    index.upsert(three_calls())
    index.set_filter("a")  # fills the search text of every call
    assert not index.remove(["nope"])
    assert index.remove(["B", "nope"])
    assert ids(index) == ["C", "A"] and index.call_count == 2
    assert index.row_of("B") is None and index.version("B") == 0
    assert "B" not in index._haystack
    index.upsert([call("B", 20)])
    assert ids(index) == ["C", "B", "A"]


def test_calls_in_progress_are_known_until_they_end() -> None:
    index = FeedIndex()
    index.upsert(three_calls())
    assert index.has_live_calls and index.is_live("C") and not index.is_live("A")
    index.upsert([call("C", 10, call_type="answered", duration=60)])
    assert not index.has_live_calls


@settings(max_examples=150, deadline=None)
@given(
    steps=st.lists(
        st.tuples(st.sampled_from(["upsert", "remove"]), st.integers(0, 15), st.integers(0, 5)),
        max_size=60,
    ),
    column=st.sampled_from(["time", "duration"]),
    descending=st.booleans(),
)
def test_keyed_changes_keep_the_same_order_as_a_full_sort(
    steps: list[tuple[str, int, int]], column: str, descending: bool
) -> None:
    index = FeedIndex()
    index.sort_by(column, descending=descending)
    held: dict[str, Call] = {}
    for action, number, value in steps:
        call_id = f"C{number:02d}"
        if action == "remove":
            index.remove([call_id])
            held.pop(call_id, None)
        else:
            # start times unique per id (minutes_ago = number), so ties only come from durations
            changed = call(call_id, number, duration=value)
            index.upsert([changed])
            held[call_id] = changed
    newest_first = sorted(held.values(), key=lambda shown: shown.start_time, reverse=True)
    if column == "time":
        expected = newest_first if descending else newest_first[::-1]
    else:
        # stable sorts on newest-first: equal durations keep the newest call first
        expected = sorted(newest_first, key=lambda shown: shown.duration, reverse=descending)
    assert ids(index) == [shown.id for shown in expected]
    assert all(index.row_of(shown.id) == row for row, shown in enumerate(expected))


def test_the_index_imports_no_textual() -> None:
    code = "import sys, tui.feed_index; print(sorted(m for m in sys.modules if m.split('.')[0] == 'textual'))"
    found = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert found.stdout.strip() == "[]"
