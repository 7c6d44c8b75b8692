"""The receipts service on the network: uvicorn with its C parser (httptools), guarded against
hostile and broken clients before anything reaches the application.

uvicorn's httptools protocol holds a request's head in memory however large it grows, and waits
for a slow client forever. The guard below counts what a request's head takes as it arrives,
refuses more than `MAX_HEAD_BYTES` or `MAX_HEADERS` with 431, gives every request
`read_timeout` seconds from its first byte to arrive whole (408 after that, however slowly it
dribbles in), and logs a client that leaves in the middle of a body as one line.
"""

from __future__ import annotations

import asyncio
import json
import logging
import socket
import sys
from dataclasses import dataclass
from typing import Any, ClassVar

import httptools
import uvicorn
from uvicorn.protocols.http.httptools_impl import STATUS_LINE, HttpToolsProtocol

# A request line and its headers together (Node's default); a browser's beacon with the site's
# cookies takes a few kilobytes.
MAX_HEAD_BYTES = 16 * 1024
MAX_HEADERS = 100  # Apache's default
# After a refusal the client may still be sending: its bytes are read and dropped this long, so
# it reads the answer instead of a connection reset.
LINGER = 2.0
DEFAULT_READ_TIMEOUT = 10.0

log = logging.getLogger("policypress.receipts")


class ServeError(Exception):
    """The service cannot listen where it was asked to: one line, exit status 2."""


@dataclass(frozen=True)
class Limits:
    read_timeout: float = DEFAULT_READ_TIMEOUT  # seconds for a request to arrive whole
    max_head_bytes: int = MAX_HEAD_BYTES
    max_headers: int = MAX_HEADERS
    linger: float = LINGER


class _TooManyHeaders(Exception):
    pass


