"""Chromium through Playwright: the pages of a site in four states, and what each stores and sends.

Each state starts in a fresh browser context of its own (an empty profile in the audit's one
Chromium), so nothing of one state leaks into another:

- **none**: the crawl. Given pages first, then same-origin links, breadth first, up to
  `max_pages`; no choice is made.
- **reject** / **accept**: the first page, "reject all" or "accept all" (through
  `window.policypressConsent` and its own buttons, or `--reject`/`--accept` selectors), then every
  page of the crawl. What was there before the choice belongs to *none* and is not counted again,
  unless it is set anew.
- **withdrawn**: in the accepted profile, on the first page, consent is withdrawn ("reject all"
  in the banner shown again) and the page reloaded.

The profile accepts third-party cookies (Chromium's headless default blocks them, as most
visitors' browsers do not): the audit sees what the most exposed visitor gets. Nothing is
requested that the given origins and their pages do not ask for: links are followed within
those origins only, and a page that redirects or navigates to another origin, or submits a form
there, is stopped there (the browser's DevTools rule on documents, `gate`) and reported. A window
a page opens (`window.open`, a link or form with `target=_blank`) is refused by Chromium's popup
blocker, and the attempt is reported. The blocker lets a page that has user activation open one,
and a click or an evaluation through Playwright gives it that: while the audit acts in a page so,
and until the next page has loaded, the browser's rule holds every request and refuses a window's
(a route on the profile does too, once Playwright knows the window), and the window is closed.
Neither is on otherwise: holding every request, and the route's turning the cache off, made a
page load take half as long again. The audit's own questions to a page (its storage, its links)
go through DevTools without activation. A WebSocket to another origin is a request to it.

With `--jobs N`, each state's pages are shared among N contexts that start from the same point
(`parallel` says how what they saw is put together); the pages visited and what is reported are
those of one context.

A hostile page cannot hold the audit: every call into a page has the page timeout (a script that
never ends holds the tab's only thread, and Playwright's evaluate has no time limit of its own).
Past it the tab is closed without its unload handlers, a new one takes its place in the same
profile, and the page is reported as not audited.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import contextlib
import json
import tempfile
import time
import zlib
from collections import deque
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import AsyncExitStack, asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar
from urllib.parse import urldefrag, urlsplit

from . import loader, parallel
from .gate import Gate
from .consent_managers import BANNER_JS, SELECTORS, Operator
from .model import (CannotRun, ConsentManager, CookieSeen, Observations, PageProblem, RequestSeen, State, StateRecord,
                    Storage, StorageSeen, host_of, origin_of)
from .robots import Robots

if TYPE_CHECKING:
    from playwright.async_api import Browser, BrowserContext, CDPSession, Page, Playwright
    from playwright.async_api import Request as PlaywrightRequest
    from playwright.async_api import Response, Route, WebSocket

T = TypeVar("T")

# AutomationControlled off: navigator.webdriver is false, as for a visitor (some banners hide from
# automated browsers: vanilla-cookieconsent's hideFromBots).
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--disable-blink-features=AutomationControlled"]
# A profile that keeps third-party cookies (Chromium blocks them in headless and private windows).
PREFERENCES = {"profile": {"cookie_controls_mode": 0}}

MISSING_PLAYWRIGHT = ("the audit needs Playwright and a Chromium: pip install policypress[audit]; then Debian's "
                      "Chromium (apt-get install chromium, run from /usr/bin/chromium), Playwright's own (python -m "
                      "playwright install chromium), or another one named with --chromium PATH")

# Keys and a digest of each value (to notice a key written anew) of both storages of a frame.
STORAGE_JS = """() => {
  const digest = (s) => { let h = 5381; for (let i = 0; i < s.length; i++) h = (h * 33 + s.charCodeAt(i)) | 0; return h; };
  const found = [];
  for (const [kind, open] of [["local-storage", () => localStorage], ["session-storage", () => sessionStorage]]) {
    let store; try { store = open(); } catch (e) { continue; }
    for (let i = 0; i < store.length; i++) { const key = store.key(i); found.push([kind, key, digest(store.getItem(key) || "")]); }
  }
  return found;
}"""
# How long a page that asked to leave before its load event may still take to fire it (Chromium
# stops loading a document when its frame starts a navigation, so it usually never comes).
LEAVING_GRACE = 1.0
# A configuration script larger than this is not read (the policy site's are a few kilobytes).
LOADER_BYTES = 1_000_000
# Playwright turns Chromium's popup blocker off; the audit keeps it on (see the module's doc).
KEPT_ON = ["--disable-popup-blocking"]
# The page's links, and its storage as STORAGE_JS gives it: one question to the main frame.
LOOK_JS = ("(() => ({storage: (" + STORAGE_JS + ")(), links: Array.from(document.querySelectorAll('a[href], area[href]'), "
           "e => e.href).filter(h => typeof h === 'string')}))()")


class AuditError(CannotRun):
    """The browser could not do its part; the message says why and what to do."""


class PageBusy(Exception):
    """A call into the page did not return within the timeout: the tab was replaced. The message
    is the reason to report for the page."""


@dataclass(frozen=True)
class Selectors:
    """CSS selectors of another banner's buttons."""

    accept: str
    reject: str
    settings: str | None = None  # shows the banner again, for the withdrawal


