"""Saving and restoring a sandbox world as a small JSON file.

The file holds the recipe, not the data: the world's configuration, how far time has
run, and the ordered log of applied writes with the day each was made. Loading rebuilds
the world from its seed and replays the writes on their days, which reproduces every
report byte for byte (noise depends only on seed and day) while keeping the file tiny
even for worlds with hundreds of thousands of report rows.
"""

from __future__ import annotations

import json
import os
import tempfile

from executors.sandbox.operations import apply_write
from executors.sandbox.world import DEFAULT_FAULTS, INJECTABLE, World

STATE_VERSION = 1


class StateError(ValueError):
    """The state file cannot be used to rebuild a world."""


def to_state(world: World) -> dict:
    """The replayable state of a world as a JSON-ready dict."""
    return {
        "version": STATE_VERSION,
        "config": dict(world.config),
        "today": world.today,
        "todayDate": world.today_date.isoformat(),  # for people reading the file
        "writes": list(world.writes),
        "duplicates": world.duplicates,
        "injected": {key: list(rows) for key, rows in world.injected.items()},
        "faults": dict(world.faults),
    }


def from_state(state: dict) -> World:
    """Rebuild a world from `to_state` output by replaying its writes on their days."""
    if not isinstance(state, dict) or state.get("version") != STATE_VERSION:
        raise StateError(f"Unsupported sandbox state (expected version {STATE_VERSION}).")
    try:
        world = World(**state["config"])
        for entry in sorted(state.get("writes", []), key=lambda e: e["seq"]):
            if entry["dayIndex"] < world.today:
                raise StateError(f"Write {entry['seq']} is dated before an earlier write.")
            world.advance(entry["dayIndex"] - world.today)
            apply_write(world, entry["method"], entry["path"], entry["body"])
            world.record_write(entry)
        world.advance(state["today"] - world.today)
    except (KeyError, TypeError) as exc:
        raise StateError(f"Sandbox state is incomplete: {exc!r}") from exc
    world.duplicates = int(state.get("duplicates", 0))
    world.inject({key: state.get("injected", {}).get(key, []) for key in INJECTABLE})
    world.faults = {**DEFAULT_FAULTS, **state.get("faults", {})}
    return world


def save(world: World, path: str | os.PathLike) -> None:
    """Write the world's state to `path` atomically (temp file in the same dir + replace)."""
    path = os.fspath(path)
    directory = os.path.dirname(os.path.abspath(path))
    os.makedirs(directory, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".sandbox-", suffix=".tmp", dir=directory)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            json.dump(to_state(world), handle, indent=1)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


def load(path: str | os.PathLike) -> World:
    """Rebuild the world saved at `path`."""
    with open(path, encoding="utf-8") as handle:
        try:
            state = json.load(handle)
        except json.JSONDecodeError as exc:
            raise StateError(f"{os.fspath(path)} is not valid JSON: {exc}") from exc
    return from_state(state)
