"""The receipts service as an ASGI application (Starlette): receipts at the site's endpoint path,
`/health`, CORS for the site's own origins only, a rate limit per client.

A receipt is acknowledged (201, or 200 for one already stored) only after the transaction that
holds it has committed. Receipts that arrive while a transaction is being written wait for the
next one together: one writer, one commit for many receipts (group commit), so the chain's lock is
taken once per batch and a slow disk costs one flush per batch, not per receipt.

No answer waits for the database longer than `Options.db_timeout`: a receipt not committed by
then is answered 503 (it may still be stored; sending it again is safe, a duplicate is stored
once), and /health is 503 when a write of its own does not commit in that time.
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

from sqlalchemy import exc as sa_exc
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware
from starlette.requests import ClientDisconnect, Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from .availability import check_writable
from .ratelimit import RateLimiter
from .schema import Receipt, Refused, parse
from .site import SiteFacts
from .store import Outcome, ReceiptStore, summary

log = logging.getLogger("policypress.receipts")

ClientIp = Literal["none", "truncated"]


@dataclass(frozen=True)
class Options:
    client_ip: ClientIp = "none"  # what is stored of the sender's address
    per_minute: float = 60  # receipts a minute per client (0: no limit)
    burst: int = 30
    max_bytes: int = 8192  # a receipt of the example site is about 1.2 KB
    max_batch: int = 128
    db_timeout: float = 5.0  # seconds an answer waits for the database
    max_waiting: int = 1024  # receipts queued for the writer; more are answered 503 at once
    linger: float = 0.002  # seconds the writer waits for a batch as large as its last one


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


class Busy(Exception):
    """More receipts wait for the database than the service holds: the database is too slow or gone."""


class Writer:
    """The one writer: takes receipts as they come, stores each batch in one transaction (in a
    thread, so the event loop keeps accepting), and answers each receipt after the commit."""

    def __init__(self, store: ReceiptStore, max_batch: int, max_waiting: int, linger: float = 0.0) -> None:
        self.store = store
        self.max_batch = max_batch
        self.linger = linger
        self.queue: asyncio.Queue[tuple[tuple[Receipt, str | None], asyncio.Future[Outcome]]] = asyncio.Queue(max_waiting)
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

    async def submit(self, item: tuple[Receipt, str | None], timeout: float) -> Outcome:
        """The receipt's outcome once committed; TimeoutError after `timeout` seconds (the receipt
        is then dropped if it has not reached the database yet), Busy when too many wait."""
        future: asyncio.Future[Outcome] = asyncio.get_running_loop().create_future()
        try:
            self.queue.put_nowait((item, future))
        except asyncio.QueueFull:
            raise Busy from None
        return await asyncio.wait_for(future, timeout)

    async def _run(self) -> None:
        loop = asyncio.get_running_loop()
        last = 1
        while True:
            batch = [await self.queue.get()]
            # Group commit: the senders answered by the last commit send their next receipts while
            # this one begins. Waiting a moment (`linger`) for as many as the last batch held
            # makes one commit of what would be two, where several clients send at once; a lone
            # client never waits (its batches are of one).
            deadline = loop.time() + self.linger
            while len(batch) < self.max_batch:
                if not self.queue.empty():
                    batch.append(self.queue.get_nowait())
                elif len(batch) < last and loop.time() < deadline:
                    await asyncio.sleep(self.linger / 10)
                else:
                    break
            last = len(batch)
            # Receipts whose sender was answered 503 in the meantime are not written.
            batch = [entry for entry in batch if not entry[1].done()]
            if batch:
                await self._write(loop, batch)

    async def _write(self, loop: asyncio.AbstractEventLoop, batch: list[tuple[tuple[Receipt, str | None], asyncio.Future[Outcome]]]) -> None:
        try:
            outcomes = await loop.run_in_executor(self.thread, self.store.add, [item for item, _ in batch])
        except Exception as error:  # noqa: BLE001 - every waiting request gets an answer
            if len(batch) > 1 and refused_receipt(error):
                # One receipt the database refuses must not cost the others theirs: one by one.
                for one in batch:
                    await self._write(loop, [one])
                return
            log.warning("%s not stored: %s", "a receipt was" if len(batch) == 1 else f"{len(batch)} receipts were",
                        summary(error))
            for _, future in batch:
                if not future.done():
                    future.set_exception(error)
            return
        for (_, future), outcome in zip(batch, outcomes):
            if not future.done():
                future.set_result(outcome)


def refused_receipt(error: Exception) -> bool:
    """Whether the database refused what a receipt holds, rather than failed to write at all
    (down, frozen, read-only, full): only then is a batch worth retrying receipt by receipt."""
    return isinstance(error, (sa_exc.DataError, sa_exc.IntegrityError))


class Health:
    """/health's question, asked of the database at most once at a time: a check still running
    (a frozen database) is shared by every request that comes meanwhile, not repeated."""

    def __init__(self, store: ReceiptStore, timeout: float) -> None:
        self.store = store
        self.timeout = timeout
        self.thread = ThreadPoolExecutor(1, thread_name_prefix="receipts-health")
        self.running: asyncio.Future[None] | None = None
        self.ok = True  # the last answer, so that only a change is logged

    async def writable(self) -> bool:
        if self.running is None or self.running.done():
            self.running = asyncio.get_running_loop().run_in_executor(self.thread, check_writable, self.store)
            # Its outcome is read even when every request waiting for it gave up first.
            self.running.add_done_callback(lambda done: done.cancelled() or done.exception())
        try:
            await asyncio.wait_for(asyncio.shield(self.running), self.timeout)
        except Exception as error:  # noqa: BLE001 - down, frozen, read-only: unavailable
            if self.ok:
                log.warning("the database takes no writes: %s", f"no answer within {self.timeout:g} s"
                            if isinstance(error, asyncio.TimeoutError) else summary(error))
            self.ok = False
            return False
        if not self.ok:
            log.warning("the database takes writes again")
        self.ok = True
        return True

    def stop(self) -> None:
        self.thread.shutdown(wait=False)


def create_app(facts: SiteFacts, store: ReceiptStore, options: Options = Options()) -> Starlette:
    writer = Writer(store, options.max_batch, options.max_waiting, options.linger)
    health_check = Health(store, options.db_timeout)
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
        except ClientDisconnect:
            # The client left mid-body: nobody to answer (the server logs it, one line).
            return Response(status_code=400)
        try:
            outcome = await writer.submit((receipt, truncated(address, options.client_ip)), options.db_timeout)
        except Exception:  # noqa: BLE001 - the database is down, frozen or refused it: not stored, say so
            return refuse(503, "the receipt could not be stored; send it again later")
        if outcome.status == "conflict":
            return refuse(409, f"consent {receipt.consent_id} already has another receipt for {receipt.given_at}")
        return JSONResponse({"stored": outcome.status == "stored", "seq": outcome.seq},
                            status_code=201 if outcome.status == "stored" else 200)

    async def health(request: Request) -> Response:
        if not await health_check.writable():
            return JSONResponse({"status": "unavailable"}, status_code=503)
        return JSONResponse({"status": "ok"})

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        writer.start()
        try:
            yield
        finally:
            health_check.stop()
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

