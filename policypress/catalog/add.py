"""`policypress add`: one catalog service written into the living texts of a site's policies.

Facts go once into the default language's file and labels into every language's file, as an
editor writes them. Only living texts are edited; a policy whose living text is a released
version gets its next version started (the next major: a new recipient is a major change), with
a summary left as a TODO for the editor. Adding a service twice changes nothing the second time.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..core.model import Policy
from ..core.register import PLACEHOLDER_RE
from ..core.schema import Retention
from ..core.types import Version
from .frontdoc import FrontDoc, append, entry, find, flow, flow_map
from .model import Service, ServiceTexts

# Notice the README asks for before a major change takes effect.
NOTICE = dt.timedelta(days=30)


class AddError(Exception):
    """The register has no place for the service: every reason, one a line."""

    def __init__(self, *lines: str) -> None:
        super().__init__("\n".join(lines))
        self.lines = lines


@dataclass(frozen=True)
class Target:
    """What `add` needs to know of a site."""

    policies: Mapping[str, Policy]
    languages: tuple[str, ...]
    default: str
    privacy: str | None  # the privacy policy's id, if the site has it
    cookies: str | None  # the policy that lists the cookies (the banner's), if any
    domain: str  # the company's own domain: the provider of first-party cookies
    today: dt.date


@dataclass
class Plan:
    """The files opened for editing (by path, each once), what was done, for the command to say,
    and the policies whose next version was started."""

    docs: dict[Path, FrontDoc] = field(default_factory=dict)
    done: list[str] = field(default_factory=list)
    started: list[str] = field(default_factory=list)

    @property
    def changed(self) -> list[FrontDoc]:
        return [doc for doc in self.docs.values() if doc.changed]

    def open(self, path: Path) -> FrontDoc:
        if path not in self.docs:
            self.docs[path] = FrontDoc.open(path)
        return self.docs[path]


def refusals(target: Target, service: Service, purpose: str | None) -> list[str]:
    """Every reason the register has no place for `service`."""
    found = []
    if target.privacy is None or target.privacy not in target.policies:
        found.append(f"the site has no privacy policy (privacy_policy: {target.privacy!r} names none of "
                     f"{', '.join(target.policies) or 'no policies'}); add the service's recipient by hand")
    if service.cookies and target.cookies is None:
        found.append(f"{service.id} sets cookies ({', '.join(c.name for c in service.cookies)}), but no policy of the "
                     f"site lists cookies and the policypress plugin's consent.policy names none; make a cookie "
                     f"policy first (policypress new writes one)")
    if purpose is not None and target.privacy in target.policies:
        ids = [p.id for p in target.policies[target.privacy].living.register.processing]
        if purpose not in ids:
            found.append(f"--purpose {purpose}: expected the id of a processing entry of the privacy policy "
                         f"({', '.join(ids) or 'it has none'}), found {purpose!r}")
    return found


def plan_add(target: Target, services: Sequence[Service], purpose: str | None = None) -> Plan:
    """The edits that bring `services` into the site's policies, one after the other, or
    AddError with every reason the register has no place for one of them."""
    refused = list(dict.fromkeys(reason for service in services for reason in refusals(target, service, purpose)))
    if refused:
        raise AddError(*refused)
    plan = Plan()
    added: dict[str, list[Service]] = {}  # policy id -> the services that changed it
    for service in services:
        policies = [target.privacy] + ([target.cookies] if service.cookies and target.cookies != target.privacy else [])
        for policy_id in policies:
            assert policy_id is not None
            if _add_to_policy(plan, target, target.policies[policy_id], service,
                              purpose=purpose if policy_id == target.privacy else None,
                              cookies=policy_id == target.cookies):
                added.setdefault(policy_id, []).append(service)
    for policy_id, changed_by in added.items():
        policy = target.policies[policy_id]
        if policy.draft is None and policy.latest is not None:
            _start_next_version({language: plan.open(policy.paths[language]) for language in target.languages},
                                target, policy, changed_by)
            plan.started.append(policy_id)
    return plan


def _add_to_policy(plan: Plan, target: Target, policy: Policy, service: Service, *, purpose: str | None,
                   cookies: bool) -> bool:
    """Add one service to one policy's files; whether anything changed."""
    docs = {language: plan.open(policy.paths[language]) for language in target.languages}
    default = docs[target.default]
    texts = {language: _texts(service, language) for language in target.languages}
    what = _Writer(default, {l: d for l, d in docs.items() if l != target.default}, texts, service)
    what.recipient()
    what.transfers()
    what.personal_data()
    purpose_id = purpose or _matching_purpose(default, service) or _new_purpose_id(default, service)
    what.processing(purpose_id)
    if cookies:
        what.cookies(purpose_id, target.domain)
    plan.done += [f"{policy.id}: {line}" for line in what.done]
    return bool(what.done)


