"""Scratch directories for the benchmarks' stores: in memory (/dev/shm) when the machine has it, so a
benchmark measures the app's work, not the disk's fsync."""

from __future__ import annotations

import tempfile
from pathlib import Path

SHM = Path("/dev/shm")


def scratch_dir(prefix: str) -> tempfile.TemporaryDirectory:
    return tempfile.TemporaryDirectory(prefix=prefix, dir=SHM if SHM.is_dir() else None)
