"""Spectra's own simulated ad platform (the "sandbox").

A deterministic ad account generated from a seed, simulated day by day with numpy, and
served over real HTTP in the Adobe Advertising / Experience Platform shape, with ground
truth, fault injection and a write log for tests. It does not import Django.

    from executors.sandbox import SandboxServer, World, serve

See docs/sandbox-api.md for the HTTP contract.
"""

from executors.sandbox.app import SandboxApp
from executors.sandbox.server import SandboxServer, serve
from executors.sandbox.world import World

__all__ = ["SandboxApp", "SandboxServer", "World", "serve"]
