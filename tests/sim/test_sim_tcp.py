"""The simulator over real loopback TCP: uvicorn on a free port, and ``serve`` as a process."""

import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

import httpx
import pytest
import uvicorn
from conftest import auth

from tui.sim.faults import quiet_dropped_connections


@contextmanager
def serving(app) -> Iterator[str]:
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    quiet_dropped_connections()
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", timeout_graceful_shutdown=1))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.01)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(10)
        sock.close()


@pytest.fixture
def base_url(sim) -> Iterator[str]:
    with serving(sim.app) as url:
        yield url


@pytest.fixture
async def tcp(sim, base_url):
    async with httpx.AsyncClient(
        base_url=f"{base_url}/v3/a/{sim.account_id}/", headers=auth(sim.api_key), timeout=5
    ) as client:
        yield client


async def test_reads_writes_and_next_page_over_tcp(sim, base_url, tcp):
    assert (await tcp.get(f"{base_url}/v3/a.json")).json()["accounts"][0]["id"] == sim.account_id
    page = (await tcp.get("calls.json", params={"relative_pagination": "true", "per_page": 5})).json()
    assert page["next_page"].startswith(f"{base_url}/v3/a/{sim.account_id}/calls?")
    second = await tcp.get(page["next_page"])
    assert second.status_code == 200 and len(second.json()["calls"]) == 5
    call_id = page["calls"][0]["id"]
    updated = await tcp.put(f"calls/{call_id}.json", json={"note": "over tcp"}, params={"fields": "note"})
    assert updated.json()["note"] == "over tcp"
    unauthorised = await tcp.get("companies.json", headers={"Authorization": "Token token=nope"})
    assert unauthorised.status_code == 401
    assert (await tcp.delete("companies.json")).status_code == 405


async def test_network_faults_over_tcp(sim, tcp):
    sim.faults.drop_rate = 1.0
    with pytest.raises(httpx.RemoteProtocolError):
        await tcp.get("companies.json")
    sim.faults.reset()
    sim.faults.hang_rate = 1.0
    with pytest.raises(httpx.ReadTimeout):
        await tcp.get("companies.json", timeout=0.3)
    sim.faults.reset()
    sim.faults.truncate_rate = 1.0
    truncated = await tcp.get("companies.json")
    assert truncated.status_code == 200 and not truncated.text.rstrip().endswith("}")
    sim.faults.reset()
    sim.faults.error_rate = 1.0
    assert (await tcp.get("companies.json")).status_code in (500, 502, 503)
    sim.faults.reset()
    assert (await tcp.get("companies.json")).status_code == 200


def test_serve_prints_where_and_stops_on_ctrl_c():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    code = f"import sys; from tui.sim.serve import serve; sys.exit(serve(port={port}, speed=30))"
    process = subprocess.Popen(
        [sys.executable, "-c", code],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=os.environ,
    )
    try:
        lines = [process.stdout.readline() for _ in range(3)]
        assert f"http://127.0.0.1:{port}/v3/" in lines[0]
        account_id = lines[1].split()[-1]
        assert account_id.startswith("ACC") and "sim-key-0001" in lines[2]
        response = None
        for _ in range(100):
            try:
                response = httpx.get(f"http://127.0.0.1:{port}/v3/a.json", headers=auth("sim-key-0001"))
                break
            except httpx.ConnectError:
                time.sleep(0.05)
        assert response is not None and response.json()["accounts"][0]["id"] == account_id
    finally:
        process.send_signal(signal.SIGINT)
        returncode = process.wait(10)
    assert returncode == 0, process.stderr.read()
