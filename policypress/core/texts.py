"""Interface strings, plural phrases and dates in every language a site is built in.

The strings are gettext messages: the source (msgid) is English, here, in `vocabulary.py` and in
the templates; each language's translations are a catalog,
`policypress/locale/<language>/LC_MESSAGES/policypress.po`, compiled to a `.mo` next to it
(`scripts/catalogs.py` extracts, updates and compiles them). A language has a catalog or is not
offered: no language stands in for another. Dates are CLDR's, through Babel, in the page's
locale (or the locale a site chose for a language, such as `en_GB`).
"""

from __future__ import annotations

import datetime as dt
import functools
import gettext
import re
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path

from babel import Locale, UnknownLocaleError
from babel.dates import format_date
from babel.lists import format_list

DOMAIN = "policypress"
LOCALE_DIR = Path(__file__).resolve().parent.parent / "locale"


def N_(message: str) -> str:
    """Marks a message for extraction; it is translated where it is shown."""
    return message


def Nn_(singular: str, plural: str) -> tuple[str, str]:
    """Marks a message with a plural for extraction (`ngettext` translates it for a count)."""
    return singular, plural


def P_(context: str, message: str) -> tuple[str, str]:
    """Marks a message whose translation depends on a context (the same English, other words)."""
    return context, message