@dataclass(frozen=True)
class Plan:
    urls: tuple[str, ...]
    max_pages: int = 50
    timeout: float = 30.0  # seconds for a page's load event
    wait: float = 1.0  # seconds after it, for what starts late
    robots: bool = True
    selectors: Selectors | None = None  # another banner's; None: the policypress banner
    chromium: str | None = None  # None: Playwright's own browser
    screenshots: bool = False
    jobs: int = 1  # browser contexts that share each state's pages

    @property
    def origins(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(origin_of(url) for url in self.urls))


@dataclass
class Tally:
    """Page loads done and expected, for the progress bar."""

    report: Callable[[int, int, str], None]
    done: int = 0
    total: int = 0

    def step(self, what: str) -> None:
        self.done += 1
        self.report(self.done, max(self.total, self.done), what)


Fingerprint = tuple[int, int]
CookieKey = tuple[str, str, str]
StorageKey = tuple[Storage, str, str]


@dataclass
class Visitor:
    """One fresh profile, one tab: visits pages and records what appears after each."""

    context: BrowserContext
    page: Page
    plan: Plan
    current: str = ""  # the page being observed; requests are counted only while it is set
    requests: list[RequestSeen] = field(default_factory=list)
    problems: list[PageProblem] = field(default_factory=list)
    blocked: list[str] = field(default_factory=list)  # off-site navigations stopped during this visit
    known_cookies: dict[CookieKey, Fingerprint] = field(default_factory=dict)
    known_storage: dict[StorageKey, int] = field(default_factory=dict)
    cookies: dict[CookieKey, CookieSeen] = field(default_factory=dict)
    storage: dict[StorageKey, StorageSeen] = field(default_factory=dict)
    main_frame: str = ""
    scripts: list[Response] | None = None  # while set: scripts that may be the policy site's configuration
    asked: dict[str, str] = field(default_factory=dict)  # where the page asked its tab to go, and how
    leaving: asyncio.Event = field(default_factory=asyncio.Event)  # set when a navigation of the tab is stopped
    retired: list[Page] = field(default_factory=list)  # tabs closed for being busy
    opening: bool = False  # while the visitor opens a tab of its own (no window of a page's)
    closing: set[asyncio.Task[None]] = field(default_factory=set)  # windows of pages being closed
    cdp: CDPSession | None = None  # the tab's DevTools session
    gate: Gate | None = None  # the browser's rule on requests before they leave
    guarded: bool = False  # the route that stops windows' requests is on
    held: bool = False  # the audit acts in the page: the route stays on until released

    async def start(self) -> None:
        """Requests to other origins are counted; windows the pages open are stopped; the tab
        is watched."""
        self.context.on("request", self.on_request)
        self.context.on("page", self.on_popup)
        await self.watch()

    async def hold_guard(self) -> None:
        """Before the audit clicks or evaluates in the page through Playwright (which gives it
        user activation): windows it opens are stopped until released and a new page has loaded."""
        self.held = True
        await self.arm()

    def release_guard(self) -> None:
        self.held = False

    async def arm(self) -> None:
        from playwright.async_api import Error

        if not self.guarded:
            assert self.gate is not None
            with contextlib.suppress(Error):  # the profile closed meanwhile: no window can open
                await self.gate.arm(self)
                await self.context.route("**/*", self.guard)
            self.guarded = True

    async def disarm(self) -> None:
        """Once a new document has replaced the page: the activation went with the old one."""
        from playwright.async_api import Error

        if self.guarded and not self.held:
            assert self.gate is not None
            with contextlib.suppress(Error):
                await self.gate.disarm(self)
                await self.context.unroute("**/*", self.guard)
            self.guarded = False

    def on_window(self, event: dict[str, Any]) -> None:
        """A window a page asked for. Without user activation Chromium's popup blocker refused
        it; with it, it opens, and guard stops and reports its requests."""
        if not event.get("userGesture"):
            self.problem(self.current or self.page.url, f"opened a window for {event.get('url', '')}; stopped")

    async def quietly(self, expression: str) -> Any:
        """An expression's value in the tab's main frame, asked through DevTools: unlike
        Playwright's evaluate, it gives the page no user activation. None when it threw."""
        from playwright.async_api import Error

        assert self.cdp is not None
        try:
            answer = await self.cdp.send("Runtime.evaluate", {"expression": expression, "returnByValue": True})
        except Error:  # the tab closed meanwhile
            return None
        return None if "exceptionDetails" in answer else answer.get("result", {}).get("value")

    async def watch(self) -> None:
        """The tab's own listeners; its documents are the browser's rule's to hold (`gate`),
        which stops its navigations to other origins before they leave."""
        assert self.gate is not None
        self.page.on("response", self.on_response)
        self.page.on("websocket", self.on_websocket)
        self.cdp = cdp = await self.context.new_cdp_session(self.page)
        previous, self.main_frame = self.main_frame, (await cdp.send("Page.getFrameTree"))["frameTree"]["frame"]["id"]
        self.gate.register(self, previous)
        cdp.on("Page.frameRequestedNavigation", self.on_asked)
        cdp.on("Page.windowOpen", self.on_window)
        await cdp.send("Page.enable")

    def owner(self, request: PlaywrightRequest) -> Page | None:
        """The tab a request is of (a dedicated worker's is its frame's); None for a window a
        page just opened, before Playwright knows its page (service workers are blocked)."""
        from playwright.async_api import Error

        try:
            return request.frame.page
        except Error:
            return None

    def on_request(self, request: PlaywrightRequest) -> None:
        if self.owner(request) is not self.page:
            return  # a window a page opened: stopped by guard, which reports it
        if request.is_navigation_request() and request.frame == self.page.main_frame:
            return  # a navigation of the tab, which is stopped before it leaves
        self.seen(request.url, request.resource_type)

    def on_websocket(self, socket: WebSocket) -> None:
        self.seen(socket.url, "websocket")

    def seen(self, url: str, kind: str) -> None:
        """A request to another origin than the audited ones, made while a page is observed."""
        if not self.current or not url.startswith(("http:", "https:", "ws:", "wss:")):
            return
        # A WebSocket to the site's own host and port is the site's (ws: is http:, wss: https:).
        if origin_of(url.replace("ws", "http", 1) if url.startswith("ws") else url) in self.plan.origins:
            return
        self.requests.append(RequestSeen(url, origin_of(url), kind, self.current))

    async def guard(self, route: Route) -> None:
        """Every request of the profile passes here: the tab's go on; a window's are aborted
        before they leave, and reported against the page that opened it."""
        from playwright.async_api import Error

        request = route.request
        owner = self.owner(request)
        with contextlib.suppress(Error):  # the window or the tab closed meanwhile
            if owner is self.page:
                await route.fallback()
                return
            await route.abort("blockedbyclient")
        if owner not in self.retired:
            self.stopped_window(request.url, request.is_navigation_request())

    def stopped_window(self, url: str, navigation: bool) -> None:
        what = "opened a window for" if navigation else "asked, in a window it opened, for"
        self.problem(self.current or self.page.url, f"{what} {url}; stopped")

    def on_popup(self, popup: Page) -> None:
        """A window a page opened: closed, its requests already stopped by guard."""
        if popup is self.page or self.opening or popup in self.retired:
            return
        task = asyncio.ensure_future(self.close(popup))
        self.closing.add(task)
        task.add_done_callback(self.closing.discard)

    async def close(self, page: Page) -> None:
        from playwright.async_api import Error

        with contextlib.suppress(Error, asyncio.TimeoutError):
            await asyncio.wait_for(page.close(run_before_unload=False), self.plan.timeout)

    async def limited(self, call: Awaitable[T]) -> T:
        """A call into the page, given up after the timeout; the busy tab is then replaced."""
        try:
            return await asyncio.wait_for(call, self.plan.timeout)
        except asyncio.TimeoutError:
            await self.renew()
            raise PageBusy(f"a script kept the page busy for more than {self.plan.timeout:g} s; not audited") from None

    async def renew(self) -> None:
        """A new tab in the same profile (its cookies and storage) for a busy one, which is
        closed without running its unload handlers."""
        from playwright.async_api import Error

        busy = self.page
        self.retired.append(busy)
        await self.close(busy)
        self.opening = True
        try:
            self.page = await self.context.new_page()
        except Error as error:
            raise AuditError(f"Chromium could not open a tab for the one a script kept busy on {busy.url} "
                             f"({str(error).splitlines()[0]})") from None
        finally:
            self.opening = False
        await self.watch()

    def on_response(self, response: Response) -> None:
        if self.scripts is not None and response.request.resource_type == "script" and \
                loader.PATH_RE.search(urlsplit(response.url).path):
            self.scripts.append(response)

    async def configuration_script(self) -> tuple[str, str] | None:
        """The policy site's configuration script the page loaded (the one-tag snippet), if any:
        its address and the banner configuration in it, as JSON. Stops watching."""
        from playwright.async_api import Error

        found, self.scripts = self.scripts or [], None
        for response in found:
            try:
                if int(response.headers.get("content-length") or 0) > LOADER_BYTES:
                    continue
                body = await asyncio.wait_for(response.body(), self.plan.timeout)
            except (Error, asyncio.TimeoutError):  # gone with a navigation, never answered, or never ending
                continue
            config = loader.settings(body[:LOADER_BYTES].decode("utf-8", "replace"))
            if config is not None:
                return response.url, json.dumps(config)
        return None

    def on_asked(self, event: dict[str, Any]) -> None:
        if event.get("frameId") == self.main_frame:
            self.asked[event.get("url", "")] = event.get("reason", "")

    def left_for(self, target: str) -> str:
        """What the tab was stopped doing, in the words of a report."""
        if self.asked.get(target, "").startswith("formSubmission"):
            return f"submits a form to {target}; stopped"
        return f"tried to leave the site for {target}; stopped"

    async def on_document(self, cdp: CDPSession, event: dict[str, Any]) -> None:
        url = event["request"]["url"]
        try:
            if event.get("frameId") == self.main_frame and origin_of(url) not in self.plan.origins:
                self.blocked.append(url)
                self.leaving.set()
                # "204 No Content" from here: the tab stays where it is, nothing leaves the browser.
                await cdp.send("Fetch.fulfillRequest", {"requestId": event["requestId"], "responseCode": 204})
            else:
                await cdp.send("Fetch.continueRequest", {"requestId": event["requestId"]})
        except Exception:  # the tab closed meanwhile: nothing to continue
            pass

    def problem(self, url: str, reason: str) -> None:
        found = PageProblem(url, reason)
        if found not in self.problems:
            self.problems.append(found)

    async def visit(self, url: str) -> str | None:
        """Load a page and let it settle. Returns its address after redirects within the site, or
        None when it cannot be audited (reported) or is no web page (a feed, an image: skipped)."""
        from playwright.async_api import Error, TimeoutError

        self.current, self.blocked, self.asked = url, [], {}
        self.leaving.clear()
        loading = asyncio.ensure_future(self.page.goto(url, wait_until="load", timeout=self.plan.timeout * 1000))
        if not await self.loads(loading):
            self.problem(url, self.left_for(self.blocked[0]))
            return None
        try:
            response = loading.result()
        except TimeoutError:
            # A tab too busy to answer is the likelier cause, and the one to name.
            with contextlib.suppress(Error):
                await self.limited(self.quietly("1"))
            self.problem(url, f"no load event within {self.plan.timeout:g} s")
            return None
        except Error as error:
            if not self.blocked:
                self.problem(url, str(error).splitlines()[0].removeprefix("Page.goto: "))
                return None
            response = None
        if self.blocked and (response is None or origin_of(response.url) not in self.plan.origins):
            self.problem(url, f"redirects off-site to {self.blocked[0]}; not followed")
            return None
        if response is not None and response.status not in (204, 205):
            await self.disarm()
        if response is not None and response.status >= 400:
            self.problem(url, f"HTTP {response.status}")
            return None
        kind = (response.headers.get("content-type", "text/html") if response else "text/html").split(";")[0].strip()
        if kind not in ("text/html", "application/xhtml+xml"):
            return None
        if self.plan.wait:
            await self.page.wait_for_timeout(self.plan.wait * 1000)
        for target in self.blocked:
            self.problem(url, self.left_for(target))
        return urldefrag(response.url if response else url).url

    async def loads(self, loading: asyncio.Future[Any]) -> bool:
        """Waits for a page load to end; False (and the load abandoned) when the page asked to
        leave for another origin before its load event, which then never comes."""
        stopped = asyncio.ensure_future(self.leaving.wait())
        try:
            await asyncio.wait({loading, stopped}, return_when=asyncio.FIRST_COMPLETED)
            # A server's redirect ends the load itself; a page's own request to leave may not.
            if not loading.done() and any(target in self.asked for target in self.blocked):
                await asyncio.wait({loading}, timeout=LEAVING_GRACE)
                if not loading.done():
                    loading.cancel()
                    return False
            await asyncio.wait({loading})
            return True
        finally:
            stopped.cancel()

    async def snapshot(self) -> tuple[dict[CookieKey, dict[str, Any]], dict[StorageKey, int]]:
        cookies, storage, _ = await self.observed()
        return cookies, storage

    async def observed(self, with_links: bool = False,
                       ) -> tuple[dict[CookieKey, dict[str, Any]], dict[StorageKey, int], list[str]]:
        """The profile's cookies, both storages of every frame of the tab and, if asked, the
        page's links. Asked all at once, within one timeout: each is a round trip to the browser,
        and one after the other they made most of the audit's time beside the page loads."""
        from playwright.async_api import Error

        def keys(origin: str, found: object) -> dict[StorageKey, int]:
            """STORAGE_JS's answer as far as it has its shape (the page's script can change it)."""
            rows = [row for row in (found if isinstance(found, list) else []) if isinstance(row, list) and len(row) == 3]
            return {(kind, origin, key): value for kind, key, value in rows
                    if kind in ("local-storage", "session-storage") and isinstance(key, str) and isinstance(value, int)}

        async def in_main() -> tuple[dict[StorageKey, int], list[str]]:
            url = self.page.main_frame.url
            if not url.startswith(("http:", "https:")):
                return {}, []
            found = await self.quietly(LOOK_JS)
            found = found if isinstance(found, dict) else {}
            page_links = found.get("links") if isinstance(found.get("links"), list) else []
            return keys(origin_of(url), found.get("storage")), [link for link in page_links if isinstance(link, str)]

        async def in_frame(frame: Any) -> dict[StorageKey, int]:
            try:
                found = await frame.evaluate(STORAGE_JS)
            except Error:  # a frame gone, or its storage refused
                return {}
            return keys(origin_of(frame.url), found)

        # Frames of one origin share its storage: one frame each, the main frame's asked apart.
        main = origin_of(self.page.main_frame.url)
        frames = {origin_of(frame.url): frame for frame in reversed(self.page.frames)
                  if frame.url.startswith(("http:", "https:")) and origin_of(frame.url) != main}
        if frames:
            await self.arm()  # Playwright's evaluate in a frame gives the page user activation
        found = await self.limited(asyncio.gather(self.context.cookies(), in_main(), *map(in_frame, frames.values())))
        storage, page_links = found[1]
        for part in found[2:]:
            storage.update(part)
        return ({(c["name"], c["domain"], c["path"]): dict(c) for c in found[0]}, storage,
                page_links if with_links else [])

    async def settle_baseline(self) -> None:
        """What is there now is not this state's: it is known, not recorded."""
        cookies, storage = await self.snapshot()
        self.known_cookies = {key: fingerprint(c) for key, c in cookies.items()}
        self.known_storage = dict(storage)

    async def record(self, page: str, with_links: bool = False) -> list[str]:
        """Cookies and keys that appeared, or were written anew, since the last look: this page's.
        Returns the page's links when asked (read in the same look)."""
        cookies, storage, found_links = await self.observed(with_links)
        now = time.time()
        for key, cookie in cookies.items():
            if self.known_cookies.get(key) != (mark := fingerprint(cookie)):
                self.known_cookies[key] = mark
                self.cookies.setdefault(key, self.cookie_seen(cookie, page, now))
        for ident, digest in storage.items():
            if self.known_storage.get(ident) != digest:
                self.known_storage[ident] = digest
                self.storage.setdefault(ident, self.storage_seen(ident, page))
        return found_links

    def cookie_seen(self, cookie: dict[str, Any], page: str, now: float, carried: bool = False) -> CookieSeen:
        expires = cookie.get("expires", -1)
        return CookieSeen(cookie["name"], cookie["domain"], cookie["path"],
                          None if expires is None or expires < 0 else float(expires), bool(cookie.get("httpOnly")),
                          bool(cookie.get("secure")), str(cookie.get("sameSite", "")),
                          "first" if first_party(cookie["domain"], self.plan.origins) else "third", page, now, carried)

    def storage_seen(self, ident: StorageKey, page: str, carried: bool = False) -> StorageSeen:
        kind, origin, key = ident
        return StorageSeen(kind, origin, key, "first" if origin in self.plan.origins else "third", page, carried)

    def result(self, state: State) -> StateRecord:
        return StateRecord(state, list(self.cookies.values()), list(self.storage.values()), list(self.requests))