class GuardedProtocol(HttpToolsProtocol):
    """uvicorn's httptools protocol, fed through a guard: the head is counted as it arrives, and a
    request has a deadline from its first byte to its last."""

    limits: ClassVar[Limits] = Limits()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._in_head = True  # before a request, or inside its request line and headers
        self._head_bytes = 0
        self._too_many_headers = False
        self._deadline: asyncio.TimerHandle | None = None
        self._linger: asyncio.TimerHandle | None = None
        self._ending = False  # refused or timed out: what still arrives is dropped

    # --- the connection --------------------------------------------------------------------------

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        # A connection that never sends a byte is held no longer than a slow request.
        self._arm()

    def connection_lost(self, exc: Exception | None) -> None:
        cut = (not self._in_head and not self._ending and self.cycle is not None
               and self.cycle.more_body and not self.cycle.response_complete)
        for timer in (self._deadline, self._linger):
            if timer is not None:
                timer.cancel()
        self._deadline = self._linger = None
        super().connection_lost(exc)
        if cut:
            log.warning("a client closed its connection in the middle of a request body; nothing of it was stored")

    def data_received(self, data: bytes) -> None:
        if self._ending:
            return
        self._unset_keepalive_if_required()
        view = memoryview(data)
        # Fed in pieces no larger than what the head may still take, so that the parser never
        # holds more than one limit of a head before it is refused.
        while view:
            if self._in_head and self._deadline is None:
                self._arm()
            size = self.limits.max_head_bytes - self._head_bytes + 1 if self._in_head else self.limits.max_head_bytes
            piece, view = view[:size], view[size:]
            if self._in_head:
                self._head_bytes += len(piece)
            if not self._feed(piece):
                return
            if self._in_head and self._head_bytes > self.limits.max_head_bytes:
                self._refuse(431, f"the request's line and headers are larger than {self.limits.max_head_bytes} bytes")
                return

    def _feed(self, piece: memoryview) -> bool:
        """The parser's turn, as uvicorn's own data_received; False when the connection ends."""
        try:
            self.parser.feed_data(piece)
        except httptools.HttpParserUpgrade:
            return False  # no WebSocket here: the request goes on as plain HTTP, or times out
        except httptools.HttpParserError:
            if self._too_many_headers:
                self._refuse(431, f"the request has more than {self.limits.max_headers} headers")
            else:
                self.logger.warning("Invalid HTTP request received.")
                self.send_400_response("Invalid HTTP request received.")
            return False
        return not self.transport.is_closing()

    # --- the parser's callbacks ------------------------------------------------------------------

    def on_message_begin(self) -> None:
        self._too_many_headers = False
        super().on_message_begin()

    def on_header(self, name: bytes, value: bytes) -> None:
        if len(self.headers) >= self.limits.max_headers:
            self._too_many_headers = True
            raise _TooManyHeaders
        super().on_header(name, value)

    def on_headers_complete(self) -> None:
        self._in_head = False
        super().on_headers_complete()

    def on_message_complete(self) -> None:
        super().on_message_complete()
        # The request is whole: the deadline is met, the next request's head starts here.
        self._in_head, self._head_bytes = True, 0
        if self._deadline is not None:
            self._deadline.cancel()
            self._deadline = None

    # --- deadlines and refusals ------------------------------------------------------------------

    def _arm(self) -> None:
        if self._deadline is not None:
            self._deadline.cancel()
        self._deadline = self.loop.call_later(self.limits.read_timeout, self._expired)

    def _expired(self) -> None:
        self._deadline = None
        if self.transport.is_closing() or self._ending:
            return
        if self._in_head and self._head_bytes == 0:
            self.transport.close()  # connected and sent nothing: nobody to answer
            return
        log.warning("a request was not complete after %g s; its connection is closed (408)", self.limits.read_timeout)
        cycle = self.cycle
        if not self._in_head and cycle is not None:
            if cycle.response_started:
                self.transport.close()
                return
            # The application waits for the rest of the body: it hears that the client is gone.
            cycle.disconnected = True
            cycle.message_event.set()
        self._refuse(408, f"the request did not arrive whole within {self.limits.read_timeout:g} s")

    def _refuse(self, status: int, reason: str) -> None:
        """Answers `status` and ends the connection: the answer is flushed, the write side shut, and
        whatever the client still sends dropped for a moment (a lingering close)."""
        self._ending = True
        if self._deadline is not None:
            self._deadline.cancel()
            self._deadline = None
        earlier = self.cycle
        if self._in_head and earlier is not None and not earlier.response_complete:
            self.transport.close()  # a pipelined request's answer is still being written: no room for ours
            return
        body = json.dumps({"error": reason}).encode()
        head = [STATUS_LINE[status]]
        for name, value in self.server_state.default_headers:
            head += [name, b": ", value, b"\r\n"]
        head += [b"content-type: application/json\r\n", b"content-length: %d\r\n" % len(body),
                 b"connection: close\r\n\r\n"]
        self.transport.write(b"".join(head) + body)
        if self.transport.can_write_eof():
            self.transport.write_eof()
        self._linger = self.loop.call_later(self.limits.linger, self.transport.close)


def protocol(limits: Limits) -> type[GuardedProtocol]:
    """The guarded protocol with these limits, as uvicorn takes a protocol: a class."""
    return type("GuardedProtocol", (GuardedProtocol,), {"limits": limits})


def listen(host: str, port: int) -> socket.socket:
    """A listening socket on host:port (port 0: any free port), or a ServeError saying why not."""
    try:
        family, kind, proto, _, address = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM,
                                                             flags=socket.AI_PASSIVE)[0]
    except socket.gaierror as error:
        raise ServeError(f"--host {host}: not an address this machine can listen on ({error.strerror})") from None
    sock = socket.socket(family, kind, proto)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(address)
        sock.listen(2048)
    except OSError as error:
        sock.close()
        raise ServeError(f"cannot listen on {host} port {port}: {error.strerror or error}") from None
    return sock


def url_of(sock: socket.socket) -> str:
    """http://host:port of a listening socket, the port it really has."""
    host, port = sock.getsockname()[:2]
    return f"http://[{host}]:{port}" if ":" in host else f"http://{host}:{port}"


def run(app: Any, sock: socket.socket, *, limits: Limits, forwarded_allow_ips: str) -> None:
    """Serves `app` on `sock` until SIGINT or SIGTERM."""
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("policypress: %(message)s"))
    log.addHandler(handler)
    log.propagate = False
    # No access log: it would hold every visitor's full address, which the service never keeps.
    config = uvicorn.Config(app, http=protocol(limits), ws="none", lifespan="on", proxy_headers=True,
                            forwarded_allow_ips=forwarded_allow_ips, access_log=False, server_header=False,
                            log_level="warning")
    uvicorn.Server(config).run(sockets=[sock])
