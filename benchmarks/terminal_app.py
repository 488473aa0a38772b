"""The real ``callrail-tui`` in a terminal: the command a tab runs, started instead in a pseudo-terminal of
the given size, its screen read back through a VT100 emulator (pyte) until it shows what is asked for;
then its resident memory is read and it is asked to quit."""

from __future__ import annotations

import fcntl
import os
import pty
import select
import signal
import struct
import subprocess
import termios
import time
from collections.abc import Callable
from pathlib import Path

import pyte

QUIT_GRACE = 10.0  # seconds the app has to quit on SIGTERM before it is killed


def vm_rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError(f"no VmRSS for process {pid}")


def cpu_seconds(pid: int) -> float:
    """User and system CPU time the process has used so far."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def rss_once_shown(
    command: str, size: tuple[int, int], shown: Callable[[str], bool], timeout: float = 120.0
) -> float:
    """Run ``command`` (a shell command that ``exec``s the app) in a terminal of ``size`` columns and
    lines; the app's RSS in MB once its screen satisfies ``shown``."""
    columns, lines = size
    leader, follower = pty.openpty()
    fcntl.ioctl(follower, termios.TIOCSWINSZ, struct.pack("HHHH", lines, columns, 0, 0))
    process = subprocess.Popen(
        ["sh", "-c", command],
        stdin=follower,
        stdout=follower,
        stderr=follower,
        start_new_session=True,
        env={**os.environ, "TERM": "xterm-256color", "COLORTERM": "truecolor"},
    )
    os.close(follower)
    screen = pyte.Screen(columns, lines)
    stream = pyte.ByteStream(screen)
    try:
        deadline = time.monotonic() + timeout
        while not shown("\n".join(screen.display)):
            if time.monotonic() > deadline or process.poll() is not None:
                raise RuntimeError(
                    "the app in the terminal never showed what was expected:\n" + "\n".join(screen.display)
                )
            ready, _, _ = select.select([leader], [], [], 0.05)
            if ready:
                stream.feed(os.read(leader, 65536))
        return vm_rss_mb(process.pid)  # ``exec``: the shell's pid is the app's
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        drain_until_exit(leader, process)
        os.close(leader)


def drain_until_exit(leader: int, process: subprocess.Popen) -> None:
    """Read what the quitting app writes (so it never blocks on a full terminal) until it has exited."""
    deadline = time.monotonic() + QUIT_GRACE
    while process.poll() is None and time.monotonic() < deadline:
        ready, _, _ = select.select([leader], [], [], 0.05)
        if ready:
            try:
                os.read(leader, 65536)
            except OSError:  # the terminal closed with the app
                break
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGKILL)
    process.wait()
