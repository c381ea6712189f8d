"""The store's and the Google client's JSON: written as json.dumps writes the same values,
refused where json.dumps refuses, read back unchanged."""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from datetime import UTC, date, datetime
from enum import Enum, IntEnum, StrEnum
from typing import NamedTuple

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from service.json_documents import ascii_text, parse, text

documents = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**63), max_value=2**63 - 1)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(),
    lambda children: (
        st.lists(children, max_size=5) | st.dictionaries(st.text(max_size=8), children, max_size=5)
    ),
    max_leaves=30,
)


@given(documents)
def test_a_document_reads_back_as_json_dumps_would_have_written_it(document: object) -> None:
    written = text(document)
    assert json.loads(written) == json.loads(json.dumps(document))
    assert parse(written) == json.loads(json.dumps(document))


@given(documents)
def test_a_request_body_is_what_json_dumps_writes_byte_for_byte(document: object) -> None:
    assert ascii_text(document) == json.dumps(document)
    assert ascii_text(document).isascii()


def test_text_beyond_ascii_is_kept_as_typed() -> None:
    document = {"owner": "Zoë Ødegård", "note": "契約書 ✓"}
    assert parse(text(document)) == document


class Status(StrEnum):
    DONE = "Done"


class Side(str, Enum):  # noqa: UP042 - str() of such a member is "Side.BUYER", not its text
    BUYER = "Buyer"


class Lead(IntEnum):
    WEEK = 5


class Span(NamedTuple):
    start: int
    end: int


class Masked(str):
    """A str subclass whose str() is not its text: json.dumps writes the text."""

    def __str__(self) -> str:
        return "***"


def test_string_enums_numpy_numbers_and_number_keys_are_written_as_json_dumps_writes_them() -> None:
    document = {
        "status": Status.DONE,
        "side": Side.BUYER,
        "lead": Lead.WEEK,
        "owner": Masked("dana@acme.example"),
        "p": np.float64(0.25),
        "runs": np.int64(2000),
        "flag": np.bool_(True),
        "spread": np.array([0.5, 1.5]),
        7: "seven",
        "pair": (1, 2),
        "span": Span(3, 8),
    }
    assert json.loads(text(document)) == {
        "status": "Done",
        "side": "Buyer",
        "lead": 5,
        "owner": "dana@acme.example",
        "p": 0.25,
        "runs": 2000,
        "flag": True,
        "spread": [0.5, 1.5],
        "7": "seven",
        "pair": [1, 2],
        "span": [3, 8],
    }


@dataclass
class Milestone:
    title: str


@pytest.mark.parametrize(
    "value",
    [date(2027, 6, 30), datetime(2027, 6, 30, tzinfo=UTC), Milestone("Kickoff"), {1, 2}, object()],
    ids=["date", "datetime", "dataclass", "set", "object"],
)
def test_a_value_json_has_no_form_for_is_refused_not_stored_as_a_string(value: object) -> None:
    with pytest.raises(TypeError):
        json.dumps({"value": value})
    with pytest.raises(TypeError):
        text({"value": value})


def test_nan_and_infinities_are_written_as_null() -> None:
    assert json.loads(text([math.nan, math.inf, -math.inf, 1.5])) == [None, None, None, 1.5]


def test_text_json_dumps_stored_before_reads_as_it_did() -> None:
    stored = json.dumps({"plan": {"go_live": "2027-06-30", "owner": "Zoë"}, "p": math.nan})
    assert "NaN" in stored and "\\u00eb" in stored
    document = parse(stored)
    assert document["plan"] == {"go_live": "2027-06-30", "owner": "Zoë"}
    assert math.isnan(document["p"])


def test_what_orjson_refuses_but_json_loads_reads_is_read_as_json_loads_reads_it() -> None:
    document = parse('{"p": NaN, "q": -Infinity, "big": 123456789012345678901234567890}')
    assert math.isnan(document["p"]) and document["q"] == -math.inf
    assert document["big"] == 123456789012345678901234567890


@pytest.mark.parametrize("text_", ["", "{", "{'a': 1}", "nul"])
def test_text_that_is_not_json_is_refused_with_value_error(text_: str) -> None:
    with pytest.raises(ValueError):
        parse(text_)
