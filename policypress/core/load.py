"""Find the policy sources in a docs folder, validate them and build the `Site` model.

A page is a policy when its front matter has `policy:`. Other pages are left alone,
except when they carry policy fields without `policy:` (a typo would otherwise turn a
policy into an unchecked page).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from .frontmatter import Source, read_source
from .model import Cookie, DataCategory, Policy, Purpose, Recipient, Register, Revision, RevisionText, Site, merge
from .problems import Problem, display_path
from .schema import (
    PAGE_KEYS,
    POLICY_KEYS,
    CookieText,
    DataCategoryText,
    PolicySource,
    PurposeText,
    RecipientText,
    TranslationSource,
)
from .types import nearest
from .validate import check_register, check_schema, check_translation


@dataclass
class LoadResult:
    site: Site
    problems: list[Problem] = field(default_factory=list)


def language_of(path: PurePosixPath, languages: Sequence[str], default: str) -> tuple[str, PurePosixPath]:
    """`privacy/index.en.md` -> ('en', 'privacy/index.md'); no suffix means the default language
    (the rule of mkdocs-static-i18n's suffix structure)."""
    parts = path.name.split(".")
    if len(parts) >= 3 and parts[-2] in languages:
        return parts[-2], path.with_name(".".join(parts[:-2] + parts[-1:]))
    return default, path


def policy_files(docs_dir: Path) -> list[Path]:
    """Markdown files MkDocs would render (hidden folders and files skipped), in stable order."""
    return [
        path for path in sorted(docs_dir.rglob("*.md"))
        if not any(part.startswith(".") for part in path.relative_to(docs_dir).parts)
    ]


def load_site(
    docs_dir: Path,
    languages: Sequence[str],
    default_language: str,
    *,
    root: Path | None = None,
) -> LoadResult:
    """Read every policy under `docs_dir`. Policies with problems are left out of the site;
    the problems say why. `root` is what paths in messages are relative to."""
    root = root or docs_dir.parent
    problems: list[Problem] = []
    # policy id -> language -> source
    grouped: dict[str, dict[str, Source]] = defaultdict(dict)
    stems: dict[tuple[str, str], PurePosixPath] = {}

    # Files whose front matter could not be read at all; their own problem explains them.
    unreadable: set[Path] = set()
    plain: set[Path] = set()

    for path in policy_files(docs_dir):
        relative = PurePosixPath(path.relative_to(docs_dir).as_posix())
        language, stem = language_of(relative, languages, default_language)
        source = read_source(path, display_path(path, root))
        if source.meta is None:
            problems += source.problems
            (unreadable if source.problems else plain).add(path)
            continue
        policy_id = source.meta.get("policy")
        if policy_id is None:
            problems += source.problems + _stray_policy_fields(source)
            plain.add(path)
            continue
        if not isinstance(policy_id, str) or language in grouped.get(policy_id, {}):
            # Without a usable id, or with an id already taken, the file cannot be grouped
            # with its translations; validate it alone so all its problems are still listed.
            problems += source.problems + check_schema(source, PolicySource)[1]
            if isinstance(policy_id, str):
                first = grouped[policy_id][language]
                problems.append(Problem(source.shown, source.line_of(("policy",)), "policy",
                                        f"expected each policy once per language, found policy {policy_id!r} "
                                        f"in {language} also in {first.shown}; give one of them another id"))
            continue
        grouped[policy_id][language] = source
        stems[(policy_id, language)] = stem

    policies: dict[str, Policy] = {}
    for policy_id, sources in grouped.items():
        missing = _Missing(policy_id, docs_dir, root, unreadable, plain)
        policy, found = _load_policy(policy_id, sources, stems, languages, default_language, missing)
        problems += found
        if policy is not None:
            policies[policy_id] = policy

    site = Site(tuple(languages), default_language, policies)
    return LoadResult(site, sorted(set(problems)))


def _stray_policy_fields(source: Source) -> list[Problem]:
    """A page without `policy:` that still has policy fields, or near spellings of them."""
    keys = [k for k in source.meta or {} if isinstance(k, str) and k not in PAGE_KEYS and k != "title"]
    problems = []
    for key in keys:
        guess = key if key in POLICY_KEYS else nearest(key, [*POLICY_KEYS, "policy"])
        if guess is None:
            continue
        spelling = "" if guess == key else f"unknown key {key!r}; did you mean {guess!r}? "
        problems.append(Problem(source.shown, source.line_of((key,)), "policy" if guess == key else key,
                                f"{spelling}this page has policy fields but no 'policy: <id>' line, so it is "
                                f"not checked or versioned; expected 'policy: <id>' on a policy page"))
    return problems[:1]


@dataclass
class _Missing:
    """Explains a language text that was not found, without repeating a problem already
    reported for the file that should have been it."""

    policy_id: str
    docs_dir: Path
    root: Path
    unreadable: set[Path]
    plain: set[Path]

    def problem(self, reporter: Source, stem: PurePosixPath, language: str, default: bool) -> list[Problem]:
        path = self.docs_dir / _with_language(stem, language)
        expected = display_path(path, self.root)
        if path in self.unreadable:
            return []
        if path in self.plain:
            message = (f"policy {self.policy_id!r} has no {language} text: {expected} exists but has no "
                       f"'policy: {self.policy_id}' line; expected it there")
        elif default:
            message = f"policy {self.policy_id!r} is missing in the default language ({language}); expected {expected}"
        else:
            message = (f"policy {self.policy_id!r} has no {language} text; expected {expected} "
                       f"(every policy is published in every language)")
        return [Problem(reporter.shown, None, "", message)]


def _load_policy(
    policy_id: str,
    sources: dict[str, Source],
    stems: dict[tuple[str, str], PurePosixPath],
    languages: Sequence[str],
    default_language: str,
    missing: _Missing,
) -> tuple[Policy | None, list[Problem]]:
    problems: list[Problem] = [p for source in sources.values() for p in source.problems]
    default = sources.get(default_language)
    if default is None:
        language, any_source = next(iter(sources.items()))
        problems += missing.problem(any_source, stems[(policy_id, language)], default_language, default=True)
        # Still validate what exists so its own problems are reported in this same run.
        for source in sources.values():
            problems += check_schema(source, TranslationSource)[1]
        return None, problems

    doc, found = check_schema(default, PolicySource)
    problems += found + check_register(default)

    default_stem = stems[(policy_id, default_language)]
    translations: dict[str, TranslationSource] = {}
    for language in languages:
        if language == default_language:
            continue
        source = sources.get(language)
        if source is None:
            problems += missing.problem(default, default_stem, language, default=False)
            continue
        if stems[(policy_id, language)] != default_stem:
            expected = display_path(missing.docs_dir / _with_language(default_stem, language), missing.root)
            problems.append(Problem(source.shown, None, "",
                                    f"expected the {language} text of policy {policy_id!r} at {expected}, next to "
                                    f"{default.shown}, so that the language switcher links them; move or rename it"))
        translation, found = check_schema(source, TranslationSource, default)
        problems += found + check_translation(default, source)
        if translation is not None:
            translations[language] = translation

    if problems or doc is None:
        return None, problems
    revision = build_revision(doc, default_language, translations, sources)
    paths = {language: source.path for language, source in sources.items()}
    return Policy(policy_id, revision, (), paths), []


def _with_language(stem: PurePosixPath, language: str) -> PurePosixPath:
    return stem.with_name(f"{stem.stem}.{language}{stem.suffix}")


def build_revision(
    doc: PolicySource,
    default_language: str,
    translations: dict[str, TranslationSource],
    sources: dict[str, Source],
) -> Revision:
    """Join the default-language facts with every language's labels into one revision."""
    docs = {default_language: doc, **translations}

    def labels(list_name: str, key: str, text_model: type, item_key: str) -> dict[str, object]:
        out = {}
        for language, d in docs.items():
            item = next(i for i in getattr(d, list_name) if getattr(i, key) == item_key)
            out[language] = text_model.model_construct(**{f: getattr(item, f) for f in text_model.model_fields})
        return out

    register = Register(
        rights=tuple(doc.rights),
        personal_data=tuple(merge(DataCategory, c, labels("personal_data", "id", DataCategoryText, c.id)) for c in doc.personal_data),
        processing=tuple(merge(Purpose, p, labels("processing", "id", PurposeText, p.id)) for p in doc.processing),
        recipients=tuple(merge(Recipient, r, labels("recipients", "id", RecipientText, r.id)) for r in doc.recipients),
        transfers=tuple(doc.transfers),
        cookies=tuple(merge(Cookie, c, labels("cookies", "name", CookieText, c.name)) for c in doc.cookies),
    )
    texts = {
        language: RevisionText(language, d.title, d.summary, sources[language].body, sources[language].shown)
        for language, d in docs.items()
    }
    return Revision(doc.policy, doc.version, doc.effective, register, texts)
