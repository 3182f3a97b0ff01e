"""A parser for the subset of GAQL (Google Ads Query Language) the sandbox serves.

    SELECT field[, field…] FROM resource
    [WHERE condition [AND condition…]]
    [ORDER BY field [ASC|DESC][, …]]
    [LIMIT n]

A condition is `field op value` with op one of = != < <= > >=, `field [NOT] IN (v, …)`,
`field BETWEEN a AND b` or `field DURING LAST_7_DAYS` (and the other date-range
literals below). Values are 'strings' or "strings", numbers, or bare enum constants
(ENABLED). Keywords are case-insensitive; field names are not. Anything else (OR does
not exist in GAQL; LIKE, IS NULL, PARAMETERS are not served) is an INVALID_ARGUMENT
whose message says what was expected. The parser knows nothing of fields or resources.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from executors.sandbox.google_errors import query_error

KEYWORDS = {"SELECT", "FROM", "WHERE", "AND", "ORDER", "BY", "ASC", "DESC", "LIMIT", "IN", "NOT"}
KEYWORDS |= {"BETWEEN", "DURING", "OR", "LIKE", "IS", "NULL", "PARAMETERS", "CONTAINS"}
DURING_LITERALS = {"TODAY", "YESTERDAY", "LAST_7_DAYS", "LAST_14_DAYS", "LAST_30_DAYS"}
COMPARISONS = {"=", "!=", "<", "<=", ">", ">="}
MAX_LIMIT = 10_000_000

_TOKEN = re.compile(
    r"""\s*(?:
        (?P<string>'(?:[^'\\\n]|\\.)*'|"(?:[^"\\\n]|\\.)*")
      | (?P<number>-?\d+(?:\.\d+)?)
      | (?P<word>[A-Za-z_][A-Za-z0-9_.]*)
      | (?P<symbol>!=|<=|>=|[=<>(),])
    )""",
    re.VERBOSE,
)


@dataclass(frozen=True)
class Token:
    kind: str  # string | number | word | symbol | end
    text: str
    value: object
    position: int


@dataclass(frozen=True)
class Condition:
    field: str
    operator: str  # = != < <= > >= IN NOT IN BETWEEN DURING
    values: tuple


@dataclass(frozen=True)
class Query:
    fields: tuple[str, ...]
    resource: str
    conditions: tuple[Condition, ...] = ()
    order_by: tuple[tuple[str, bool], ...] = ()  # (field, descending)
    limit: int | None = None


def tokenize(text: str) -> list[Token]:
    """GAQL tokens; GoogleAdsError on an unterminated string or a stray symbol."""
    tokens, position = [], 0
    while position < len(text):
        if text[position:].strip() == "":
            break
        match = _TOKEN.match(text, position)
        if match is None:
            start = len(text) - len(text[position:].lstrip())
            if text[start] in "'\"":
                raise query_error("STRING_NOT_TERMINATED", f"Unterminated string at {start}.")
            raise query_error("BAD_SYMBOL", f"Unexpected symbol {text[start]!r} at {start}.")
        kind = match.lastgroup
        raw = match.group(kind)
        value: object = raw
        if kind == "string":
            value = re.sub(r"\\(.)", r"\1", raw[1:-1])
        elif kind == "number":
            value = float(raw) if "." in raw else int(raw)
        tokens.append(Token(kind, raw, value, match.start(kind)))
        position = match.end()
    tokens.append(Token("end", "", None, len(text)))
    return tokens


class _Parser:
    def __init__(self, text: str):
        self.tokens = tokenize(text)
        self.at = 0

    @property
    def current(self) -> Token:
        return self.tokens[self.at]

    def _take(self) -> Token:
        token = self.current
        self.at += 1
        return token

    def _is(self, keyword: str) -> bool:
        token = self.current
        return token.kind == "word" and token.text.upper() == keyword

    def _expect(self, keyword: str, code: str) -> None:
        if not self._is(keyword):
            raise query_error(code, f"Expected {keyword} at {self._where()}.")
        self.at += 1

    def _symbol(self, symbol: str) -> bool:
        if self.current.kind == "symbol" and self.current.text == symbol:
            self.at += 1
            return True
        return False

    def _where(self) -> str:
        token = self.current
        if token.kind == "end":
            return "the end of the query"
        return f"position {token.position} ({token.text!r})"

    def _field(self) -> str:
        token = self.current
        if token.kind != "word" or token.text.upper() in KEYWORDS:
            if token.kind == "end":
                raise query_error("UNEXPECTED_END_OF_QUERY", "Expected a field name.")
            raise query_error("BAD_FIELD_NAME", f"Expected a field name at {self._where()}.")
        self.at += 1
        return token.text

    def _value(self) -> object:
        token = self._take()
        if token.kind in ("string", "number"):
            return token.value
        if token.kind == "word" and token.text.upper() in ("TRUE", "FALSE"):
            return token.text.upper() == "TRUE"
        if token.kind == "word" and token.text.upper() not in KEYWORDS:
            return token.text  # an enum constant written without quotes
        self.at -= 1
        raise query_error("BAD_VALUE", f"Expected a value at {self._where()}.")

    def _condition(self) -> Condition:
        field = self._field()
        token = self.current
        if token.kind == "symbol" and token.text in COMPARISONS:
            self.at += 1
            return Condition(field, token.text, (self._value(),))
        if self._is("NOT"):
            self.at += 1
            if not self._is("IN"):
                raise query_error("BAD_OPERATOR", f"Expected IN after NOT at {self._where()}.")
            self.at += 1
            return Condition(field, "NOT IN", self._list())
        if self._is("IN"):
            self.at += 1
            return Condition(field, "IN", self._list())
        if self._is("BETWEEN"):
            self.at += 1
            low = self._value()
            self._expect("AND", "EXPECTED_VALUE_WITH_BETWEEN_OPERATOR")
            return Condition(field, "BETWEEN", (low, self._value()))
        if self._is("DURING"):
            self.at += 1
            literal = self._take()
            name = literal.text.upper()
            if literal.kind != "word" or name not in DURING_LITERALS:
                raise query_error(
                    "INVALID_VALUE_WITH_DURING_OPERATOR",
                    f"DURING {literal.text or '(nothing)'} is not served by the sandbox; "
                    f"use one of {', '.join(sorted(DURING_LITERALS))}.",
                )
            return Condition(field, "DURING", (name,))
        raise query_error(
            "BAD_OPERATOR",
            f"Expected an operator (=, !=, <, <=, >, >=, IN, NOT IN, BETWEEN, DURING) at "
            f"{self._where()}.",
        )

    def _list(self) -> tuple:
        if not self._symbol("("):
            raise query_error("EXPECTED_LIST", f"Expected '(' at {self._where()}.")
        if self._symbol(")"):
            raise query_error("PROHIBITED_EMPTY_LIST_IN_CONDITION", "An IN list is empty.")
        values = [self._value()]
        while self._symbol(","):
            values.append(self._value())
        if not self._symbol(")"):
            raise query_error("EXPECTED_LIST", f"Expected ',' or ')' at {self._where()}.")
        return tuple(values)

    def parse(self) -> Query:
        self._expect("SELECT", "EXPECTED_SELECT")
        fields = [self._field()]
        while self._symbol(","):
            fields.append(self._field())
        self._expect("FROM", "EXPECTED_FROM")
        resource = self._field()
        conditions: list[Condition] = []
        if self._is("WHERE"):
            self.at += 1
            conditions.append(self._condition())
            while self._is("AND"):
                self.at += 1
                conditions.append(self._condition())
        order_by: list[tuple[str, bool]] = []
        if self._is("ORDER"):
            self.at += 1
            self._expect("BY", "EXPECTED_BY")
            while True:
                field = self._field()
                descending = self._is("DESC")
                if descending or self._is("ASC"):
                    self.at += 1
                order_by.append((field, descending))
                if not self._symbol(","):
                    break
        limit = None
        if self._is("LIMIT"):
            self.at += 1
            token = self._take()
            if token.kind != "number" or not isinstance(token.value, int) or token.value < 1:
                raise query_error("BAD_LIMIT_VALUE", "LIMIT must be a positive integer.")
            limit = min(token.value, MAX_LIMIT)
        if self.current.kind != "end":
            raise query_error("UNEXPECTED_INPUT", f"Unexpected input at {self._where()}.")
        return Query(tuple(fields), resource, tuple(conditions), tuple(order_by), limit)


def parse(text: object) -> Query:
    """Parse a GAQL query; GoogleAdsError (400 INVALID_ARGUMENT) says what is wrong."""
    if not isinstance(text, str) or not text.strip():
        raise query_error("EXPECTED_SELECT", "The query is empty.")
    return _Parser(text).parse()
