"""Whether released revisions are what `policypress release` wrote: each file's seal, the chain
of seals from one revision to the next, the order of versions and dates, and a release that was
interrupted. The checks take the sources `load` read and grouped; they read no other file but a
release journal.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path, PurePosixPath

from . import archive
from .frontmatter import Source
from .model import Revision
from .problems import Problem, display_path


def check_seals(
    name: str,
    sources: dict[str, Source],
    living_sources: dict[str, Source],
    languages: Sequence[str],
    default_language: str,
    root: Path,
) -> list[Problem]:
    """The files of released revision `name` (by language) are exactly what `policypress release`
    wrote, next to their policy's living text."""
    problems: list[Problem] = []
    living_folder = next((s.path.parent for s in living_sources.values()), None)
    dates = {}
    for language, source in sources.items():
        meta = source.meta or {}
        if archive.recorded_hash(source.text) is not None and not archive.is_intact(source.text):
            problems.append(Problem(source.shown, None, "",
                                    "was edited after it was released: its content no longer matches the sha256 recorded "
                                    f"by `policypress release`; expected it unchanged, so undo the edit (git checkout -- "
                                    f"{source.shown}). A released revision never changes: publish a new version instead"))
        if isinstance(meta.get("version"), str) and meta["version"] != name:
            problems.append(Problem(source.shown, source.line_of(("version",)), "version",
                                    f"expected \"{name}\", the version in the file's name, found \"{meta['version']}\""))
        problems += _check_language(name, language, source, sources, languages)
        if isinstance(meta.get("previous"), str) and _link(source) is False:
            problems.append(Problem(source.shown, source.line_of(("previous",)), "previous",
                                    f"expected the version and sha256 of the revision released before, as `policypress "
                                    f"release` writes them (e.g. '2.1 9f86d0…', 64 hex digits), or 'none', found "
                                    f"{meta['previous']!r}; restore {source.shown} from version control"))
        if living_folder is not None and source.path.parent != living_folder:
            problems.append(Problem(source.shown, None, "",
                                    f"expected released revisions next to the policy's living text, in "
                                    f"{display_path(living_folder, root)}/"))
        dates[language] = meta.get("published")
    if len(set(map(str, dates.values()))) > 1:
        default = sources.get(default_language) or next(iter(sources.values()))
        problems.append(Problem(default.shown, default.line_of(("published",)), "published",
                                f"the languages disagree on the publication date: {', '.join(f'{k}: {v}' for k, v in dates.items())}"))
    return problems


def check_history(
    policy_id: str,
    living: Revision,
    revisions: list[Revision],
    living_sources: dict[str, Source],
    released_sources: dict[str, dict[str, Source]],
) -> list[Problem]:
    """Versions and dates increase, no revision is missing from the chain of seals, and the
    living text's version is not below the latest release (an edit without a new version is
    `edited_without_version`'s)."""
    problems: list[Problem] = []
    default = living_sources[next(iter(living.texts))]  # the default language comes first
    interrupted = interrupted_release(policy_id, default)
    if interrupted:
        problems.append(Problem(default.shown, None, "", interrupted))
    versions = [str(revision.version) for revision in revisions]
    for language, living_source in living_sources.items():
        files = [released_sources[version][language] for version in versions]
        problems += _check_chain(policy_id, language, files, versions, living_source)

    def released_source(revision: Revision, language: str) -> Source:
        return released_sources[str(revision.version)][language]

    for before, after in zip(revisions, revisions[1:]):
        source = released_source(after, next(iter(after.texts)))
        if after.effective <= before.effective:
            problems.append(Problem(source.shown, source.line_of(("effective",)), "effective",
                                    f"expected a date after {before.effective} (when version {before.version} took effect): "
                                    f"versions take effect in order; found {after.effective}"))
        if after.published and before.published and after.published < before.published:
            problems.append(Problem(source.shown, source.line_of(("published",)), "published",
                                    f"expected a date on or after {before.published} (when version {before.version} was "
                                    f"released), found {after.published}"))
    latest = revisions[-1] if revisions else None
    if latest is None:
        return problems
    if living.version < latest.version:
        source = living_sources[next(iter(living.texts))]  # the default language comes first
        problems.append(Problem(source.shown, source.line_of(("version",)), "version",
                                f"expected at least \"{latest.version}\", the latest released version, found "
                                f"\"{living.version}\""))
    return problems


