"""The documentation site (documentation/): its generated pages are what the code gives, it builds
strictly with no broken link or anchor, every field has a stable anchor `policypress check` can
link to, and what the pages state agrees with the code (examples valid, GDPR items as art13.py
reports them, the CI files as `policypress new` writes them)."""

from __future__ import annotations

import argparse
import dataclasses
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml
from bs4 import BeautifulSoup
from pydantic import Field, TypeAdapter, ValidationError, create_model

from conftest import FIXTURE_INFO, ROOT, FixtureSite, run_cli
from policypress import cli
from policypress.core import art13, schema
from policypress.core import vocabulary as vocab
from policypress.docgen import __main__ as docgen_main
from policypress.docgen import cli_page, gdpr_items, pages, reference_url, register_page
from policypress.docgen.anchors import anchor, parts
from policypress.docgen.plugin_options import PREFIX, options, undescribed
from policypress.docgen.register_fields import register_fields
from policypress.docgen.register_texts import EXAMPLES

DOCUMENTATION = ROOT / "documentation"
REFERENCE = DOCUMENTATION / "docs" / "reference"
MKDOCS = Path(sys.executable).with_name("mkdocs")
COMPANY = ["--company", "Solvik Kaffe AB", "--org-number", "559900-0147", "--email", "integritet@solvikkaffe.example"]


def page(name: str) -> str:
    return (DOCUMENTATION / "docs" / name).read_text(encoding="utf-8")


def section(text: str, anchor_id: str) -> str:
    """A generated page's text from the heading with this id to the next heading."""
    start = text.index(f"{{#{anchor_id}}}")
    following = re.search(r"^#{1,3} ", text[start:], re.M)
    return text[start:start + following.start()] if following else text[start:]


# --- the generated pages are the code's -------------------------------------------------------------


def test_the_committed_reference_pages_are_what_the_code_gives() -> None:
    stale = pages.differing(REFERENCE, pages.generated())
    assert stale == [], f"{stale} out of date: run `python -m policypress.docgen` and commit documentation/docs/reference/"


def test_the_fields_core_links_to_are_the_reference_s_entries() -> None:
    """check's links come from a data file (core knows neither docgen nor MkDocs): it lists exactly
    the entries the code gives the reference, so no link leads to a missing entry or skips one."""
    from policypress.core import reference
    from policypress.docgen import anchors

    assert reference.documented() == anchors.documented(), \
        "policypress/core/data/reference-fields.json is out of date: run `python -m policypress.docgen` and commit it"
    assert reference.FIELDS.read_text(encoding="utf-8") == reference.fields_text(anchors.documented())


def test_docgen_writes_the_pages_and_check_exits_1_while_one_differs(tmp_path: Path,
                                                                      capsys: pytest.CaptureFixture[str]) -> None:
    folder = tmp_path / "reference"
    assert docgen_main.main(["--check", "--folder", str(folder)]) == 1  # none written yet
    assert docgen_main.main(["--folder", str(folder)]) == 0
    assert sorted(p.name for p in folder.iterdir()) == sorted(pages.PAGES)
    assert docgen_main.main(["--check", "--folder", str(folder)]) == 0
    (folder / "cli.md").write_text((folder / "cli.md").read_text(encoding="utf-8") + "edited by hand\n", encoding="utf-8")
    capsys.readouterr()
    assert docgen_main.main(["--check", "--folder", str(folder)]) == 1
    assert "cli.md: out of date; run `python -m policypress.docgen`" in capsys.readouterr().err


