"""A language and image model in the OpenAI API shape, deterministic per seed.

It answers `POST /v1/chat/completions` (JSON-schema structured output included) and
`POST /v1/images/generations` the way the OpenAI API documents them, writes ad copy and
strategies from what the request says, reports token usage, and injects on request
every failure a real model has (docs: see `sandbox.llm.faults.FAULT_KINDS`). A user
message may carry images as `image_url` parts with base64 data URLs, checked and
counted in tokens as the API does (`sandbox.llm.vision`); an image judge answers "safe"
unless the "unsafe" fault is drawn, and `{"vision": false}` plays a model without vision.

    from sandbox.llm import LLMSandboxServer
    with LLMSandboxServer(seed=1) as llm:
        llm.base_url  # "http://127.0.0.1:PORT/v1"
"""

from sandbox.llm.app import LLMSandboxApp
from sandbox.llm.server import LLMSandboxServer

__all__ = ["LLMSandboxApp", "LLMSandboxServer"]
