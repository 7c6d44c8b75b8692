"""DuckDuckGo's autoconsent (npm `@duckduckgo/autoconsent`, MPL-2.0): the rules with which the audit
detects and operates other consent managers (Cookiebot, OneTrust, Usercentrics, Didomi, CookieYes,
Klaro and more than 200 others) without selectors.

Its files ship unmodified in `vendor/autoconsent/` (the browser bundle, the rules, the licence and
a manifest with the version and each file's sha256; `scripts/refresh_autoconsent.py` refreshes
them from the npm tarball). Nothing is downloaded at run time.

How the bundle talks (the package's docs/api.md): evaluated in a frame, it calls
`window.autoconsentSendMessage(message)`, here a Playwright binding, and is answered through
`window.autoconsentReceiveMessage(message)`:

- `init` → the host answers `initResp` with the configuration and the rules;
- `cmpDetected` (a consent manager is on the page), `popupFound` (its banner is shown);
- the host sends `optOut` or `optIn` → `optOutResult` / `optInResult` (`result`: whether it
  worked), then `autoconsentDone`;
- `report`: the frame's progress (`lifecycle`: `nothingDetected` when no rule matched).

Whatever the page sends through the binding is the page's word: it is read as data, bounded
in size and count, and never evaluated.
"""

from __future__ import annotations

import asyncio
import functools
import hashlib
import json
import re
import time
from collections.abc import Awaitable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from .model import CannotRun

if TYPE_CHECKING:
    from playwright.async_api import BrowserContext, Frame, Page

VENDOR = Path(__file__).resolve().parent / "vendor" / "autoconsent"
BINDING = "autoconsentSendMessage"
# The messages the audit acts on; any other the page sends is ignored.
TYPES = frozenset({"init", "cmpDetected", "popupFound", "optOutResult", "optInResult", "autoconsentDone", "report"})
# A page that floods the binding is not listened to beyond this many messages.
MAX_MESSAGES = 2000
MAX_NAME = 100
# Frames of one page the bundle goes into: the page and its frames (some banners live in one).
MAX_FRAMES = 20
# Looks for a consent manager the bundle makes: at once and half a second later (the audit has
# already let the page settle; more would wait for changes to a page that may never change).
RETRIES = 1

T = TypeVar("T")


class VendorError(CannotRun):
    """The shipped autoconsent files are missing or altered: the installation is broken."""


class Stuck(CannotRun):
    """A page did not answer within the time limit while its consent manager was looked for or
    operated: the choice cannot be made."""


@dataclass(frozen=True)
class Bundle:
    """The shipped files, checked against their manifest."""

    version: str
    script: str  # the browser bundle (dist/autoconsent.playwright.js)
    rules: str  # rules.json, as text: parsed in the page
    count: int  # rules in it

    @property
    def label(self) -> str:
        return f"@duckduckgo/autoconsent {self.version}"


@functools.cache
def bundle(folder: Path = VENDOR) -> Bundle:
    """The bundle and rules, or VendorError naming what is wrong (checked once per process)."""
    manifest_file = folder / "MANIFEST.json"
    try:
        manifest = json.loads(manifest_file.read_text(encoding="utf-8"))
        files = {name: (folder / name).read_bytes() for name in manifest["files"]}
    except (OSError, ValueError, KeyError, TypeError) as error:
        raise VendorError(f"{folder}: the autoconsent files policypress ships could not be read ({error}); "
                          f"reinstall policypress") from None
    for name, content in files.items():
        if hashlib.sha256(content).hexdigest() != manifest["files"][name].get("sha256"):
            raise VendorError(f"{folder / name}: does not match the sha256 in {manifest_file.name}; reinstall policypress "
                              f"(or run scripts/refresh_autoconsent.py)")
    try:
        script, rules = files["autoconsent.playwright.js"].decode("utf-8"), files["rules.json"].decode("utf-8")
    except (KeyError, UnicodeDecodeError) as error:
        raise VendorError(f"{manifest_file}: expected autoconsent.playwright.js and rules.json ({error})") from None
    return Bundle(str(manifest.get("version", "")), script, rules, int(manifest.get("rules", 0)))


def configuration() -> dict[str, Any]:
    """autoconsent's settings for an audit: it finds and reports, and acts only when told to
    (no automatic action, nothing hidden in advance, no cosmetic "hide the banner" rules, no
    guessing), and runs its snippets in the page itself, where the bundle is."""
    return {
        "enabled": True, "autoAction": None, "disabledCmps": [], "enablePrehide": False, "enableCosmeticRules": False,
        "enableGeneratedRules": True, "enableHeuristicDetection": False, "heuristicMode": "off",
        "enablePopupMutationObserver": False, "detectRetries": RETRIES, "isMainWorld": True, "prehideTimeout": 0,
        "visualTest": False, "performanceLoggingEnabled": False,
        "logs": {key: False for key in ("lifecycle", "rulesteps", "detectionsteps", "evals", "errors", "messages", "waits")},
    }


@dataclass(frozen=True)
class Message:
    """A message of the bundle, as far as the audit reads it."""

    type: str
    cmp: str = ""
    result: bool = False
    lifecycle: str = ""


def name_text(value: object) -> str:
    """A consent manager's name as reported: text, short, without control characters."""
    return re.sub(r"[\x00-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2066-\u2069]", "", str(value))[:MAX_NAME]


def message(value: object) -> Message | None:
    """A message sent through the binding, or None when it is none the audit acts on."""
    if not isinstance(value, dict) or value.get("type") not in TYPES:
        return None
    state = value.get("state")
    lifecycle = state.get("lifecycle") if isinstance(state, dict) else None
    return Message(value["type"], name_text(value.get("cmp") or ""), value.get("result") is True,
                   lifecycle if isinstance(lifecycle, str) else "")


