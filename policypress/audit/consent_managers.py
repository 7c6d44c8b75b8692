"""Which consent manager a page has, and how the audit operates it: detect, then "reject all" or
"accept all", and later the withdrawal.

In the order the audit tries them, on the first page of each choosing profile:

1. the policypress banner, through `window.policypressConsent` (its own API, first; `crawl`
   drives it);
2. any other consent manager that DuckDuckGo's autoconsent rules know (`autoconsent`): they
   find its banner and press its "reject all" or "accept all", without selectors;
3. none: no banner was found. The state "before any choice" is all there is to audit; when the
   page includes the policy site's `consent/<lang>.js` and the banner did not start, the reason
   is said (`banner_failure`).

`--accept`/`--reject` selectors, when given, override all of this (`crawl`).

Withdrawal needs the banner shown again after a choice. autoconsent can answer a banner but not
bring one back, so each consent manager's own documented call for that is listed here; for one
not listed, the withdrawal is reported as not tested.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Protocol

from . import autoconsent
from .banner_failure import SCRIPTS_JS, Watch, is_banner_script
from .model import POLICYPRESS, CannotRun, ConsentManager

if TYPE_CHECKING:
    from playwright.async_api import BrowserContext, Frame, Page, Request

# Whether the policypress banner runs on the page.
BANNER_JS = "() => !!(window.policypressConsent && typeof window.policypressConsent.get === 'function')"
# Whether the page carries a policypress banner configuration of its own.
EMBEDDED_JS = "() => !!document.getElementById('policypress-consent')"
# Seconds, at most: for the policypress banner to appear on a page that means to have it, for
# autoconsent to find a banner (it looks for one during 5 s once it knows the consent manager),
# and for a choice to be made.
POLICYPRESS_WAIT = 5.0
DETECT_WAIT = 6.0
CHOICE_WAIT = 15.0
POLL = 0.1
# After a choice, how long a reload the consent manager starts may take to show (the browser
# tells of the click's result and of the navigation it started on separate lines).
RELOAD_GRACE = 0.3

# How each consent manager shows its banner again, by autoconsent's name of it: its own API, as
# its documentation gives it. Each returns whether the API was there.
REOPEN: dict[str, str] = {
    # Klaro: klaro.show(config, modal) opens the consent modal (https://klaro.org/docs).
    "Klaro": "() => { if (!window.klaro || typeof klaro.show !== 'function') return false; klaro.show(undefined, true); "
             "return true; }",
    # vanilla-cookieconsent 3: CookieConsent.show(createModal) shows the consent modal again.
    "cookieconsent3": "() => { if (!window.CookieConsent || typeof CookieConsent.show !== 'function') return false; "
                      "CookieConsent.show(true); return true; }",
    # tarteaucitron: userInterface.openAlert() shows its banner again.
    **dict.fromkeys(("tarteaucitron deny", "tarteaucitron.js"),
                    "() => { const ui = window.tarteaucitron && tarteaucitron.userInterface; "
                    "if (!ui || typeof ui.openAlert !== 'function') return false; ui.openAlert(); return true; }"),
}


# When the --accept/--reject selectors make the choices.
SELECTORS = ConsentManager("another banner", "selectors")


class ChoiceError(CannotRun):
    """A consent manager was found but did not take the choice: the audit cannot go on."""


@dataclass
class Reloads:
    """The tab's own navigations while a choice is made: some consent managers reload the page
    after it (tarteaucitron does after a withdrawal). The audit lets such a reload end before it
    loads a page itself, or the two would cut each other off."""

    page: Page
    request: Request | None = None  # the last navigation the tab started
    asked: asyncio.Event = field(default_factory=asyncio.Event)  # it started one
    loaded: asyncio.Event = field(default_factory=asyncio.Event)  # a load event since then

    def __post_init__(self) -> None:
        self.page.on("request", self.on_request)
        self.page.on("load", self.on_load)

    def on_request(self, request: Request) -> None:
        if request.is_navigation_request() and request.frame == self.page.main_frame:
            self.request = request
            self.asked.set()
            self.loaded.clear()

    def on_load(self, page: Page) -> None:
        self.loaded.set()

    async def settled(self, seconds: float) -> None:
        """Until the navigation started during the choice has loaded (at most `seconds`); at once
        when there was none, or it failed or was stopped (answered 204: the tab stays)."""
        from playwright.async_api import Error

        try:
            if self.request is None:
                await asyncio.wait_for(self.asked.wait(), min(RELOAD_GRACE, seconds))
            if self.request is not None:
                response = await asyncio.wait_for(self.request.response(), seconds)
                if response is not None and response.status not in (204, 205):
                    await asyncio.wait_for(self.loaded.wait(), seconds)
        except (Error, asyncio.TimeoutError):
            pass
        finally:
            self.page.remove_listener("request", self.on_request)
            self.page.remove_listener("load", self.on_load)


class Tab(Protocol):
    """The profile and its tab, as the crawl keeps them (the tab may be replaced by a new one)."""

    context: BrowserContext
    page: Page


def seconds_left(deadline: float) -> float:
    return deadline - time.monotonic()


@dataclass
class Operator:
    """One choosing profile's consent manager: found on the first page, told to choose, and later
    to take the choice back."""

    tab: Tab
    timeout: float  # the audit's --timeout: no wait in a page lasts longer
    watch: Watch | None = field(default_factory=Watch)
    bridge: autoconsent.Bridge | None = None
    found: ConsentManager = POLICYPRESS
    frame: Frame | None = None  # where autoconsent found the banner

    async def prepare(self) -> None:
        """Before the first page loads: the line autoconsent talks through, and the watch on the
        policypress scripts."""
        self.bridge = autoconsent.Bridge(autoconsent.bundle(), min(self.timeout, CHOICE_WAIT))
        await self.bridge.install(self.tab.context)
        if self.watch is not None:
            await self.watch.attach(self.tab.context, self.tab.page)

    @property
    def page(self) -> Page:
        return self.tab.page

    async def check(self, script: str) -> object:
        """A question to the page, within the time limit; None when it could not be answered."""
        assert self.bridge is not None
        return await self.bridge.limited(self.page.evaluate(script), self.page.main_frame)

    async def find(self) -> ConsentManager:
        """The page's consent manager: policypress, one autoconsent knows (its banner shown), or none."""
        assert self.bridge is not None
        if await self.check(BANNER_JS):
            return await self.settle(POLICYPRESS)
        scripts = [url for url in await self.check(SCRIPTS_JS) or [] if isinstance(url, str) and is_banner_script(url)]
        expects = bool(scripts) or bool(await self.check(EMBEDDED_JS))
        await self.quiet()
        frames = await self.bridge.start(self.page)
        started = time.monotonic()
        deadline = started + min(self.timeout, DETECT_WAIT)
        # A page that means to have the policypress banner is given the time it always had.
        patience = started + (min(self.timeout, POLICYPRESS_WAIT) if expects else 0.0)
        while True:
            if await self.check(BANNER_JS):
                return await self.settle(POLICYPRESS)
            shown = self.bridge.shown()
            if shown is not None:
                self.frame, name = shown
                return await self.settle(ConsentManager(name, "rules", self.bridge.rules.label))
            if self.watch is not None and self.watch.failed(scripts):
                patience = 0.0
            now = time.monotonic()
            if now >= deadline or (now >= patience and self.bridge.nothing_in(frames)):
                break
            await self.bridge.wait(min(POLL, seconds_left(deadline)))
        return await self.settle(ConsentManager("none", "none", self.none_note(scripts)))

    async def settle(self, found: ConsentManager) -> ConsentManager:
        """Done looking: the watch on the scripts is no longer needed."""
        self.found = found
        if self.watch is not None:
            await self.watch.detach()
            self.watch = None
        return found

    def none_note(self, scripts: list[str]) -> str:
        assert self.bridge is not None
        detected = self.bridge.detected()
        if scripts and self.watch is not None:
            return (f"the page includes the policy site's {scripts[0]}, but the policypress banner did not start: "
                    f"{self.watch.reason(scripts)}")
        if detected:
            return (f"autoconsent found {', '.join(detected)} on the page, but no banner of it was shown within "
                    f"{min(self.timeout, DETECT_WAIT):g} s")
        return (f"neither the policypress banner nor any of the {self.bridge.rules.count} consent managers that "
                f"autoconsent's rules know ({self.bridge.rules.label}); for another banner, give --accept and --reject")

    async def choose(self, accept: bool) -> None:
        """"Accept all" or "reject all" in the banner autoconsent found."""
        assert self.bridge is not None and self.frame is not None
        choice = "accept all" if accept else "reject all"
        deadline = time.monotonic() + min(self.timeout, CHOICE_WAIT)
        done: set[Frame] = set()
        reloads = Reloads(self.page)
        while self.frame is not None:
            frame, done = self.frame, done | {self.frame}
            answer = await self.bridge.operate(frame, accept, deadline)
            if answer is None:
                raise ChoiceError(f"on {self.page.url}, autoconsent's rules for {self.found.name} did not answer "
                                  f"\"{choice}\" within {min(self.timeout, CHOICE_WAIT):g} s; give --accept and --reject "
                                  f"selectors of the banner's buttons")
            if not answer.result:
                raise ChoiceError(f"on {self.page.url}, autoconsent's rules for {self.found.name} could not "
                                  f"\"{choice}\" ({self.bridge.rules.label}); give --accept and --reject selectors of the "
                                  f"banner's buttons")
            # A first layer that leads to a second, shown in another frame: answered there too.
            finished = await self.bridge.finished(frame, min(1.0, max(seconds_left(deadline), 0.0)))
            following = self.bridge.shown(exclude=done)
            self.frame = None if finished or following is None else following[0]
        await reloads.settled(max(seconds_left(deadline), 0.0))

    async def quiet(self) -> None:
        """Until the page has made no request for half a second (at most a few seconds): consent
        managers set themselves up after the load event (tarteaucitron fetches its texts, then
        wires its buttons, or hides a banner already answered)."""
        from playwright.async_api import Error

        with contextlib.suppress(Error):
            await self.page.wait_for_load_state("networkidle", timeout=min(self.timeout, POLICYPRESS_WAIT) * 1000)

    async def reopen(self) -> bool:
        """The banner shown again after a choice, through its own API; False when not known (call
        quiet() first)."""
        script = REOPEN.get(self.found.name)
        return script is not None and await self.check(script) is True

    def cannot_reopen(self) -> str:
        if self.found.name not in REOPEN:
            return (f"policypress does not know how to show {self.found.name}'s banner again; give --accept, --reject "
                    f"and --settings selectors to test withdrawal")
        return f"{self.found.name}'s banner could not be shown again on {self.page.url} (its API was not there)"
