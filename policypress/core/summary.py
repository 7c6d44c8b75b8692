"""The short layer of a policy ("In short", as the transparency guidelines WP260 recommend): who
is responsible and how to reach them, what data and why, for how long, who receives it, what
leaves the EU/EEA, the rights and where to complain. Made from the same register as the full
tables, in one language; shown above the policy's text and published as JSON."""

from __future__ import annotations

import dataclasses
from typing import Any

from . import vocabulary as vocab
from .model import Address, Revision, SiteInfo
from .register import labels, place_text, retention_text


def address_text(address: Address | None) -> str | None:
    if address is None:
        return None
    return ", ".join(part for part in (address.street, f"{address.postal_code} {address.locality}".strip()) if part)


def contact(info: SiteInfo) -> dict[str, Any]:
    controller, dpo = info.controller, info.dpo
    out: dict[str, Any] = {"controller": None, "dpo": None}
    if controller is not None:
        out["controller"] = {key: value for key, value in (
            ("name", controller.name), ("identifier", controller.identifier), ("email", controller.email),
            ("phone", controller.phone), ("address", address_text(controller.address)), ("url", controller.url),
        ) if value}
    if dpo is not None:
        out["dpo"] = {"appointed": dpo.appointed, **{key: value for key, value in (
            ("name", dpo.name), ("email", dpo.email), ("address", address_text(dpo.address))) if value}}
    return out


def summary(info: SiteInfo, revision: Revision, language: str) -> dict[str, Any]:
    """The short layer of one revision in one language, as plain data."""
    register = revision.register
    info = dataclasses.replace(info, authority=register.authority or info.authority)
    categories = {c.id: c.text[language].name for c in register.personal_data}
    recipients = {r.id: r.text[language].name for r in register.recipients}
    decided = [p for p in register.processing if register.decides_automatically(p)]
    return {
        "policy": revision.policy,
        "version": str(revision.version),
        "language": language,
        "title": revision.texts[language].title,
        **contact(info),
        "purposes": [{"id": p.id, "name": p.text[language].name,
                      "legal_bases": labels(p.legal_basis, vocab.LEGAL_BASES, language),
                      "data": [categories[c] for c in p.data if c in categories]} for p in register.processing],
        "retention": [{"purpose": p.text[language].name, "period": period}  # a period or its criterion
                      for p in register.processing if (period := retention_text(p, language))],
        "recipients": [{"name": r.text[language].name, "role": vocab.label(vocab.RECIPIENT_KINDS, r.kind, language),
                        "where": place_text(r.country, language)} for r in register.recipients],
        "transfers": [{"recipient": recipients.get(t.recipient or "") or None, "where": place_text(t.country, language),
                       "safeguards": labels(t.safeguard, vocab.SAFEGUARDS, language)} for t in register.transfers],
        "automated_decisions": [p.text[language].name for p in decided],
        "rights": labels(register.rights, vocab.RIGHTS, language),
        "complaint": None if info.authority is None else {
            key: value for key, value in (("name", info.authority.name), ("url", info.authority.url)) if value},
    }
