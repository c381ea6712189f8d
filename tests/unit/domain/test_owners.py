"""Owners: how they are read, who counts as a person, how they are compared."""

from __future__ import annotations

import pytest

from service.domain.owners import format_owner, is_person, owner_key, parse_owner


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Dana Lee <dana@acme.com>", ("Dana Lee", "dana@acme.com")),
        ('"Dana Lee" <dana@acme.com>', ("Dana Lee", "dana@acme.com")),
        ("  Dana   Lee  < dana@acme.com >", ("Dana Lee", "dana@acme.com")),
        ("<dana@acme.com>", ("", "dana@acme.com")),
        ("dana@acme.com", ("", "dana@acme.com")),
        ("Dana Lee", ("Dana Lee", "")),
        ("Acme Legal <not an email>", ("Acme Legal <not an email>", "")),
        ("", ("", "")),
    ],
)
def test_an_owner_is_read_as_a_name_and_an_email(text: str, expected: tuple[str, str]) -> None:
    assert parse_owner(text) == expected


@pytest.mark.parametrize(
    "owner",
    [
        "Dana Lee <dana@acme.com>",
        "dana.lee@acme.com",
        "Dana <dana@acme.com>",
        "Dana Lee",
        "Mary-Jane Watson",
        "Itzel Ramírez",
    ],
)
def test_a_personal_email_or_a_full_name_is_a_person(owner: str) -> None:
    assert is_person(owner)


@pytest.mark.parametrize(
    "owner",
    [
        "",
        "Dana",  # one word: which Dana?
        "legal@acme.com",
        "it-support@acme.com",
        "procurement.team@acme.com",
        "dana+legal@acme.com",
        "Acme Legal",
        "InfoSec Team",
        "Acme InfoSec lead (name needed)",
        "Head of Procurement",
        "The CFO",
        "Dana Lee <security@acme.com>",  # the inbox decides: the email is what gets the work
    ],
)
def test_a_team_role_or_shared_inbox_is_not_a_person(owner: str) -> None:
    assert not is_person(owner)


def test_role_words_are_compared_without_case() -> None:
    assert not is_person("ACME PROCUREMENT")
    assert not is_person("Legal@Acme.com")


def test_owners_are_compared_by_email_when_they_have_one_else_by_their_text() -> None:
    assert owner_key("Dana Lee <Dana@Acme.com>") == owner_key("dana@acme.com")
    assert owner_key("Dana Lee") == owner_key("  dana LEE ")
    assert owner_key("Dana Lee") != owner_key("Dana Lee <dana@acme.com>")


def test_a_contact_is_written_as_name_and_email() -> None:
    assert format_owner("Dana Lee", "dana@acme.com") == "Dana Lee <dana@acme.com>"
    assert format_owner("", "dana@acme.com") == "dana@acme.com"
    assert format_owner("Dana Lee", "") == "Dana Lee"
