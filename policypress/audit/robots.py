"""robots.txt of the audited origins, read once each within the page timeout and a size cap, and
applied with the standard library's parser (for the agent `policypress`).

What the server answers decides, as RFC 9309 says or allows:
- 2xx: its rules, from the first 500 KiB (the least the RFC asks a crawler to read);
- a server error (5xx), or a robots.txt that has not arrived within the timeout: no page of the
  origin is visited, and that is said once;
- 401/403: the same, as Python's robots.txt parser has it; other 4xx: every page;
- redirects are followed within the origin only (at most five): one elsewhere is not requested,
  and every page may be visited, as when the server cannot be reached at all (the pages then fail,
  or are stopped, on their own and are reported).

The request is HTTP/1.0 through asyncio streams, so one deadline covers connecting, the headers
and the body: urllib's timeout is per read, and a server sending a line a second never meets it.
"""

from __future__ import annotations

import asyncio
import ssl
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit
from urllib.robotparser import RobotFileParser

from .model import origin_of

AGENT = "policypress"
SIZE_CAP = 500 * 1024
REDIRECTS = 5
EXCLUDED = "excluded by robots.txt; not visited (--ignore-robots visits it)"


@dataclass(frozen=True)
class Rules:
    """An origin's robots.txt as read: its parser, or why no page of the origin is visited."""

    parser: RobotFileParser
    refused: str | None = None


class Robots:
    """Whether a URL may be visited: robots.txt of its origin, unless `enabled` is false."""

    def __init__(self, enabled: bool, timeout: float) -> None:
        self.enabled = enabled
        self.timeout = timeout
        self._rules: dict[str, Rules] = {}

    async def refusal(self, url: str) -> tuple[str, str] | None:
        """None when the page may be visited; else the address and the reason to report (the
        same for every page of an origin that robots.txt closes as a whole)."""
        if not self.enabled:
            return None
        origin = origin_of(url)
        if origin not in self._rules:
            self._rules[origin] = await read(origin, self.timeout)
        rules = self._rules[origin]
        if rules.refused is not None:
            return f"{origin}/robots.txt", rules.refused
        return None if rules.parser.can_fetch(AGENT, url) else (url, EXCLUDED)


async def read(origin: str, timeout: float) -> Rules:
    parser = RobotFileParser(f"{origin}/robots.txt")
    closed = f"none of {origin} visited (--ignore-robots visits them)"
    try:
        status, body = await asyncio.wait_for(fetch(f"{origin}/robots.txt"), timeout)
    except (asyncio.TimeoutError, TimeoutError):
        return Rules(parser, f"not read within {timeout:g} s; RFC 9309 takes a robots.txt that cannot be read as "
                             f"disallowing every page: {closed}")
    except (OSError, ValueError, asyncio.IncompleteReadError, asyncio.LimitOverrunError):
        parser.allow_all = True  # not reachable, or no HTTP: the pages say more
        return Rules(parser)
    if 200 <= status < 300:
        # A line cut at the cap is not a rule.
        text = body.decode("utf-8", "replace")
        parser.parse((text if len(body) < SIZE_CAP else text.rpartition("\n")[0]).splitlines())
        return Rules(parser)
    if status >= 500:
        return Rules(parser, f"HTTP {status}; RFC 9309 takes a server error as disallowing every page: {closed}")
    if status in (401, 403):
        return Rules(parser, f"HTTP {status}; taken as disallowing every page, as Python's robots.txt parser does: "
                             f"{closed}")
    parser.allow_all = True
    return Rules(parser)


async def fetch(url: str) -> tuple[int, bytes]:
    """The status and at most SIZE_CAP bytes of the body, following redirects within the origin;
    a redirect elsewhere (or a sixth) is returned as it is."""
    for _ in range(REDIRECTS + 1):
        status, location, body = await get(url)
        if status not in (301, 302, 303, 307, 308) or location is None:
            break
        target = urljoin(url, location)
        if origin_of(target) != origin_of(url):
            break
        url = target
    return status, body


async def get(url: str) -> tuple[int, str | None, bytes]:
    """One GET: status, Location header, and the body up to SIZE_CAP."""
    parts = urlsplit(url)
    secure = parts.scheme == "https"
    host = parts.hostname or ""
    reader, writer = await asyncio.open_connection(host, parts.port or (443 if secure else 80),
                                                   ssl=ssl.create_default_context() if secure else None)
    try:
        name = f"[{host}]" if ":" in host else host.encode("idna").decode("ascii")
        target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        writer.write(f"GET {target} HTTP/1.0\r\nHost: {name}{f':{parts.port}' if parts.port else ''}\r\n"
                     f"User-Agent: {AGENT}\r\nAccept: text/plain, */*\r\nConnection: close\r\n\r\n".encode("ascii"))
        head = (await reader.readuntil(b"\r\n\r\n")).decode("latin-1").split("\r\n")
        version, _, rest = head[0].partition(" ")
        if not version.startswith("HTTP/") or not rest[:3].isdigit():
            raise ValueError(f"not an HTTP response: {head[0][:80]!r}")
        status = int(rest[:3])
        headers = {line.partition(":")[0].strip().lower(): line.partition(":")[2].strip() for line in head[1:] if line}
        body = bytearray()
        while len(body) < SIZE_CAP and (chunk := await reader.read(SIZE_CAP - len(body))):
            body += chunk
        return status, headers.get("location"), bytes(body)
    finally:
        writer.close()
