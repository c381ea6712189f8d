"""Formulas: tokens and a parser to a small syntax tree.

Grammar (lowest precedence first): comparisons ``= <> < > <= >=``, ``&``, ``+ -``,
``* /``, ``^``, unary ``+ -``, postfix ``%``, then numbers, ``"strings"``, ``TRUE``/
``FALSE``, error literals, references (``A1``, ``$A$1``, ``A1:B2``, ``A:A``, ``2:3``,
``Sheet1!A1``, ``'My sheet'!A1:B2``), named ranges, function calls and parentheses.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from typing import Any

ERROR_LITERALS = ("#NULL!", "#DIV/0!", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#N/A", "#ERROR!")

_TOKEN = re.compile(
    r"""
    (?P<ws>\s+)
  | (?P<string>"(?:[^"]|"")*")
  | (?P<error>\#NULL!|\#DIV/0!|\#VALUE!|\#REF!|\#NAME\?|\#NUM!|\#N/A|\#ERROR!)
  | (?P<ref>(?:(?:'(?:[^']|'')+'|[A-Za-z_][\w.]*)!)?
        (?:\$?[A-Za-z]{1,3}\$?\d+(?::\$?[A-Za-z]{1,3}\$?\d+)?
          |\$?[A-Za-z]{1,3}:\$?[A-Za-z]{1,3}
          |\$?\d+:\$?\d+)(?![\w(]))
  | (?P<number>(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?)
  | (?P<name>[A-Za-z_][\w.]*)
  | (?P<op><>|<=|>=|[-+*/^&=<>%(),;:{}])
    """,
    re.VERBOSE,
)


class FormulaSyntaxError(ValueError):
    pass


@dataclass(frozen=True)
class Token:
    kind: str
    text: str


def tokenize(source: str) -> list[Token]:
    tokens: list[Token] = []
    pos = 0
    while pos < len(source):
        match = _TOKEN.match(source, pos)
        if match is None:
            raise FormulaSyntaxError(f"unexpected {source[pos]!r}")
        kind = match.lastgroup or ""
        tokens.append(Token(kind, match.group(0)))
        pos = match.end()
    return tokens


# Syntax tree: tuples, the first item says what the node is.
#   ("num", float) ("str", str) ("bool", bool) ("err", literal)
#   ("ref", sheet or None, cells text)  ("name", text)
#   ("call", name as typed, [args])  ("unary", op, node)  ("bin", op, left, right)  ("pct", node)
Node = tuple[Any, ...]

_BINARY = [
    ("=", "<>", "<", ">", "<=", ">="),
    ("&",),
    ("+", "-"),
    ("*", "/"),
    ("^",),
]


class _Parser:
    def __init__(self, tokens: list[Token]) -> None:
        self.tokens = [t for t in tokens if t.kind != "ws"]
        self.pos = 0

    def peek(self) -> Token | None:
        return self.tokens[self.pos] if self.pos < len(self.tokens) else None

    def take(self) -> Token:
        tok = self.peek()
        if tok is None:
            raise FormulaSyntaxError("unexpected end")
        self.pos += 1
        return tok

    def expect(self, text: str) -> None:
        if self.take().text != text:
            raise FormulaSyntaxError(f"expected {text}")

    def parse(self) -> Node:
        node = self.binary(0)
        if self.peek() is not None:
            raise FormulaSyntaxError(f"unexpected {self.peek()}")
        return node

    def binary(self, level: int) -> Node:
        if level == len(_BINARY):
            return self.unary()
        node = self.binary(level + 1)
        while (tok := self.peek()) is not None and tok.kind == "op" and tok.text in _BINARY[level]:
            self.take()
            right = self.binary(level + 1)
            node = ("bin", tok.text, node, right)
        return node

    def unary(self) -> Node:
        tok = self.peek()
        if tok is not None and tok.kind == "op" and tok.text in "+-":
            self.take()
            return ("unary", tok.text, self.unary())
        return self.postfix()

    def postfix(self) -> Node:
        node = self.primary()
        while (tok := self.peek()) is not None and tok.text == "%":
            self.take()
            node = ("pct", node)
        return node

    def primary(self) -> Node:
        tok = self.take()
        if tok.kind == "number":
            return ("num", float(tok.text))
        if tok.kind == "string":
            return ("str", tok.text[1:-1].replace('""', '"'))
        if tok.kind == "error":
            return ("err", tok.text)
        if tok.kind == "ref":
            sheet, bang, cells = tok.text.rpartition("!")
            name = sheet[1:-1].replace("''", "'") if sheet.startswith("'") else sheet
            return ("ref", name if bang else None, cells.replace("$", "").upper())
        if tok.kind == "name":
            nxt = self.peek()
            if nxt is not None and nxt.text == "(":
                self.take()
                return ("call", tok.text, self.arguments())
            upper = tok.text.upper()
            if upper in ("TRUE", "FALSE"):
                return ("bool", upper == "TRUE")
            return ("name", tok.text)
        if tok.text == "(":
            node = self.binary(0)
            self.expect(")")
            return node
        raise FormulaSyntaxError(f"unexpected {tok.text}")

    def arguments(self) -> list[Node]:
        args: list[Node] = []
        if (tok := self.peek()) is not None and tok.text == ")":
            self.take()
            return args
        while True:
            nxt = self.peek()
            if nxt is not None and nxt.text in (",", ")"):
                args.append(("blank",))
            else:
                args.append(self.binary(0))
            sep = self.take()
            if sep.text == ")":
                return args
            if sep.text not in (",", ";"):
                raise FormulaSyntaxError("expected , or )")


@functools.lru_cache(maxsize=4096)
def parse(formula: str) -> Node:
    """The syntax tree of ``formula`` (with its leading ``=``); trees are immutable, so
    they are cached by formula text."""
    if not formula.startswith("="):
        raise FormulaSyntaxError("not a formula")
    return _Parser(tokenize(formula[1:])).parse()
