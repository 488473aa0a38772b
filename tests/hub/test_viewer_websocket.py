"""The viewer's WebSocket client against a bare server on loopback that writes the frames itself: the
handshake checked, pings answered, fragments joined, masks on every frame sent, the close code kept."""

from __future__ import annotations

import asyncio
import base64
import hashlib
import struct
from collections.abc import Awaitable, Callable

import pytest

from tui.hub.viewer.websocket import GUID, Closed, HandshakeRefused, WebSocketError, connect

Script = Callable[[asyncio.StreamReader, asyncio.StreamWriter], Awaitable[None]]


def frame(opcode: int, payload: bytes, *, fin: bool = True) -> bytes:
    length = len(payload)
    head = bytes([(0x80 if fin else 0) | opcode])
    if length < 126:
        return head + bytes([length]) + payload
    if length < 1 << 16:
        return head + bytes([126]) + struct.pack("!H", length) + payload
    return head + bytes([127]) + struct.pack("!Q", length) + payload


async def read_client_frame(reader: asyncio.StreamReader) -> tuple[int, bytes]:
    """A frame the client sent: it must be masked."""
    first, second = await reader.readexactly(2)
    assert second & 0x80, "a client frame without a mask"
    length = second & 0x7F
    if length == 126:
        (length,) = struct.unpack("!H", await reader.readexactly(2))
    elif length == 127:
        (length,) = struct.unpack("!Q", await reader.readexactly(8))
    mask = await reader.readexactly(4)
    data = await reader.readexactly(length)
    return first & 0x0F, bytes(b ^ mask[i % 4] for i, b in enumerate(data))


async def accept(reader: asyncio.StreamReader, writer: asyncio.StreamWriter, *, accept_key=None) -> bytes:
    request = await reader.readuntil(b"\r\n\r\n")
    key = next(
        line.split(b":", 1)[1].strip()
        for line in request.split(b"\r\n")
        if line.lower().startswith(b"sec-websocket-key:")
    )
    answer = accept_key or base64.b64encode(hashlib.sha1(key + GUID).digest())
    writer.write(
        b"HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
        b"Sec-WebSocket-Accept: " + answer + b"\r\n\r\n"
    )
    await writer.drain()
    return request


async def served(script: Script) -> tuple[asyncio.Server, str]:
    server = await asyncio.start_server(script, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    return server, f"ws://127.0.0.1:{port}/ws?x=1"


def test_the_accept_key_is_rfc_6455s() -> None:
    sample = base64.b64encode(hashlib.sha1(b"dGhlIHNhbXBsZSBub25jZQ==" + GUID).digest())
    assert sample == b"s3pPLMBiTxaQ9kYGzzhZRbK+xOo="  # the RFC's own example


async def test_messages_both_ways_pings_answered_fragments_joined_and_the_close_code_kept() -> None:
    seen: dict[str, object] = {}

    async def script(reader, writer):
        seen["request"] = await accept(reader, writer)
        seen["hello"] = await read_client_frame(reader)
        writer.write(frame(0x9, b"are you there"))
        writer.write(frame(0x1, b"first ", fin=False) + frame(0x0, b"and second"))
        writer.write(frame(0x1, b"x" * 70_000))
        await writer.drain()
        seen["pong"] = await read_client_frame(reader)
        writer.write(frame(0x8, struct.pack("!H", 4401) + b"token revoked"))
        await writer.drain()
        seen["close"] = await read_client_frame(reader)
        writer.close()

    server, url = await served(script)
    async with server, connect(url, {"Authorization": "Bearer t0ken"}, 5) as socket:
        await socket.send('{"type": "hello"}')
        assert await socket.receive() == "first and second"
        assert await socket.receive() == "x" * 70_000
        with pytest.raises(Closed) as closed:
            await socket.receive()
        for _ in range(500):  # the server reads the answer to its close
            if "close" in seen:
                break
            await asyncio.sleep(0.01)
    assert closed.value.code == 4401 and socket.close_code == 4401
    assert b"GET /ws?x=1 HTTP/1.1" in seen["request"] and b"Authorization: Bearer t0ken" in seen["request"]
    assert seen["hello"] == (0x1, b'{"type": "hello"}')
    assert seen["pong"] == (0xA, b"are you there")
    assert seen["close"] == (0x8, struct.pack("!H", 4401))


async def test_a_normal_close_ends_the_iteration() -> None:
    async def script(reader, writer):
        await accept(reader, writer)
        writer.write(frame(0x1, b"one") + frame(0x8, struct.pack("!H", 1000)))
        await writer.drain()
        await read_client_frame(reader)
        writer.close()

    server, url = await served(script)
    async with server, connect(url, {}, 5) as socket:
        assert [message async for message in socket] == ["one"]


async def test_a_refused_handshake_a_wrong_accept_and_a_cut_connection_are_errors() -> None:
    async def refuse(reader, writer):
        await reader.readuntil(b"\r\n\r\n")
        writer.write(b"HTTP/1.1 401 Unauthorized\r\ncontent-length: 0\r\n\r\n")
        await writer.drain()
        writer.close()

    async def wrong_accept(reader, writer):
        await accept(reader, writer, accept_key=b"bm90IHRoZSBhbnN3ZXI=")
        writer.close()

    async def cut(reader, writer):
        await accept(reader, writer)
        writer.write(frame(0x1, b"half")[:4])
        await writer.drain()
        writer.close()

    server, url = await served(refuse)
    async with server:
        with pytest.raises(HandshakeRefused) as refused:
            async with connect(url, {}, 5):
                pass
        assert refused.value.status == 401
    server, url = await served(wrong_accept)
    async with server:
        with pytest.raises(WebSocketError, match="does not match"):
            async with connect(url, {}, 5):
                pass
    server, url = await served(cut)
    async with server, connect(url, {}, 5) as socket:
        with pytest.raises(WebSocketError, match="ended in the middle"):
            await socket.receive()


async def test_a_header_with_a_line_break_or_a_url_that_is_not_a_websockets_is_refused() -> None:
    with pytest.raises(ValueError, match="line break"):
        async with connect("ws://127.0.0.1:9/ws", {"Authorization": "Bearer x\r\nEvil: 1"}, 5):
            pass
    with pytest.raises(ValueError, match="not a WebSocket address"):
        async with connect("http://127.0.0.1:9/ws", {}, 5):
            pass
