"""`policypress new DIR`: a complete policy site for one company, ready to edit, check and publish.

The site is made from the templates in `policypress/scaffold/`: one register of facts per policy
(`register/<policy>.yml.j2`, the same for every language), and per language the texts of each
policy's entries (`<language>/<policy>.yml.j2`), its Markdown text (`<language>/<policy>.md.j2`)
and the landing page; `project/` holds mkdocs.yml, the editors' README and the CI files. The default
language's file of a policy gets the facts and its texts, every other language its texts only, as
policypress expects. What only the company knows is a `TODO` with a hint, which `policypress check`
lists with file, line and field until it is written.

Every value is data: checked (`new_values`: printable text, real e-mail addresses, a company name
the theme can show as HTML) and written escaped for the file it goes into (`new_escape`).

Nothing is ever overwritten: a folder that exists and is not empty is refused, and the site is
written into a temporary folder next to DIR and renamed into place at the end (`new_staging`), so
an interrupted `new` leaves nothing half-written, and no temporary folder either.
"""

from __future__ import annotations

import argparse
import re
import sys
import textwrap
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from . import new_requirement
from . import new_staging as staging
from .new_country import check_country, country_code, country_from_number, country_name
from .new_escape import html_text, mailto, markdown_text, yaml_flow, yaml_scalar
from .new_values import email_problem, html_unsafe, unprintable

SCAFFOLD = Path(__file__).resolve().parent / "scaffold"
POLICIES = ("privacy", "cookies")
# How each language names itself in the language switcher.
LANGUAGE_NAMES = {"sv": "Svenska", "en": "English", "fi": "Suomi", "de": "Deutsch"}
ENGLISH_NAMES = {"sv": "Swedish", "en": "English", "fi": "Finnish", "de": "German"}  # for the editors' README
DEFAULT_LANGUAGES = "sv,en"
WIDTH = 100  # front-matter lines are folded at this width
CHILD_AGE_TODO = "[TODO: the age under which a child needs a parent's consent in your country (GDPR Art. 8)]"

# The register lists of a policy, in the order they are written, with the key that matches an
# entry across languages (transfers are facts only).
LISTS: tuple[tuple[str, str | None], ...] = (
    ("personal_data", "id"), ("sources", "id"), ("processing", "id"), ("processor_activities", "id"),
    ("recipients", "id"), ("transfers", None), ("cookies", "name"),
)
# What the editor reads above each list in the default language's file.
COMMENTS = {
    "personal_data": "Categories of personal data, as DPV terms (https://w3id.org/dpv/pd).",
    "sources": "Where data comes from when the person does not give it to you (GDPR Art. 14).",
    "processing": "One entry per purpose. legal_basis: eu-gdpr:A6-1-a (consent) … eu-gdpr:A6-1-f (legitimate "
                  "interest), one or a list; retention: an ISO 8601 period (P3Y) and/or the event it counts from or "
                  "lasts until, and the law that sets it (statute).",
    "processor_activities": "Work you do for business customers as their processor (GDPR Art. 28). Do none? Delete "
                            "this list, here and in every language, and its section of the text.",
    "recipients": "Who receives data. kind: dpv:DataProcessor, dpv:DataController or dpv:GovernmentalOrganisation; "
                  "country: an ISO code (SE), a list ([SE, US]) or a region (EEA, third-countries, worldwide).",
    "transfers": "Every transfer outside the EU/EEA, with its GDPR Chapter V safeguard.",
    "cookies": "Every cookie and storage key the website sets. `policypress audit https://your.site/ --suggest` "
               "finds them.",
}


@dataclass(frozen=True)
class Company:
    name: str
    org_number: str | None  # optional, as in mkdocs.yml
    country: str  # where it is established (new_country): its authority and laws
    languages: tuple[str, ...]
    email: str
    dpo_email: str | None = None

    @property
    def swedish(self) -> bool:
        return self.country == "SE"

    @property
    def domain(self) -> str:
        """The company's web domain, as its contact address gives it."""
        return self.email.rsplit("@", 1)[1].lower()


class Refused(Exception):
    """`new` cannot go on: each line is printed, nothing was written."""

    def __init__(self, *lines: str) -> None:
        super().__init__(*lines)
        self.lines = lines


# --- what is asked ---------------------------------------------------------------------------------


def swedish_org_number(number: str) -> str | None:
    """A Swedish organisation number (NNNNNN-NNNN; also written without the hyphen or with the
    century prefix 16) as it is usually written, else None."""
    match = re.fullmatch(r"(?:16)?(\d{6})-?(\d{4})", number.strip())
    return f"{match[1]}-{match[2]}" if match else None


