"""Fixtures: a small sandbox served on loopback, and an authenticated client for it."""

import pytest

from executors.sandbox import SandboxServer

from .support import SMALL_WORLD, Api


@pytest.fixture
def sandbox():
    with SandboxServer(**SMALL_WORLD) as server:
        yield server


@pytest.fixture
def api(sandbox) -> Api:
    return Api(sandbox)
