"""What `policypress new` accepts as a value: printable text, e-mail addresses that are addresses,
and a company name that the theme can show as HTML.

Each check returns None for a good value, else what was expected and what was found, for a
message that names the flag."""

from __future__ import annotations

import html
import re
import unicodedata

# Joiners that some scripts (Persian, the Indic ones) and emoji need; every other format character
# is invisible or reorders the text around it (the bidirectional overrides).
JOINERS = {"\u200c", "\u200d"}


def character(char: str) -> str:
    """A character as a message shows it: its code point and, where Unicode has one, its name."""
    name = unicodedata.name(char, "")
    return f"U+{ord(char):04X}" + (f" ({name})" if name else "")


def unprintable(value: str) -> str | None:
    """A value with a control character (C0, DEL, C1), a line or paragraph separator, a
    bidirectional or other invisible format character, or a byte that was not UTF-8 is refused:
    written into mkdocs.yml or a page it breaks the file or hides what the text says."""
    for position, char in enumerate(value, 1):
        category = unicodedata.category(char)
        if category == "Cs":
            kind = "a byte that is not UTF-8"
        elif category == "Cc":
            kind = "a control character"
        elif category in ("Zl", "Zp"):
            kind = "a line break"
        elif category == "Cf" and char not in JOINERS:
            kind = "an invisible formatting character (such as a bidirectional override)"
        else:
            continue
        what = "" if category == "Cs" else f", {character(char)},"
        return f"expected printable text; found {kind}{what} at character {position} of {value!r}"
    return None


def html_unsafe(value: str) -> str | None:
    """The company's name is shown as HTML by the Material theme in places (the header's label, the
    page title, the meta description) and escaped in others, so no spelling of `<`, `>`, `"` or a
    character reference such as `&amp;` is right in both: they are refused."""
    found = sorted({char for char in value if char in '<>"'})
    if found:
        return (f"expected a name without {' '.join(found)} (the site's theme shows the name as HTML; typographic "
                f"quotes “ ” are fine); found {value!r}")
    if html.unescape(value) != value:
        return (f"expected a name without HTML character references such as &amp; (the site's theme shows the "
                f"name as HTML; a plain & is fine); found {value!r}")
    return None


# RFC 5322's dot-atom: the characters of a local part ("atext"), and letters and digits of other
# scripts for internationalised addresses (RFC 6531); quoted local parts and comments are not taken.
ATEXT = r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]|[^\x00-\x7f\W]"
LOCAL = re.compile(rf"(?:{ATEXT})+(?:\.(?:{ATEXT})+)*")
# A domain label: letters and digits (of any script), hyphens inside.
LABEL = re.compile(r"[^\W_](?:[^\W_]|-)*(?<!-)")
EXAMPLE = "privacy@example.com"


def address_problem(value: str) -> str | None:
    """Why `value` is not an e-mail address (user@domain.example), or None."""
    # One @: a second one could only stand in a quoted local part, which is not taken.
    if value.count("@") != 1:
        return "there is no @" if "@" not in value else "there is more than one @"
    local, domain = value.split("@")
    if not local:
        return "there is nothing before the @"
    if len(local) > 64:
        return "the part before the @ is longer than 64 characters"
    # The local part: name the first character that cannot be in it, so that the message says what to fix.
    if not LOCAL.fullmatch(local):
        wrong = next((c for c in local if not re.fullmatch(ATEXT, c) and c != "."), None)
        if wrong is not None:
            return f"{wrong!r} cannot stand before the @; letters, digits, dots and !#$%&'*+-/=?^_`{{|}}~ can"
        return "the part before the @ starts or ends with a dot, or has two in a row"
    # The domain: at least two labels, as a public address has (no "localhost", no bare IP).
    labels = domain.split(".")
    if len(labels) < 2 or not all(LABEL.fullmatch(label) for label in labels):
        return "the part after the @ is not a domain name such as example.com"
    if any(len(label) > 63 for label in labels) or len(local) + 1 + len(domain) > 254:
        return "the address is longer than an address can be"
    if labels[-1].isdigit():
        return "the part after the @ ends in a number, not a top-level domain"
    try:
        domain.encode("idna")  # a name of other scripts must have an ASCII form (IDNA) of a domain's length
    except UnicodeError:
        return "the part after the @ is not a domain name such as example.com"
    return None


def email_problem(value: str) -> str | None:
    """An e-mail address as RFC 5322 (dot-atom) and RFC 1123 (domain names) write it, or a message."""
    problem = address_problem(value.strip())
    return None if problem is None else f"expected an e-mail address such as {EXAMPLE}, found {value!r} ({problem})"