def test_docgen_never_writes_over_a_file_it_did_not_write(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    folder = tmp_path / "reference"
    folder.mkdir()
    (folder / "cli.md").write_text("# My own notes\n", encoding="utf-8")
    assert docgen_main.main(["--folder", str(folder)]) == 2
    assert "cli.md: not written by python -m policypress.docgen; nothing was written" in capsys.readouterr().err
    assert [p.name for p in folder.iterdir()] == ["cli.md"]
    assert (folder / "cli.md").read_text(encoding="utf-8") == "# My own notes\n"
    # Without --folder, only in the repository's root.
    monkeypatch.chdir(tmp_path)
    assert docgen_main.main([]) == 2
    assert "no documentation/mkdocs.yml here; run from the repository's root" in capsys.readouterr().err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["reference"]


def test_a_field_added_to_the_schema_appears_in_the_register_reference(monkeypatch: pytest.MonkeyPatch) -> None:
    added = create_model("PolicySource", __base__=schema.PolicySource,
                         complaints_email=(schema.Text | None, Field(default=None, description="where complaints go")),
                         purposes_reviewed=(schema.RetentionEvent | None, Field(default=None, description="when")))
    monkeypatch.setattr(schema, "PolicySource", added)
    text = register_page.render()
    assert "### `complaints_email` {#complaints-email}\n\nWhere complaints go." in text
    # Its closed set comes from the validator, with no table to edit.
    assert all(f"<code>{event}</code>" in section(text, "purposes-reviewed") for event in vocab.RETENTION_EVENTS)


def test_a_command_option_added_to_the_code_appears_in_the_cli_reference(monkeypatch: pytest.MonkeyPatch) -> None:
    real = cli.parser

    def with_option() -> argparse.ArgumentParser:
        parser = real()
        commands = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
        commands.choices["check"].add_argument("--fail-on-notes", action="store_true", help="notes are problems too")
        return parser

    monkeypatch.setattr(cli_page, "command_line", with_option)
    text = cli_page.render()
    assert "| <code>--fail-on-notes</code> | notes are problems too |" in section(text, "policypress-check")


def test_the_parser_is_built_without_running_a_command() -> None:
    parser = cli.parser()
    commands = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    assert set(commands.choices) == set(cli.COMMANDS)
    text = (REFERENCE / "cli.md").read_text(encoding="utf-8")
    assert all(f"{{#policypress-{name}}}" in text for name in cli.COMMANDS)
    assert all(f"{{#policypress-receipts-{name}}}" in text for name in ("serve", "verify", "export", "show", "purge"))


# --- what the register reference says is true -------------------------------------------------------


def test_every_field_and_option_is_described_typed_and_answered() -> None:
    fields = register_fields()
    unread = [f.dotted for f in fields if f.shape.kind is not None and not f.shape.kind.known]
    assert unread == [], "no words for these fields' validators: describe them in policypress/docgen/field_kinds.py"
    text = (REFERENCE / "register.md").read_text(encoding="utf-8")
    silent = [f.dotted for f in fields if not re.search(r"\}\n\n[^-\s]", section(text, anchor(f.path)))]
    assert silent == [], "give these fields Field(description=…) in policypress/core/schema.py"
    assert undescribed() == [], "say what these options mean in policypress/docgen/plugin_options.py"
    missing = [f.dotted for f in fields if f.dotted not in EXAMPLES]
    assert missing == [], "give these fields an example in policypress/docgen/register_texts.py"


def field_at(path: tuple[str, ...]) -> Any:
    return next(f for f in register_fields() if f.path == path)


def validate_example(path: tuple[str, ...], text: str) -> None:
    """Each key of an example is a field of the entry it sits in (or of a parent), and its value is
    one that field accepts."""
    known = {f.path for f in register_fields()}
    for key, value in yaml.safe_load(text).items():
        where = next((*path[:end], key) for end in range(len(path) - 1, -1, -1) if (*path[:end], key) in known)
        TypeAdapter(field_at(where).info.rebuild_annotation()).validate_python(value)


@pytest.mark.parametrize("dotted", sorted(EXAMPLES))
def test_each_example_is_a_value_check_accepts(dotted: str) -> None:
    validate_example(tuple(dotted.split(".")), EXAMPLES[dotted])
    assert f"```yaml\n{EXAMPLES[dotted]}```" in (REFERENCE / "register.md").read_text(encoding="utf-8")


@pytest.mark.parametrize(("path", "example"), [
    (("processing", "legal_basis"), "legal_basis: eu-gdpr:A6-1-g\n"),
    (("processing", "retention", "after"), "retention: {after: end-of-time}\n"),
    (("recipients", "country"), "country: EU\n"),
])
def test_an_example_check_would_refuse_fails_the_test(path: tuple[str, ...], example: str) -> None:
    with pytest.raises(ValidationError):
        validate_example(path, example)


@pytest.mark.parametrize(("anchor_id", "terms"), [
    ("processing-retention-after", vocab.RETENTION_EVENTS),
    ("processing-requirement", vocab.REQUIREMENTS),
    ("recipients-kind", vocab.RECIPIENT_KINDS),
    ("recipients-country", vocab.REGIONS),
    ("transfers-country", vocab.REGIONS),
    ("processing-legal-basis", vocab.LEGAL_BASES),
    ("processing-special-category-condition", vocab.SPECIAL_CATEGORY_CONDITIONS),
    ("transfers-safeguard", vocab.SAFEGUARDS),
    ("rights", vocab.RIGHTS),
    ("plugins-policypress-rights", vocab.RIGHTS),
    ("cookies-storage", vocab.STORAGE_KINDS),
    ("processing-sources", vocab.DATA_SOURCES),
])
def test_each_closed_set_is_listed_with_its_labels_at_its_field(anchor_id: str, terms: dict[str, vocab.Labels]) -> None:
    listed = section((REFERENCE / "register.md").read_text(encoding="utf-8"), anchor_id)
    rows = dict(re.findall(r"^ *\| <code>([^<]+)</code> \| (.+) \|$", listed, re.M))
    assert {term: rows.get(term) for term in terms} == {term: labels["en"] for term, labels in terms.items()}


def stripped_site(minimal: FixtureSite) -> list[str]:
    """The minimal site with every item GDPR Art. 8, 9, 13 and 14 ask for left out, as check reports it."""
    minimal.unrelease()

    def default(meta: dict[str, Any]) -> None:
        for key in ("rights", "recipients", "transfers"):
            meta.pop(key)
        meta["personal_data"].append({"id": "health", "terms": ["pd:Health"], "name": "Hälsa"})
        for purpose in meta["processing"]:
            for key in ("retention", "requirement", "sources", "automated_decisions", "legitimate_interest", "recipients"):
                purpose.pop(key, None)
        meta["processing"][0].update(data=["contact", "health"], subjects=["dpv:Child"])
        meta["processing"][1]["sources"] = ["dpv:ThirdPartyDataSource"]

    def translation(meta: dict[str, Any]) -> None:
        meta.pop("recipients")
        meta["personal_data"].append({"id": "health", "name": "Health"})
        for purpose in meta["processing"]:
            purpose.pop("legitimate_interest", None)

    minimal.edit_meta("privacy/index.sv.md", default)
    minimal.edit_meta("privacy/index.en.md", translation)
    return minimal.problems(dataclasses.replace(FIXTURE_INFO, controller=None, dpo=None, authority=None))


def cites(item: str | None, article: str) -> bool:
    return item is not None and re.search(rf"(?<![\d(]){re.escape(article)}(?!\d)", item) is not None


def test_the_gdpr_item_of_each_field_is_the_article_check_names_for_it(minimal: FixtureSite) -> None:
    found = [re.match(r"^[^:]+(?::\d+)?: ([\w.\[\]]+): .*?GDPR Art\. (\d+(?:\(\d\)(?:\([a-z]\))?)?)", problem)
             for problem in stripped_site(minimal)]
    pairs = sorted({(m.group(1), m.group(2)) for m in found if m})
    assert {article for _, article in pairs} >= {"8", "9(2)", "13(1)(a)", "13(1)(b)", "13(1)(d)", "13(1)(e)", "13(1)(f)",
                                                 "13(2)(a)", "13(2)(b)", "13(2)(c)", "13(2)(d)", "13(2)(e)",
                                                 "13(2)(f)", "14(2)(f)"}
    wrong = [(field, article, gdpr_items.item(parts(field))) for field, article in pairs
             if not cites(gdpr_items.item(parts(field)), article)]
    assert wrong == []


def test_every_article_the_completeness_check_cites_is_in_the_reference() -> None:
    source = Path(art13.__file__).read_text(encoding="utf-8")
    cited = set(re.findall(r"(?:Art\. |\")(\d+\(\d\)\([a-z]\))", source))
    assert "13(1)(c)" in cited and len(cited) >= 12
    assert [a for a in sorted(cited) if not any(cites(item, a) for item in gdpr_items.ITEMS.values())] == []


# --- anchors and links ------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The documentation, built once as the docs workflow builds it."""
    site = tmp_path_factory.mktemp("documentation") / "site"
    result = subprocess.run([MKDOCS, "build", "--strict", "-f", DOCUMENTATION / "mkdocs.yml", "-d", site],
                            capture_output=True, text=True, timeout=300, env={**os.environ, "NO_MKDOCS_2_WARNING": "1"})
    assert result.returncode == 0, result.stdout + result.stderr
    assert "WARNING" not in result.stderr, result.stderr
    return site


def test_the_documentation_builds_strictly_as_a_site_of_its_own(built: Path) -> None:
    nav = yaml.safe_load(re.sub(r"!ENV \[[^\]]*\]", "null", (DOCUMENTATION / "mkdocs.yml").read_text(encoding="utf-8")))
    files = re.findall(r"[\w/-]+\.md", str(nav["nav"]))
    assert sorted(files) == sorted(p.relative_to(DOCUMENTATION / "docs").as_posix()
                                   for p in (DOCUMENTATION / "docs").rglob("*.md"))
    for name in files:
        assert (built / name.removesuffix(".md").removesuffix("index") / "index.html").is_file(), name
    # Not the example site: none of its policies, and no policypress plugin output.
    assert not (built / "privacy").exists() and not (built / "processing.jsonld").exists()
    assert nav["docs_dir"] == "docs" and [p for p in nav["plugins"] if "policypress" in str(p)] == []


def test_every_field_and_option_has_its_anchor_and_reference_url_leads_there(built: Path) -> None:
    html = BeautifulSoup((built / "reference" / "register" / "index.html").read_text(encoding="utf-8"), "lxml")
    ids = {element["id"] for element in html.select("[id]")}
    paths = [f.path for f in register_fields()] + [(*PREFIX, *o.path) for o in options()]
    assert [anchor(p) for p in paths if anchor(p) not in ids] == []
    for path in paths:
        assert reference_url(".".join(path)) == f"reference/register/#{anchor(path)}"
    assert reference_url("processing[2].retention.after", "https://docs.example/") == \
        "https://docs.example/reference/register/#processing-retention-after"
    assert reference_url("processing[0].retention.afterwards") == "reference/register/#processing-retention"
    assert reference_url("plugins.policypress.controller.address.street") == \
        "reference/register/#plugins-policypress-controller-address-street"
    assert reference_url("site_url") is None and reference_url("") is None


def test_a_broken_anchor_fails_the_strict_build(tmp_path: Path) -> None:
    """The documentation's `validation` settings, on two pages with a link to a missing heading."""
    config = yaml.safe_load(re.sub(r"!ENV \[[^\]]*\]", "null", (DOCUMENTATION / "mkdocs.yml").read_text(encoding="utf-8")))
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "index.md").write_text("# Home\n\nSee [the field](other.md#no-such-field).\n", encoding="utf-8")
    (tmp_path / "docs" / "other.md").write_text("# Other\n\n## A field {#a-field}\n", encoding="utf-8")
    (tmp_path / "mkdocs.yml").write_text(yaml.safe_dump({
        "site_name": "probe", "theme": {"name": "mkdocs"}, "validation": config["validation"],
        "markdown_extensions": ["attr_list"]}), encoding="utf-8")
    result = subprocess.run([MKDOCS, "build", "--strict", "-f", tmp_path / "mkdocs.yml", "-d", tmp_path / "site"],
                            capture_output=True, text=True, timeout=120, env={**os.environ, "NO_MKDOCS_2_WARNING": "1"})
    assert result.returncode == 1
    assert "contains a link 'other.md#no-such-field', but the doc 'other.md' does not contain an anchor" in result.stderr


