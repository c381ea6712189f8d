"""Drive's search language (the ``q`` of ``files.list``), enough of it for our callers.

Supported: ``name`` and ``mimeType`` with ``=``, ``!=`` and ``contains``; ``trashed``
and ``starred`` with ``=``/``!=``; ``modifiedTime`` and ``createdTime`` with
comparisons; ``'x' in parents|owners|writers|readers``; ``fullText contains``
(matched against the name); ``sharedWithMe``; ``and``, ``or``, ``not`` and
parentheses. Strings take single or double quotes with backslash escapes. Anything
else is Drive's 400 ``Invalid Value`` on ``q``.
"""

from __future__ import annotations

import operator
import re
from collections.abc import Callable
from dataclasses import dataclass

from emulator.errors import drive_bad_value
from emulator.state import ROLE_RANK, DriveFile

Predicate = Callable[[DriveFile, str], bool]  # (file, caller) -> matches

_TOKEN = re.compile(
    r"""\s*(?:
        (?P<string>'(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*")
      | (?P<op>!=|<=|>=|=|<|>)
      | (?P<paren>[()])
      | (?P<word>[A-Za-z_][A-Za-z0-9_]*)
    )""",
    re.VERBOSE,
)


@dataclass(frozen=True)
class _Tok:
    kind: str
    text: str


def compile_query(q: str, root_of: Callable[[str], str]) -> Predicate:
    """A predicate for ``q``; ``root_of(email)`` names a user's My Drive root id."""
    tokens = _tokenize(q)
    if not tokens:
        return lambda f, u: True
    parser = _Parser(tokens, root_of)
    predicate = parser.expression()
    if parser.pos != len(tokens):
        raise drive_bad_value("q")
    return predicate


def _tokenize(q: str) -> list[_Tok]:
    tokens: list[_Tok] = []
    pos = 0
    while pos < len(q):
        if q[pos:].strip() == "":
            break
        match = _TOKEN.match(q, pos)
        if match is None:
            raise drive_bad_value("q")
        kind = match.lastgroup or ""
        text = match.group(kind)
        if kind == "string":
            text = re.sub(r"\\(.)", r"\1", text[1:-1])
        tokens.append(_Tok(kind, text))
        pos = match.end()
    return tokens


class _Parser:
    def __init__(self, tokens: list[_Tok], root_of: Callable[[str], str]) -> None:
        self.tokens = tokens
        self.pos = 0
        self.root_of = root_of

    def peek(self) -> _Tok | None:
        return self.tokens[self.pos] if self.pos < len(self.tokens) else None

    def take(self, kind: str | None = None) -> _Tok:
        tok = self.peek()
        if tok is None or (kind is not None and tok.kind != kind):
            raise drive_bad_value("q")
        self.pos += 1
        return tok

    def keyword(self, word: str) -> bool:
        tok = self.peek()
        if tok is not None and tok.kind == "word" and tok.text.lower() == word:
            self.pos += 1
            return True
        return False

    def expression(self) -> Predicate:
        left = self.conjunction()
        while self.keyword("or"):
            right = self.conjunction()
            left = _either(left, right)
        return left

    def conjunction(self) -> Predicate:
        left = self.negation()
        while self.keyword("and"):
            right = self.negation()
            left = _both(left, right)
        return left

    def negation(self) -> Predicate:
        if self.keyword("not"):
            inner = self.negation()
            return lambda f, u: not inner(f, u)
        tok = self.peek()
        if tok is not None and tok.kind == "paren" and tok.text == "(":
            self.pos += 1
            inner = self.expression()
            if self.take("paren").text != ")":
                raise drive_bad_value("q")
            return inner
        return self.term()

    def term(self) -> Predicate:
        first = self.take()
        if first.kind == "string":
            if not self.keyword("in"):
                raise drive_bad_value("q")
            return self.membership(first.text, self.take("word").text)
        if first.kind != "word":
            raise drive_bad_value("q")
        field = first.text
        if field == "sharedWithMe":
            return lambda f, u: f.owner.lower() != u.lower()
        op_tok = self.take()
        op = op_tok.text if op_tok.kind == "op" else op_tok.text.lower()
        value_tok = self.take()
        if value_tok.kind not in ("string", "word"):
            raise drive_bad_value("q")
        return _comparison(field, op, value_tok)

    def membership(self, value: str, collection: str) -> Predicate:
        if collection == "parents":
            return lambda f, u: (self.root_of(u) if value == "root" else value) in f.parents
        if collection in ("owners", "writers", "readers"):
            need = {"owners": "owner", "writers": "writer", "readers": "reader"}[collection]

            def holds(f: DriveFile, u: str) -> bool:
                email = u if value == "me" else value
                role = f.role_of(email)
                return role is not None and ROLE_RANK[role] >= ROLE_RANK[need]

            return holds
        raise drive_bad_value("q")


def _either(a: Predicate, b: Predicate) -> Predicate:
    return lambda f, u: a(f, u) or b(f, u)


def _both(a: Predicate, b: Predicate) -> Predicate:
    return lambda f, u: a(f, u) and b(f, u)


_TEXT_FIELDS = {"name": "name", "mimeType": "mime_type", "fullText": "name"}
_TIME_FIELDS = {"modifiedTime": "modified_time", "createdTime": "created_time"}
_ORDER: dict[str, Callable[[str, str], bool]] = {
    "=": operator.eq,
    "!=": operator.ne,
    "<": operator.lt,
    "<=": operator.le,
    ">": operator.gt,
    ">=": operator.ge,
}


def _comparison(field: str, op: str, value: _Tok) -> Predicate:
    if field in _TEXT_FIELDS and value.kind == "string":
        attr = _TEXT_FIELDS[field]
        if op == "contains":
            needle = value.text.lower()
            return lambda f, u: needle in str(getattr(f, attr)).lower()
        if op in ("=", "!=") and field != "fullText":
            same = op == "="
            return lambda f, u: (getattr(f, attr) == value.text) == same
    if field in ("trashed", "starred") and op in ("=", "!=") and value.kind == "word":
        if value.text not in ("true", "false"):
            raise drive_bad_value("q")
        wanted = (value.text == "true") == (op == "=")
        if field == "starred":
            return lambda f, u: not wanted
        return lambda f, u: f.trashed == wanted
    if field in _TIME_FIELDS and op in _ORDER and value.kind == "string":
        attr = _TIME_FIELDS[field]
        compare = _ORDER[op]
        bound = _normalise_time(value.text)
        return lambda f, u: bool(compare(_normalise_time(getattr(f, attr)), bound))
    raise drive_bad_value("q")


def _normalise_time(text: str) -> str:
    """RFC 3339 in UTC, to millisecond precision, so strings compare as times."""
    match = re.fullmatch(
        r"(\d{4}-\d{2}-\d{2})(?:T(\d{2}:\d{2}:\d{2})(\.\d+)?)?(Z|[+-]00:00)?", text
    )
    if match is None:
        raise drive_bad_value("q")
    date, clock, frac, _ = match.groups()
    millis = ((frac or ".000") + "000")[:4]
    return f"{date}T{clock or '00:00:00'}{millis}Z"
