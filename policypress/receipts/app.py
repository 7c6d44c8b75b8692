"""The receipts service as an ASGI application (Starlette): receipts at the site's endpoint path,
`/health`, CORS for the site's own origins only, a rate limit per client.

A receipt is acknowledged (201, or 200 for one already stored) only after the transaction that
holds it has committed. Receipts that arrive while a transaction is being written wait for the
next one together: one writer, one commit for many receipts (group commit), so the chain's lock is
taken once per batch and a slow disk costs one flush per batch, not per receipt.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import ipaddress
import logging
from collections.abc import AsyncIterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Literal

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from .ratelimit import RateLimiter
from .schema import Receipt, Refused, parse
from .site import SiteFacts
from .store import Outcome, ReceiptStore

log = logging.getLogger("policypress.receipts")

ClientIp = Literal["none", "truncated"]


@dataclass(frozen=True)
class Options:
    client_ip: ClientIp = "none"  # what is stored of the sender's address
    per_minute: float = 60  # receipts a minute per client (0: no limit)
    burst: int = 30
    max_bytes: int = 8192  # a receipt of the example site is about 1.2 KB
    max_batch: int = 128


def truncated(address: str | None, mode: ClientIp) -> str | None:
    """Nothing, or the network an address belongs to: IPv4 /24, IPv6 /48. Enough to tell a
    region or provider, not a subscriber."""
    if mode == "none" or not address:
        return None
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return None
    if ip.version == 6 and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    prefix = 24 if ip.version == 4 else 48
    return str(ipaddress.ip_network(f"{ip}/{prefix}", strict=False).network_address)


class Writer:
    """The one writer: takes receipts as they come, stores each batch in one transaction (in a
    thread, so the event loop keeps accepting), and answers each receipt after the commit."""

    def __init__(self, store: ReceiptStore, max_batch: int) -> None:
        self.store = store
        self.max_batch = max_batch
        self.queue: asyncio.Queue[tuple[tuple[Receipt, str | None], asyncio.Future[Outcome]]] = asyncio.Queue()
        self.thread = ThreadPoolExecutor(1, thread_name_prefix="receipts-writer")
        self.task: asyncio.Task[None] | None = None

    def start(self) -> None:
        self.task = asyncio.get_running_loop().create_task(self._run())

    async def stop(self) -> None:
        if self.task is not None:
            self.task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self.task
        while not self.queue.empty():
            _, future = self.queue.get_nowait()
            if not future.done():
                future.set_exception(RuntimeError("the service is stopping"))
        self.thread.shutdown(wait=True)

    async def submit(self, item: tuple[Receipt, str | None]) -> Outcome:
        future: asyncio.Future[Outcome] = asyncio.get_running_loop().create_future()
        await self.queue.put((item, future))
        return await future

    async def _run(self) -> None:
        loop = asyncio.get_running_loop()
        while True:
            batch = [await self.queue.get()]
            while len(batch) < self.max_batch and not self.queue.empty():
                batch.append(self.queue.get_nowait())
            await self._write(loop, batch)

    async def _write(self, loop: asyncio.AbstractEventLoop, batch: list[tuple[tuple[Receipt, str | None], asyncio.Future[Outcome]]]) -> None:
        try:
            outcomes = await loop.run_in_executor(self.thread, self.store.add, [item for item, _ in batch])
        except Exception as error:  # noqa: BLE001 - every waiting request gets an answer
            if len(batch) > 1:
                # One receipt the database refuses must not cost the others theirs: one by one.
                for one in batch:
                    await self._write(loop, [one])
                return
            log.warning("receipt not stored: %s", error)
            if not batch[0][1].done():
                batch[0][1].set_exception(error)
            return
        for (_, future), outcome in zip(batch, outcomes):
            if not future.done():
                future.set_result(outcome)


def create_app(facts: SiteFacts, store: ReceiptStore, options: Options = Options()) -> Starlette:
    writer = Writer(store, options.max_batch)
    limiter = RateLimiter(options.per_minute, options.burst)
    origins = set(facts.origins)

    def refuse(status: int, message: str, headers: dict[str, str] | None = None) -> Response:
        return JSONResponse({"error": message}, status_code=status, headers=headers)

    async def receive(request: Request) -> Response:
        # Cheap refusals first, before the body is read.
        origin = request.headers.get("origin")
        if origin is not None and origin not in origins:
            return refuse(403, f"receipts are taken from the site's own pages ({', '.join(sorted(origins)) or 'none'}), "
                               f"not from {origin}")
        address = request.client.host if request.client else ""
        wait = limiter.wait(address)
        if wait:
            return refuse(429, "too many receipts from this client; try again later", {"Retry-After": str(int(wait) + 1)})
        try:
            body = await read_body(request, options.max_bytes)
            receipt = parse(body, facts, dt.datetime.now(dt.timezone.utc))
        except Refused as refused:
            return refuse(refused.status, refused.message)
        try:
            outcome = await writer.submit((receipt, truncated(address, options.client_ip)))
        except Exception:  # noqa: BLE001 - the database is down or refused it: not stored, say so
            return refuse(503, "the receipt could not be stored; send it again later")
        if outcome.status == "conflict":
            return refuse(409, f"consent {receipt.consent_id} already has another receipt for {receipt.given_at}")
        return JSONResponse({"stored": outcome.status == "stored", "seq": outcome.seq},
                            status_code=201 if outcome.status == "stored" else 200)

    async def health(request: Request) -> Response:
        try:
            await asyncio.get_running_loop().run_in_executor(None, store.ping)
        except Exception:  # noqa: BLE001
            return JSONResponse({"status": "unavailable"}, status_code=503)
        return JSONResponse({"status": "ok"})

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        writer.start()
        try:
            yield
        finally:
            await writer.stop()

    # sendBeacon sends credentials and, with a JSON body, asks first (a preflight): the answer
    # must name the origin itself and allow credentials. Other origins get no CORS headers.
    cors = Middleware(CORSMiddleware, allow_origins=sorted(origins), allow_methods=["POST"],
                      allow_headers=["content-type"], allow_credentials=True, max_age=86400)
    routes = [Route(facts.path, receive, methods=["POST"]), Route("/health", health, methods=["GET"])]
    return Starlette(routes=routes, middleware=[cors], lifespan=lifespan)


async def read_body(request: Request, limit: int) -> bytes:
    """The body as JSON, at most `limit` bytes, read no further than that."""
    kind, _, parameters = request.headers.get("content-type", "").partition(";")
    charset = parameters.strip().lower().replace(" ", "")
    if kind.strip().lower() != "application/json" or charset not in ("", "charset=utf-8"):
        raise Refused(415, "expected Content-Type: application/json")
    length = request.headers.get("content-length")
    if length is not None and (not length.isdigit() or int(length) > limit):
        raise Refused(413 if length.isdigit() else 400, f"expected a receipt of at most {limit} bytes")
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise Refused(413, f"expected a receipt of at most {limit} bytes")
        chunks.append(chunk)
    return b"".join(chunks)

