"""Whether released revisions are what `policypress release` wrote: each file's seal, the chain
of seals from one revision to the next, the manifest of their folder, the order of versions and
dates, and a release that was interrupted (or a journal that no release wrote). The checks take
the sources `load` read and grouped; the only other files they read are each folder's manifest
and release journal (`folder_records`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from . import archive, journal, manifest
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
    records: Records,
) -> list[Problem]:
    """Versions and dates increase, no revision is missing from the chain of seals or the
    manifest, and the living text's version is not below the latest release (an edit without a
    new version is `edited_without_version`'s)."""
    problems: list[Problem] = []
    default = living_sources[next(iter(living.texts))]  # the default language comes first
    interrupted = interrupted_release(policy_id, default, records.verdict)
    if interrupted:
        problems.append(Problem(default.shown, None, "", interrupted))
    versions = [str(revision.version) for revision in revisions]
    for language, living_source in living_sources.items():
        files = [released_sources[version][language] for version in versions]
        problems += _check_chain(policy_id, language, files, versions, living_source)
    problems += check_manifest(policy_id, default, released_sources, versions, records)

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


def interrupted_release(policy_id: str, source: Source, verdict: journal.Verdict | None) -> str | None:
    """Why a `policypress release` of this policy is unfinished, if it was interrupted (its
    journal is next to the policy): nothing to restore from version control, the next release
    completes it or rolls it back. A journal that is not one is `foreign_journal`'s."""
    if verdict is None or verdict.state == "foreign" or verdict.policy not in (policy_id, None):
        return None
    shown = PurePosixPath(source.shown).with_name(journal.JOURNAL_NAME).as_posix()
    what = f"{policy_id} {verdict.journal.version}" if verdict.journal else policy_id
    return (f"a `policypress release` of {what} was interrupted ({shown} records it); run "
            f"`policypress release {policy_id}` to complete it or roll it back")


def foreign_journal(verdict: journal.Verdict, root: Path) -> Problem:
    """A release journal that no release of this project wrote: named, and left alone."""
    return Problem(display_path(verdict.path, root), None, "",
                   f"expected the journal of an interrupted `policypress release`, found one that is not: "
                   f"{verdict.reason}; nothing was changed, and `policypress release` changes nothing while it is "
                   f"there: remove it")


# --- the manifest ------------------------------------------------------------------------------

# The files a folder keeps besides its sources.
RECORDS = (manifest.MANIFEST_NAME, journal.JOURNAL_NAME)


@dataclass(frozen=True)
class Records:
    """What a policy folder records besides its revisions: its manifest and a release journal
    (`verdict`, None without one); `root` is what paths in messages are relative to."""

    folder: journal.Folder
    verdict: journal.Verdict | None
    root: Path
    required: bool = True  # False for `policypress seal`, which writes the manifests that are missing

    @property
    def manifest_shown(self) -> str:
        return display_path(self.folder.path / manifest.MANIFEST_NAME, self.root)

    def pending(self, policy_id: str) -> str | None:
        """The version an interrupted release of the policy was writing, if one was."""
        verdict = self.verdict
        if verdict is None or verdict.journal is None or verdict.state == "foreign" or verdict.policy != policy_id:
            return None
        return verdict.journal.version


def folder_records(docs_dir: Path, living: dict[str, dict[str, Path]], released: dict[str, set[Path]], root: Path,
                   *, required: bool = True) -> dict[Path, Records]:
    """The records of every folder that has a policy's files, a manifest or a journal: `living`
    are the living texts of each policy by language, `released` each policy's released files."""
    by_folder: dict[Path, dict[str, dict[str, Path]]] = {}
    for policy_id, texts in living.items():
        for language, path in texts.items():
            by_folder.setdefault(path.parent, {}).setdefault(policy_id, {})[language] = path
    files: dict[Path, set[Path]] = {}
    for paths in released.values():
        for path in paths:
            files.setdefault(path.parent, set()).add(path)
    found = [path for path in docs_dir.rglob(".policypress-*")
             if not any(part.startswith(".") for part in path.parent.relative_to(docs_dir).parts)]
    folders = set(by_folder) | set(files) | {path.parent for path in found if path.name in RECORDS}
    records = {}
    for folder in folders:
        try:
            known, error = manifest.read(folder), None
        except manifest.ManifestError as why:
            known, error = None, str(why)
        state = journal.Folder(folder, by_folder.get(folder, {}), frozenset(files.get(folder, ())), known, error)
        path = folder / journal.JOURNAL_NAME
        verdict = journal.judge(path, state, root) if path.exists() else None
        records[folder] = Records(state, verdict, root, required)
    return records


