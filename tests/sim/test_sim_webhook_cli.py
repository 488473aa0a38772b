"""``callrail-tui sim --webhook-url …`` and the webhook flags, ``--text-reply-chance``, and ``serve``
printing the signing keys."""

import os
import signal
import subprocess
import sys
import time

import httpx
import pytest

from tests.loopback import free_port
from tui import cli


def test_webhook_flags_reach_the_config(monkeypatch: pytest.MonkeyPatch) -> None:
    calls = []
    monkeypatch.setattr("tui.sim.serve.serve", lambda *args: calls.append(args) or 0)
    argv = ["sim", "--webhook-url", "http://127.0.0.1:9000/hooks", "--webhook-timeout", "2.5"]
    argv += ["--webhook-failure-limit", "4", "--webhook-drop", "0.1", "--webhook-duplicate", "0.2"]
    argv += ["--webhook-reorder", "0.3", "--webhook-bad-signature", "0.4", "--webhook-delay", "0.5"]
    assert cli.main(argv) == 0
    config = calls[0][2]
    assert config.webhook_url == "http://127.0.0.1:9000/hooks"
    assert (config.webhook_timeout, config.webhook_failure_limit) == (2.5, 4)
    faults = config.webhook_faults
    assert (faults.drop_rate, faults.duplicate_rate, faults.reorder_rate) == (0.1, 0.2, 0.3)
    assert (faults.bad_signature_rate, faults.delay_rate) == (0.4, 0.5)


def test_defaults_send_no_webhooks(monkeypatch: pytest.MonkeyPatch) -> None:
    calls = []
    monkeypatch.setattr("tui.sim.serve.serve", lambda *args: calls.append(args) or 0)
    assert cli.main(["sim"]) == 0
    config = calls[0][2]
    assert config.webhook_url is None and config.webhook_faults.drop_rate == 0


def test_a_relative_webhook_url_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["sim", "--webhook-url", "/hooks"]) == 2
    assert "--webhook-url" in capsys.readouterr().out


def test_help_names_the_webhook_flags(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        cli.main(["sim", "--help"])
    text = capsys.readouterr().out
    for flag in ("--webhook-url", "--webhook-drop", "--webhook-reorder", "--webhook-bad-signature"):
        assert flag in text


def test_serve_prints_each_companys_signing_key_and_stops_on_ctrl_c():
    port = free_port()
    code = (
        "import sys; from tui.sim import SimConfig; from tui.sim.serve import serve; "
        f"sys.exit(serve(port={port}, config=SimConfig(webhook_url='http://127.0.0.1:9/none')))"
    )
    process = subprocess.Popen(
        [sys.executable, "-c", code],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=os.environ,
    )
    try:
        lines = [process.stdout.readline() for _ in range(5 + 4)]
        assert lines[3].startswith("agency key: sim-agency-0001")
        assert "http://127.0.0.1:9/none" in lines[4]
        keys = [line.split()[2] for line in lines[5:]]
        assert all(line.split()[1] == "key" for line in lines[5:])
        assert len(set(keys)) == 4 and all(len(key) == 32 for key in keys)
        for _ in range(100):  # serving before Ctrl-C
            try:
                httpx.get(f"http://127.0.0.1:{port}/v3/a.json")
                break
            except httpx.ConnectError:
                time.sleep(0.05)
    finally:
        process.send_signal(signal.SIGINT)
        returncode = process.wait(10)
    assert returncode == 0, process.stderr.read()


def test_the_text_reply_chance_reaches_the_config(monkeypatch: pytest.MonkeyPatch) -> None:
    calls = []
    monkeypatch.setattr("tui.sim.serve.serve", lambda *args: calls.append(args) or 0)
    assert cli.main(["sim", "--text-reply-chance", "1"]) == 0
    assert cli.main(["sim", "--text-reply-chance", "0.25"]) == 0
    assert cli.main(["sim"]) == 0
    assert [call[2].text_reply_chance for call in calls] == [1.0, 0.25, 0.5]


@pytest.mark.parametrize("value", ["1.5", "-0.1", "half", "nan"])
def test_a_text_reply_chance_outside_0_to_1_is_refused_clearly(capsys, value) -> None:
    with pytest.raises(SystemExit) as exited:
        cli.main(["sim", "--text-reply-chance", value])
    assert exited.value.code == 2
    error = capsys.readouterr().err
    assert "--text-reply-chance" in error and "a number from 0 to 1" in error