def fingerprint(cookie: dict[str, Any]) -> Fingerprint:
    return (zlib.crc32(str(cookie.get("value", "")).encode()), round(cookie.get("expires", -1) or -1))


def first_party(domain: str, origins: tuple[str, ...]) -> bool:
    """A cookie of an audited host, or of a domain above it (`.example.com` for www.example.com)."""
    domain = domain.lstrip(".").lower()
    return any(host == domain or host.endswith("." + domain) for host in map(host_of, origins))


# --- the browser -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Chromium:
    """The audit's one Chromium and its rule on requests (`gate`), which every profile shares."""

    browser: Browser
    gate: Gate


@asynccontextmanager
async def chromium(playwright: Playwright, plan: Plan) -> AsyncIterator[Chromium]:
    """The audit's one Chromium. Its profile folder keeps third-party cookies, and the contexts
    made in it inherit that (those of a Chromium Playwright launches without one block them);
    each context is a profile of its own, started in a fraction of the time a Chromium takes."""
    from playwright.async_api import Error

    with tempfile.TemporaryDirectory(prefix="policypress-audit-", ignore_cleanup_errors=True) as folder:
        (Path(folder) / "Default").mkdir()
        (Path(folder) / "Default" / "Preferences").write_text(json.dumps(PREFERENCES), encoding="utf-8")
        try:
            context = await playwright.chromium.launch_persistent_context(
                folder, executable_path=plan.chromium, args=ARGS, ignore_default_args=KEPT_ON, headless=True,
                service_workers="block", accept_downloads=False)
        except Error as error:
            where = plan.chromium or "Playwright's own Chromium"
            raise AuditError(f"could not start Chromium ({where}): {str(error).splitlines()[0]}; "
                             f"{MISSING_PLAYWRIGHT}") from None
        try:
            assert context.browser is not None  # a persistent context's Chromium is Playwright's to drive
            yield Chromium(context.browser, await Gate.open(context.browser))
        finally:
            await context.close()