@dataclass
class FrameState:
    """What one frame's bundle has said so far."""

    detected: str = ""  # the consent manager it found
    popup: str = ""  # the one whose banner it found shown
    nothing: bool = False  # no rule matched
    results: list[Message] = field(default_factory=list)  # optOutResult, optInResult, autoconsentDone


class Bridge:
    """One browser profile's line to autoconsent: the binding every frame calls, and what each
    frame said."""

    def __init__(self, rules: Bundle, timeout: float) -> None:
        self.rules = rules
        self.timeout = timeout  # seconds for any evaluation in a page
        self.frames: dict[Frame, FrameState] = {}
        self.changed = asyncio.Event()
        self.received = 0
        self.replies: set[asyncio.Future[None]] = set()  # answers on their way (kept, or they may be collected)

    async def install(self, context: BrowserContext) -> None:
        await context.expose_binding(BINDING, self.receive)

    def receive(self, source: dict[str, Any], *values: object) -> None:
        frame = source.get("frame")
        found = message(values[0]) if len(values) == 1 else None
        if found is None or frame is None or self.received >= MAX_MESSAGES:
            return
        self.received += 1
        state = self.frames.setdefault(frame, FrameState())
        if found.type == "init":
            reply = asyncio.ensure_future(self.send(frame, {"type": "initResp", "config": configuration()},
                                                    rules=True, quiet=True))
            self.replies.add(reply)
            reply.add_done_callback(self.replies.discard)
        elif found.type == "cmpDetected":
            state.detected = state.detected or found.cmp
        elif found.type == "popupFound":
            state.popup = found.cmp
        elif found.type == "report" and found.lifecycle == "nothingDetected":
            state.nothing = True
        elif found.type in ("optOutResult", "optInResult", "autoconsentDone"):
            state.results.append(found)
        self.changed.set()

    async def limited(self, work: Awaitable[T], where: Frame, quiet: bool = False) -> T | None:
        """An evaluation in a frame within the time limit: None when it failed (the frame went
        away, the script threw); Stuck when the frame did not answer (None too when `quiet`)."""
        from playwright.async_api import Error

        try:
            return await asyncio.wait_for(work, self.timeout)
        except Error:
            return None
        except asyncio.TimeoutError:
            if quiet:
                return None
            raise Stuck(f"a script kept {where.url} busy for more than {self.timeout:g} s while its consent banner was "
                        f"looked for or answered") from None

    async def send(self, frame: Frame, payload: dict[str, Any], rules: bool = False, quiet: bool = False) -> None:
        """A message into a frame's bundle; the rules go as text, parsed there. The call does not
        wait for what the message starts (an opt-out takes seconds)."""
        await self.limited(frame.evaluate(
            "([m, rules]) => { if (rules) m.rules = JSON.parse(rules);"
            " if (typeof window.autoconsentReceiveMessage === 'function') window.autoconsentReceiveMessage(m); }",
            [payload, self.rules.rules if rules else None]), frame, quiet)

    async def start(self, page: Page) -> list[Frame]:
        """The bundle into the page and its frames, afresh; returns the frames it runs in (a
        frame that does not answer is left out, unless it is the page itself)."""
        self.frames = {}

        async def run(frame: Frame) -> bool:
            await frame.evaluate(self.rules.script)
            return True

        frames = [f for f in page.frames if f.url.startswith(("http:", "https:"))][:MAX_FRAMES]
        started = await asyncio.gather(*(self.limited(run(f), f, quiet=f is not page.main_frame) for f in frames))
        return [f for f, done in zip(frames, started) if done]

    def shown(self, exclude: set[Frame] | frozenset[Frame] = frozenset()) -> tuple[Frame, str] | None:
        """A frame where a banner was found shown, and the consent manager's name."""
        return next(((frame, state.popup) for frame, state in self.frames.items()
                     if state.popup and frame not in exclude and not frame.is_detached()), None)

    def detected(self) -> list[str]:
        """The consent managers found, shown or not."""
        return list(dict.fromkeys(state.detected for state in self.frames.values() if state.detected))

    def nothing_in(self, frames: list[Frame]) -> bool:
        """Whether every frame the bundle runs in found no consent manager."""
        return all(self.frames.get(frame, FrameState()).nothing or frame.is_detached() for frame in frames)

    async def operate(self, frame: Frame, accept: bool, deadline: float) -> Message | None:
        """"optIn" or "optOut" in a frame; its result, or None when none came in time."""
        state = self.frames[frame]
        state.results.clear()
        await self.send(frame, {"type": "optIn" if accept else "optOut"})
        return await self.said(state, "optInResult" if accept else "optOutResult", deadline)

    async def finished(self, frame: Frame, seconds: float) -> bool:
        """Whether the frame says its consent manager is done (not a first layer of several)."""
        return await self.said(self.frames[frame], "autoconsentDone", time.monotonic() + seconds) is not None

    async def said(self, state: FrameState, kind: str, deadline: float) -> Message | None:
        """The frame's first message of a kind among its results, waited for until the deadline."""
        while (found := next((m for m in state.results if m.type == kind), None)) is None:
            left = deadline - time.monotonic()
            if left <= 0:
                return None
            await self.wait(min(0.1, left))
        return found

    async def wait(self, seconds: float) -> None:
        """Until a frame says something new, or `seconds` pass."""
        self.changed.clear()
        try:
            await asyncio.wait_for(self.changed.wait(), max(seconds, 0.0))
        except asyncio.TimeoutError:
            pass
