"""Racing threads for concurrency tests: released together, each on its own connection.

The test database is a SQLite file (WAL, IMMEDIATE) or PostgreSQL, so a second
writer waits on the lock as in production; no retry shims are needed.
"""

import threading

from django.db import connection


def race(target, n: int = 2) -> list:
    """Run `target()` in `n` threads released together; return each result or exception."""
    barrier = threading.Barrier(n)
    results: list = [None] * n

    def run(i: int) -> None:
        try:
            barrier.wait(timeout=10)
            results[i] = target()
        except Exception as exc:  # reported to the test, never swallowed
            results[i] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert not any(t.is_alive() for t in threads), "a racing thread hung"
    return results
