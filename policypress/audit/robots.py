"""robots.txt of the audited origins, read once each with the standard library's parser."""

from __future__ import annotations

import urllib.error
import urllib.request
from urllib.robotparser import RobotFileParser

from .model import origin_of

AGENT = "policypress"


class _SameOrigin(urllib.request.HTTPRedirectHandler):
    """Redirects within the origin only: robots.txt never makes a request elsewhere."""

    def redirect_request(self, req, fp, code, msg, headers, newurl):  # type: ignore[no-untyped-def]
        if origin_of(newurl) != origin_of(req.full_url):
            return None  # the redirect response is then raised as an HTTPError
        return super().redirect_request(req, fp, code, msg, headers, newurl)


_OPENER = urllib.request.build_opener(_SameOrigin)


class _Parser(RobotFileParser):
    """RobotFileParser as the standard library reads it, with a timeout (its own `read` has
    none), our user agent, and redirects only within the origin. As there: 401/403 forbid
    everything, other 4xx allow everything; a server error leaves nothing allowed. A robots.txt
    that cannot be reached, or redirects elsewhere, allows everything: the pages then fail (or
    are stopped) on their own, and are reported."""

    def __init__(self, url: str, timeout: float) -> None:
        super().__init__(url)
        self.address, self.timeout = url, timeout

    def read(self) -> None:
        request = urllib.request.Request(self.address, headers={"User-Agent": AGENT})
        try:
            with _OPENER.open(request, timeout=self.timeout) as response:
                self.parse(response.read().decode("utf-8", "replace").splitlines())
        except urllib.error.HTTPError as error:
            if error.code in (401, 403):
                self.disallow_all = True
            elif error.code < 500:
                self.allow_all = True
        except OSError:
            self.allow_all = True


class Robots:
    """Whether a URL may be visited: robots.txt of its origin, unless `enabled` is false."""

    def __init__(self, enabled: bool, timeout: float) -> None:
        self.enabled = enabled
        self.timeout = timeout
        self._parsers: dict[str, RobotFileParser] = {}

    def allowed(self, url: str) -> bool:
        if not self.enabled:
            return True
        origin = origin_of(url)
        if origin not in self._parsers:
            parser = _Parser(f"{origin}/robots.txt", self.timeout)
            parser.read()
            self._parsers[origin] = parser
        return self._parsers[origin].can_fetch(AGENT, url)
