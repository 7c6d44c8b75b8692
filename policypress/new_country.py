"""The country a company of `policypress new` is established in: it decides the supervisory
authority people can complain to and the laws the policies name (for Sweden IMY, the
bookkeeping and consumer sales acts; elsewhere placeholders that say which country's).

It is given with `--country`, or read from the organisation number where its form tells the
country (Swedish NNNNNN-NNNN, Finnish business ID NNNNNNN-N), or asked on a terminal."""

from __future__ import annotations

import re

from babel import Locale

from .core.vocabulary import EEA_COUNTRIES

# The countries whose organisation numbers have a form of their own, and that form.
NUMBER_FORMS = (
    ("SE", re.compile(r"(?:16)?\d{6}-?\d{4}")),  # organisationsnummer, with or without the century 16
    ("FI", re.compile(r"\d{7}-\d")),  # Y-tunnus
)


def country_from_number(number: str | None) -> str | None:
    """The country an organisation number's form tells, or None (no number, or a form several
    countries use, such as "HRB 12345")."""
    if not number:
        return None
    return next((country for country, form in NUMBER_FORMS if form.fullmatch(number.strip())), None)


def country_code(value: str) -> str:
    """A country as it is written in mkdocs.yml: `se` and ` SE ` are SE."""
    return value.strip().upper()


def check_country(value: str) -> str | None:
    if country_code(value) in EEA_COUNTRIES:
        return None
    return (f"expected the two-letter code of the EU/EEA country the company is established in, one of "
            f"{' '.join(sorted(EEA_COUNTRIES))}; found {value!r}")


def country_name(code: str) -> str:
    """The country's name in English, for the hints of the placeholders (CLDR's, through Babel)."""
    return Locale("en").territories.get(code, code)