def check_digit_ok(number: str) -> bool:
    """The last digit of a Swedish organisation number is a Luhn check digit of the other nine."""
    digits = number.replace("-", "")
    total = sum(sum(divmod(int(d) * (2 - i % 2), 10)) for i, d in enumerate(digits[:9]))
    return (10 - total % 10) % 10 == int(digits[9])


def available_languages() -> tuple[str, ...]:
    """Languages with both policypress's texts (a catalog) and the scaffold's policy texts."""
    from .core.texts import languages

    return tuple(code for code in languages() if (SCAFFOLD / code / "privacy.md.j2").is_file())


def check_company(value: str) -> str | None:
    return html_unsafe(value) if value.strip() else "expected the company's name, e.g. Solvik Kaffe AB"


def check_org_number(value: str) -> str | None:
    if not value.strip() or re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9 ./-]*", value.strip()):
        return None
    return "expected the organisation number, e.g. 559900-0142 (letters, digits, '-', '/', '.' and spaces)"


def check_languages(value: str) -> str | None:
    codes = [code.strip() for code in value.split(",")]
    offered = available_languages()
    unknown = [code for code in codes if code not in offered]
    if unknown or not codes:
        return (f"expected languages policypress has texts for ({', '.join(offered)}), separated by commas, the "
                f"default first, e.g. {DEFAULT_LANGUAGES}; found {', '.join(repr(c) for c in unknown) or 'none'}")
    twice = sorted({code for code in codes if codes.count(code) > 1})
    if twice:
        return f"expected each language once, found {', '.join(twice)} more than once"
    return None


def check_optional_email(value: str) -> str | None:
    return None if not value.strip() else email_problem(value)


@dataclass(frozen=True)
class Question:
    flag: str
    attribute: str
    prompt: str
    check: Callable[[str], str | None]
    required: bool = True
    default: str | None = None


QUESTIONS = (
    Question("--company", "company", "Company name", check_company),
    Question("--org-number", "org_number", "Organisation number (empty: none)", check_org_number, required=False,
             default=""),
    # Needed only where the organisation number does not tell it (`needs_country`).
    Question("--country", "country", "Country the company is established in, as a two-letter code such as SE",
             check_country, required=False),
    Question("--languages", "languages", "Languages, the default first", check_languages, required=False,
             default=DEFAULT_LANGUAGES),
    Question("--email", "email", "E-mail address for privacy questions", email_problem),
    Question("--dpo-email", "dpo_email", "Data protection officer's e-mail (empty: none appointed)",
             check_optional_email, required=False, default=""),
)


USAGE = ("usage: policypress new DIR --company NAME --email ADDRESS [--org-number NUMBER] [--country CODE] "
         "[--languages sv,en] [--dpo-email ADDRESS]")


def needs_country(values: dict[str, str]) -> bool:
    """No --country, and no organisation number whose form tells the country."""
    return "country" not in values and country_from_number(values.get("org_number")) is None


def gather(args: argparse.Namespace, interactive: bool) -> Company:
    """The company's details from the flags, and by questions on the terminal for those missing
    (when a required one is missing, or the country, and there is a terminal to ask on)."""
    values: dict[str, str] = {}
    problems: list[str] = []
    for question in QUESTIONS:
        given = getattr(args, question.attribute)
        if given is None:
            continue
        problem = unprintable(given) or question.check(given)
        if problem:
            problems.append(f"{question.flag}: {problem}")
        values[question.attribute] = given
    if problems:
        raise Refused(*problems, "nothing was written")
    missing = [q.flag for q in QUESTIONS if q.required and q.attribute not in values]
    if not interactive and (missing or needs_country(values)):
        why = []
        if needs_country(values):
            missing.append("--country")
            why = ["--country: the organisation number does not show the country the company is established in "
                   "(a Swedish or a Finnish one does), and the country decides the supervisory authority and the laws "
                   "the policies name; give its two-letter code, such as SE"]
        raise Refused(f"new needs {spoken_list(missing)} (there is no terminal to ask on); nothing was written",
                      *why, USAGE)
    for question in QUESTIONS:
        if question.attribute in values or (question.attribute == "country" and not needs_country(values)):
            continue
        if missing or question.attribute == "country":
            values[question.attribute] = ask(question)
    org_number = values.get("org_number", "").strip() or None
    country = country_code(values.get("country") or country_from_number(org_number) or "")
    return Company(
        name=" ".join(values["company"].split()),
        org_number=(swedish_org_number(org_number) if country == "SE" and org_number else None) or org_number,
        country=country,
        languages=tuple(code.strip() for code in values.get("languages", DEFAULT_LANGUAGES).split(",")),
        email=values["email"].strip(),
        dpo_email=(values.get("dpo_email") or "").strip() or None,
    )


