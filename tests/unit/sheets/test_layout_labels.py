"""Header texts and labels to the columns and fields they name: as typed by people
(any case, stray spaces and colons), short ones kept with their answer, long ones
worked out each time, with the same answers."""

from __future__ import annotations

from service.sheets import layout


def test_a_table_header_names_its_column_however_it_is_typed() -> None:
    for text in ("Status", "  STATUS: ", "status"):
        assert layout.match_column(text) == "status"
        assert layout.match_column(text) == "status"  # kept: the same answer again
    assert layout.match_column("Milestone") == "title"
    assert layout.match_column("") is None
    assert layout.match_column(" : ") is None
    assert layout.match_column("Our own column") is None


def test_a_label_names_its_header_field_however_it_is_typed() -> None:
    assert layout.match_header_field("Go-Live") == "go_live"
    assert layout.match_header_field("  go live : ") == "go_live"
    assert layout.match_header_field("Outcome / why") == "outcome"
    assert layout.match_header_field("Security review and pen test") is None
    assert layout.match_header_field("") is None


def test_a_long_text_is_matched_the_same_without_being_kept() -> None:
    padding = " " * 200
    before = layout._kept_column.cache_info().currsize
    assert layout.match_column(f"Status{padding}") == "status"
    assert layout.match_header_field(f"{padding}Go-Live") == "go_live"
    title = "A milestone title people wrote at length " * 10
    assert layout.match_column(title) is None
    assert layout.match_header_field(title) is None
    assert layout._kept_column.cache_info().currsize == before