@asynccontextmanager
async def new_profile(browser: Chromium, plan: Plan, state: parallel.StorageState | None = None,
                      ) -> AsyncIterator[Visitor]:
    """A new context in the audit's Chromium, empty or with `state`'s cookies and local storage,
    and its one tab."""
    from playwright.async_api import Error

    try:
        context = await browser.browser.new_context(viewport={"width": 1280, "height": 800}, service_workers="block",
                                            accept_downloads=False, storage_state=state)  # type: ignore[arg-type]
    except Error as error:
        raise AuditError(f"Chromium could not open a new profile ({str(error).splitlines()[0]})") from None
    try:
        gate = browser.gate
        visitor = Visitor(context, await context.new_page(), plan, gate=gate)
        try:
            await visitor.start()
            yield visitor
        finally:
            await gate.forget(visitor)
    finally:
        await context.close()


@asynccontextmanager
async def fresh_profile(playwright: Playwright, plan: Plan) -> AsyncIterator[Visitor]:
    """A Chromium of its own with one empty profile, and its one tab."""
    async with chromium(playwright, plan) as browser, new_profile(browser, plan) as visitor:
        yield visitor


@dataclass
class Profiles:
    """The contexts that share a state's pages: made when a page finds none idle, up to --jobs.
    After a choice they start as the choosing one stood (`seed`): its cookies and local storage,
    and what it already knew."""

    browser: Chromium
    plan: Plan
    stack: AsyncExitStack
    every: list[Visitor] = field(default_factory=list)
    idle: list[Visitor] = field(default_factory=list)
    # The choosing context's cookies and local storage, and what it knew, as they were after the choice.
    seed: tuple[parallel.StorageState, dict[CookieKey, Fingerprint], dict[StorageKey, int]] | None = None

    @classmethod
    async def after(cls, chooser: Visitor, browser: Chromium, plan: Plan, stack: AsyncExitStack) -> Profiles:
        """Profiles that start where the choosing one stands now."""
        profiles = cls(browser, plan, stack, [chooser], [chooser])
        if plan.jobs > 1:
            profiles.seed = (await storage_state(chooser), dict(chooser.known_cookies), dict(chooser.known_storage))
        return profiles

    def available(self) -> bool:
        return bool(self.idle) or len(self.every) < self.plan.jobs

    async def take(self) -> Visitor:
        if self.idle:
            return self.idle.pop(0)
        visitor = await self.stack.enter_async_context(
            new_profile(self.browser, self.plan, self.seed[0] if self.seed else None))
        if self.seed:
            visitor.known_cookies, visitor.known_storage = dict(self.seed[1]), dict(self.seed[2])
        self.every.append(visitor)
        return visitor

    def give_back(self, visitor: Visitor) -> None:
        self.idle.append(visitor)

    async def merged(self, positions: dict[str, int], hand_over: bool = False) -> Visitor:
        """The first context, holding what all of them saw; with `hand_over`, also all their
        cookies and local storage (for the withdrawal)."""
        first, others = self.every[0], self.every[1:]
        if others:
            if hand_over:
                own, *theirs = await asyncio.gather(*map(storage_state, self.every))
                await first.context.set_storage_state(parallel.union(own, theirs))  # type: ignore[arg-type]
            parallel.merge_into(first, others, positions)
        return first