def _texts(service: Service, language: str) -> ServiceTexts | None:
    return service.texts.get(language)  # type: ignore[call-overload]


def _matching_purpose(default: FrontDoc, service: Service) -> str | None:
    """The purpose (in a cookie policy: the category) the service belongs to: a processing entry
    with the same DPV purpose and, for a service that needs consent, consent as its legal basis."""
    wanted = set(service.processing.purpose)
    for item in default.meta.get("processing") or []:
        if not isinstance(item, dict):
            continue
        bases = item.get("legal_basis")
        bases = set(bases) if isinstance(bases, list) else {bases}
        terms = set(item.get("purpose") or [])
        if terms & wanted and (("eu-gdpr:A6-1-a" in bases) == service.consent):
            return str(item["id"])
    return None


def _new_purpose_id(default: FrontDoc, service: Service) -> str:
    """The catalog's id for a new purpose, or, when the register has that id already (for another
    purpose, or on another legal basis: `_matching_purpose` found no match), the id followed by the
    service's."""
    existing = find(default.meta.get("processing") or [], "id", service.processing.id)
    if existing is None:
        return service.processing.id
    return f"{service.processing.id}-{service.id}"


def _start_next_version(docs: dict[str, FrontDoc], target: Target, policy: Policy, services: list[Service]) -> None:
    """The living text was the released version: begin the next one, as an editor would."""
    latest = policy.latest
    assert latest is not None
    version = Version(latest.version.major + 1, 0)
    for language, doc in docs.items():
        doc.meta["version"] = _quoted(str(version))
        names = ", ".join(f"{service.name} ({service.company})" for service in services)
        doc.meta["summary"] = f"TODO: say in this language what changed in {version}: added {names}"
    docs[target.default].meta["effective"] = max(target.today + NOTICE, latest.effective + dt.timedelta(days=1))


def _retention(retention: Retention) -> dict[str, str]:
    """A retention as the register writes it: {duration: P14M, after: collection}."""
    written = {"duration": retention.duration.text if retention.duration else None, "after": retention.after,
               "statute": retention.statute}
    return {key: value for key, value in written.items() if value is not None}


def _quoted(text: str) -> Any:
    from ruamel.yaml.scalarstring import DoubleQuotedScalarString

    return DoubleQuotedScalarString(text)


