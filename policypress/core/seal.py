"""`policypress seal`: write the manifest of every folder whose revisions were released before
manifests existed, once, so that from then on a revision deleted or slipped in is refused
(`manifest.py`). `policypress release` keeps it up to date afterwards.

A manifest records the site as it is when it is written, so it is written only when every policy
checks clean, and never over an existing one: a manifest that is missing because it was deleted
(perhaps with a revision) is restored from version control, not written anew.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from . import archive, durable, manifest
from .load import LoadResult
from .problems import PolicyError, Problem, display_path


@dataclass(frozen=True)
class Sealed:
    path: Path
    data: bytes
    recorded: str  # what it lists, for the user: "privacy 1.0, 1.1 in en, sv"


def plan_seal(result: LoadResult, root: Path) -> list[Sealed]:
    """The manifests to write: one for each folder with released revisions and no manifest.
    `result` is a load that does not require manifests; raises PolicyError if it found problems."""
    if result.problems:
        raise PolicyError(result.problems)
    planned = []
    for folder, records in sorted(result.records.items()):
        if records.folder.manifest is not None or not records.folder.released:
            continue
        entries: manifest.Entries = {}
        for policy_id in sorted(records.folder.living):
            for revision in result.site.policies[policy_id].revisions:
                entries.setdefault(policy_id, {})[str(revision.version)] = {
                    language: archive.recorded_hash(text.path.read_text(encoding="utf-8-sig")) or ""
                    for language, text in revision.texts.items()}
        recorded = "; ".join(f"{policy_id} {', '.join(versions)} in {', '.join(sorted(next(iter(versions.values()))))}"
                             for policy_id, versions in entries.items())
        planned.append(Sealed(folder / manifest.MANIFEST_NAME, manifest.encode(entries), recorded))
    return planned


def write_seal(planned: list[Sealed], root: Path) -> list[str]:
    """Write the planned manifests (each a new file, never over one); what was written, for the user."""
    done = []
    for sealed in planned:
        try:
            durable.create(sealed.path, sealed.data)
        except OSError as error:
            wrote = f"; wrote {', '.join(done)} before" if done else ""
            raise PolicyError([Problem(display_path(sealed.path, root), None, "",
                                       f"cannot write it: {error.strerror}{wrote}")]) from None
        durable.sync(sealed.path.parent)
        done.append(f"{display_path(sealed.path, root)}: {sealed.recorded}")
    return done