async def storage_state(visitor: Visitor) -> parallel.StorageState:
    """A context's cookies and local storage, within the page timeout. Playwright reads the
    storage in the tab, which gives the page user activation: windows are stopped meanwhile."""
    await visitor.arm()
    try:
        return dict(await asyncio.wait_for(visitor.context.storage_state(), visitor.plan.timeout))
    except asyncio.TimeoutError:
        raise AuditError(f"the cookies and local storage of the profile on {visitor.page.url} could not be read within "
                         f"{visitor.plan.timeout:g} s; try --jobs 1") from None


def observe(plan: Plan, report: Callable[[int, int, str], None]) -> Observations:
    """Every state of every page; raises AuditError when nothing can be audited."""
    try:
        import playwright.async_api  # noqa: F401
    except ImportError:
        raise AuditError(MISSING_PLAYWRIGHT) from None
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(_observe(plan, Tally(report)))
    # Called from code that runs an event loop (Playwright's sync API does): a thread of its own.
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, _observe(plan, Tally(report))).result()


async def _observe(plan: Plan, tally: Tally) -> Observations:
    from playwright.async_api import async_playwright

    started = time.monotonic()
    async with async_playwright() as playwright, chromium(playwright, plan) as browser:
        async with AsyncExitStack() as stack:
            profiles = Profiles(browser, plan, stack)
            profiles.give_back(await profiles.take())
            crawled = await crawl(profiles, plan, tally)
            visitor = await profiles.merged(crawled.positions)
            none = visitor.result("none")
            none.screenshot = crawled.screenshot
            problems = visitor.problems
        pages = crawled.pages
        if not pages:
            reasons = "; ".join(f"{p.url}: {p.reason}" for p in problems) or "nothing to visit"
            raise AuditError(f"no page could be audited ({reasons})")
        tally.total = tally.done + 2 * len(pages) + 1
        # The two choices are independent profiles, one after the other: side by side they took
        # longer (two tabs loading at once on a machine of two cores); --jobs is for going wider.
        reject, _, rejected_problems, rejected_by = await chosen(browser, plan, pages, "reject", tally)
        accept, withdrawn, accepted_problems, accepted_by = await chosen(browser, plan, pages, "accept", tally)
    for problem in rejected_problems + accepted_problems:
        if problem not in problems:  # both profiles may have met it
            problems.append(problem)
    states: dict[State, StateRecord] = {"none": none, "reject": reject, "accept": accept}
    if withdrawn is not None:
        states["withdrawn"] = withdrawn
    consent = accepted_by if accepted_by.operated != "none" else rejected_by
    return Observations(plan.origins, pages, problems, states,
                        "policypress" if consent.operated == "policypress API" else consent.operated,
                        time.monotonic() - started, crawled.embedded, crawled.script, consent)