class _Writer:
    """Adds the service's entries to one policy's files: facts and labels to the default
    language's, labels to the others'. Each entry that exists already is left as it is."""

    def __init__(self, default: FrontDoc, others: dict[str, FrontDoc], texts: dict[str, ServiceTexts | None],
                 service: Service) -> None:
        self.default, self.others, self.texts, self.service = default, others, texts, service
        self.default_language = next(language for language in texts if language not in others)
        self.done: list[str] = []

    def label(self, language: str, pick: Any, what: str) -> str:
        texts = self.texts[language]
        return pick(texts) if texts is not None else f"TODO: {what} in this language ({self.service.name})"

    def _add(self, key: str, match: tuple[str, str], facts: dict[str, Any], labels: Any, what: str) -> bool:
        """One entry in every language, unless the default language has it."""
        entries = self.default.entries(key)
        if find(entries, *match) is not None:
            return False
        append(entries, entry({**facts, **labels(self.default_language)}))
        for language, doc in self.others.items():
            entries = doc.entries(key)
            if find(entries, *match) is None:
                append(entries, entry({match[0]: match[1], **labels(language)}))
        self.done.append(what)
        return True

    def recipient(self) -> None:
        service = self.service
        recipient = service.recipient
        self._add("recipients", ("id", service.id), {
            "id": service.id, "kind": recipient.kind,
            "country": recipient.country[0] if len(recipient.country) == 1 else flow(list(recipient.country))},
            lambda language: {"name": self.label(language, lambda t: t.recipient.name, "the recipient's name"),
                              "description": self.label(language, lambda t: t.recipient.description,
                                                        "what the recipient does")},
            f"recipient {service.id} ({service.company})")

    def transfers(self) -> None:
        entries = self.default.entries("transfers")
        for transfer in self.service.transfers:
            country = transfer.country[0] if len(transfer.country) == 1 else flow(list(transfer.country))
            if any(isinstance(item, dict) and item.get("recipient") == self.service.id and item.get("country") == country
                   for item in entries):
                continue
            safeguard = transfer.safeguard[0] if len(transfer.safeguard) == 1 else flow(list(transfer.safeguard))
            append(entries, entry({"recipient": self.service.id, "country": country, "safeguard": safeguard}))
            self.done.append(f"transfer to {'/'.join(transfer.country)} ({', '.join(transfer.safeguard)})")

    def personal_data(self) -> None:
        for category in self.service.personal_data:
            self._add("personal_data", ("id", category.id), {"id": category.id, "terms": flow(list(category.terms))},
                      lambda language, c=category.id: {
                          "name": self.label(language, lambda t: t.personal_data[c].name, "the data's name"),
                          "description": self.label(language, lambda t: t.personal_data[c].description,
                                                    "what the data is")},
                      f"personal data {category.id}")

    def processing(self, purpose_id: str) -> None:
        """The service's recipient and data in the purpose `purpose_id`, created if missing."""
        service, facts = self.service, self.service.processing
        data = [category.id for category in service.personal_data]
        created = self._add("processing", ("id", purpose_id), {
            "id": purpose_id, "purpose": flow(list(facts.purpose)),
            "legal_basis": facts.legal_basis[0] if len(facts.legal_basis) == 1 else flow(list(facts.legal_basis)),
            "data": flow(data), "subjects": flow(list(facts.subjects)), "sources": flow(list(facts.sources)),
            "recipients": flow([service.id]),
            "retention": flow_map(_retention(facts.retention)),
            "requirement": facts.requirement},
            lambda language: {
                "name": self.label(language, lambda t: t.processing.name, "the purpose's name"),
                "description": self.label(language, lambda t: t.processing.description, "what is done"),
                "legitimate_interest": (self.label(language, lambda t: t.processing.legitimate_interest,
                                                   "the legitimate interest")
                                        if "eu-gdpr:A6-1-f" in facts.legal_basis else None)},
            f"processing {purpose_id}")
        if created:
            return
        existing = find(self.default.entries("processing"), "id", purpose_id)
        assert existing is not None
        for key, values in (("recipients", [service.id]), ("data", data)):
            listed = existing.get(key)
            if listed is None:
                listed = existing[key] = flow([])
            missing = [value for value in values if value not in listed]
            listed.extend(missing)
            if missing:
                self.done.append(f"processing {purpose_id}: {key} += {', '.join(missing)}")

    def cookies(self, purpose_id: str, domain: str) -> None:
        for doc in (self.default, *self.others.values()):
            if show_table(doc, purpose_id):
                self.done.append(f"a table of the {purpose_id} cookies in {doc.path.name}")
        for cookie in self.service.cookies:
            self._add("cookies", ("name", cookie.name), {
                "name": cookie.name, "processing": purpose_id,
                "provider": domain if cookie.first_party else cookie.provider,
                "duration": cookie.duration if isinstance(cookie.duration, str) else str(cookie.duration),
                "storage": cookie.storage if cookie.storage != "cookie" else None},
                lambda language, name=cookie.name: {
                    "description": self.label(language, lambda t: t.cookies[name], "what the cookie is for")},
                f"cookie {cookie.name} ({purpose_id})")


def show_table(doc: FrontDoc, purpose_id: str) -> bool:
    """A page that has a cookie table per purpose gets one for `purpose_id`, under a heading with
    the purpose's name and description, after the last table; whether it was added."""
    tables = [match for match in PLACEHOLDER_RE.finditer(doc.tail) if match["kind"] == "cookies"]
    if not tables or any(match["arg"] in (None, purpose_id) for match in tables):
        return False
    purpose = find(doc.meta.get("processing") or [], "id", purpose_id) or {}
    section = (f"\n\n### {purpose.get('name', purpose_id)}\n\n" + (f"{purpose['description']}\n\n" if purpose.get("description") else "")
               + f"<!-- register: cookies {purpose_id} -->")
    end = tables[-1].end()
    doc.tail = doc.tail[:end] + section + doc.tail[end:]
    return True


def write(plan: Plan) -> list[Path]:
    """Write every changed file, each whole: a temporary file beside it, then renamed over it."""
    import os
    import tempfile

    temporaries: list[tuple[str, Path]] = []
    try:
        for doc in plan.changed:
            handle, name = tempfile.mkstemp(prefix=f".{doc.path.name}.", suffix=".add", dir=doc.path.parent)
            with os.fdopen(handle, "w", encoding="utf-8", newline="") as file:
                file.write(doc.text())
                file.flush()
                os.fsync(file.fileno())
            os.chmod(name, doc.path.stat().st_mode & 0o777)
            temporaries.append((name, doc.path))
        for name, path in temporaries:
            os.replace(name, path)
    finally:
        for name, _ in temporaries:
            if os.path.exists(name):
                os.unlink(name)
    return [path for _, path in temporaries]
