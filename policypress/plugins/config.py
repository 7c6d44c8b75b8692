"""Typed configuration of the policypress MkDocs plugin: who is responsible, once per site."""

from __future__ import annotations

from mkdocs.config import config_options as c
from mkdocs.config.base import Config

from ..core.model import Address, Authority, DataProtectionOfficer, Organisation, SiteInfo


class AddressConfig(Config):
    street = c.Optional(c.Type(str))
    postal_code = c.Optional(c.Type(str))
    locality = c.Optional(c.Type(str))
    country = c.Optional(c.Type(str))  # ISO 3166 alpha-2, e.g. SE


class ControllerConfig(Config):
    name = c.Optional(c.Type(str))
    identifier = c.Optional(c.Type(str))  # organisation number
    email = c.Optional(c.Type(str))
    phone = c.Optional(c.Type(str))
    url = c.Optional(c.Type(str))
    address = c.SubConfig(AddressConfig)


class DpoConfig(Config):
    # `appointed: false` states that no data protection officer is required.
    appointed = c.Type(bool, default=True)
    name = c.Optional(c.Type(str))
    email = c.Optional(c.Type(str))
    address = c.SubConfig(AddressConfig)


class AuthorityConfig(Config):
    term = c.Optional(c.Type(str))  # a DPV authority, e.g. legal-se:DPA-SE for IMY
    name = c.Optional(c.Type(str))
    url = c.Optional(c.Type(str))
    address = c.SubConfig(AddressConfig)


class ConsentConfig(Config):
    """The cookie-consent banner."""

    enabled = c.Type(bool, default=True)
    # The policy whose consent-based purposes become the banner's categories (default: the one
    # policy that lists cookies; no cookies anywhere, no banner).
    policy = c.Optional(c.Type(str))
    # The one first-party cookie that holds the consent record (list it in that policy).
    cookie = c.Type(str, default="pp_consent")
    # Ask again after this many days (at most 395, i.e. 13 months).
    max_age_days = c.Type(int, default=182)
    # Where to send a consent receipt with navigator.sendBeacon (off when not set).
    endpoint = c.Optional(c.Type(str))
    jurisdiction = c.Type(str, default="SE")
    # Keep Google Consent Mode v2 signals in step with the visitor's choices.
    consent_mode = c.Type(bool, default=True)


class PolicyConfig(Config):
    """`plugins: - policypress: {...}` in mkdocs.yml."""

    enabled = c.Type(bool, default=True)

    # Name of the mkdocs-static-i18n plugin entry whose languages the policies are written in.
    i18n_plugin = c.Type(str, default="i18n")

    # The controller, its data protection officer and the supervisory authority: the same for
    # every policy, used by the JSON-LD, the register placeholders and the Art. 13 check.
    controller = c.SubConfig(ControllerConfig)
    dpo = c.SubConfig(DpoConfig)
    authority = c.SubConfig(AuthorityConfig)

    # The policy every page links to with <link rel="privacy-policy">.
    privacy_policy = c.Type(str, default="privacy")

    # The data subject's rights every policy states unless it lists its own `rights`.
    rights = c.ListOfItems(c.Type(str), default=[])

    consent = c.SubConfig(ConsentConfig)


def _address(config: AddressConfig) -> Address | None:
    if not any(config[key] for key in ("street", "postal_code", "locality")):
        return None
    return Address(config.street or "", config.postal_code or "", config.locality or "", config.country or "")


def site_info(config: PolicyConfig) -> SiteInfo:
    """The plugin's options as the core's plain model (sections left out become None)."""
    controller, dpo, authority = config.controller, config.dpo, config.authority
    dpo_given = bool(dpo.name or dpo.email or _address(dpo.address)) or not dpo.appointed
    return SiteInfo(
        controller=Organisation(controller.name, controller.identifier, controller.email, controller.phone,
                                controller.url, _address(controller.address)) if controller.name else None,
        dpo=DataProtectionOfficer(dpo.appointed, dpo.name, dpo.email, _address(dpo.address)) if dpo_given else None,
        authority=Authority(authority.term, authority.name or authority.term, authority.url,
                            _address(authority.address)) if authority.term else None,
        privacy_policy=config.privacy_policy,
        rights=tuple(config.rights),
    )