def check_manifest(policy_id: str, default: Source, released_sources: dict[str, dict[str, Source]],
                   versions: list[str], records: Records) -> list[Problem]:
    """The policy's released files are those its folder's manifest lists, with the hashes it
    lists. What a later seal records of a revision is the chain's to check (`_check_chain`), and
    the files of a release still in progress are its journal's."""
    shown = records.manifest_shown
    if records.folder.manifest_error:
        return []  # `folder_problems` says so
    pending = records.pending(policy_id)
    present = [version for version in versions if version != pending]
    listed_manifest = records.folder.manifest
    if listed_manifest is None:
        if not present or not records.required:
            return []
        return [Problem(default.shown, None, "",
                        f"policy {policy_id!r} has released revisions ({', '.join(present)}) but no manifest that "
                        f"records them, so one deleted would go unnoticed; expected {shown}: restore it from version "
                        f"control, or if this site never had one, run `policypress seal` once and commit it")]
    listed = {version: hashes for version, hashes in listed_manifest.versions(policy_id).items() if version != pending}
    recorded, judged = _chained(released_sources, versions)
    problems: list[Problem] = []
    for version, hashes in listed.items():
        if version not in released_sources:
            if not any((version, language) in recorded for language in hashes):
                files = " and ".join(archive.archive_path(Path(default.shown), version, language).as_posix()
                                     for language in sorted(hashes))
                problems.append(Problem(shown, None, "",
                                        f"released revision {version} of policy {policy_id!r} is missing: this "
                                        f"manifest records it; restore {files} from version control"))
            continue
        for language, sha256 in hashes.items():
            source = released_sources[version].get(language)
            found = archive.recorded_hash(source.text) if source else None
            if source is None or (version, language) in recorded or found == sha256:
                continue
            problems.append(Problem(source.shown, source.line_of(("sha256",)), "sha256",
                                    f"expected {sha256[:12]}…, the hash of {version} that {shown} records, found "
                                    f"{(found or '')[:12]}…: released revision {version} of policy {policy_id!r} was "
                                    f"replaced; restore {source.shown} from version control"))
    for version in present:
        for language, source in released_sources[version].items():
            if language in listed.get(version, {}) or (version, language) in judged:
                continue
            problems.append(Problem(source.shown, None, "",
                                    f"expected only released revisions that {shown} lists, found {version} "
                                    f"({language}), which it does not: `policypress release` did not write it; "
                                    f"remove {source.shown}, or restore {shown} from version control"))
    return problems


def _broken_manifest(records: Records) -> Problem:
    return Problem(records.manifest_shown, None, "",
                   f"{records.folder.manifest_error}; expected it as `policypress release` wrote it: restore it from "
                   f"version control")


def folder_problems(records: Records, present: set[str]) -> list[Problem]:
    """What is wrong with a folder's records whatever its policies: a journal no release wrote, a
    manifest that cannot be read, and policies it lists of which no file is left (those
    `present`, with a file anywhere, are checked as policies)."""
    problems = [foreign_journal(records.verdict, records.root)] if records.verdict and records.verdict.state == "foreign" else []
    if records.folder.manifest_error:
        problems.append(_broken_manifest(records))
    known = records.folder.manifest
    if known is not None:
        problems += [Problem(records.manifest_shown, None, "",
                             f"policy {policy_id!r} is missing: this manifest records its released revisions "
                             f"({', '.join(versions)}), and no file of it is left; restore its files from version control")
                     for policy_id, versions in known.policies.items() if policy_id not in present]
    return problems


Revisions = set[tuple[str, str]]  # (version, language)


def _chained(released_sources: dict[str, dict[str, Source]], versions: list[str]) -> tuple[Revisions, Revisions]:
    """What the chain of seals already checks: the revisions (version, language) a later seal
    records, and those followed by a chained revision, whose place in the history that one's
    `previous` settles."""
    recorded: Revisions = set()
    judged: Revisions = set()
    for index, version in enumerate(versions):
        for language, source in released_sources[version].items():
            link = _link(source)
            if isinstance(link, tuple):
                recorded.add((link[0], language))
            if link is None or isinstance(link, tuple):
                earlier = [v for v in versions[:index] if language in released_sources[v]]
                if earlier:
                    judged.add((earlier[-1], language))
    return recorded, judged