def edited_without_version(policy_id: str, version: str, living_sources: dict[str, Source],
                            frozen: dict[str, Source]) -> list[Problem]:
    """Living texts that differ from `frozen`, the released files of their own `version` (none when
    the living text has a new version)."""
    problems = []
    for language, source in living_sources.items():
        release = frozen.get(language)
        if release is not None and archive.normalise(source.text) != archive.unsealed(release.text):
            problems.append(Problem(source.shown, None, "",
                                    f"differs from released revision {version} ({release.shown}) but "
                                    f"keeps its version; a change needs a new version: raise `version`, update `summary` "
                                    f"and `effective`, then run `policypress release {policy_id}` (or undo the edit)"))
    return problems


def _check_language(name: str, language: str, source: Source, sources: dict[str, Source],
                    languages: Sequence[str]) -> list[Problem]:
    """A released text belongs to the language it was released in: a copy made under another
    language's name is refused, by the `language` it records or, released before that line
    existed, by being the same file as another language's text (the language configured later
    is taken for the copy)."""
    meta = source.meta or {}
    if "language" in meta:
        recorded = meta["language"]
        if recorded == language or not isinstance(recorded, str):  # a wrong type: the schema says so
            return []
        return [Problem(source.shown, source.line_of(("language",)), "language",
                        f"expected \"{language}\", the language in the file's name, found \"{recorded}\": this is the "
                        f"{recorded} text of revision {name}; a released text cannot be made by copying: remove "
                        f"{source.shown}, or restore it from version control")]
    text = archive.normalise(source.text)
    rank = {code: index for index, code in enumerate(languages)}
    original = next((other for code, other in sources.items() if rank.get(code, -1) < rank.get(language, -1)
                     and archive.normalise(other.text) == text), None)
    if original is None:
        return []
    return [Problem(source.shown, None, "",
                    f"expected the {language} text of released revision {name}, found the same file as "
                    f"{original.shown}; a released text cannot be made by copying: remove {source.shown}, or "
                    f"restore it from version control")]


def _check_chain(policy_id: str, language: str, files: list[Source], versions: list[str], living: Source) -> list[Problem]:
    """Each revision sealed with `previous` names the one released before it in its language,
    so a revision deleted, replaced or slipped in later is found and named. `files` are the
    language's released files in version order; files sealed before the chain are no links."""
    problems: list[Problem] = []
    for index, source in enumerate(files):
        link = _link(source)
        if link is False or link is True:
            continue
        version, where = versions[index], f"{versions[index]} ({source.shown})"
        before, released_before = (files[index - 1], versions[index - 1]) if index else (None, None)
        if link is not None and link[0] not in versions:
            restore = archive.archive_path(Path(living.shown), link[0], language).as_posix()
            problems.append(Problem(source.shown, source.line_of(("previous",)), "previous",
                                    f"released revision {link[0]} of policy {policy_id!r} is missing: {where} was "
                                    f"released after it (its seal records the hash of {link[0]}); restore {restore} "
                                    f"from version control"))
        elif before is not None and (link is None or link[0] != released_before):
            after = "was the policy's first release" if link is None else f"was released right after {link[0]}"
            problems.append(Problem(before.shown, None, "",
                                    f"released revision {released_before} of policy {policy_id!r} was not released "
                                    f"before {version}: {where} {after} (its seal records so); expected no revision "
                                    f"in between: remove {before.shown}, or restore the history from version control"))
        elif before is not None and link is not None and archive.recorded_hash(before.text) != link[1]:
            found = archive.recorded_hash(before.text) or ""
            problems.append(Problem(before.shown, before.line_of(("sha256",)), "sha256",
                                    f"expected {link[1][:12]}…, the hash of {link[0]} that {where} records, found "
                                    f"{found[:12]}…: released revision {link[0]} of policy {policy_id!r} was replaced "
                                    f"after {version} was released; restore {before.shown} from version control"))
    return problems


def _link(source: Source) -> archive.Link | None | bool:
    """What a released file's `previous` says: the revision before it, None for the first
    release, True when it was sealed before the chain existed (no `previous`), False when the
    value is not one `policypress release` writes."""
    meta = source.meta or {}
    if "previous" not in meta:
        return True
    try:
        return archive.parse_previous(meta["previous"])
    except ValueError:
        return False


def interrupted_release(policy_id: str, source: Source) -> str | None:
    """Why a `policypress release` of this policy is unfinished, if it was interrupted (its
    journal is next to the policy): nothing to restore from version control, the next release
    completes it or rolls it back."""
    journal = archive.journal_in(source.path.parent)
    if journal is None or journal.policy not in (policy_id, None):
        return None
    shown = PurePosixPath(source.shown).with_name(archive.JOURNAL_NAME).as_posix()
    what = f"{policy_id} {journal.version}" if journal.policy else policy_id
    return (f"a `policypress release` of {what} was interrupted ({shown} records it); run "
            f"`policypress release {policy_id}` to complete it or roll it back")