# Every interface string by the name templates and code use for it (`t.version`, `t["version"]`).
# Placeholders in braces are filled with str.format. Quotes are typographic; each catalog uses
# its language's own.
MESSAGES: dict[str, str | tuple[str, str]] = {
    "version": N_("Version"),
    "effective": N_("In effect from"),
    "in_force": P_("the period of a version no longer in effect", "In effect"),
    "in_effect": N_("In effect"),
    "in_short": N_("In short"),
    "short_who": N_("Who is responsible"),
    "short_dpo": N_("Data protection officer:"),
    "short_what": N_("What data and why"),
    "short_how_long": N_("For how long"),
    "short_who_receives": N_("Who receives the data"),
    "short_transfers": N_("Outside the EU/EEA"),
    "short_decisions": N_("Automated decisions"),
    "short_rights": N_("Your rights"),
    # Translators: followed by the supervisory authority's name as mkdocs.yml gives it for the language, in its
    # basic form; end with a colon where a name cannot follow in that form.
    "short_complaint": N_("You can complain to"),
    "short_more": N_("More on this"),
    "policy_in_force": N_("Version {version}, in effect since {date}."),
    "policy_announced": N_("Version {version} takes effect on {date}."),
    "follow_changes": N_("Follow changes: hear about new versions before they take effect"),
    "permanent_address": N_("The policy’s permanent address"),
    "permanent_address_shows": N_("always shows the version in effect."),
    "revision": N_("Version information"),
    "summary": N_("Changes in this version"),
    "change_major": N_("Major change"),
    "change_first": N_("First version"),
    "revision_title": N_("{title}, version {version}"),
    "feed_description": N_("New versions of the privacy and cookie policies of {site}: what changes and when it takes effect."),
    "feed_major_description": N_("Only the major changes to the policies of {site}, before they take effect."),
    "change_minor": N_("Minor change"),
    "state_current": N_("This is the version in effect now."),
    "state_superseded": N_("This is an earlier version that is no longer in effect."),
    "state_upcoming": N_("This version takes effect on {date}."),
    "state_draft": N_("Draft: this version is not published and not in effect."),
    "read_current": N_("Read the version in effect now"),
    "announced": N_("A new version ({version}) takes effect on {date}."),
    "read_new": N_("Read the new version"),
    "see_changes": N_("See what changes"),
    "all_versions": N_("All versions"),
    "versions_nav": N_("Versions of this policy"),
    "now": N_("in effect now"),
    "upcoming": N_("upcoming"),
    "this_version": N_("this version"),
    "changes": N_("changes"),
    "read_version": N_("Read version {version}"),
    "changelog": N_("Changelog"),
    "changelog_pending": N_("The versions of this policy are listed here once its problems are fixed."),
    "changelog_pending_link": N_("See the problems on the policy’s page"),
    "changelog_of": N_("Changelog: {title}"),
    "changelog_intro": N_("Every published version, newest first."),
    "site_changelog_intro": N_("Every published version of our policies, newest first."),
    "policy": N_("Policy"),
    "published": N_("Published"),
    "kind": N_("Kind"),
    "links": N_("Read"),
    "subscribe": N_("Subscribe to changes"),
    "feed_all": N_("Atom feed of all changes"),
    "feed_json": N_("JSON feed of all changes"),
    "feed_major": N_("Atom feed of major changes only"),
    "feed_title": N_("{site}: policy changes"),
    "feed_major_title": N_("{site}: major policy changes"),
    "entry_title": N_("{title} {version} in effect from {date}"),
    "diff_title": N_("Changes in version {version}"),
    "diff_intro": N_("Version {new} ({new_state}) compared with version {old}, in effect from {old_date}."),
    # The same, of a version still in effect, and of one that takes effect later.
    "diff_intro_current": N_("Version {new} ({new_state}) compared with version {old}, in effect since {old_date}."),
    "diff_intro_upcoming": N_("Version {new} ({new_state}) compared with version {old}, which takes effect on {old_date}."),
    "diff_whole_title": N_("Changes from version {old} to version {new}"),
    "diff_whole_link": N_("All changes from version {old} to version {new}"),
    "diff_steps": N_("Changes in each version"),
    "diff_none": N_("The text is unchanged; only the version details changed."),
    "diff_legend": N_("Removed text is struck through, added text is underlined; both are labelled for screen readers."),
    "deleted_start": N_("Removed text:"),
    "deleted_end": N_("end of removed text."),
    "inserted_start": N_("Added text:"),
    "inserted_end": N_("end of added text."),
    "deleted_row": N_("Removed row"),
    "inserted_row": N_("Added row"),
    "unchanged_section": N_("Unchanged section: {title}"),
    "col_purpose": N_("Purpose"),
    "col_data": N_("Personal data"),
    "col_legal_basis": N_("Legal basis"),
    "col_retention": N_("How long"),
    "col_category": N_("Kind of data"),
    "col_details": N_("What it is"),
    "col_recipient": N_("Recipient"),
    "col_role": N_("Role"),
    "col_country": N_("Country"),
    "col_safeguard": N_("Safeguard"),
    "col_cookie": N_("Name"),
    "col_provider": N_("Set by"),
    "col_duration": N_("Kept for"),
    "legitimate_interest": N_("Our legitimate interest"),
    "requirement": N_("Must you provide the data?"),
    "session": N_("Until you close the browser"),
    "retention_statute": N_("as required by {statute}"),
    "problems_title": N_("This page has problems that stop publishing"),
    "problems_intro": N_("This is a preview. mkdocs build will not publish the site until the problems below are fixed."),
    "retention_by_law": N_("as long as {statute} requires"),
    "all_recipients": N_("Every recipient in these countries"),
    "no_transfers": N_("We do not transfer personal data to countries outside the EU and EEA."),
    "no_cookies": N_("No cookies."),
    "no_purposes": N_("No processing."),
    "no_data": N_("No personal data."),
    "no_recipients": N_("We do not disclose personal data to anyone."),
    "no_sources": N_("We do not obtain personal data from others."),
    "no_processor_activities": N_("We do not process personal data on behalf of others."),
    "col_source": N_("Source"),
    "col_source_kind": N_("Kind of source"),
    "col_service": N_("Service"),
    "col_used_for": N_("Used for"),
    "col_on_behalf": N_("What we do on the customer’s behalf"),
    "sources": N_("Sources"),
    "shared_with": N_("Shared with"),
    "special_category_condition": N_("For sensitive personal data"),
    "decisions_none": N_("We make no automated decisions about you."),
    "decisions_made": N_("Automated decisions"),
    "decision_consequences": N_("What it means for you"),
    "profiling_yes": N_("We use the data for profiling."),
    "profiling_no": N_("We do not use the data for profiling."),
    "consent_title": N_("We use cookies"),
    "consent_intro": N_("Necessary cookies keep the website working. With your consent we also use cookies for:"),
    "consent_gpc": N_("Your browser sends Global Privacy Control. We take it as declining all cookies that need consent; you can change that in the settings."),
    "consent_acceptAll": N_("Accept all"),
    "consent_rejectAll": N_("Reject all"),
    "consent_settings": N_("Settings"),
    "consent_save": N_("Save my choices"),
    "consent_ok": N_("OK"),
    "consent_close": N_("Close"),
    "consent_alwaysOn": N_("Always on"),
    "consent_cookies": N_("Cookies"),
    "consent_policy": N_("Read our cookie policy"),
    "consent_settingsTitle": N_("Cookie settings"),
    "consent_settingsIntro": N_("Choose which cookies you accept. Nothing is preselected, and you can change your mind at any time."),
    # Translators: label of the visitor's consent id, in small print in the cookie settings, to quote.
    "consent_recordId": N_("Your consent ID"),
    "consent_necessary": N_("Necessary"),
    "consent_necessary_description": N_("Keep the website running and secure and remember your choices. They need no consent."),
    "consent_button": N_("Cookie settings"),
    "not_found_title": N_("Page not found"),
    "not_found_text": N_("There is no page at this address. It may have moved, or the link may be mistyped."),
    "not_found_home": N_("Go to the home page"),
    "not_found_policies": N_("Our policies"),
    "made_with": N_("Made with {material}"),
    # Translators: the title of the ¶ link beside every heading (Python-Markdown's toc `permalink_title`).
    "permalink": N_("Permanent link"),
    # Meta descriptions of the pages that have no description of their own: each says what the page is.
    "description_revision": N_("{title}, version {version}, effective {date}: {summary}"),
    "description_diff": N_("{title}: changes from version {previous} to version {version}. {summary}"),
    "description_diff_whole": N_("{title}: all changes from version {previous} to version {version} in one comparison."),
    "description_changelog": N_("{title}: every published version, what changed and when each takes effect."),
    "description_site_changelog": N_("{owner}: every published version of our policies, what changed and when each "
                                     "takes effect."),
}
# Counted phrases: the form for the count is the language's (1 ändrat stycke, 2 ändrade stycken).
PLURALS: dict[str, tuple[str, str]] = {
    "passages_changed": Nn_("{count} changed passage", "{count} changed passages"),
    "passages_added": Nn_("{count} added passage", "{count} added passages"),
    "passages_removed": Nn_("{count} removed passage", "{count} removed passages"),
    "passages_unchanged": Nn_("{count} unchanged passage", "{count} unchanged passages"),
}
# Languages whose nouns keep their capital inside a sentence.
CAPITALISED_NOUNS = frozenset({"de", "lb"})
# Strings that are empty in every language are no messages (an empty msgid is a catalog's header).
EMPTY: dict[str, str] = {"no_rights": ""}


