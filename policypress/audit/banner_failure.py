"""Why the policypress banner did not start on a page that includes the policy site's
`consent/<lang>.js` (the one-tag snippet): what became of that script, and of the banner files
it loads, as Chromium saw them.

- an HTTP error status (404, 500…);
- a wrong MIME type under `X-Content-Type-Options: nosniff` (browsers refuse to run it);
- the page's Content-Security-Policy, with the directive that blocked it;
- a request blocked or aborted before it ran (an empty answer, a refused connection, the policy
  site's Cross-Origin-Resource-Policy, a blocker), in Chromium's words;
- or loaded, and the banner still did not appear (an error in the page).

The browser's network events are read through a DevTools session of their own while the page
loads (an error status is seen there even when the browser hides the response from the page);
its console gives the Content-Security-Policy's directive.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any
from urllib.parse import urldefrag, urlsplit

from .loader import PATH_RE

if TYPE_CHECKING:
    from playwright.async_api import BrowserContext, CDPSession, ConsoleMessage, Page

# What browsers run as a script (the WHATWG MIME Sniffing standard's JavaScript MIME types, the
# common ones).
SCRIPT_TYPES = frozenset({"text/javascript", "application/javascript", "application/x-javascript",
                          "application/ecmascript", "text/ecmascript", "module"})
# The policypress scripts a page includes, as the browser resolved their addresses.
SCRIPTS_JS = "() => Array.from(document.querySelectorAll('script[src]'), s => s.src)"
_DIRECTIVE_RE = re.compile(r'directive:?\s*"([^"]+)"')
# Messages kept from a page at most (a page may log without end).
MAX_MESSAGES = 200


def is_banner_script(url: str) -> bool:
    """The policy site's `consent/<lang>.js`, or a banner file under `consent/` it loads."""
    return url.startswith(("http:", "https:")) and PATH_RE.search(urlsplit(url).path) is not None


@dataclass
class Fetch:
    """One request for such a script, as the network saw it."""

    url: str
    status: int | None = None
    headers: dict[str, str] = field(default_factory=dict)  # lower-case names
    failure: str = ""  # Chromium's error text (net::ERR_…), or "" when it loaded
    blocked: str = ""  # why Chromium blocked it (csp, corp-not-same-origin…), if it says


@dataclass
class Watch:
    """The fate of the policypress scripts of one page load."""

    fetches: dict[str, Fetch] = field(default_factory=dict)  # by DevTools request id
    console: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    session: CDPSession | None = None
    page: Page | None = None

    async def attach(self, context: BrowserContext, page: Page) -> None:
        self.session = session = await context.new_cdp_session(page)
        session.on("Network.requestWillBeSent", self.on_request)
        session.on("Network.responseReceivedExtraInfo", self.on_headers)
        session.on("Network.responseReceived", self.on_response)
        session.on("Network.loadingFailed", self.on_failure)
        await session.send("Network.enable")
        self.page = page
        page.on("console", self.on_console)
        page.on("pageerror", self.on_error)

    async def detach(self) -> None:
        from playwright.async_api import Error

        session, self.session, page, self.page = self.session, None, self.page, None
        if page is not None:
            page.remove_listener("console", self.on_console)
            page.remove_listener("pageerror", self.on_error)
        if session is not None:
            try:
                await session.detach()
            except Error:  # the page is gone
                pass

    def on_request(self, event: dict[str, Any]) -> None:
        url = str(event.get("request", {}).get("url", ""))
        if is_banner_script(url) and len(self.fetches) < MAX_MESSAGES:
            self.fetches[event["requestId"]] = Fetch(urldefrag(url).url)

    def on_headers(self, event: dict[str, Any]) -> None:
        fetch = self.fetches.get(event.get("requestId", ""))
        if fetch is not None:
            fetch.status = event.get("statusCode", fetch.status)
            fetch.headers = {str(k).lower(): str(v) for k, v in (event.get("headers") or {}).items()}

    def on_response(self, event: dict[str, Any]) -> None:
        fetch = self.fetches.get(event.get("requestId", ""))
        if fetch is not None:
            response = event.get("response") or {}
            fetch.status = response.get("status", fetch.status)
            fetch.headers = fetch.headers or {str(k).lower(): str(v) for k, v in (response.get("headers") or {}).items()}

    def on_failure(self, event: dict[str, Any]) -> None:
        fetch = self.fetches.get(event.get("requestId", ""))
        if fetch is not None:
            fetch.failure = str(event.get("errorText", "")) or "failed"
            fetch.blocked = str(event.get("blockedReason") or "")

    def on_console(self, message: ConsoleMessage) -> None:
        if message.type == "error" and len(self.console) < MAX_MESSAGES:
            self.console.append(message.text)

    def on_error(self, error: Exception) -> None:
        if len(self.errors) < MAX_MESSAGES:
            self.errors.append(str(error).splitlines()[0] if str(error) else type(error).__name__)

    def failed(self, scripts: list[str]) -> bool:
        """Whether one of these scripts is known not to have run: no need to wait for the banner."""
        return any(self.fate(url) not in (None, "loaded") for url in scripts)

    def fate(self, url: str) -> str | None:
        """What became of one script, in words; None when the network never saw it."""
        fetches = [fetch for fetch in self.fetches.values() if fetch.url == urldefrag(url).url]
        said = [text for text in self.console if url in text]
        csp = next((text for text in said if "Content Security Policy" in text), None)
        if csp is not None or any(fetch.blocked == "csp" for fetch in fetches):
            directive = _DIRECTIVE_RE.search(csp or "")
            origin = f"{urlsplit(url).scheme}://{urlsplit(url).netloc}"
            return (f"the page's Content-Security-Policy blocks it"
                    f"{f' (directive {directive.group(1)!r})' if directive else ''}; allow {origin} in script-src")
        if not fetches:
            return None
        fetch = fetches[-1]
        kind = fetch.headers.get("content-type", "").split(";")[0].strip().lower()
        if fetch.status is not None and fetch.status >= 400:
            return f"it answered HTTP {fetch.status}"
        if fetch.headers.get("x-content-type-options", "").strip().lower() == "nosniff" and kind not in SCRIPT_TYPES:
            return (f"it is served as {kind or 'no MIME type'} with X-Content-Type-Options: nosniff, which browsers "
                    f"refuse to run as a script; serve it as text/javascript")
        if fetch.failure:
            why = f", {fetch.blocked}" if fetch.blocked else ""
            return f"the request was blocked or aborted before it ran ({fetch.failure}{why})"
        return "loaded"

    def reason(self, scripts: list[str]) -> str:
        """Why the banner did not start, for each of the page's policypress scripts."""
        fates = {url: self.fate(url) for url in dict.fromkeys(urldefrag(url).url for url in scripts)}
        failed = [f"{url}: {fate}" for url, fate in fates.items() if fate not in (None, "loaded")]
        unseen = [f"{url} was never requested" for url, fate in fates.items() if fate is None]
        if failed or unseen:
            return "; ".join(failed + unseen)
        error = f" (an error in the page: {self.errors[0]})" if self.errors else ""
        return f"{', '.join(fates)} loaded, but window.policypressConsent never appeared{error}"
