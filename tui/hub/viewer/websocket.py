"""The viewer's end of the hub's WebSocket (RFC 6455), on asyncio streams: text messages both ways, the
hub's pings answered, its close code kept.

A client this small keeps a viewer's memory that of the standalone app (the ``websockets`` library
costs about 1.3 MB to import); the hub's side stays uvicorn's. No extensions are asked for, so frames
arrive uncompressed.
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import os
import ssl
import struct
from types import TracebackType
from urllib.parse import SplitResult, urlsplit

GUID = b"258EAFA5-E914-47DA-95CA-C5AB0DC85B11"  # RFC 6455, section 1.3
TEXT, BINARY, CONTINUATION, CLOSE, PING, PONG = 0x1, 0x2, 0x0, 0x8, 0x9, 0xA
NORMAL_CLOSURE = 1000
NO_STATUS = 1005
HEADERS_MAX = 64 * 1024  # the handshake's answer


class WebSocketError(Exception):
    """The connection broke the protocol or ended without a close frame."""


class HandshakeRefused(WebSocketError):
    def __init__(self, status: int) -> None:
        super().__init__(f"the server answered {status} instead of switching to a WebSocket")
        self.status = status


class Closed(WebSocketError):
    """The server closed the connection with ``code``."""

    def __init__(self, code: int) -> None:
        super().__init__(f"closed by the server ({code})")
        self.code = code


class WebSocket:
    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self._reader = reader
        self._writer = writer
        self.close_code: int | None = None
        self._sending = asyncio.Lock()

    async def send(self, text: str) -> None:
        await self._send_frame(TEXT, text.encode())

    async def receive(self) -> str:
        """The next text message; ``Closed`` once the server closes."""
        parts: list[bytes] = []
        while True:
            fin, opcode, payload = await self._read_frame()
            if opcode == PING:
                await self._send_frame(PONG, payload)
            elif opcode == CLOSE:
                self.close_code = struct.unpack("!H", payload[:2])[0] if len(payload) >= 2 else NO_STATUS
                await self._answer_close()
                raise Closed(self.close_code)
            elif opcode in (TEXT, BINARY, CONTINUATION):
                parts.append(payload)
                if fin:
                    return b"".join(parts).decode()
            elif opcode != PONG:
                raise WebSocketError(f"unknown opcode {opcode}")

    def __aiter__(self) -> WebSocket:
        return self

    async def __anext__(self) -> str:
        try:
            return await self.receive()
        except Closed as closed:
            if closed.code in (NORMAL_CLOSURE, NO_STATUS):
                raise StopAsyncIteration from None
            raise

    async def close(self) -> None:
        if self.close_code is None and not self._writer.is_closing():
            try:
                await self._send_frame(CLOSE, struct.pack("!H", NORMAL_CLOSURE))
            except (OSError, WebSocketError):
                pass
        self._writer.close()
        try:
            await self._writer.wait_closed()
        except OSError:
            pass

    async def _answer_close(self) -> None:
        try:
            await self._send_frame(CLOSE, struct.pack("!H", self.close_code or NORMAL_CLOSURE))
        except (OSError, WebSocketError):
            pass

    async def _read_frame(self) -> tuple[bool, int, bytes]:
        try:
            first, second = await self._reader.readexactly(2)
            length = second & 0x7F
            if length == 126:
                (length,) = struct.unpack("!H", await self._reader.readexactly(2))
            elif length == 127:
                (length,) = struct.unpack("!Q", await self._reader.readexactly(8))
            mask = await self._reader.readexactly(4) if second & 0x80 else None
            payload = await self._reader.readexactly(length)
        except asyncio.IncompleteReadError as error:
            raise WebSocketError("the connection ended in the middle of a message") from error
        if mask is not None:  # a server never masks; read it anyway
            payload = _masked(payload, mask)
        return bool(first & 0x80), first & 0x0F, payload

    async def _send_frame(self, opcode: int, payload: bytes) -> None:
        length = len(payload)
        if length < 126:
            header = struct.pack("!BB", 0x80 | opcode, 0x80 | length)
        elif length < 1 << 16:
            header = struct.pack("!BBH", 0x80 | opcode, 0x80 | 126, length)
        else:
            header = struct.pack("!BBQ", 0x80 | opcode, 0x80 | 127, length)
        mask = os.urandom(4)  # a client masks every frame it sends
        async with self._sending:
            self._writer.write(header + mask + _masked(payload, mask))
            await self._writer.drain()


def _masked(payload: bytes, mask: bytes) -> bytes:
    repeated = (mask * (len(payload) // 4 + 1))[: len(payload)]
    return (int.from_bytes(payload, "big") ^ int.from_bytes(repeated, "big")).to_bytes(len(payload), "big")


class connect:
    """``async with connect(url, headers, timeout) as socket``: the opening handshake within ``timeout``
    seconds (``HandshakeRefused`` with the server's status when it says no), closed on the way out."""

    def __init__(self, url: str, headers: dict[str, str], timeout: float) -> None:
        self._url = url
        self._headers = headers
        self._timeout = timeout
        self._socket: WebSocket | None = None

    async def __aenter__(self) -> WebSocket:
        self._socket = await asyncio.wait_for(_open(self._url, self._headers), self._timeout)
        return self._socket

    async def __aexit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        if self._socket is not None:
            await self._socket.close()


async def _open(url: str, headers: dict[str, str]) -> WebSocket:
    parts = urlsplit(url)
    if parts.scheme not in ("ws", "wss") or not parts.hostname:
        raise ValueError(f"not a WebSocket address: {parts.scheme}://{parts.hostname}")
    if any(ch in f"{name}{value}" for name, value in headers.items() for ch in "\r\n"):
        raise ValueError("a header with a line break")
    secure = parts.scheme == "wss"
    port = parts.port or (443 if secure else 80)
    reader, writer = await asyncio.open_connection(
        parts.hostname, port, ssl=ssl.create_default_context() if secure else None
    )
    try:
        return await _handshake(reader, writer, parts, headers)
    except BaseException:  # a refusal, a bad answer, or the caller's timeout cancelling the wait
        writer.close()
        raise


async def _handshake(
    reader: asyncio.StreamReader, writer: asyncio.StreamWriter, parts: SplitResult, headers: dict[str, str]
) -> WebSocket:
    key = base64.b64encode(os.urandom(16)).decode()
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    host = parts.netloc.rpartition("@")[2]
    lines = [
        f"GET {path} HTTP/1.1",
        f"Host: {host}",
        "Upgrade: websocket",
        "Connection: Upgrade",
        f"Sec-WebSocket-Key: {key}",
        "Sec-WebSocket-Version: 13",
        *(f"{name}: {value}" for name, value in headers.items()),
    ]
    writer.write(("\r\n".join(lines) + "\r\n\r\n").encode())
    try:
        await writer.drain()
        answer = await reader.readuntil(b"\r\n\r\n")
    except (asyncio.IncompleteReadError, asyncio.LimitOverrunError) as error:
        raise WebSocketError("no WebSocket handshake from the server") from error
    if len(answer) > HEADERS_MAX:
        raise WebSocketError("the handshake's answer is too long")
    status_line, *header_lines = answer.decode("latin-1").split("\r\n")
    fields = status_line.split(" ", 2)
    status = int(fields[1]) if len(fields) > 1 and fields[1].isdigit() else 0
    if status != 101:
        raise HandshakeRefused(status)
    answered = {
        name.strip().lower(): value.strip()
        for name, _, value in (line.partition(":") for line in header_lines if line)
    }
    expected = base64.b64encode(hashlib.sha1(key.encode() + GUID).digest()).decode()
    if answered.get("sec-websocket-accept") != expected:
        raise WebSocketError("the server's handshake does not match the key sent")
    return WebSocket(reader, writer)