class NoCatalog(KeyError):
    """A language policypress has no catalog for."""

    def __init__(self, language: str) -> None:
        self.language = language
        super().__init__(f"policypress has no texts in {language!r}: expected one of {', '.join(languages())} "
                         f"(a catalog policypress/locale/<language>/LC_MESSAGES/{DOMAIN}.po)")

    def __str__(self) -> str:
        return str(self.args[0])


def catalog_name(language: str) -> str:
    """The folder of a language's catalog: `pt-BR` -> `pt_BR`."""
    return language.replace("-", "_")


def catalog_path(language: str, suffix: str = ".mo") -> Path:
    return LOCALE_DIR / catalog_name(language) / "LC_MESSAGES" / f"{DOMAIN}{suffix}"


@functools.cache
def languages() -> tuple[str, ...]:
    """Every language policypress has a compiled catalog for, sorted."""
    return tuple(sorted(path.parent.parent.name for path in LOCALE_DIR.glob(f"*/LC_MESSAGES/{DOMAIN}.mo")))


@functools.cache
def translations(language: str) -> gettext.GNUTranslations:
    """A language's compiled catalog; NoCatalog if it has none."""
    if catalog_name(language) not in languages():
        raise NoCatalog(language)
    with catalog_path(language).open("rb") as mo:
        return gettext.GNUTranslations(mo)


