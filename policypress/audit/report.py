"""An audit's result for people and machines: a terminal table, JSON, a Markdown or HTML report,
and front-matter entries for what the register does not list."""

from __future__ import annotations

import base64
import datetime as dt
import json
import math
from collections.abc import Sequence
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from jinja2 import Environment, FileSystemLoader, select_autoescape

from ..catalog.identify import service_of
from . import names
from .compare import hosts_in, lifetime_text
from .identify import database
from .model import KINDS, STATES, STORAGE_LABELS, Finding, Observations, Result, StateRecord, StorageSeen

TEMPLATES = Path(__file__).resolve().parent / "templates"
# The first line of every file --suggest writes: such a file may be written again.
SUGGEST_MARK = "# Written by `policypress audit --suggest`"


def shown(url: str | None, observations: Observations) -> str:
    """A page as people read it: its path when one origin is audited, else the whole URL."""
    if url is None:
        return ""
    if len(observations.origins) == 1 and url.startswith(observations.origins[0]):
        parts = urlsplit(url)
        return (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    return url


def what(finding: Finding) -> str:
    return f"{STORAGE_LABELS[finding.item]} {finding.name}"


def timing(observations: Observations) -> str:
    pages = len(observations.pages)
    per_page = observations.seconds / pages if pages else 0.0
    per_load = observations.seconds / observations.visits if observations.visits else 0.0
    return (f"{pages} page{'s' if pages != 1 else ''} in {observations.seconds:.1f} s: {per_page:.2f} s per page "
            f"(all states), {per_load:.2f} s per page load")


def consent_line(observations: Observations) -> str:
    """The consent manager found and how the choices were made, in a line."""
    found = observations.consent
    how = {"policypress API": "operated through window.policypressConsent",
           "rules": f"operated by autoconsent's rules ({found.note})",
           "selectors": "operated by the --accept and --reject selectors"}.get(found.operated)
    return f"Consent manager: {found.name}, {how}" if how else f"Consent manager: none found ({found.note})"


def state_rows(observations: Observations) -> list[list[str]]:
    rows = []
    for record in observations.in_order():
        first = sum(1 for c in record.cookies if c.party == "first")
        rows.append([STATES[record.state], f"{len(record.cookies)} ({first} first, {len(record.cookies) - first} third party)",
                     str(len(record.storage)), str(len(record.requests)), record.note or ""])
    return rows


# --- the terminal ------------------------------------------------------------------------------


def grid(headers: Sequence[str], rows: Sequence[Sequence[str]], width: int | None) -> list[str]:
    """Columns as wide as their widest cell; the last one cut to fit `width` (None: never cut)."""
    widths = [max(len(str(row[i])) for row in [headers, *rows]) for i in range(len(headers))]
    lines = []
    for row in [headers, *rows]:
        line = "  ".join(str(cell).ljust(widths[i]) for i, cell in enumerate(row)).rstrip()
        if width is not None and len(line) > width:
            line = line[:max(width - 1, 0)] + "…"
        lines.append(line)
    return lines


def table(result: Result, width: int | None = None) -> str:
    """What the command prints: the states, then every finding, then what could not be audited."""
    observations, register = result.observations, result.register
    lines = [f"policypress audit of {', '.join(observations.origins)}: {len(observations.pages)} pages, "
             f"register {register.source} ({len(register.items)} entries in {len(register.categories)} categories)",
             consent_line(observations), ""]
    lines += grid(["STATE", "COOKIES", "STORAGE KEYS", "REQUESTS TO OTHER ORIGINS", "NOTE"], state_rows(observations), width)
    violations, notices = result.violations, result.notices
    lines += ["", f"{len(violations)} violation{'s' if len(violations) != 1 else ''}, "
                  f"{len(notices)} notice{'s' if len(notices) != 1 else ''}"]
    if result.findings:
        rows = [[str(index), "violation" if f.violation else "notice", f.kind, STATES[f.state] if f.state else "",
                 shown(f.page, observations), what(f), names.columns(f.identity)["platform"], f.detail]
                for index, f in enumerate(result.findings, 1)]
        lines += [""] + grid(["#", "", "KIND", "STATE", "PAGE", "WHAT", "PLATFORM", "DETAIL"], rows, width)
        lines += ["", "Kinds:"] + [f"  {kind}: {KINDS[kind]}" for kind in KINDS if any(f.kind == kind for f in result.findings)]
    named = names.rows(result)
    if named:
        lines += ["", "Named:"] + grid(["WHAT", "PLATFORM", "COMPANY", "CATEGORY", "REGISTER", "AGREES"],
                                       [[r["what"], r["platform"], r["company"], r["category"], r["register"], r["agrees"]]
                                        for r in named], width)
        lines += [f"  {names.source_line()}"]
    if observations.problems:
        lines += ["", "Not audited or stopped:"]
        lines += [f"  {shown(p.url, observations)}: {p.reason}" for p in observations.problems]
    if register.notes:
        lines += ["", "Register:"] + [f"  {note}" for note in register.notes]
    lines += ["", f"Time: {timing(observations)}"]
    return "\n".join(lines)


# --- JSON --------------------------------------------------------------------------------------


def to_json(result: Result) -> dict[str, Any]:
    """Everything but the screenshots, in plain JSON types."""
    observations = result.observations

    def state(record: StateRecord) -> dict[str, Any]:
        return {"label": STATES[record.state], "note": record.note,
                "cookies": [{**vars(c), "lifetime_days": c.lifetime_days, "identity": identity(c)} for c in record.cookies],
                "storage": [{**vars(s), "identity": identity(s)} for s in record.storage],
                "requests": [{**vars(r), "identity": identity(r)} for r in record.requests]}

    def identity(seen: Any) -> dict[str, str] | None:
        found = names.named(seen, result.register, result.options)
        return None if found is None else vars(found)

    return {
        "origins": list(observations.origins),
        "pages": observations.pages,
        "problems": [vars(p) for p in observations.problems],
        "register": {"source": result.register.source, "consent_cookie": result.register.consent_cookie,
                     "items": [vars(item) for item in result.register.items], "notes": list(result.register.notes)},
        "banner": observations.banner,
        "consent_manager": {"name": observations.consent.name, "operated": observations.consent.operated,
                            "note": observations.consent.note},
        "states": {name: state(record) for name, record in observations.states.items()},
        "findings": [{"kind": f.kind, "title": f.title, "severity": "violation" if f.violation else "notice",
                      "item": f.item, "name": f.name, "state": f.state, "page": f.page, "detail": f.detail,
                      "identity": None if f.identity is None else vars(f.identity),
                      "agrees": names.finding_columns(result, f)["agrees"]}
                     for f in result.findings],
        "named": names.rows(result),
        "names": {"source": database().source, "consent_origins": sorted(result.options.consent),
                  "allowed": sorted(result.options.allowed)},
        "summary": {"violations": len(result.violations), "notices": len(result.notices), "exit": result.exit_code},
        "timing": {"seconds": round(observations.seconds, 3), "pages": len(observations.pages),
                   "page_loads": observations.visits,
                   "seconds_per_page": round(observations.seconds / max(len(observations.pages), 1), 3)},
    }


def json_text(result: Result) -> str:
    return json.dumps(to_json(result), indent=2, ensure_ascii=False) + "\n"


# --- reports for people ------------------------------------------------------------------------


def expiry(seconds: float | None) -> str:
    if seconds is None:
        return "session"
    return dt.datetime.fromtimestamp(seconds, dt.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")


def context(result: Result) -> dict[str, Any]:
    """What both reports show, ready to print."""
    observations = result.observations
    states = []
    for record in observations.in_order():
        states.append({
            "label": STATES[record.state], "note": record.note,
            "screenshot": "data:image/jpeg;base64," + base64.b64encode(record.screenshot).decode() if record.screenshot else None,
            "cookies": [{"name": c.name, "domain": c.domain, "path": c.path, "expires": expiry(c.expires),
                         "party": c.party, "http_only": "yes" if c.http_only else "no", "secure": "yes" if c.secure else "no",
                         "same_site": c.same_site, "page": shown(c.page, observations),
                         "carried": "still there" if c.carried else ""} for c in record.cookies],
            "storage": [{"kind": STORAGE_LABELS[s.storage], "origin": s.origin, "key": s.key, "party": s.party,
                         "page": shown(s.page, observations)} for s in record.storage],
            "requests": [{"url": r.url, "type": r.resource_type, "page": shown(r.page, observations)} for r in record.requests],
        })
    return {
        "origins": observations.origins, "pages": [shown(p, observations) for p in observations.pages],
        "register": result.register, "states": states, "timing": timing(observations),
        "consent": consent_line(observations),
        "violations": len(result.violations), "notices": len(result.notices),
        "findings": [{"severity": "violation" if f.violation else "notice", "kind": f.kind, "title": f.title,
                      "state": STATES[f.state] if f.state else "", "page": shown(f.page, observations), "what": what(f),
                      "detail": f.detail, **names.finding_columns(result, f)} for f in result.findings],
        "named": names.rows(result), "names_source": names.source_line(),
        "problems": [{"page": shown(p.url, observations), "reason": p.reason} for p in observations.problems],
    }


def html(result: Result) -> str:
    """A self-contained page: the screenshots inside it, no resource from anywhere."""
    environment = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape(default=True))
    return environment.get_template("report.html").render(**context(result))


def markdown(result: Result) -> str:
    data = context(result)

    def cell(value: object) -> str:
        return str(value).replace("\\", "\\\\").replace("|", "\\|").replace("\n", " ")

    def rows(headers: list[str], items: list[list[object]]) -> list[str]:
        if not items:
            return ["None.", ""]
        return ["| " + " | ".join(headers) + " |", "|" + "---|" * len(headers),
                *("| " + " | ".join(cell(v) for v in item) + " |" for item in items), ""]

    lines = [f"# Cookie audit of {', '.join(data['origins'])}", "",
             f"Register: {cell(result.register.source)}. {data['timing']}.", "", cell(data["consent"]) + ".", "",
             f"**{data['violations']} violations, {data['notices']} notices**", ""]
    lines += rows(["", "Kind", "State", "Page", "What", "Platform", "Detail"],
                  [[f["severity"], f["title"], f["state"], f["page"], f["what"], f["platform"], f["detail"]]
                   for f in data["findings"]])
    for state in data["states"]:
        lines += [f"## {state['label'].capitalize()}", ""] + ([state["note"], ""] if state["note"] else [])
        lines += ["### Cookies", ""] + rows(
            ["Name", "Domain", "Path", "Expires", "Party", "HttpOnly", "Secure", "SameSite", "Page", ""],
            [[c["name"], c["domain"], c["path"], c["expires"], c["party"], c["http_only"], c["secure"], c["same_site"],
              c["page"], c["carried"]] for c in state["cookies"]])
        lines += ["### Storage", ""] + rows(["Storage", "Origin", "Key", "Party", "Page"],
                                            [[s["kind"], s["origin"], s["key"], s["party"], s["page"]] for s in state["storage"]])
        lines += ["### Requests to other origins", ""] + rows(["URL", "Type", "Page"],
                                                              [[r["url"], r["type"], r["page"]] for r in state["requests"]])
    if data["named"]:
        lines += ["## Named", ""] + rows(["What", "Platform", "Company", "Category (database)", "Register", "Agrees"],
                                         [[r["what"], r["platform"], r["company"], r["category"], r["register"],
                                           r["agrees"]] for r in data["named"]])
        lines += [cell(data["names_source"]), ""]
    if data["problems"]:
        lines += ["## Not audited or stopped", ""] + rows(["Page", "Why"], [[p["page"], p["reason"]] for p in data["problems"]])
    lines += ["## Pages", ""] + [f"- {page}" for page in data["pages"]] + [""]
    return "\n".join(lines)


# --- suggestions -------------------------------------------------------------------------------


def iso_duration(days: float | None) -> str:
    """An observed lifetime as the register writes durations, rounded up to a whole unit."""
    if days is None:
        return "session"
    for unit, size in (("Y", 365.25), ("M", 30.44)):
        if days >= size * 0.98 and abs(days - round(days / size) * size) <= 2:
            return f"P{round(days / size)}{unit}"
    if days >= 1:
        return f"P{math.ceil(days - 0.01)}D"
    hours = days * 24
    return f"PT{math.ceil(hours)}H" if hours >= 1 else f"PT{max(1, math.ceil(hours * 60))}M"


def suggest(result: Result) -> str:
    """Front-matter entries for every undeclared cookie and key: a starting point for the editor,
    who chooses the purpose and writes the description."""
    observations, register = result.observations, result.register
    ours = next((host for item in register.items if item.name == register.consent_cookie
                 for host in hosts_in(item.provider)), None)
    cookies = {c.name: c for record in observations.states.values() for c in record.cookies}
    storage: dict[tuple[str, str], StorageSeen] = {(s.storage, s.key): s for record in observations.states.values()
                                                   for s in record.storage}

    def entry(key: str, value: str, comment: str = "") -> str:
        text = f"    {key}: {value}"
        return f"{text.ljust(40)}# {comment}" if comment else text

    lines = [SUGGEST_MARK + f" on {dt.date.today().isoformat()} for {', '.join(observations.origins)}."]
    services = catalog_services(result.findings)
    if services:
        lines += ["# Services of policypress's catalog behind what the audit saw. Each command writes the service's",
                  "# recipient, transfers, purpose and cookies into the register in every language:"]
        lines += [f"#   policypress add {service.ljust(24)} # {', '.join(seen)}" for service, seen in services.items()]
    lines += ["# Cookies and storage keys the site sets that its cookie policy does not list and no catalog",
              "# service covers, as entries for the policy's front matter (under cookies:). Choose each one's",
              "# purpose (processing: the id of a processing entry), check provider and duration, and describe it.",
              "cookies:"]
    undeclared = [f for f in result.findings if f.kind == "undeclared" and service_of(f.identity) is None]
    for finding in undeclared:
        if finding.item == "cookie":
            cookie = cookies[finding.name]
            host = cookie.domain.lstrip(".")
            fields = [entry("provider", json.dumps(ours or host if cookie.party == "first" else host)),
                      entry("duration", iso_duration(cookie.lifetime_days), f"seen: {lifetime_text(cookie)}")]
        else:
            item = storage[(finding.item, finding.name)]
            host = urlsplit(item.origin).hostname or ""
            fields = [entry("storage", finding.item), entry("provider", json.dumps(ours or host if item.party == "first" else host)),
                      entry("duration", "todo", "how long you keep it: the browser keeps it until it is removed")]
        where = f"first seen on {shown(finding.page, observations)}, {STATES[finding.state] if finding.state else ''}"
        known = finding.identity
        if known is not None:  # what the Open Cookie Database says, for the editor to weigh
            fields.append(f"    # {known.source}: {known.platform} ({known.company}), {known.category}"
                          + (f", kept {known.retention}" if known.retention else ""))
        lines += [f"  - name: {json.dumps(finding.name)}", entry("processing", "todo", "the id of the purpose it serves"),
                  *fields, entry("description", json.dumps(f"TODO: what it does ({where})"))]
    if not undeclared:
        lines[-1] = ("cookies: []  # every other cookie and key the audit saw is declared" if services
                     else "cookies: []  # every cookie and key the audit saw is declared")
    return "\n".join(lines) + "\n"


def catalog_services(findings: Sequence[Finding]) -> dict[str, list[str]]:
    """The catalog services behind findings, in order of first sight, with what of each was seen."""
    services: dict[str, list[str]] = {}
    for finding in findings:
        service = service_of(finding.identity)
        if service is not None:
            seen = services.setdefault(service, [])
            name = urlsplit(finding.name).hostname or finding.name if finding.item == "request" else finding.name
            if name not in seen:
                seen.append(name)
    return services