# --- the hand-written pages agree with the code -----------------------------------------------------


def test_the_deploy_page_shows_the_ci_files_policypress_new_writes(tmp_path: Path) -> None:
    assert run_cli(["new", str(tmp_path / "site"), *COMPANY], tmp_path).returncode == 0
    assert re.findall(r"```yaml\n(.*?)```", page("deploy.md"), flags=re.S) == [
        (tmp_path / "site" / ".github" / "workflows" / "policies.yml").read_text(encoding="utf-8"),
        (tmp_path / "site" / ".gitlab-ci.yml").read_text(encoding="utf-8"),
    ]


def test_the_deploy_page_states_one_content_security_policy_and_its_nginx_recipe_sends_it() -> None:
    stated = re.findall(r"(?m)^Content-Security-Policy: (.+)$", page("deploy.md"))
    in_nginx = re.findall(r'(?m)^\s*add_header Content-Security-Policy "([^"]+)" always;$', page("deploy.md"))
    assert len(stated) == 1 and in_nginx == stated
    assert "script-src 'self';" in stated[0] and "'unsafe-inline'" not in stated[0]


def test_the_readme_is_short_and_each_of_its_links_leads_to_a_file() -> None:
    """The repository's README (issue 20, part 3): at most 300 lines, and its links into the
    documentation lead to pages the site builds, and every other relative link to a file."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert len(readme.splitlines()) <= 300
    targets = [t.split("#", 1)[0] for t in re.findall(r"\]\(([^)\s#][^)\s]*)\)", readme) if "://" not in t]
    assert [t for t in targets if not (ROOT / t).is_file()] == []
    pages_linked = {t.removeprefix("documentation/docs/") for t in targets if t.startswith("documentation/docs/")}
    nav = re.findall(r"[\w/-]+\.md", (DOCUMENTATION / "mkdocs.yml").read_text(encoding="utf-8"))
    assert pages_linked and pages_linked <= set(nav)


def test_the_docs_workflow_builds_strictly_and_deploys_to_github_pages() -> None:
    workflow = yaml.safe_load((ROOT / ".github" / "workflows" / "docs.yml").read_text(encoding="utf-8"))
    build, deploy = workflow["jobs"]["build"], workflow["jobs"]["deploy"]
    runs = [step.get("run", "") for step in build["steps"]]
    assert "python -m policypress.docgen --check" in runs
    assert "mkdocs build --strict -f documentation/mkdocs.yml -d _site" in runs
    upload = next(s for s in build["steps"] if s.get("uses", "").startswith("actions/upload-pages-artifact@"))
    assert upload["with"]["path"] == "documentation/_site"
    assert deploy["needs"] == "build" and deploy["environment"]["name"] == "github-pages"
    assert deploy["permissions"] == {"pages": "write", "id-token": "write"}
    assert [s["uses"].split("@")[0] for s in deploy["steps"]] == ["actions/deploy-pages"]
    assert "pull_request" in deploy["if"] and workflow["permissions"] == {"contents": "read"}
    assert all("timeout-minutes" in job for job in workflow["jobs"].values())
