"""The sandbox model takes an image part the way the Chat Completions API does: a base64
data URL of a real image in a user message, billed in input tokens by its tiles; a
missing, malformed or fetched-by-address image, an image outside a user message, or a
model without vision is a 400 in the API's error shape."""

import base64
import json
import urllib.error
import urllib.request

import pytest

from sandbox.llm.app import _png

PNG = _png(1024, 1024, (10, 200, 30))
DATA_URL = "data:image/png;base64," + base64.b64encode(PNG).decode()


def _post(server, messages):
    body = json.dumps({"model": "sandbox-writer", "messages": messages}).encode()
    request = urllib.request.Request(
        f"{server.base_url}/chat/completions",
        data=body,
        headers={"Content-Type": "application/json", "Authorization": "Bearer sk-sandbox"},
        method="POST",
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as exc:
        return exc.code, json.loads(exc.read())


def _user(url=DATA_URL, **image_url):
    return [
        {
            "role": "user",
            "content": [
                {"type": "text", "text": "Judge this image."},
                {"type": "image_url", "image_url": {"url": url, **image_url}},
            ],
        }
    ]


def test_an_image_is_billed_by_its_tiles(llm):
    status, high = _post(llm, _user())
    _, low = _post(llm, _user(detail="low"))
    _, words = _post(llm, [{"role": "user", "content": "Judge this image."}])

    assert status == 200
    assert high["usage"]["prompt_tokens"] - words["usage"]["prompt_tokens"] == 85 + 4 * 170
    assert low["usage"]["prompt_tokens"] - words["usage"]["prompt_tokens"] == 85


@pytest.mark.parametrize(
    "messages, code",
    [
        (_user("data:image/png;base64,not-base64!"), "invalid_image_format"),
        (
            _user("data:image/png;base64," + base64.b64encode(b"GIF89a...").decode()),
            "invalid_image_format",
        ),
        (_user("https://example.com/shoe.png"), "invalid_image_url"),
        (_user(""), "missing_required_parameter"),
        ([{"role": "system", "content": _user()[0]["content"]}], None),
        ([{"role": "user", "content": [{"type": "video", "video": {}}]}], "invalid_value"),
    ],
)
def test_a_bad_image_part_is_a_400(llm, messages, code):
    status, answer = _post(llm, messages)

    assert status == 400
    assert answer["error"]["type"] == "invalid_request_error" and answer["error"]["code"] == code


def test_a_model_without_vision_refuses_an_image(llm):
    llm.set_faults(vision=False)

    status, answer = _post(llm, _user())

    assert status == 400 and "only supported by certain models" in answer["error"]["message"]