def ask(question: Question) -> str:
    """One answer from the terminal, asked again until it is valid."""
    shown = f" [{question.default}]" if question.default else ""
    while True:
        try:
            answer = input(f"{question.prompt}{shown}: ")
        except EOFError:
            raise Refused(f"no answer for {question.flag}; nothing was written") from None
        if not answer.strip() and question.default is not None:
            answer = question.default
        problem = unprintable(answer) or question.check(answer)
        if problem is None:
            return answer
        print(f"  {problem}")


# --- what is written -------------------------------------------------------------------------------


def spoken_list(items: list[str]) -> str:
    """'a', 'a and b', 'a, b and c'."""
    return items[0] if len(items) == 1 else f"{', '.join(items[:-1])} and {items[-1]}"


def _lines(key: str, value: Any, indent: int) -> list[str]:
    """`key: value` in the front-matter style of the README: short lists and mappings on one line,
    entries of a register list on lines of their own, long texts folded."""
    pad = " " * indent
    head = f"{pad}{key}:"
    simple = lambda v: not isinstance(v, (dict, list))  # noqa: E731
    if isinstance(value, dict):
        flow = yaml_flow(value)
        if all(map(simple, value.values())) and len(head) + 1 + len(flow) <= WIDTH:
            return [f"{head} {flow}"]
        return [head] + [line for k, v in value.items() for line in _lines(k, v, indent + 2)]
    if isinstance(value, list):
        if all(map(simple, value)):
            return [f"{head} {yaml_flow(value)}"]
        out = [head]
        for item in value:
            item_lines = [line for k, v in item.items() for line in _lines(k, v, indent + 4)]
            out += [f"{pad}  - {item_lines[0][indent + 4:]}", *item_lines[1:]]
        return out
    if key == "version":
        return [f'{head} "{value}"']
    if key == "effective":
        return [f"{head} {value}"]
    text = yaml_scalar(value)
    if (isinstance(value, str) and len(head) + 1 + len(text) > WIDTH and "  " not in value and "\n" not in value
            and not value.startswith("TODO")):  # a placeholder stays on one line, where it is found whole
        kept = re.sub(r"\[TODO[^\]]*\]", lambda m: m[0].replace(" ", "\0"), value)
        folded = textwrap.wrap(kept, WIDTH - indent - 2, break_long_words=False, break_on_hyphens=False)
        return [f"{head} >-", *(f"{pad}  {line.replace(chr(0), ' ')}" for line in folded)]
    return [f"{head} {text}"]


def front_matter(meta: dict[str, Any], comments: dict[str, str] | None = None, lead: str | None = None) -> str:
    """The front matter block of a Markdown file, a blank line (and a comment) before each list;
    `lead` is said once, before the first."""
    out: list[str] = []
    for key, value in meta.items():
        if isinstance(value, list) and value and isinstance(value[0], dict):
            out.append("")
            said = [lead] if lead and not any(line.startswith("  - ") for line in out) else []
            said += [comments[key]] if comments and key in comments else []
            out += [f"# {line}" for text in said for line in textwrap.wrap(text, WIDTH - 2)]
        out += _lines(key, value, 0)
    return "---\n" + "\n".join(out) + "\n---\n"


def policy_meta(facts: dict[str, Any], labels: dict[str, Any], default: bool) -> dict[str, Any]:
    """A policy's front matter in one language: the facts and this language's texts (default), or
    the texts only, each entry matched by its id (cookies by name)."""
    meta: dict[str, Any] = {"policy": facts["policy"], "title": labels["title"], "description": labels["description"],
                            "version": facts["version"]}
    if default:
        meta["effective"] = facts["effective"]
    meta["summary"] = labels["summary"]
    if default and "automated_decisions" in facts:
        meta["automated_decisions"] = facts["automated_decisions"]
    if "children" in labels:
        meta["children"] = labels["children"]
    for name, key in LISTS:
        entries = facts.get(name)
        if entries is None:
            continue
        if key is None:
            if default:
                meta[name] = entries
            continue
        texts = labels.get(name) or {}
        unknown = set(texts) - {entry[key] for entry in entries}
        if unknown:
            raise ValueError(f"scaffold: texts for {name} {sorted(unknown)} that the register does not have")
        meta[name] = [({**entry} if default else {key: entry[key]}) | texts[entry[key]] for entry in entries]
    return meta