def translate(language: str, message: str | tuple[str, str]) -> str:
    """A message in a language; a message with a context is given as (context, message)."""
    catalog = translations(language)
    if isinstance(message, tuple):
        return catalog.pgettext(*message)
    return catalog.gettext(message)


class Strings(dict[str, str]):
    """The interface strings of one language by name (`t.version`, `t["version"]`), with the
    counted phrases and lists of that language. Templates get it as `t`."""

    def __init__(self, language: str, values: Mapping[str, str]) -> None:
        super().__init__(values)
        self.language = language

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        return translations(self.language).ngettext(singular, plural, n)

    def plural(self, name: str, count: int) -> str:
        """A counted phrase of PLURALS in the form for `count`: `1 unchanged passage`."""
        return self.ngettext(*PLURALS[name], count).format(count=count)

    def join(self, items: Iterable[str]) -> str:
        """Items as this language lists them: `a, b och c`, `a, b und c`."""
        return format_list(list(items), locale=Locale.parse(catalog_name(self.language)))

    def mid_sentence(self, item: str) -> str:
        """A label as it reads inside a sentence: `Rätt till rättelse` -> `rätt till rättelse`.
        Kept as written in a language that capitalises nouns (German), and where its first word
        is an abbreviation or a name with capitals inside (`IP-adress`, `SPAR`, `iCloud`)."""
        first = re.split(r"[\s-]", item, maxsplit=1)[0]
        if self.language.split("-")[0] in CAPITALISED_NOUNS or not first[:1].isupper() or \
                any(char.isupper() for char in first[1:]):
            return item
        return item[0].lower() + item[1:]

    def in_sentence(self, items: Iterable[str], starts: bool = True) -> str:
        """Labels joined by commas within a sentence: the first capitalised as written where the
        list starts the sentence (`starts`), every other one as it reads mid-sentence."""
        listed = list(items)
        return ", ".join(item if starts and index == 0 else self.mid_sentence(item) for index, item in enumerate(listed))

    @staticmethod
    def stop(text: str) -> str:
        """The full stop a sentence ending in `text` still needs: none after `Inc.`, `?` or `…`."""
        return "" if text.rstrip().endswith((".", "!", "?", "…")) else "."


@functools.cache
def _values(language: str) -> dict[str, str]:
    return {**{name: translate(language, message) for name, message in MESSAGES.items()}, **EMPTY}


def strings(language: str) -> Strings:
    """Every interface string in `language`, from its catalog; NoCatalog if it has none."""
    return Strings(language, _values(language))


class Catalogs(Mapping[str, Strings]):
    """The languages with a catalog, each to its strings: `language in STRINGS` asks whether
    policypress has texts in it."""

    def __getitem__(self, language: str) -> Strings:
        return strings(language)

    def __contains__(self, language: object) -> bool:
        return isinstance(language, str) and catalog_name(language) in languages()

    def __iter__(self) -> Iterator[str]:
        return iter(languages())

    def __len__(self) -> int:
        return len(languages())


STRINGS = Catalogs()


def date_locale(language: str, locales: Mapping[str, str] | None = None) -> str:
    """The CLDR locale of a language's dates: the site's choice (`locales: {en: en_GB}`), else
    the language itself."""
    return (locales or {}).get(language) or language


def check_locale(locale: str) -> str | None:
    """Why `locale` is not a CLDR locale Babel knows, or None."""
    try:
        Locale.parse(catalog_name(locale))
    except (ValueError, UnknownLocaleError):
        return f"expected a CLDR locale such as en_GB or de_AT, found {locale!r}"
    return None


@functools.lru_cache(maxsize=4096)
def long_date(date: dt.date, locale: str) -> str:
    """A date as CLDR writes it in a locale: `1 juni 2025`, `1. kesäkuuta 2025`, `1. Juni 2025`,
    `June 1, 2025`; `en_GB`: `1 June 2025` (cached: every page lists the dates of every revision)."""
    return format_date(date, format="long", locale=Locale.parse(catalog_name(locale)))