@dataclass
class Crawled:
    """State *none* as the crawl leaves it."""

    pages: list[str] = field(default_factory=list)  # audited, in the crawl's order
    embedded: str | None = None  # the first page's banner configuration: in it, or in the policy site's script
    screenshot: bytes | None = None  # of the first page
    script: str | None = None  # the address of that script
    positions: dict[str, int] = field(default_factory=dict)  # every address visited (and where it led): its place


@dataclass
class Look:
    """One page as a context of the crawl saw it."""

    url: str
    final: str | None = None  # None: not audited (reported) or no web page
    links: list[str] = field(default_factory=list)
    embedded: str | None = None  # these three for the first page only
    screenshot: bytes | None = None
    script: str | None = None


async def crawl(profiles: Profiles, plan: Plan, tally: Tally) -> Crawled:
    """State *none*: the given pages, then their same-origin links, breadth first, with the first
    page's banner configuration (in the page, or in the policy site's configuration script it
    loads), its screenshot, and that script's address.

    Pages go out in the queue's order, each to an idle context; a page's links join the queue
    only once every page before it has added its own, so the queue, and the pages visited, are
    those of one context. Until a page could be audited, one goes out at a time: the first."""
    robots = Robots(plan.robots, plan.timeout)
    queue = deque(dict.fromkeys(urldefrag(url).url for url in plan.urls))
    queued, crawled, visited = set(queue), Crawled(), 0
    running: deque[asyncio.Task[Look]] = deque()
    tally.total = 3 * min(plan.max_pages, len(queue)) + 1
    try:
        while True:
            while queue and visited < plan.max_pages and (crawled.pages or not running) and profiles.available():
                url = queue.popleft()
                crawled.positions.setdefault(url, len(crawled.positions))
                refusal = await robots.refusal(url)
                if refusal is not None:
                    profiles.every[0].problem(*refusal)
                    continue
                visited += 1
                running.append(asyncio.ensure_future(look(profiles, await profiles.take(), url, not crawled.pages, tally)))
            if not running:
                return crawled
            if not running[0].done():
                await asyncio.wait([task for task in running if not task.done()], return_when=asyncio.FIRST_COMPLETED)
                continue
            found = running.popleft().result()
            if found.final is None or found.final in crawled.pages:
                continue
            crawled.positions.setdefault(found.final, crawled.positions[found.url])
            if not crawled.pages:
                crawled.embedded, crawled.screenshot, crawled.script = found.embedded, found.screenshot, found.script
            crawled.pages.append(found.final)
            for link in found.links:
                link = urldefrag(link).url
                if link.startswith(("http:", "https:")) and origin_of(link) in plan.origins and link not in queued:
                    queued.add(link)
                    queue.append(link)
            tally.total = 3 * min(plan.max_pages, len(crawled.pages) + len(queue)) + 1
    finally:
        for task in running:
            task.cancel()
        await asyncio.gather(*running, return_exceptions=True)


