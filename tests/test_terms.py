"""`policypress terms`: an editor finds the term the register wants by words, without a site,
and every term it prints is one the register accepts."""

from __future__ import annotations

import io
import re
import subprocess
import sys
from pathlib import Path
from typing import Annotated, Any

import pytest
from pydantic import PlainValidator, TypeAdapter, ValidationError

from conftest import run_cli
from policypress.cli import main
from policypress.core import dpv, schema
from policypress.core import vocabulary as vocab
from policypress.core.terms_search import KINDS, terms


def terms_command(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return run_cli(["terms", *args], cwd)


def rows(output: str) -> list[tuple[str, ...]]:
    """Each printed line as (term, kind, label): columns apart by two spaces or more."""
    return [tuple(re.split(r" {2,}", line)) for line in output.splitlines()]


# --- finding the term meant (in a folder with no site: no mkdocs.yml is needed) ----------------------

FIRST = [
    (["email"], ("pd:EmailAddress", "data", "Email Address")),
    (["job", "title"], ("pd:Job", "data", "Job")),
    (["job title"], ("pd:Job", "data", "Job")),
    (["--kind", "legal-basis", "consent"], ("eu-gdpr:A6-1-a", "legal-basis", "Consent")),
    # case, plural and hyphen are not a different word; nor a general-language synonym
    (["E-Mail"], ("pd:EmailAddress", "data", "Email Address")),
    (["emails"], ("pd:EmailAddress", "data", "Email Address")),
    (["phone"], ("pd:TelephoneNumber", "data", "Telephone Number")),
    (["ID", "number"], ("pd:Identifier", "data", "Identifier")),
    # a closed set's labels in the catalogs' languages
    (["samtycke"], ("eu-gdpr:A6-1-a", "legal-basis", "Consent")),
    (["--kind", "right", "access"], ("eu-gdpr:A15", "right", "Right of access")),
    (["--kind", "recipient", "joint"], ("dpv:JointDataControllers", "recipient", "Joint controller")),
    (["--kind", "measure", "standard contractual clauses"],
     ("eu-gdpr:A46-2-c", "measure", "European Commission standard contractual clauses (Art. 46(2)(c))")),
    (["--kind", "source", "public"], ("dpv:PublicDataSource", "source", "Public Data Source")),
    (["customer"], ("dpv:Customer", "subject", "Customer")),
    (["--kind", "purpose", "marketing"], ("dpv:Marketing", "purpose", "Marketing")),
    # the term itself, or its start
    (["pd:EmailAddress"], ("pd:EmailAddress", "data", "Email Address")),
    (["A46"], ("eu-gdpr:A46-2-a", "measure", "Legally binding instrument between authorities (Art. 46(2)(a))")),
]


@pytest.mark.parametrize(("args", "first"), FIRST, ids=[" ".join(args) for args, _ in FIRST])
def test_the_term_meant_comes_first(tmp_path: Path, args: list[str], first: tuple[str, str, str]) -> None:
    result = terms_command(*args, cwd=tmp_path)
    assert (result.returncode, result.stderr) == (0, "")
    assert rows(result.stdout)[0] == first


def test_a_kind_shows_only_its_terms(tmp_path: Path) -> None:
    result = terms_command("--kind", "legal-basis", "consent", cwd=tmp_path)
    assert {kind for _, kind, _ in rows(result.stdout)} == {"legal-basis"}
    assert terms_command("--kind", "right", "access", cwd=tmp_path).stdout == "eu-gdpr:A15  right  Right of access\n"


def test_a_term_start_lists_its_terms_in_order(tmp_path: Path) -> None:
    result = terms_command("A46", cwd=tmp_path)
    assert [term for term, _, _ in rows(result.stdout)] == [
        "eu-gdpr:A46-2-a", "eu-gdpr:A46-2-b", "eu-gdpr:A46-2-c", "eu-gdpr:A46-2-d", "eu-gdpr:A46-2-e",
        "eu-gdpr:A46-2-f", "eu-gdpr:A46-3-a"]


def test_twenty_at_most_unless_all(tmp_path: Path) -> None:
    everything = terms_command("public", "--all", cwd=tmp_path)
    count = len(rows(everything.stdout))
    assert count > 20 and everything.stderr == ""
    first = terms_command("public", cwd=tmp_path)
    assert rows(first.stdout) == rows(everything.stdout)[:20]
    assert first.stderr == f"policypress: {count - 20} more; --all shows them\n"


def test_no_match_exits_1_with_a_hint(tmp_path: Path) -> None:
    result = terms_command("xyzzy", cwd=tmp_path)
    assert (result.returncode, result.stdout) == (1, "")
    assert result.stderr == ("policypress: no term the register accepts matches 'xyzzy'; try other words, in English "
                             "as DPV words them (e.g. 'telephone', 'location', 'marketing'), or fewer of them\n")


def test_no_match_of_the_kind_names_the_kinds_that_match(tmp_path: Path) -> None:
    result = terms_command("--kind", "right", "email", cwd=tmp_path)
    assert (result.returncode, result.stdout) == (1, "")
    assert result.stderr == ("policypress: no term the register accepts matches 'email' among the right terms; terms "
                             "of other kinds match (data, purpose): leave out --kind right to see them\n")


def test_an_unknown_kind_lists_the_kinds(tmp_path: Path) -> None:
    result = terms_command("--kind", "role", "processor", cwd=tmp_path)
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert "argument --kind: invalid choice: 'role' (choose from 'purpose', 'data', 'subject', 'legal-basis', " \
           "'recipient', 'source', 'measure', 'right')" in result.stderr


class ClosedPipe(io.StringIO):
    """Standard output whose reader has gone (`policypress terms data | head -1`, once head exits)."""

    def write(self, text: str) -> int:
        raise BrokenPipeError(32, "Broken pipe")


def test_a_reader_that_stops_early_gets_no_traceback(monkeypatch: pytest.MonkeyPatch,
                                                     capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setattr(sys, "stdout", ClosedPipe())
    assert main(["terms", "data"]) == 141  # 128 + SIGPIPE, as `set -o pipefail` expects
    assert sys.stdout is None  # nothing is flushed into the closed pipe at exit
    assert capsys.readouterr().err == ""


# --- every term printed is accepted where its kind is written, and every accepted term is there -----------

def _field(validator: Any) -> TypeAdapter[Any]:
    return TypeAdapter(Annotated[Any, PlainValidator(validator)])


ACCEPTS: dict[str, list[TypeAdapter[Any]]] = {
    "purpose": [TypeAdapter(schema.PurposeTerm)],
    "data": [TypeAdapter(schema.PersonalDataTerm)],
    "subject": [TypeAdapter(schema.SubjectTerm)],
    "legal-basis": [_field(schema.legal_basis), TypeAdapter(schema.Art9Conditions)],
    "recipient": [TypeAdapter(schema.RecipientKind)],
    "source": [TypeAdapter(schema.DataSource), TypeAdapter(schema.SourceKind)],
    "measure": [TypeAdapter(schema.Safeguard)],
    "right": [TypeAdapter(schema.Right)],
}


def accepted(adapter: TypeAdapter[Any], term: str) -> bool:
    try:
        adapter.validate_python(term)
    except ValidationError:
        return False
    return True


@pytest.mark.parametrize("kind", list(KINDS))
def test_every_term_listed_is_accepted_in_its_field(kind: str) -> None:
    listed = [term.curie for term in terms() if term.kind == kind]
    assert listed
    refused = [curie for curie in listed if not any(accepted(adapter, curie) for adapter in ACCEPTS[kind])]
    assert refused == []


EXPECTED: dict[str, set[str]] = {
    "purpose": set(dpv.terms_of("purpose", ("dpv",))) - {"dpv:Purpose"},  # the top concept says nothing
    "data": set(dpv.terms_of("personal-data", ("pd", "dpv"))),
    "subject": set(dpv.terms_of("subject", ("dpv",))),
    "legal-basis": set(vocab.LEGAL_BASES) | set(vocab.SPECIAL_CATEGORY_CONDITIONS),
    "recipient": set(vocab.RECIPIENT_KINDS),
    "source": set(dpv.terms_of("source", ("dpv",))),
    "measure": set(vocab.SAFEGUARDS),
    "right": set(vocab.RIGHTS),
}


@pytest.mark.parametrize("kind", list(KINDS))
def test_every_term_the_register_accepts_is_searched(kind: str) -> None:
    assert {term.curie for term in terms() if term.kind == kind} == EXPECTED[kind]
    assert not accepted(TypeAdapter(schema.PurposeTerm), "dpv:Purpose")
