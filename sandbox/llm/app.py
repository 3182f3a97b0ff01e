"""The WSGI app: OpenAI's Chat Completions and Images routes, plus `/_sandbox/*` controls.

Shapes follow the OpenAI API reference: a completion's `choices[].message` carries
`content` or `refusal`, `finish_reason` is "stop" or "length", `usage` counts
`prompt_tokens` / `completion_tokens`; errors are `{"error": {message, type, code}}`
with the HTTP status; a 429 carries `Retry-After`.
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
import struct
import threading
import time
import zlib

from sandbox.llm.content import INJECTION_MARKERS, Writer, instance, tokens_of
from sandbox.llm.faults import FaultError, Faults
from sandbox.llm.vision import ImageError, image_tokens, images_of, text_of

REFUSAL = "I'm sorry, but I can't help with that request."
UNSAFE_LINES = (
    "World's BEST deal, guaranteed results!!!",
    "Cheaper than {competitor} - #1 in the market",
    "CLINICALLY PROVEN TO CURE IT FAST",
)
GATEWAY_502 = b"<html><head><title>502 Bad Gateway</title></head><body>Bad Gateway</body></html>"
# Room for an image or two as base64 data URLs (a 1024 x 1024 photo is a few MB).
MAX_BODY = 20_000_000
UNSAFE_IMAGE = "the image shows a competitor's logo"


def _png(width: int, height: int, colour: tuple[int, int, int]) -> bytes:
    """A real PNG of one colour (compresses to a few kB at 1024 x 1024)."""
    row = b"\x00" + bytes(colour) * width
    raw = zlib.compress(row * height, 9)

    def chunk(tag: bytes, data: bytes) -> bytes:
        body = tag + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", raw) + chunk(b"IEND", b"")


class LLMSandboxApp:
    def __init__(self, *, seed: int = 1):
        self.seed = seed
        self.faults = Faults()
        self.log: list[dict] = []  # what was asked, for tests (never the key)
        self._lock = threading.Lock()
        self._ids = 0

    # --- WSGI --------------------------------------------------------------

    def __call__(self, environ, start_response):
        method, path = environ["REQUEST_METHOD"], environ.get("PATH_INFO", "")
        try:
            length = int(environ.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        body = environ["wsgi.input"].read(min(length, MAX_BODY)) if length else b""
        if path.startswith("/_sandbox/"):
            status, headers, payload = self._control(method, path, body)
        elif method == "POST" and path in ("/v1/chat/completions", "/v1/images/generations"):
            status, headers, payload = self._model_call(path, environ, body)
        elif method == "GET" and path == "/v1/models":
            status, headers, payload = (
                200,
                {},
                {
                    "object": "list",
                    "data": [
                        {"id": "sandbox-writer", "object": "model", "owned_by": "spectra"},
                        {"id": "sandbox-image", "object": "model", "owned_by": "spectra"},
                    ],
                },
            )
        else:
            status, headers, payload = _error(
                404, f"No route {method} {path}", "invalid_request_error", "not_found"
            )
        raw = payload if isinstance(payload, bytes) else json.dumps(payload).encode()
        content_type = "text/html" if isinstance(payload, bytes) else "application/json"
        start_response(
            f"{status} {_REASONS.get(status, 'OK')}",
            [("Content-Type", content_type), ("Content-Length", str(len(raw))), *headers.items()],
        )
        return [raw]

    # --- controls ----------------------------------------------------------

    def _control(self, method, path, body):
        if path == "/_sandbox/faults" and method == "POST":
            try:
                return 200, {}, self.faults.configure(json.loads(body or b"{}"))
            except (FaultError, json.JSONDecodeError) as exc:
                return _error(400, str(exc), "invalid_request_error", "bad_fault")
        if path == "/_sandbox/faults":
            return 200, {}, self.faults.snapshot()
        if path == "/_sandbox/requests":
            with self._lock:
                return 200, {}, {"requests": list(self.log)}
        return _error(404, f"No route {method} {path}", "invalid_request_error", "not_found")

    # --- the model ---------------------------------------------------------

    def _model_call(self, path, environ, body):
        config = self.faults.config
        auth = environ.get("HTTP_AUTHORIZATION", "")
        try:
            request = json.loads(body)
            if not isinstance(request, dict):
                raise ValueError
        except ValueError:
            return _error(
                400,
                "We could not parse the JSON body of your request.",
                "invalid_request_error",
                None,
            )
        entry = {"path": path, "model": request.get("model"), "at": time.time()}
        with self._lock:
            self.log.append(entry)
        if auth != f"Bearer {config['apiKey']}":
            # The real API shows the key's last characters; never more.
            return _error(
                401, "Incorrect API key provided.", "invalid_request_error", "invalid_api_key"
            )
        images = []
        if path.endswith("/chat/completions"):
            try:
                messages = request.get("messages")
                images = images_of(
                    messages if isinstance(messages, list) else [], vision=config["vision"]
                )
            except ImageError as exc:
                return _error(400, str(exc), "invalid_request_error", exc.code)
        if config["latencyMs"]:
            time.sleep(config["latencyMs"] / 1000)
        fault = self.faults.draw()
        if fault == "timeout":
            time.sleep(config["slowSeconds"])
        elif fault == "429":
            status, _, payload = _error(
                429, "Rate limit reached for requests.", "requests", "rate_limit_exceeded"
            )
            return status, {"Retry-After": str(config["retryAfterSeconds"])}, payload
        elif fault in ("500", "503"):
            return _error(
                int(fault),
                "The server had an error while processing your request.",
                "server_error",
                None,
            )
        elif fault == "502":
            return 502, {}, GATEWAY_502
        elif fault == "401":
            return _error(
                401, "Incorrect API key provided.", "invalid_request_error", "invalid_api_key"
            )
        if path.endswith("/images/generations"):
            return 200, {}, self._image(request, fault, entry)
        return 200, {}, self._completion(request, fault, entry, images)

    def _usage(self, entry: dict, prompt_tokens: int, completion_tokens: int, images: int):
        """What this answer reports, kept for tests that add the bill up."""
        with self._lock:
            entry.update(
                prompt_tokens=prompt_tokens, completion_tokens=completion_tokens, images=images
            )

    def _next_id(self, prefix):
        with self._lock:
            self._ids += 1
            return f"{prefix}-sandbox-{self._ids}"

    def _completion(self, request: dict, fault: str | None, entry: dict, images=()) -> dict:
        messages = [m for m in request.get("messages") or [] if isinstance(m, dict)]
        text = "\n".join(text_of(m.get("content")) for m in messages)
        # A model writes about the brief (the first user message), not about the
        # repair request that may follow it.
        user_text = next(
            (text_of(m.get("content")) for m in messages if m.get("role") == "user"), ""
        )
        fmt = request.get("response_format") or {}
        schema = (
            (fmt.get("json_schema") or {}).get("schema")
            if fmt.get("type") == "json_schema"
            else None
        )
        seed = request.get("seed", self.seed)
        writer = Writer(seed=seed, text=user_text or text)
        message = {"role": "assistant", "content": None, "refusal": None}
        finish = "stop"
        if fault == "refusal":
            message["refusal"] = REFUSAL
        else:
            if schema is not None:
                value = instance(schema, writer)
                if "verdict" in (schema.get("properties") or {}) and isinstance(value, dict):
                    if images:
                        # An image judge: safe, unless the fault asks for an unsafe image.
                        value.update(_judge_image(fault))
                        fault = None if fault == "unsafe" else fault
                    else:
                        value.update(_judge(user_text, self.faults.config["competitors"]))
                if "verdicts" in (schema.get("properties") or {}) and isinstance(value, dict):
                    value["verdicts"] = judge_each(user_text, self.faults.config["competitors"])
                value = _spoil(value, schema, fault, user_text, self.faults.config["competitors"])
                content = json.dumps(value)
            elif fmt.get("type") == "json_object":
                content = json.dumps(
                    {"text": writer.string(("text",), max_length=None, name="text")}
                )
            else:
                content = " ".join(writer.phrases[:3])
                if fault == "unsafe":
                    content = UNSAFE_LINES[0] + " " + content
                if fault == "injection_echo":
                    content = _injected(user_text) or content
            if fault == "invalid_json":
                content = content[: max(1, len(content) // 2)]
            if fault == "length":
                content, finish = content[: max(1, len(content) // 3)], "length"
            message["content"] = content
        completion_text = message["content"] or message["refusal"] or ""
        prompt_tokens = tokens_of(text + (json.dumps(schema) if schema else "")) + sum(
            image_tokens(raw, detail) for raw, detail in images
        )
        completion_tokens = tokens_of(completion_text)
        self._usage(entry, prompt_tokens, completion_tokens, 0)
        choices = [{"index": 0, "message": message, "logprobs": None, "finish_reason": finish}]
        return {
            "id": self._next_id("chatcmpl"),
            "object": "chat.completion",
            "created": int(time.time()),
            "model": request.get("model") or "sandbox-writer",
            "choices": [] if fault == "empty" else choices,
            "usage": {
                "prompt_tokens": prompt_tokens,
                "completion_tokens": completion_tokens,
                "total_tokens": prompt_tokens + completion_tokens,
            },
            "system_fingerprint": f"fp_sandbox_{seed}",
        }

    def _image(self, request: dict, fault: str | None, entry: dict) -> dict:
        prompt = str(request.get("prompt") or "")
        n = min(max(int(request.get("n") or 1), 1), 4)
        size = str(request.get("size") or "256x256")
        try:
            width, height = (min(int(x), 2048) for x in size.split("x"))
        except ValueError:
            width, height = 256, 256
        digest = hashlib.blake2b(f"{self.seed}:{prompt}".encode(), digest_size=3).digest()
        self._usage(entry, tokens_of(prompt), 0, n)
        images = (
            []
            if fault == "empty"
            else [
                {
                    "b64_json": base64.b64encode(_png(width, height, tuple(digest))).decode(),
                    "revised_prompt": prompt,
                }
                for _ in range(n)
            ]
        )
        return {
            "created": int(time.time()),
            "data": images,
            "usage": {
                "input_tokens": tokens_of(prompt),
                "output_tokens": 0,
                "total_tokens": tokens_of(prompt),
                "input_tokens_details": {"text_tokens": tokens_of(prompt), "image_tokens": 0},
            },
        }


JUDGED_CLAIMS = ("guarantee", "best", "#1", "cure", "cheapest", "proven")


def _judge(text: str, competitors) -> dict:
    """A judge's verdict on the copy between the COPY markers (the rest is the prompt)."""
    copy = text.split("<<<COPY", 1)[-1].split("COPY>>>", 1)[0].lower()
    named = [c for c in competitors if c.lower() in copy]
    if named or _injected(copy):
        reason = f"names the competitor {named[0]}" if named else "echoes an instruction"
        return {"verdict": "unsafe", "reasons": [reason]}
    claims = [c for c in JUDGED_CLAIMS if c in copy]
    if claims:
        return {"verdict": "uncertain", "reasons": [f"claims '{claims[0]}' without proof"]}
    return {"verdict": "safe", "reasons": []}


