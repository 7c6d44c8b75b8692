"""The manifest of a policy folder: every released revision of the policies there, by version and
language, with the sha256 its seal records.

A seal shows that one file was not edited, and the chain of seals (`previous`) that no revision
released before a chained one went missing. Neither can tell that a file is gone when no later
file records it: a revision released before the chain existed, or the latest one. The manifest
records them all, so the load refuses a revision that is listed but missing or different, and one
that is there but not listed. `policypress release` adds each revision it writes; `policypress
seal` writes it once for a site whose revisions were released before manifests existed. It is a
hidden file (MkDocs does not publish it) next to the living texts:

    {
     "about": "...",
     "policies": {"privacy": {"1.0": {"en": "<sha256>", "sv": "<sha256>"}, ...}},
     "sha256": "<hash of the policies>"
    }

Its own `sha256` makes an edit by hand detectable, as a seal does for a revision.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .types import VERSION_RE, Version

MANIFEST_NAME = ".policypress-manifest.json"
ABOUT = ("Every released revision of the policies in this folder, with the sha256 its seal records. Written by "
         "`policypress release` and `policypress seal`; every check and build refuses a revision that is missing, "
         "different or not listed here. Do not edit: commit it with the revisions.")
HASH_RE = re.compile(r"[0-9a-f]{64}")

# policy id -> version -> language -> the sha256 recorded in that file's seal
Entries = dict[str, dict[str, dict[str, str]]]


class ManifestError(ValueError):
    """A manifest that is not as policypress writes it; the message says how."""


@dataclass(frozen=True)
class Manifest:
    path: Path
    policies: Entries

    def versions(self, policy_id: str) -> dict[str, dict[str, str]]:
        return self.policies.get(policy_id, {})

    def latest(self, policy_id: str) -> str | None:
        listed = self.versions(policy_id)
        return max(listed, key=Version.parse) if listed else None


def read(folder: Path) -> Manifest | None:
    """The manifest of `folder`, None if it has none; ManifestError if it is not one policypress
    wrote unchanged."""
    path = folder / MANIFEST_NAME
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        return None
    except OSError as error:
        raise ManifestError(f"cannot be read: {error.strerror}") from None
    try:
        record = json.loads(data.decode("utf-8"), object_pairs_hook=_no_repeated_keys)
    except ManifestError:
        raise
    except (UnicodeDecodeError, ValueError) as error:
        raise ManifestError(f"is not the JSON `policypress release` writes ({error})") from None
    policies = _entries(record)
    if record.get("sha256") != _digest(policies):
        raise ManifestError("was edited: its content no longer matches the sha256 it records")
    return Manifest(path, policies)


def encode(policies: Entries) -> bytes:
    """The file's content: versions in order, its own hash last."""
    ordered = {policy: {version: dict(sorted(languages.items()))
                        for version, languages in sorted(versions.items(), key=lambda item: Version.parse(item[0]))}
               for policy, versions in sorted(policies.items())}
    record = {"about": ABOUT, "policies": ordered, "sha256": _digest(ordered)}
    return (json.dumps(record, indent=1, ensure_ascii=False) + "\n").encode("utf-8")


def adding(manifest: Manifest | None, policy_id: str, version: str, hashes: dict[str, str]) -> Entries:
    """The entries of `manifest` (none without one) with a released revision added."""
    known = manifest.policies if manifest else {}
    policies = {p: {v: dict(h) for v, h in versions.items()} for p, versions in known.items()}
    policies.setdefault(policy_id, {})[version] = dict(hashes)
    return policies


def _digest(policies: Entries) -> str:
    canonical = json.dumps(policies, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def _no_repeated_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    keys = [key for key, _ in pairs]
    repeated = next((key for key in keys if keys.count(key) > 1), None)
    if repeated is not None:
        raise ManifestError(f"is not as `policypress release` writes it: the key {repeated!r} appears twice")
    return dict(pairs)


def _entries(record: Any) -> Entries:
    """The `policies` of a parsed manifest, checked to be exactly of the shape `encode` writes."""
    if not isinstance(record, dict) or set(record) != {"about", "policies", "sha256"}:
        found = sorted(record) if isinstance(record, dict) else type(record).__name__
        raise ManifestError(f"is not as `policypress release` writes it: expected the keys about, policies and "
                            f"sha256, found {found}")
    policies = record["policies"]
    if not isinstance(policies, dict):
        raise ManifestError("is not as `policypress release` writes it: expected `policies` to map policy ids to versions")
    for policy, versions in policies.items():
        if not isinstance(versions, dict) or not versions:
            raise ManifestError(f"is not as `policypress release` writes it: expected the versions of {policy!r}")
        for version, languages in versions.items():
            if not VERSION_RE.fullmatch(version) or not isinstance(languages, dict) or not languages or not all(
                    isinstance(code, str) and isinstance(value, str) and HASH_RE.fullmatch(value)
                    for code, value in languages.items()):
                raise ManifestError(f"is not as `policypress release` writes it: expected version {version!r} of "
                                    f"{policy!r} to map each language to a sha256 (64 hex digits)")
    return policies
