"""Owners as people type them: ``Name <email>``, a bare email, or a name.

An owner counts as a person when it can be held to a date: a personal email (no part
of its local part is a role word), or, without an email, a name of two or more words
none of which is a role word. ``legal@acme.com``, ``Acme Legal`` and ``Dana`` are not
people; ``dana.lee@acme.com`` and ``Dana Lee`` are.
"""

from __future__ import annotations

import re
from functools import lru_cache

ROLE_WORDS = frozenset(
    {
        "team", "dept", "department", "legal", "security", "infosec", "it", "procurement",
        "purchasing", "finance", "sales", "success", "support", "champion", "buyer", "seller",
        "customer", "vendor", "all", "everyone", "committee", "board", "office", "group",
        "admin", "info", "contracts", "ops", "ceo", "cfo", "cio", "cto", "coo", "evp", "svp",
        "vp", "director", "head",
    }
)  # fmt: skip

_EMAIL = re.compile(r"[^\s<>@,;]+@[^\s<>@,;]+\.[^\s<>@,;]+")
_NAME_WITH_EMAIL = re.compile(r"^(?P<name>[^<>]*)<\s*(?P<email>[^<>]*?)\s*>\s*$")
_LOCAL_PART_SEPARATORS = re.compile(r"[._+\-]")
_WORD = re.compile(r"[^\W_]+")


def parse_owner(text: str) -> tuple[str, str]:
    """Split an owner into ``(name, email)``; either may be empty.

    ``"Dana Lee <dana@acme.com>"`` -> ``("Dana Lee", "dana@acme.com")``;
    ``"dana@acme.com"`` -> ``("", "dana@acme.com")``; ``"Dana Lee"`` -> ``("Dana Lee", "")``.
    """
    text = " ".join(text.split())
    bracketed = _NAME_WITH_EMAIL.match(text)
    if bracketed is not None and _EMAIL.fullmatch(bracketed["email"]):
        return bracketed["name"].strip().strip('"').strip(), bracketed["email"]
    if _EMAIL.fullmatch(text):
        return "", text
    return text, ""


@lru_cache(maxsize=4096)
def is_person(owner: str) -> bool:
    """Whether ``owner`` names one accountable person (see the module docstring)."""
    name, email = parse_owner(owner)
    if email:
        local_part = email.rsplit("@", 1)[0]
        parts = [p for p in _LOCAL_PART_SEPARATORS.split(local_part.casefold()) if p]
        return bool(parts) and not any(p in ROLE_WORDS for p in parts)
    words = [w.casefold() for w in _WORD.findall(name)]
    return len(words) >= 2 and not any(w in ROLE_WORDS for w in words)


def owner_key(owner: str) -> str:
    """What identifies an owner: its email if it has one, else its whole text (any case)."""
    name, email = parse_owner(owner)
    return (email or name).casefold()


def format_owner(name: str, email: str) -> str:
    """The way the plan writes a contact: ``Name <email>``, or whichever part is given."""
    name, email = name.strip(), email.strip()
    if name and email:
        return f"{name} <{email}>"
    return name or email