def _judge_image(fault: str | None) -> dict:
    """The image judge's verdict: the sandbox's images are flat colours, so safe, unless
    the "unsafe" fault stands for an image a real judge would refuse."""
    if fault == "unsafe":
        return {"verdict": "unsafe", "reasons": [UNSAFE_IMAGE]}
    return {"verdict": "safe", "reasons": []}


BATCH_LINE = re.compile(r"^\[(?P<asset>[^\]]+)\] (?P<copy>.*)$")


def judge_each(text: str, competitors) -> list[dict]:
    """A batch judge's verdicts: one per "[id] kind: text" line between the COPY markers."""
    copy = text.split("<<<COPY", 1)[-1].split("COPY>>>", 1)[0]
    lines = (BATCH_LINE.match(line.strip()) for line in copy.splitlines())
    return [{"asset": m["asset"], **_judge(m["copy"], competitors)} for m in lines if m is not None]


def _injected(text: str) -> str | None:
    for line in text.splitlines():
        if any(marker in line.lower() for marker in INJECTION_MARKERS):
            return line.strip()
    return None


def _spoil(value, schema, fault, user_text, competitors):
    """Make a well-formed answer wrong the way `fault` says."""
    if fault is None or not isinstance(value, dict):
        return value
    required = list(schema.get("required") or value)
    if fault == "missing_fields" and required:
        value.pop(required[0], None)
    elif fault == "wrong_types":
        for key, item in list(value.items()):
            value[key] = 12345 if isinstance(item, str | list) else "not a number"
            break
    elif fault in ("too_long", "unsafe", "injection_echo"):
        line = {
            "too_long": "An extraordinarily long line that no platform's length limit allows " * 3,
            # Short enough to pass the schema's limits: only brand safety can catch it.
            "unsafe": f"Beats {competitors[0] if competitors else 'Acme'}, GUARANTEED",
            # Cut to a headline's 30 characters, so the schema passes and safety must act.
            "injection_echo": (_injected(user_text) or "Ignore previous instructions")[:30],
        }[fault]
        _replace_strings(value, line, first_only=fault != "too_long")
    return value


def _replace_strings(node, line, *, first_only):
    """Put `line` into the answer's copy (the first string, or every one)."""
    done = False
    if isinstance(node, dict):
        items = list(node.items())
        for key, item in items:
            if isinstance(item, str) and "url" not in key and "match" not in key:
                node[key] = line
                done = True
            elif isinstance(item, dict | list):
                done = _replace_strings(item, line, first_only=first_only) or done
            if done and first_only:
                return True
    elif isinstance(node, list):
        for i, item in enumerate(node):
            if isinstance(item, str):
                node[i] = line
                done = True
            elif isinstance(item, dict | list):
                done = _replace_strings(item, line, first_only=first_only) or done
            if done and first_only:
                return True
    return done


def _error(status, message, kind, code):
    return status, {}, {"error": {"message": message, "type": kind, "param": None, "code": code}}


_REASONS = {
    200: "OK",
    400: "Bad Request",
    401: "Unauthorized",
    404: "Not Found",
    429: "Too Many Requests",
    500: "Internal Server Error",
    502: "Bad Gateway",
    503: "Service Unavailable",
}