def environment():  # type: ignore[no-untyped-def]
    import jinja2

    env = jinja2.Environment(loader=jinja2.FileSystemLoader(str(SCAFFOLD)), undefined=jinja2.StrictUndefined,
                             keep_trailing_newline=True, trim_blocks=True, lstrip_blocks=True, autoescape=False)
    # Every value of the company goes through the filter of the file it lands in.
    env.filters.update(yaml=yaml_scalar, md=markdown_text, html=html_text, mailto=mailto)
    return env


def render_site(company: Company, today: str) -> dict[str, str]:
    """Every file of the new site by its path in the site, as text."""
    from .core.frontmatter import parse_yaml

    env = environment()
    default = company.languages[0]
    # requirements.txt names the policypress that runs, as a CI runner can install it (or a TODO).
    pin = new_requirement.current()
    context: dict[str, Any] = {
        "company": company.name, "org_number": company.org_number, "email": company.email,
        "dpo_email": company.dpo_email, "swedish": company.swedish, "domain": company.domain,
        "country": company.country, "country_name": country_name(company.country),
        "languages": company.languages, "default_language": default, "language_names": LANGUAGE_NAMES,
        "english_names": ENGLISH_NAMES,
        "language_list": spoken_list([ENGLISH_NAMES[code] for code in company.languages]),
        "effective": today, "policies": POLICIES, "requirement": pin.requirement, "requirement_todo": pin.todo,
        "requirement_needs_git": pin.needs_git,
        # GDPR Art. 8: Sweden set the age at 13 (lag (2018:218) 2 kap. 4 §); elsewhere it is for the company to say.
        "child_age": "13" if company.swedish else CHILD_AGE_TODO,
    }
    context["site_texts"] = {language: parse_yaml(env.get_template(f"{language}/site.yml.j2").render(context))
                             for language in company.languages}
    files: dict[str, str] = {}
    for name, target in (("mkdocs.yml.j2", "mkdocs.yml"), ("README.md.j2", "README.md"),
                         ("requirements.txt.j2", "requirements.txt"), ("gitignore.j2", ".gitignore"),
                         ("github-workflow.yml.j2", ".github/workflows/policies.yml"),
                         ("gitlab-ci.yml.j2", ".gitlab-ci.yml")):
        files[target] = env.get_template(f"project/{name}").render(context)
    for policy in POLICIES:
        facts = parse_yaml(env.get_template(f"register/{policy}.yml.j2").render(context))
        for language in company.languages:
            here = {**context, "language": language}
            labels = parse_yaml(env.get_template(f"{language}/{policy}.yml.j2").render(here))
            body = env.get_template(f"{language}/{policy}.md.j2").render({**here, "labels": labels})
            meta = policy_meta(facts, labels, language == default)
            if language == default:
                head = front_matter(meta, COMMENTS)
            else:
                head = front_matter(meta, lead=f"The {ENGLISH_NAMES[language]} texts only, each matched by its id: the "
                                               f"facts (legal bases, retention, countries, cookies) are in "
                                               f"index.{default}.md.")
            files[f"docs/{policy}/index.{language}.md"] = f"{head}\n{body}"
    for language in company.languages:
        files[f"docs/index.{language}.md"] = env.get_template(f"{language}/index.md.j2").render(
            {**context, "language": language})
    return files


def refuse_taken(target: Path) -> None:
    """A file, or a folder with anything in it, is never written over."""
    if target.exists() and not target.is_dir():
        raise Refused(f"will not create a site at {target}: it is a file; nothing was written")
    if target.is_dir() and any(target.iterdir()):
        raise Refused(f"will not create a site in {target}: it exists and is not empty, and new never overwrites "
                      f"anything; nothing was written. Name a new folder (or an empty one)")


