"""Image input to Chat Completions, taken as the real API takes it.

A message's `content` may be a list of parts: `{"type": "text", "text": …}` and
`{"type": "image_url", "image_url": {"url": "data:image/png;base64,…", "detail": …}}`.
A part the API would refuse (an unknown type, no URL, a data URL that is not a
supported image, an image outside a user message, a model without vision) is a 400 in
the API's error shape. The sandbox fetches nothing: an http(s) image URL is refused.

Image tokens follow OpenAI's documented calculation for GPT-4o / 4.1-class models
(platform.openai.com/docs/guides/images-vision, "Calculating costs"): "low" detail
costs 85 tokens; otherwise the image is scaled to fit 2048 x 2048, then down to a
shortest side of 768, and costs 85 + 170 for each 512-pixel tile.
"""

from __future__ import annotations

import base64
import binascii
import math
import re
import struct

DATA_URL = re.compile(r"^data:image/(?P<format>png|jpeg|gif|webp);base64,(?P<data>.+)$", re.S)
MAGIC = {
    "png": (b"\x89PNG\r\n\x1a\n",),
    "jpeg": (b"\xff\xd8\xff",),
    "gif": (b"GIF87a", b"GIF89a"),
    "webp": (b"RIFF",),
}
BASE_TOKENS, TILE_TOKENS, TILE = 85, 170, 512
UNSUPPORTED = (
    "You uploaded an unsupported image. Please make sure your image has one of the "
    "following formats: ['png', 'jpeg', 'gif', 'webp']."
)
NO_VISION = "Invalid content type. image_url is only supported by certain models."


class ImageError(ValueError):
    """A request the real API answers with a 400; `code` as the API names it."""

    def __init__(self, message: str, code: str | None):
        super().__init__(message)
        self.code = code


def text_of(content) -> str:
    """A message's words: the string, or its text parts joined (images are not words)."""
    if isinstance(content, str):
        return content
    if isinstance(content, list):
        return "\n".join(
            str(p.get("text", ""))
            for p in content
            if isinstance(p, dict) and p.get("type") == "text"
        )
    return ""


def images_of(messages: list, *, vision: bool) -> list[tuple[bytes, str]]:
    """(image bytes, detail) for every image part of the messages, checked as the API does."""
    found = []
    for i, message in enumerate(messages):
        content = message.get("content") if isinstance(message, dict) else None
        if not isinstance(content, list):
            continue
        for j, part in enumerate(content):
            where = f"messages[{i}].content[{j}]"
            kind = part.get("type") if isinstance(part, dict) else None
            if kind == "text":
                continue
            if kind != "image_url":
                raise ImageError(
                    f"Invalid value: {kind!r}. Supported values are: 'text' and 'image_url'.",
                    "invalid_value",
                )
            if not vision:
                raise ImageError(NO_VISION, None)
            if message.get("role") != "user":
                raise ImageError("Image URLs are only allowed for messages with role 'user'.", None)
            found.append(_image(part.get("image_url"), where))
    return found


def _image(image_url, where: str) -> tuple[bytes, str]:
    url = image_url.get("url") if isinstance(image_url, dict) else None
    if not isinstance(url, str) or not url:
        raise ImageError(
            f"Missing required parameter: '{where}.image_url.url'.", "missing_required_parameter"
        )
    detail = image_url.get("detail") or "auto"
    if detail not in ("auto", "low", "high"):
        raise ImageError(f"Invalid value for '{where}.image_url.detail'.", "invalid_value")
    if url.startswith(("http://", "https://")):
        raise ImageError(f"Error while downloading {url[:80]}.", "invalid_image_url")
    found = DATA_URL.match(url)
    if found is None:
        raise ImageError("Invalid image URL: expected a base64 data URL.", "invalid_image_url")
    try:
        raw = base64.b64decode(found["data"], validate=True)
    except (binascii.Error, ValueError):
        raise ImageError(UNSUPPORTED, "invalid_image_format") from None
    if not raw.startswith(MAGIC[found["format"]]):
        raise ImageError(UNSUPPORTED, "invalid_image_format")
    return raw, detail


def _size(raw: bytes) -> tuple[int, int]:
    """A PNG's width and height from its header; 1024 x 1024 for another format."""
    if raw.startswith(MAGIC["png"][0]) and len(raw) >= 24:
        return struct.unpack(">II", raw[16:24])
    return 1024, 1024


def image_tokens(raw: bytes, detail: str) -> int:
    """What one image costs in input tokens (see the module doc)."""
    if detail == "low":
        return BASE_TOKENS
    width, height = _size(raw)
    if width <= 0 or height <= 0:
        return BASE_TOKENS
    fit = min(1.0, 2048 / max(width, height))
    width, height = width * fit, height * fit
    shrink = min(1.0, 768 / min(width, height))
    width, height = width * shrink, height * shrink
    return BASE_TOKENS + TILE_TOKENS * math.ceil(width / TILE) * math.ceil(height / TILE)