async def look(profiles: Profiles, visitor: Visitor, url: str, first: bool, tally: Tally) -> Look:
    """One page of state *none*: what it set and its links; for the first, also its banner
    configuration and screenshot. The context is idle again afterwards."""
    try:
        if first:
            visitor.scripts = []  # the first page's own: what a page that failed loaded is not looked at
        final = await visitor.visit(url)
        tally.step("before any choice")
        # What a page that could not be audited set is still its own, not the next page's.
        found = Look(url, final, await visitor.record(final or url, with_links=final is not None))
        if final is not None and first:
            embedded = await visitor.limited(visitor.quietly(
                "(() => { const e = document.getElementById('policypress-consent'); return e ? e.textContent : null; })()"))
            found.embedded = embedded if isinstance(embedded, str) else None
            script = await visitor.configuration_script()
            if script is not None:
                found.script = script[0]
                found.embedded = found.embedded if found.embedded is not None else script[1]
            found.screenshot = await shot(visitor, visitor.plan)
        return found
    except PageBusy as busy:
        visitor.problem(url, str(busy))
        return Look(url)
    finally:
        profiles.give_back(visitor)


async def chosen(browser: Chromium, plan: Plan, pages: list[str], state: State, tally: Tally,
                 ) -> tuple[StateRecord, StateRecord | None, list[PageProblem], ConsentManager]:
    """State *reject* or *accept* in a fresh profile: the choice on the first page, then every
    page; after *accept*, the withdrawal. With no banner on the first page, no choice can be made:
    the state is reported as not tested. Also returns the consent manager that took the choice."""
    label = "after reject all" if state == "reject" else "after accept all"
    async with new_profile(browser, plan) as visitor:
        first = pages[0]
        operator = Operator(visitor, plan.timeout)
        if not plan.selectors:
            await operator.prepare()
        try:
            if await visitor.visit(first) is None:
                raise AuditError(f"{first} could not be loaded again to make the choice "
                                 f"({visitor.problems[-1].reason if visitor.problems else 'no web page'})")
            await visitor.settle_baseline()
            visitor.requests, visitor.current = [], first
            await visitor.hold_guard()
            found = await choose(visitor, plan, state == "accept", operator)
            if found.operated == "none":
                return (StateRecord(state, note=f"not tested: no consent banner on {first}: {found.note}",
                                    screenshot=await shot(visitor, plan)), None, visitor.problems, found)
            await visitor.page.wait_for_timeout(plan.wait * 1000)
            await visitor.record(first)
            screenshot = await shot(visitor, plan)
        except PageBusy as busy:
            raise AuditError(f"{first} could not be loaded again to make the choice ({busy})") from None
        visitor.release_guard()
        async with AsyncExitStack() as stack:
            profiles = await Profiles.after(visitor, browser, plan, stack)
            await visit_all(profiles, pages, label, tally)
            await profiles.merged({page: place for place, page in enumerate(pages)}, hand_over=state == "accept")
        record = visitor.result(state)
        record.screenshot = screenshot
        try:
            if state == "accept":
                await visitor.hold_guard()
            withdrawn = await withdraw(visitor, plan, first, operator) if state == "accept" else None
        except PageBusy as busy:
            withdrawn = StateRecord("withdrawn", note=f"not tested: {first}: {busy}")
        if withdrawn is not None:
            tally.step("after withdrawal")
        return record, withdrawn, visitor.problems, found


async def visit_all(profiles: Profiles, pages: list[str], label: str, tally: Tally) -> None:
    """Every page in a chosen state, each in the next idle context."""
    async def one(visitor: Visitor, page: str) -> None:
        try:
            await visitor.record(await visitor.visit(page) or page)
        except PageBusy as busy:
            visitor.problem(page, str(busy))
        finally:
            profiles.give_back(visitor)
        tally.step(label)

    running: list[asyncio.Task[None]] = []
    try:
        for page in pages:
            while not profiles.available():
                await asyncio.wait([task for task in running if not task.done()], return_when=asyncio.FIRST_COMPLETED)
            running.append(asyncio.ensure_future(one(await profiles.take(), page)))
        await asyncio.gather(*running)
    finally:
        for task in running:
            task.cancel()
        await asyncio.gather(*running, return_exceptions=True)


