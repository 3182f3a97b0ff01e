"""What the sandbox model writes: an instance of the requested JSON schema, made from the
words of the request, deterministic for a seed and a request.

A real model reads the brief and writes about it; this one picks phrases from it. That
is enough for Spectra's tests: the output names the product, respects the schema's
types and limits unless a fault says otherwise, and changes when the brief changes.
"""

from __future__ import annotations

import hashlib
import re

LABEL = re.compile(r"^\s*[A-Za-z][A-Za-z /()-]{0,30}:\s*")
WORD = re.compile(r"[A-Za-z0-9][A-Za-z0-9'&%.-]*")
# Words that make a headline sound like one; never a claim a brand rule forbids.
FILLERS = ("Shop", "Discover", "Try", "Get", "Explore", "Order", "Save on", "Meet")
# A well-behaved model does not obey (or repeat) an instruction planted in a brief; the
# "injection_echo" fault is the one that does.
INJECTION_MARKERS = ("ignore previous instructions", "ignore all previous", "system prompt")
STOP = {"the", "a", "an", "and", "or", "of", "to", "for", "in", "on", "with", "is", "are"}


def tokens_of(text: str) -> int:
    """A word-piece estimate, as the provider would count: about 4 characters a token."""
    return max(1, (len(text) + 3) // 4)


def _digest(*parts: object) -> int:
    raw = "\x1f".join(str(p) for p in parts).encode()
    return int.from_bytes(hashlib.blake2b(raw, digest_size=8).digest(), "big")


class Writer:
    """Strings, numbers and lists for a schema, drawn from the request's own words."""

    def __init__(self, *, seed: int, text: str):
        self.seed = seed
        self.text = text
        # What the ad is about, when the request names it: a model leads with it.
        found = re.search(r"^\s*product:\s*(.+)$", text, re.I | re.M)
        self.subject = found.group(1).strip() if found else ""
        # "Product: trail shoes" says "trail shoes"; the label is the brief's, not the ad's.
        text = "\n".join(
            LABEL.sub("", line)
            for line in text.splitlines()
            if not any(marker in line.lower() for marker in INJECTION_MARKERS)
            # The prompt's own scaffolding (data markers, what they mean) is not the ad's.
            and "<<<" not in line
            and ">>>" not in line
            and "between the markers" not in line
        )
        # A model writes words in their case, not shouted: "BUY NOW" in a brief is "Buy now".
        words = [w.strip(".") for w in WORD.findall(text)]
        words = [w.capitalize() if len(w) >= 4 and w.isupper() else w for w in words]
        self.words = [w for w in words if w.lower() not in STOP and len(w) > 1] or ["Spectra"]
        self.phrases = [
            p.strip(" -•*")
            for p in re.split(r"[\n.;:!?]+", text)
            if 2 <= len(p.split()) <= 12 and not p.strip().startswith(("{", "["))
        ] or [" ".join(self.words[:4])]

    def pick(self, items, *path):
        return items[_digest(self.seed, self.text, *path) % len(items)]

    def string(self, path: tuple, *, max_length: int | None, name: str) -> str:
        name = name.lower()
        if "url" in name:
            found = re.search(r"https?://[^\s\"']+", self.text)
            return found.group(0) if found else "https://example.com/"
        if "match" in name:
            return self.pick(["EXACT", "PHRASE", "BROAD"], *path)
        if "keyword" in name or name in ("text", "term"):
            return " ".join(
                self.pick(self.words, *path, i).lower() for i in range(1 + _digest(*path) % 3)
            )
        if "headline" in name or "title" in name:
            about = self.pick(self.words, *path, "w")
            if self.subject and _digest(self.seed, *path) % 2 == 0:
                about = self.subject
            text = f"{self.pick(FILLERS, *path)} {about}"
        else:
            text = self.pick(self.phrases, *path)
        return _fit(text, max_length)

    def number(self, path: tuple, *, low: float, high: float, integer: bool):
        span = high - low
        value = low + (_digest(self.seed, self.text, *path) % 1000) / 1000 * span
        return round(value) if integer else round(value, 2)


def _fit(text: str, max_length: int | None) -> str:
    text = " ".join(text.split())
    if max_length is None or len(text) <= max_length:
        return text
    cut = text[:max_length].rsplit(" ", 1)[0]
    return cut or text[:max_length]


def instance(schema: dict, writer: Writer) -> object:
    """An instance of `schema` (the subset pydantic emits: $ref/$defs, anyOf, enums,
    objects, arrays with min/max items, strings with max length, numbers with bounds)."""
    defs = schema.get("$defs", {}) | schema.get("definitions", {})
    return _value(schema, defs, writer, ("root",), "root")


def _resolve(node: dict, defs: dict) -> dict:
    while "$ref" in node:
        node = defs.get(node["$ref"].rsplit("/", 1)[-1], {})
    return node


def _value(node: dict, defs: dict, writer: Writer, path: tuple, name: str):
    node = _resolve(node, defs)
    if "anyOf" in node:  # Optional[X]: write the X
        options = [o for o in node["anyOf"] if _resolve(o, defs).get("type") != "null"]
        return _value(options[0], defs, writer, path, name) if options else None
    if "enum" in node:
        return writer.pick(list(node["enum"]), *path)
    if "const" in node:
        return node["const"]
    kind = node.get("type", "object" if "properties" in node else "string")
    if isinstance(kind, list):
        kind = next((k for k in kind if k != "null"), "string")
    if kind == "object":
        return {
            key: _value(sub, defs, writer, (*path, key), key)
            for key, sub in node.get("properties", {}).items()
        }
    if kind == "array":
        low = int(node.get("minItems", 1))
        high = int(node.get("maxItems", max(low, 3)))
        count = low + _digest(writer.seed, *path) % (high - low + 1)
        item = node.get("items", {"type": "string"})
        values = []
        for i in range(count):
            # A model does not repeat a headline: try a few draws for one not yet used.
            for attempt in range(4):
                value = _value(item, defs, writer, (*path, i, attempt), name)
                if value not in values:
                    break
            values.append(value)
        return values
    if kind in ("number", "integer"):
        low = float(node.get("minimum", node.get("exclusiveMinimum", 0)))
        high = float(node.get("maximum", node.get("exclusiveMaximum", low + 100)))
        return writer.number(path, low=low, high=high, integer=kind == "integer")
    if kind == "boolean":
        return bool(_digest(writer.seed, *path) % 2)
    return writer.string(path, max_length=node.get("maxLength"), name=name)
