"""A throwaway ``redis-server`` for a benchmark: a free loopback port, a temporary directory, nothing saved
(``--save '' --appendonly no``), stopped when the block ends."""

from __future__ import annotations

import contextlib
import shutil
import subprocess
import tempfile
import time
from collections.abc import Iterator

import redis

from benchmarks.webhooks import free_port

START_WAIT_S = 10.0


class RedisMissing(RuntimeError):
    """redis-server is not installed (Debian: apt-get install redis-server; .ci/run installs it)."""


@contextlib.contextmanager
def redis_running() -> Iterator[str]:
    """The URL of a fresh ``redis-server`` (``redis://127.0.0.1:PORT/0``) while the block runs."""
    binary = shutil.which("redis-server")
    if binary is None:
        raise RedisMissing(RedisMissing.__doc__)
    port = free_port()
    with tempfile.TemporaryDirectory(prefix="bench-redis-") as folder:
        command = [binary, "--port", str(port), "--bind", "127.0.0.1", "--dir", folder]
        command += ["--save", "", "--appendonly", "no"]
        process = subprocess.Popen(command, stdout=subprocess.DEVNULL)
        url = f"redis://127.0.0.1:{port}/0"
        try:
            _wait_for(url, process)
            yield url
        finally:
            process.terminate()
            process.wait(START_WAIT_S)


def _wait_for(url: str, process: subprocess.Popen) -> None:
    deadline = time.monotonic() + START_WAIT_S
    with redis.Redis.from_url(url) as client:
        while True:
            try:
                client.ping()
                return
            except redis.ConnectionError:
                if process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError("redis-server did not start") from None
                time.sleep(0.05)