async def choose(visitor: Visitor, plan: Plan, accept: bool, operator: Operator) -> ConsentManager:
    """"Accept all" or "reject all": with another banner's selectors; through
    `window.policypressConsent` (`show()`, its own button, then `get()` to see it was taken); or in
    another consent manager, by autoconsent's rules. Returns the consent manager (none: no banner)."""
    page = visitor.page
    if plan.selectors:
        await click(page, plan.selectors.accept if accept else plan.selectors.reject,
                    "--accept" if accept else "--reject", plan)
        return SELECTORS
    found = await operator.find()
    if found.operated != "policypress API":
        if found.operated == "rules":
            await operator.choose(accept)
        return found
    await banner(page, plan)
    await visitor.limited(page.evaluate("() => window.policypressConsent.show()"))
    await click(page, f'.ppc [data-ppc="{"all" if accept else "none"}"]', "the banner's button", plan)
    record = await visitor.limited(page.evaluate("() => window.policypressConsent.get()"))
    if not record or any(value is not accept for value in record.get("choices", {}).values()):
        raise AuditError(f"on {page.url}, \"{'accept' if accept else 'reject'} all\" in the policypress banner did not "
                         f"give that choice (policypressConsent.get() returned {json.dumps(record)})")
    return found


async def withdraw(visitor: Visitor, plan: Plan, first: str, operator: Operator) -> StateRecord:
    """State *withdrawn*: on the first page, "reject all" in the banner shown again, then a reload.
    What was there before and is still there, unchanged, is *carried*; what is new was set
    after the withdrawal."""
    if plan.selectors and not plan.selectors.settings:
        return StateRecord("withdrawn", note="not tested: give --settings SELECTOR, an element that shows the banner "
                                              "again, to test withdrawal")
    accepted = {key: seen.page for key, seen in visitor.cookies.items()}
    accepted_storage = {key: seen.page for key, seen in visitor.storage.items()}
    if await visitor.visit(first) is None:
        return StateRecord("withdrawn", note=f"not tested: {first} could not be loaded again")
    cookies, storage = await visitor.snapshot()
    visitor.requests, visitor.current = [], first
    if plan.selectors and plan.selectors.settings:
        await click(visitor.page, plan.selectors.settings, "--settings", plan)
        screenshot = await shot(visitor, plan)
        await click(visitor.page, plan.selectors.reject, "--reject", plan)
    elif operator.found.operated == "rules":
        # What the accepted page still does once loaded is not the withdrawal's; then its banner is
        # shown again through its own API, and "reject all" pressed by the rules.
        await operator.quiet()
        cookies, storage = await visitor.snapshot()
        visitor.requests = []
        if not await operator.reopen():
            return StateRecord("withdrawn", note=f"not tested: {operator.cannot_reopen()}")
        screenshot = await shot(visitor, plan)
        if (again := await choose(visitor, plan, False, operator)).operated != "rules":
            return StateRecord("withdrawn", note=f"not tested: shown again, no banner was found: {again.note}")
    else:
        await visitor.limited(visitor.page.evaluate("() => window.policypressConsent.show()"))
        screenshot = await shot(visitor, plan)
        await choose(visitor, plan, False, operator)
    await visitor.page.wait_for_timeout(plan.wait * 1000)
    if await visitor.visit(first) is None:
        return StateRecord("withdrawn", note=f"not tested: {first} could not be reloaded after the withdrawal")
    after, after_storage = await visitor.snapshot()
    now = time.time()
    record = StateRecord("withdrawn", requests=list(visitor.requests), screenshot=screenshot)
    for key, cookie in after.items():
        carried = key in cookies and fingerprint(cookies[key]) == fingerprint(cookie)
        record.cookies.append(visitor.cookie_seen(cookie, accepted.get(key, first) if carried else first, now, carried))
    for ident, digest in after_storage.items():
        carried = storage.get(ident) == digest
        record.storage.append(visitor.storage_seen(ident, accepted_storage.get(ident, first) if carried else first, carried))
    return record


async def banner(page: Page, plan: Plan) -> None:
    from playwright.async_api import Error

    try:
        await page.wait_for_function(BANNER_JS, timeout=min(plan.timeout, 5.0) * 1000)
    except Error:
        raise AuditError(f"no policypress banner (window.policypressConsent) on {page.url}; for another banner, give "
                         f"--accept and --reject CSS selectors of its buttons") from None


async def click(page: Page, selector: str, option: str, plan: Plan) -> None:
    from playwright.async_api import Error

    try:
        await page.locator(selector).first.click(timeout=min(plan.timeout, 10.0) * 1000)
    except Error as error:
        raise AuditError(f"{option} {selector!r}: nothing to click on {page.url} "
                         f"({str(error).splitlines()[0]})") from None


async def shot(visitor: Visitor, plan: Plan) -> bytes | None:
    """The window as the visitor sees it, for the HTML report."""
    return await visitor.limited(visitor.page.screenshot(type="jpeg", quality=70)) if plan.screenshots else None
