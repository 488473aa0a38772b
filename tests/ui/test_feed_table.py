"""The call table on its own: layout, order kept by key, cursor anchoring, filters, safe rendering."""

from __future__ import annotations

from rich.cells import cell_len
from textual.app import App, ComposeResult

from tui.feed_index import SORT_VALUES
from tui.screenshots import SCENE_START
from tui.widgets.call_table import CallTable
from tui.widgets.call_table_layout import COLUMNS, GAP, layout_columns


class TableApp(App[None]):
    def compose(self) -> ComposeResult:
        yield CallTable(now=lambda: SCENE_START)


def lines(table: CallTable) -> list[str]:
    return [table.render_line(y).text for y in range(table.size.height)]


def test_layout_fills_the_width_and_drops_low_priority_columns_when_narrow() -> None:
    wide = layout_columns(118)
    assert [column.key for column, _ in wide] == [column.key for column in COLUMNS]
    assert sum(width for _, width in wide) + GAP * (len(wide) - 1) == 118
    narrow = layout_columns(60)
    keys = [column.key for column, _ in narrow]
    assert {"time", "caller", "status"} <= set(keys)
    assert "tags" not in keys
    assert sum(width for _, width in narrow) + GAP * (len(narrow) - 1) <= 60


def test_a_sorted_columns_title_and_arrow_fit_its_narrowest_width() -> None:
    """The sort arrow is never cut: "1st ▲", not "1s… ▲"."""
    for column in COLUMNS:
        assert cell_len(f"{column.title} ▲") <= column.min_width, column.key


def test_every_column_can_be_sorted() -> None:
    assert [column.key for column in COLUMNS] == list(SORT_VALUES)


async def test_newest_first_and_rows_update_in_place(make_call) -> None:
    app = TableApp()
    async with app.run_test(size=(120, 12)) as pilot:
        table = app.query_one(CallTable)
        table.upsert([make_call("A", 30), make_call("B", 20), make_call("C", 10)])
        assert [call.id for call in table.visible_calls()] == ["C", "B", "A"]
        table.upsert([make_call("B", 20, call_type="missed", answered=False, duration=0)])
        await pilot.pause()
        assert [call.id for call in table.visible_calls()] == ["C", "B", "A"]
        assert table.row_count == 3
        assert "missed" in lines(table)[2]


async def test_cursor_stays_on_its_call_when_new_calls_arrive(make_call) -> None:
    app = TableApp()
    async with app.run_test(size=(120, 12)) as pilot:
        table = app.query_one(CallTable)
        table.upsert([make_call(f"C{i:02d}", 100 - i) for i in range(50)])
        table.focus()
        await pilot.press("j", "j", "j")
        chosen = table.selected_call
        table.upsert([make_call("NEW1", 0), make_call("NEW2", -1)])
        assert table.selected_call == chosen
        assert table.cursor_row == 5


async def test_cursor_on_the_newest_row_follows_new_calls(make_call) -> None:
    app = TableApp()
    async with app.run_test(size=(120, 12)):
        table = app.query_one(CallTable)
        table.upsert([make_call("OLD", 10)])
        table.upsert([make_call("NEW", 0)])
        assert table.cursor_row == 0
        assert table.selected_call.id == "NEW"


async def test_filter_words_narrow_and_widen(make_call) -> None:
    app = TableApp()
    async with app.run_test(size=(120, 12)):
        table = app.query_one(CallTable)
        table.upsert(
            [
                make_call("A", 3, customer_name="Maria Delgado", tags=["Quote"]),
                make_call("B", 2, customer_name="Ravi Patel", company_name="Windy City Plumbing"),
                make_call("C", 1, customer_name="Maria Chen", source="Yelp"),
            ]
        )
        table.set_filter("mar")
        assert {call.id for call in table.visible_calls()} == {"A", "C"}
        table.set_filter("maria yelp")
        assert [call.id for call in table.visible_calls()] == ["C"]
        table.set_filter("windy")
        assert [call.id for call in table.visible_calls()] == ["B"]
        table.set_filter("")
        assert table.row_count == 3


async def test_sort_by_a_column_and_reverse(make_call) -> None:
    app = TableApp()
    async with app.run_test(size=(120, 12)):
        table = app.query_one(CallTable)
        table.upsert(
            [
                make_call("A", 3, duration=30),
                make_call("B", 2, duration=300),
                make_call("C", 1, duration=90),
            ]
        )
        table.sort_by("duration")
        assert [call.id for call in table.visible_calls()] == ["A", "C", "B"]
        table.reverse_sort()
        assert [call.id for call in table.visible_calls()] == ["B", "C", "A"]
        table.upsert([make_call("D", 0, duration=120)])
        assert [call.id for call in table.visible_calls()] == ["B", "D", "C", "A"]


async def test_equal_values_keep_the_newest_first_both_ways(make_call) -> None:
    app = TableApp()
    async with app.run_test(size=(120, 12)):
        table = app.query_one(CallTable)
        table.upsert([make_call("OLD", 9, company_name="Acme"), make_call("NEW", 1, company_name="Acme")])
        table.sort_by("company", descending=False)
        assert [call.id for call in table.visible_calls()] == ["NEW", "OLD"]
        table.reverse_sort()
        assert [call.id for call in table.visible_calls()] == ["NEW", "OLD"]


async def test_hostile_text_is_shown_literally_and_keeps_the_layout(make_call) -> None:
    app = TableApp()
    async with app.run_test(size=(120, 8)) as pilot:
        table = app.query_one(CallTable)
        table.upsert(
            [
                make_call("X1", 2, customer_name="[bold red]Boss[/] [@click=app.quit]x[/]"),
                make_call("X2", 1, customer_name="\x1b]8;;http://evil\x07link\x1b]8;;\x07 \u202eevil"),
                make_call(
                    "X3", 0, customer_name="中文名字很长很长很长很长很长", tags=["\x1b[31mred", "e\u0301"]
                ),
            ]
        )
        await pilot.pause()
        rendered = lines(table)
        width = table.scrollable_content_region.width
        assert all(cell_len(line) == width for line in rendered)
        joined = "\n".join(rendered)
        assert "[bold red]Bo" in joined  # the markup is text (cut to the column), not style
        assert "\x1b" not in joined and "\u202e" not in joined
        assert "link" in joined and "evil" in joined
        assert "中文名字" in joined


async def test_mask_hides_names_and_numbers(make_call) -> None:
    app = TableApp()
    async with app.run_test(size=(120, 6)) as pilot:
        table = app.query_one(CallTable)
        table.upsert([make_call("A", 1), make_call("B", 0, customer_name=None)])
        table.mask = True
        await pilot.pause()
        joined = "\n".join(lines(table))
        assert "Maria" not in joined and "Delgado" not in joined
        assert "M. D." in joined
        assert "512" not in joined and "•••-•••-0198" in joined
        table.set_filter("delgado")
        assert table.row_count == 0
