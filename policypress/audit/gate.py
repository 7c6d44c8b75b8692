"""The audit's one DevTools rule on requests before they leave the browser: Fetch on the browser
target, shared by every profile of the audit's Chromium.

A route (Playwright's, on a profile) reaches a window a page opens only once Playwright has set
the window up, and the window's first request can leave before that: under load it did. The
browser target's rule holds every request from its start, whichever tab or window makes it. It
holds:

- every document, always: a tab's own are the tab's to decide (`Tab.on_document`: a navigation to
  another origin is answered 204 and reported); a window's are refused and reported;
- every other request too while some tab's page may have user activation (`arm`), since only
  then can a page open a window (Chromium's popup blocker refuses it one otherwise): a window's
  are refused.

A window is a page target with an opener; an id that is neither a tab's nor known yet is asked
about (`Target.getTargetInfo`) and remembered. Frames within a tab are no targets, or targets of
another type.
"""

from __future__ import annotations

import asyncio
import contextlib
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from playwright.async_api import Browser, CDPSession

DOCUMENTS = [{"urlPattern": "*", "resourceType": "Document", "requestStage": "Request"}]
EVERYTHING = [{"urlPattern": "*", "requestStage": "Request"}]


class Tab(Protocol):
    """A profile's tab, as the crawl's Visitor keeps it."""

    main_frame: str  # its DevTools frame id, which is also its target's id

    async def on_document(self, cdp: CDPSession, event: dict[str, Any]) -> None: ...

    def stopped_window(self, url: str, navigation: bool) -> None: ...


@dataclass
class Gate:
    session: CDPSession
    tabs: dict[str, Tab] = field(default_factory=dict)  # by main frame id
    armed: set[int] = field(default_factory=set)  # ids of the tabs whose page may have user activation
    windows: dict[str, Tab | None] = field(default_factory=dict)  # frame id: the tab that opened it, None for no window
    pending: set[asyncio.Future[None]] = field(default_factory=set)  # requests being decided

    @classmethod
    async def open(cls, browser: Browser) -> Gate:
        """The rule of a Chromium just started: one per Chromium, made with it (crawl.chromium)."""
        session = await browser.new_browser_cdp_session()
        gate = cls(session)
        session.on("Fetch.requestPaused", gate.on_paused)
        await session.send("Fetch.enable", {"patterns": DOCUMENTS})
        return gate

    def register(self, tab: Tab, previous: str = "") -> None:
        self.tabs.pop(previous, None)
        self.tabs[tab.main_frame] = tab

    async def forget(self, tab: Tab) -> None:
        from playwright.async_api import Error

        self.tabs.pop(tab.main_frame, None)
        with contextlib.suppress(Error):  # the browser closed meanwhile
            await self.disarm(tab)

    async def arm(self, tab: Tab) -> None:
        """Every request is held from now on, until every armed tab is disarmed."""
        if not self.armed:
            await self.session.send("Fetch.enable", {"patterns": EVERYTHING})
        self.armed.add(id(tab))

    async def disarm(self, tab: Tab) -> None:
        if id(tab) in self.armed:
            self.armed.discard(id(tab))
            if not self.armed:
                await self.session.send("Fetch.enable", {"patterns": DOCUMENTS})

    def on_paused(self, event: dict[str, Any]) -> None:
        task = asyncio.ensure_future(self.decide(event))
        self.pending.add(task)
        task.add_done_callback(self.pending.discard)

    async def decide(self, event: dict[str, Any]) -> None:
        frame, request = event.get("frameId", ""), event["requestId"]
        try:
            tab = self.tabs.get(frame)
            if tab is not None and event.get("resourceType") == "Document":
                await tab.on_document(self.session, event)
                return
            if tab is None and await self.is_window(frame):
                self.windows[frame].stopped_window(event["request"]["url"], event.get("resourceType") == "Document")  # type: ignore[union-attr]
                await self.session.send("Fetch.failRequest", {"requestId": request, "errorReason": "BlockedByClient"})
                return
            await self.session.send("Fetch.continueRequest", {"requestId": request})
        except Exception:  # the tab, the window or the browser closed meanwhile: nothing to decide
            pass

    async def is_window(self, frame: str) -> bool:
        """Whether the frame is a window's: a page target with an opener (its opener remembered)."""
        from playwright.async_api import Error

        if frame not in self.windows:
            try:
                info = (await self.session.send("Target.getTargetInfo", {"targetId": frame}))["targetInfo"]
            except Error:  # no target of that id: a frame within a page
                info = {}
            window = info.get("type") == "page" and bool(info.get("openerId"))
            # A window's own windows are reported against the tab that opened the first.
            opener = self.tabs.get(info.get("openerId", "")) or self.windows.get(info.get("openerId", ""))
            self.windows[frame] = (opener or UNKNOWN) if window else None
        return self.windows[frame] is not None


class Unknown:
    """The opener of a window opened by no tab the gate knows (a frame of another site in it)."""

    def stopped_window(self, url: str, navigation: bool) -> None:
        pass


UNKNOWN: Any = Unknown()
