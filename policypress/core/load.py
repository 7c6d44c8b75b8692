"""Find the policy sources in a docs folder, validate them and build the `Site` model.

A page is a policy when its front matter has `policy:`. Its *living text* is the file editors
change (`privacy/index.sv.md`); its *released revisions* are the sealed copies that
`policypress release` wrote next to it (`privacy/1.0.sv.md`, with `published` and `sha256`).
Other pages are left alone, except when they carry policy fields without `policy:` (a typo
would otherwise turn a policy into an unchecked page).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from . import archive, art13, consent, integrity, lenient, todo
from .frontmatter import Source, read_source
from .model import (
    Authority,
    Cookie,
    DataCategory,
    NamedSource,
    Policy,
    ProcessorActivity,
    Purpose,
    Recipient,
    Register,
    Revision,
    RevisionText,
    Site,
    SiteInfo,
    SourceRef,
    merge,
)
from .problems import Problem, display_path, ordered
from .register import check_placeholders
from .schema import (
    PAGE_KEYS,
    POLICY_KEYS,
    AutomatedDecisionsText,
    CookieText,
    DataCategoryText,
    PolicySource,
    ProcessorActivityText,
    PurposeEntry,
    PurposeText,
    RecipientText,
    SourceText,
    ReleasedPolicySource,
    ReleasedTranslationSource,
    TranslationSource,
)
from .types import Version, nearest
from .validate import check_labels, check_register, check_schema, check_translation

SEAL_KEYS = ("published", "sha256")


@dataclass
class LoadResult:
    site: Site
    problems: list[Problem] = field(default_factory=list)
    by_policy: dict[str, list[Problem]] = field(default_factory=dict)  # each policy's own problems
    # Policies left out of the site for their problems: id -> their living texts by language, and
    # their released files (so that a preview does not take them for stray pages).
    set_aside: dict[str, dict[str, Path]] = field(default_factory=dict)
    set_aside_revisions: frozenset[Path] = frozenset()
    # Each folder's manifest and release journal, as judged (for `release` and `seal`).
    records: dict[Path, integrity.Records] = field(default_factory=dict)


def language_of(path: PurePosixPath, languages: Sequence[str], default: str) -> tuple[str, PurePosixPath]:
    """`privacy/index.en.md` -> ('en', 'privacy/index.md'); no suffix means the default language
    (the rule of mkdocs-static-i18n's suffix structure)."""
    parts = path.name.split(".")
    if len(parts) >= 3 and parts[-2] in languages:
        return parts[-2], path.with_name(".".join(parts[:-2] + parts[-1:]))
    return default, path


def with_language(stem: PurePosixPath, language: str) -> PurePosixPath:
    return stem.with_name(f"{stem.stem}.{language}{stem.suffix}")


def policy_files(docs_dir: Path) -> list[Path]:
    """Markdown files MkDocs would render (hidden folders and files skipped), in stable order."""
    return [
        path for path in sorted(docs_dir.rglob("*.md"))
        if not any(part.startswith(".") for part in path.relative_to(docs_dir).parts)
    ]


@dataclass
class _Context:
    """What every check of one load needs to know."""

    docs_dir: Path
    root: Path
    languages: Sequence[str]
    default_language: str
    info: SiteInfo | None = None  # with it, living texts are also checked for completeness (Art. 13/14)
    stems: dict[Path, PurePosixPath] = field(default_factory=dict)  # source -> path without language
    unreadable: set[Path] = field(default_factory=set)  # front matter could not be read at all
    # Completeness findings per policy: reported in the same run as every other problem, but they
    # leave the policy in the site (a preview shows it).
    completeness: dict[str, list[Problem]] = field(default_factory=dict)
    plain: set[Path] = field(default_factory=set)  # no `policy:` line
    # Policies whose living text could not be grouped, with the problem that says why (see
    # `_group_living`): nothing else is said about them, so one cause gives one message.
    set_aside: dict[str, list[Problem]] = field(default_factory=dict)
    # Each folder's manifest and release journal (see `integrity.folder_records`).
    records: dict[Path, integrity.Records] = field(default_factory=dict)

    def shown(self, stem: PurePosixPath, language: str) -> str:
        return display_path(self.docs_dir / with_language(stem, language), self.root)


def load_site(
    docs_dir: Path,
    languages: Sequence[str],
    default_language: str,
    *,
    root: Path | None = None,
    info: SiteInfo | None = None,
    config_source: str = "mkdocs.yml",
    manifests: bool = True,
) -> LoadResult:
    """Read every policy under `docs_dir`. Policies with problems are left out of the site;
    the problems say why. `root` is what paths in messages are relative to. With `info` (the
    site-wide controller, DPO and authority), every policy is also checked for the items GDPR
    Art. 13/14 require; those problems are reported but leave the policy in the site. With
    `manifests` False, a folder without a manifest is no problem (`policypress seal` writes them)."""
    ctx = _Context(docs_dir, root or docs_dir.parent, languages, default_language, info)
    living, released, problems = _group_sources(ctx)
    ctx.records = integrity.folder_records(
        docs_dir, {p: {lang: s.path for lang, s in texts.items()} for p, texts in living.items()},
        {p: {s.path for group in groups.values() for s in group.values()} for p, groups in released.items()},
        ctx.root, required=manifests)

    policies: dict[str, Policy] = {}
    sources: dict[Path, SourceRef] = {}
    by_policy: dict[str, list[Problem]] = {}
    set_aside: dict[str, dict[str, Path]] = {}
    set_aside_revisions: set[Path] = set()
    for policy_id in sorted(set(living) | set(released)):
        policy, found = _load_policy(policy_id, living.get(policy_id, {}), released.get(policy_id, {}), ctx)
        problems += found
        by_policy[policy_id] = ordered(found)
        if policy is None:
            set_aside[policy_id] = {lang: s.path for lang, s in living.get(policy_id, {}).items()}
            set_aside_revisions |= {s.path.resolve() for group in released.get(policy_id, {}).values() for s in group.values()}
            continue
        policies[policy_id] = policy
        for language, source in living[policy_id].items():
            sources[source.path.resolve()] = SourceRef(policy_id, language)
        for group in released.get(policy_id, {}).values():
            for language, source in group.items():
                sources[source.path.resolve()] = SourceRef(policy_id, language, _version(source))
    # What a folder records of policies no longer there, and journals that no release wrote.
    for records in ctx.records.values():
        found = integrity.folder_problems(records, set(living) | set(released))
        problems += found
        for policy_id in records.folder.living:
            by_policy[policy_id] = ordered(by_policy.get(policy_id, []) + found)

    if info is not None:
        # The site's authority is needed unless every policy names its own.
        own = bool(living) and all("authority" in (s.get(default_language) or Source(Path(), "", {}, "")).meta
                                   for s in living.values())
        problems += art13.check_site(info, config_source, authority_needed=not own)
    if info is not None and info.consent_cookie:
        # Checked with the sources, so that `policypress check`, every build and the preview agree.
        for policy_id, policy in policies.items():
            found = consent.record_conflicts(policy.living, default_language, info.consent_cookie)
            problems += found
            by_policy[policy_id] = ordered(by_policy[policy_id] + found)
    # Placeholders (TODO) still to fill in: a policy's stay with its findings, which keep it in the site.
    problems += todo.placeholders(living, ctx.plain, ctx.root, config_source, into=ctx.completeness)
    for policy_id, found in ctx.completeness.items():
        problems += found
        by_policy[policy_id] = ordered(by_policy.get(policy_id, []) + found)
    site = Site(tuple(languages), default_language, policies, sources, info or SiteInfo())
    return LoadResult(site, ordered(problems), by_policy, set_aside, frozenset(set_aside_revisions), ctx.records)


ByLanguage = dict[str, Source]


def _group_sources(ctx: _Context) -> tuple[dict[str, ByLanguage], dict[str, dict[str, ByLanguage]], list[Problem]]:
    """Every policy source by policy and language: living texts, and released revisions by the
    version in their name. Files that cannot be grouped are reported here."""
    problems: list[Problem] = []
    candidates: list[_Living] = []
    unread: dict[Path, list[Problem]] = {}
    released: dict[str, dict[str, ByLanguage]] = defaultdict(lambda: defaultdict(dict))
    for path in policy_files(ctx.docs_dir):
        relative = PurePosixPath(path.relative_to(ctx.docs_dir).as_posix())
        language, stem = language_of(relative, ctx.languages, ctx.default_language)
        ctx.stems[path] = stem
        source = read_source(path, display_path(path, ctx.root))
        if source.meta is None:
            problems += source.problems
            if source.problems:
                ctx.unreadable.add(path)
                unread[path] = source.problems
            else:
                ctx.plain.add(path)
            continue
        policy_id = source.meta.get("policy")
        if policy_id is None:
            problems += source.problems + _stray_policy_fields(source)
            ctx.plain.add(path)
            continue
        if any(key in source.meta for key in SEAL_KEYS) or archive.is_archive_name(stem.stem):
            # A released revision (or a file named like one): grouped by the version in its name.
            if isinstance(policy_id, str):
                released[policy_id][archive.version_in_name(stem.stem)][language] = source
            else:
                problems += source.problems + check_schema(source, ReleasedPolicySource)[1]
            continue
        if not isinstance(policy_id, str):
            # Without a usable id the file cannot be grouped with its translations; validate it
            # alone so all its problems are still listed.
            problems += source.problems + check_schema(source, PolicySource)[1]
            continue
        candidates.append(_Living(source, policy_id, language, stem))
    living, found = _group_living(candidates, released, unread, ctx)
    return living, released, problems + found


@dataclass(frozen=True)
class _Living:
    """A living text as read: the id it claims, its language, its path without the language."""

    source: Source
    policy_id: str
    language: str
    stem: PurePosixPath


def _group_living(
    candidates: list[_Living],
    released: dict[str, dict[str, ByLanguage]],
    unread: dict[Path, list[Problem]],
    ctx: _Context,
) -> tuple[dict[str, ByLanguage], list[Problem]]:
    """The living texts by policy and language. The files of one text (`privacy/index.*.md`) are
    grouped only when all can be read and agree on one id: the id of the released revisions next
    to them, and no other text's. Otherwise one problem says why, and the policy is set aside
    with it (ctx.set_aside; its entry here is empty), so that no further message follows from
    files that were not grouped."""
    released_in: dict[PurePosixPath, set[str]] = defaultdict(set)
    for policy_id, groups in released.items():
        for group in groups.values():
            for source in group.values():
                released_in[ctx.stems[source.path].parent].add(policy_id)
    claimed = {c.policy_id for c in candidates}
    stems: dict[PurePosixPath, list[_Living]] = defaultdict(list)
    for candidate in candidates:
        stems[candidate.stem].append(candidate)
    for path in unread:
        if not archive.is_archive_name(ctx.stems[path].stem):
            stems.setdefault(ctx.stems[path], [])
    problems: list[Problem] = []
    kept: list[_Living] = []
    for stem, files in stems.items():
        orphans = released_in[stem.parent] - claimed  # released here, and no living text says so
        broken = [p for path, found in unread.items() if ctx.stems[path] == stem for p in found]
        if broken:
            # A file that cannot be read: its own problem explains the policy (the others wait).
            for policy_id in {f.policy_id for f in files} or (orphans if len(orphans) == 1 else set()):
                ctx.set_aside[policy_id] = broken
            continue
        wrong = _wrong_id(files, released_in[stem.parent], orphans, ctx)
        if wrong is None:
            kept += files
            continue
        expected, problem = wrong
        problems.append(problem)
        ctx.set_aside[expected] = [problem]
    living, found = _one_text_each(sorted(kept, key=lambda f: f.language != ctx.default_language), released_in)
    _set_aside_new_languages(living, released, ctx)
    for policy_id in ctx.set_aside:
        living.setdefault(policy_id, {})
    return living, problems + found


def _set_aside_new_languages(living: dict[str, ByLanguage], released: dict[str, dict[str, ByLanguage]], ctx: _Context) -> None:
    """A language added to the site after a policy was released, in which the policy has no text
    at all: one problem says so, not one more for each of its released revisions."""
    for policy_id, texts in living.items():
        default, revisions = texts.get(ctx.default_language), released.get(policy_id, {})
        if default is None or not revisions:
            continue
        absent = [language for language in ctx.languages
                  if language not in texts and not any(language in group for group in revisions.values())]
        found = [p for language in absent for p in _missing(policy_id, default, ctx.stems[default.path], language, ctx, None, default=False)]
        if found:
            ctx.set_aside[policy_id] = found
            texts.clear()


def _wrong_id(files: list[_Living], released_here: set[str], orphans: set[str], ctx: _Context) -> tuple[str, Problem] | None:
    """The id the files of one text should have and the problem with the first that has another
    (the default language's first), if one has: renamed away from its released revisions, or
    disagreeing with the other languages."""
    ids = {f.policy_id for f in files}
    files = sorted(files, key=lambda f: f.language != ctx.default_language)
    agreed = ids & released_here
    renamed = len(agreed) == 1 or (not agreed and len(orphans) == 1)
    if not renamed and len(ids) == 1:
        return None
    expected = min(agreed or orphans) if renamed else files[0].policy_id
    wrong = [f for f in files if f.policy_id != expected]
    if not wrong:
        return None
    source = wrong[0].source
    found = f"{wrong[0].policy_id!r}" + (f" (also in {', '.join(f.source.shown for f in wrong[1:])})" if wrong[1:] else "")
    if renamed:
        message = (f"expected {expected!r}, the id of the released revisions next to it, found {found}; a released "
                   f"policy keeps its id: change it back")
    else:
        message = f"the languages disagree on the id: expected {expected!r} as in {files[0].source.shown}, found {found}"
    return expected, Problem(source.shown, source.line_of(("policy",)), "policy", message)


def _one_text_each(kept: list[_Living], released_in: dict[PurePosixPath, set[str]]) -> tuple[dict[str, ByLanguage], list[Problem]]:
    """One text per policy and language. Of two files that claim one, the policy's is the one
    next to its released revisions (else the first); the other is reported, once for its text,
    and left out with the files of its text."""
    owners: dict[tuple[str, str], _Living] = {}
    for f in sorted(kept, key=lambda f: (f.policy_id not in released_in[f.stem.parent], f.source.path)):
        owners.setdefault((f.policy_id, f.language), f)
    twice: list[Problem] = []
    taken: dict[PurePosixPath, Problem] = {}  # texts whose id another text has
    for f in kept:
        owner, source = owners[(f.policy_id, f.language)], f.source
        if owner is f:
            continue
        line = source.line_of(("policy",))
        if f.stem == owner.stem:  # privacy/index.md and privacy/index.sv.md: one language twice
            twice.append(Problem(source.shown, line, "policy", f"expected one {f.language} text of policy "
                                 f"{f.policy_id!r}, found {owner.source.shown} and this one; remove one"))
        else:
            taken.setdefault(f.stem, Problem(source.shown, line, "policy", f"expected each policy id once, found "
                                             f"{f.policy_id!r} also in {owner.source.shown}; give one of them another id"))
    living: dict[str, ByLanguage] = defaultdict(dict)
    for f in kept:
        if owners[(f.policy_id, f.language)] is f and f.stem not in taken:
            living[f.policy_id][f.language] = f.source
    return living, twice + list(taken.values())


def _version(source: Source) -> Version:
    return Version.parse(str((source.meta or {})["version"]))


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


# --- one policy ---------------------------------------------------------------------------------


def _load_policy(
    policy_id: str,
    living_sources: dict[str, Source],
    released_sources: dict[str, dict[str, Source]],
    ctx: _Context,
) -> tuple[Policy | None, list[Problem]]:
    if not living_sources:
        if policy_id in ctx.set_aside:
            return None, ctx.set_aside[policy_id]
        source = next(iter(next(iter(released_sources.values())).values()))
        stem = ctx.stems[source.path].with_name("index.md")
        expected = ctx.shown(stem, ctx.default_language)
        message = f"policy {policy_id!r} has released revisions but no living text; expected {expected}"
        if ctx.docs_dir / with_language(stem, ctx.default_language) in ctx.plain:
            message = (f"policy {policy_id!r} has released revisions but no living text: {expected} exists but "
                       f"has no 'policy: {policy_id}' line; expected it there")
        return None, [Problem(source.shown, None, "", message)]

    living, problems = _load_revision(policy_id, living_sources, ctx)
    revisions: list[Revision] = []
    for name, group in released_sources.items():
        revision, found = _load_revision(policy_id, group, ctx, released=name, living_sources=living_sources)
        problems += found
        if revision is not None:
            revisions.append(revision)
    if problems or living is None:
        return None, problems
    revisions.sort(key=lambda r: r.version)
    problems += integrity.check_history(policy_id, living, revisions, living_sources, released_sources,
                                        ctx.records[next(iter(living_sources.values())).path.parent])
    if problems:
        return None, problems
    paths = {language: source.path for language, source in living_sources.items()}
    # A living text changed without a new version is reported, but the policy stays in the site so
    # that the preview can show the edit (no build publishes it: the problem stops every build).
    latest = revisions[-1] if revisions else None
    frozen = released_sources[str(latest.version)] if latest is not None and living.version == latest.version else {}
    edited = integrity.edited_without_version(policy_id, str(living.version), living_sources, frozen)
    return Policy(policy_id, living, tuple(revisions), paths, edited=bool(edited)), edited


def _load_revision(
    policy_id: str,
    sources: dict[str, Source],
    ctx: _Context,
    *,
    released: str | None = None,
    living_sources: dict[str, Source] | None = None,
) -> tuple[Revision | None, list[Problem]]:
    """Validate one revision in every language: the living text (`released` is None) or the
    released revision whose files are named `released` (a version, e.g. '1.0')."""
    problems: list[Problem] = [p for source in sources.values() for p in source.problems]
    schema, translation_schema = (
        (ReleasedPolicySource, ReleasedTranslationSource) if released else (PolicySource, TranslationSource)
    )
    default = sources.get(ctx.default_language)
    if default is None:
        language, any_source = next(iter(sources.items()))
        problems += _missing(policy_id, any_source, ctx.stems[any_source.path], ctx.default_language, ctx, released, default=True)
        for source in sources.values():
            problems += check_schema(source, translation_schema)[1]
        return None, problems

    doc, found = check_schema(default, schema)
    problems += found + check_register(default)
    if not released and ctx.info is not None:
        # Completeness is judged from the facts alone, those with problems stood in for, so that no
        # other problem hides it.
        facts, replaced = (doc, set()) if doc is not None else lenient.facts(default.meta)
        if facts is not None:
            alone = build_revision(facts, ctx.default_language, {}, {ctx.default_language: default}, ctx.info.rights)
            ctx.completeness[policy_id] = lenient.judged(art13.check_policy(alone, default), replaced)
    default_stem = ctx.stems[default.path]
    translations: dict[str, TranslationSource] = {}
    for language in ctx.languages:
        if language == ctx.default_language:
            continue
        source = sources.get(language)
        if source is None:
            problems += _missing(policy_id, default, default_stem, language, ctx, released, default=False)
            continue
        if ctx.stems[source.path] != default_stem:
            problems.append(Problem(source.shown, None, "",
                                    f"expected the {language} text of policy {policy_id!r} at {ctx.shown(default_stem, language)}, "
                                    f"next to {default.shown}, so that the language switcher links them; move or rename it"))
        translation, found = check_schema(source, translation_schema, default)
        problems += found + check_translation(default, source)
        if translation is not None:
            translations[language] = translation
    problems += check_labels(default, [s for lang, s in sources.items() if lang != ctx.default_language])
    if released:
        problems += integrity.check_seals(released, sources, living_sources or {}, ctx.languages,
                                           ctx.default_language, ctx.root)
    if problems or doc is None:
        return None, problems
    revision = build_revision(doc, ctx.default_language, translations, sources, ctx.info.rights if ctx.info else ())
    for source in sources.values():
        problems += check_placeholders(source.body, revision.register, source.shown, source.body_line)
    return (None, problems) if problems else (revision, [])


def _missing(policy_id: str, reporter: Source, stem: PurePosixPath, language: str, ctx: _Context,
             released: str | None, default: bool) -> list[Problem]:
    """Why a language's text was not found, unless the file that should be it already has a
    problem of its own that explains it."""
    path = ctx.docs_dir / with_language(stem, language)
    expected = ctx.shown(stem, language)
    if path in ctx.unreadable:
        return []
    if released:
        message = (f"released revision {released} of policy {policy_id!r} has no {language} text; expected {expected} "
                   f"(release writes every language: restore it from version control)")
        records = ctx.records.get(reporter.path.parent)
        interrupted = integrity.interrupted_release(policy_id, reporter, records.verdict if records else None)
        if interrupted:
            message = f"released revision {released} of policy {policy_id!r} has no {language} text yet: {interrupted}"
    elif path in ctx.plain:
        message = (f"policy {policy_id!r} has no {language} text: {expected} exists but has no "
                   f"'policy: {policy_id}' line; expected it there")
    elif default:
        message = f"policy {policy_id!r} is missing in the default language ({language}); expected {expected}"
    else:
        message = (f"policy {policy_id!r} has no {language} text; expected {expected} "
                   f"(every policy is published in every language)")
    return [Problem(reporter.shown, None, "", message)]


def build_revision(
    doc: PolicySource,
    default_language: str,
    translations: dict[str, TranslationSource],
    sources: dict[str, Source],
    default_rights: tuple[str, ...] = (),
) -> Revision:
    """Join the default-language facts with every language's labels into one revision.
    `default_rights` are the site's rights (mkdocs.yml), for a policy that lists none."""
    docs = {default_language: doc, **translations}

    def labels(list_name: str, key: str, text_model: type, item_key: str) -> dict[str, object]:
        out = {}
        for language, d in docs.items():
            item = next(i for i in getattr(d, list_name) if getattr(i, key) == item_key)
            values = {f: getattr(item, f) for f in text_model.model_fields}
            if isinstance(values.get("automated_decisions"), bool):  # a fact in the default file, no text
                values["automated_decisions"] = None
            out[language] = text_model.model_construct(**values)
        return out

    def purpose(p: PurposeEntry) -> Purpose:
        decided = True if isinstance(p.automated_decisions, AutomatedDecisionsText) else p.automated_decisions
        return merge(Purpose, p, labels("processing", "id", PurposeText, p.id), automated_decisions=decided)

    register = Register(
        rights=tuple(doc.rights) if "rights" in doc.model_fields_set else default_rights,
        stated=frozenset(doc.model_fields_set | ({"rights"} if default_rights else set())),
        personal_data=tuple(merge(DataCategory, c, labels("personal_data", "id", DataCategoryText, c.id)) for c in doc.personal_data),
        processing=tuple(purpose(p) for p in doc.processing),
        recipients=tuple(merge(Recipient, r, labels("recipients", "id", RecipientText, r.id)) for r in doc.recipients),
        transfers=tuple(doc.transfers),
        cookies=tuple(merge(Cookie, c, labels("cookies", "name", CookieText, c.name)) for c in doc.cookies),
        sources=tuple(merge(NamedSource, n, labels("sources", "id", SourceText, n.id)) for n in doc.sources),
        processor_activities=tuple(
            ProcessorActivity.model_construct(id=a.id, text=labels("processor_activities", "id", ProcessorActivityText, a.id))
            for a in doc.processor_activities),
        automated_decisions=doc.automated_decisions,
        children={language: d.children for language, d in docs.items()},
        authority=Authority(doc.authority.term, doc.authority.name, doc.authority.url) if doc.authority else None,
    )
    texts = {
        language: RevisionText(language, d.title, d.summary, sources[language].body, sources[language].shown, sources[language].path)
        for language, d in docs.items()
    }
    return Revision(doc.policy, doc.version, doc.effective, register, texts, getattr(doc, "published", None))