def write_site(target: Path, files: dict[str, str]) -> None:
    """Write the site into a new folder next to `target`, then rename it to `target` (an empty
    folder there is replaced, anything else refused): all of it or nothing. Temporary folders
    that killed runs left next to it are removed, or named, first."""
    refuse_taken(target)
    parent = target.absolute().parent
    if not parent.is_dir():
        raise Refused(f"will not create a site in {target}: its parent folder {parent} does not exist; "
                      f"nothing was written")
    for note in staging.clear_stale(parent):
        print(f"policypress: note: {note}", file=sys.stderr)
    folder = staging.folder_for(target)
    try:
        staging.create(folder)
        for relative, text in files.items():
            path = folder / relative
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
        try:
            staging.put_in_place(folder, target)  # replaces an empty folder; never a full one (ENOTEMPTY)
        except OSError as error:
            raise Refused(f"will not create a site in {target}: {reason(error)} (it was filled or made meanwhile); "
                          f"nothing was written") from None
    except PermissionError as error:
        raise Refused(f"cannot write in {parent}: {reason(error)}; nothing was written") from None
    except OSError as error:
        raise Refused(f"cannot write the site next to {target}: {reason(error)}; nothing was written") from None
    finally:
        staging.remove(folder)


def reason(error: OSError) -> str:
    return (error.strerror or str(error)).lower()


# --- the command -----------------------------------------------------------------------------------


def register(commands: Any) -> None:
    """Add `new` to the `policypress` command's subcommands."""
    parser = commands.add_parser(
        "new", help="create a complete policy site for your company (asks for what is missing on a terminal)",
        description="Create a policy site: mkdocs.yml, a privacy policy and a cookie policy in every language, "
                    "landing pages, a README for editors and CI files for GitHub and GitLab. What only the "
                    "company knows is marked TODO; `policypress check` lists each one.")
    parser.add_argument("directory", type=Path, metavar="DIR", help="a new (or empty) folder for the site")
    parser.add_argument("--company", metavar="NAME", help="the company's name, e.g. 'Solvik Kaffe AB'")
    parser.add_argument("--org-number", metavar="NUMBER",
                        help="its organisation number, e.g. 559900-0147, if the policies are to show it")
    parser.add_argument("--country", metavar="CODE",
                        help="the EU/EEA country it is established in, e.g. SE: it decides the supervisory authority "
                             "and the laws the policies name (default: the organisation number's country, where its "
                             "form tells it, else asked)")
    parser.add_argument("--languages", metavar="LIST",
                        help=f"the site's languages, the default first (default: {DEFAULT_LANGUAGES})")
    parser.add_argument("--email", metavar="ADDRESS", help="where people write with privacy questions")
    parser.add_argument("--dpo-email", metavar="ADDRESS",
                        help="the data protection officer's address, if one is appointed")


def run(args: argparse.Namespace) -> int:
    from .core.frontmatter import read_source
    from .core.timeline import build_date
    from .core.todo import in_config, in_requirements, in_source

    target: Path = args.directory
    try:
        unfit = unprintable(str(target))
        if unfit:
            raise Refused(f"DIR: {unfit}; nothing was written")
        refuse_taken(target)  # before anything is asked
        company = gather(args, interactive=sys.stdin is not None and sys.stdin.isatty())
        files = render_site(company, build_date().isoformat())
        with staging.stopping_cleanly():
            write_site(target, files)
    except Refused as refused:
        for line in refused.lines:
            print(f"policypress: {line}", file=sys.stderr)
        return 2
    except (KeyboardInterrupt, staging.Stopped) as stop:
        how, code = ("interrupted", 130) if isinstance(stop, KeyboardInterrupt) else (f"stopped by {stop.name}",
                                                                                        128 + stop.signum)
        # A signal held while the site was renamed into place arrives just after: the site is whole.
        done = (target / "mkdocs.yml").is_file()
        print(f"\npolicypress: {how}; " + (f"the site was written in {target} just before" if done else
                                           "nothing was written"), file=sys.stderr)
        return code
    todos = [*in_config(target / "mkdocs.yml", "mkdocs.yml"),
             *in_requirements(target / "requirements.txt", "requirements.txt"),
             *(problem for relative in files if relative.startswith("docs/")
               for problem in in_source(read_source(target / relative, relative)))]
    print(f"policypress: created the policy site of {company.name} in {target} "
          f"({len(files)} files; languages {', '.join(company.languages)}; country {company.country})")
    if company.swedish and company.org_number and swedish_org_number(company.org_number) \
            and not check_digit_ok(company.org_number):
        print(f"note: {company.org_number} has the form of a Swedish organisation number but not its check digit; "
              f"check it (controller.identifier in mkdocs.yml)")
    print(f"Next: {len(todos)} places marked TODO need what only {company.name} knows. "
          f"`policypress check` (in {target}) lists them; README.md there says how to edit, preview, release "
          f"and publish.")
    return 0
