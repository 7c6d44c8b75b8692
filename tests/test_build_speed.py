"""Build speed (issue 21 §8): the work a build skips gives what doing it gives.

scripts/bench.py measures the build against bare Material + i18n; these tests check that each of
its savings is exact and in effect: smarty's pass skips text with nothing for it (the same HTML
as smarty alone, for every language's options and a site's own), an unchanged cell of a changed
register row is copied instead of compared token by token (the same comparison), a page whose
only straight quotes are in its scripts is left as it is without a walk over its tags, a copied block
has only its elements with an id or a link written anew, a register table is rendered once per build
for every page that shows it, and the lookups
a build makes for every page (a page's source, Material's inline scripts, the legal bases'
validator) are made once.
"""

from __future__ import annotations

from copy import deepcopy
from pathlib import Path
from typing import Any

import markdown
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from jinja2 import Environment, FileSystemLoader
from lxml import html as lxml_html
from lxml.html import HtmlElement
from lxml.html import builder as E
from markdown.treeprocessors import InlineProcessor
from markdown.util import Registry
from mkdocs.config.defaults import MkDocsConfig

from policypress.core import diff, diff_inline, frontmatter, schema
from conftest import markdown_html
from policypress.core.model import Site, SourceRef
from policypress.core.texts import strings
from policypress.core import typography
from policypress.core.typography import smarty_options
from policypress.plugins import i18n, pages, smarty_skip, theme

# --- smarty skips text with nothing for it -------------------------------------------------------------

# Pieces of Markdown: plain words (nothing for smarty), and everything its patterns look for or
# that changes how text reaches it (code, HTML, entities, escapes, emphasis, links, lists).
PLAIN = st.sampled_from(["kaffe", "rostning", "och", " ", ",", "\n", "1", "s", "70s"])
SPECIAL = st.sampled_from(["'", '"', "--", "---", "...", "<<", ">>", "'70s", "&quot;", "&#39;", "\\'", "`c'd`",
                           "<b>x</b>", "<span title=\"a'b\">", "*", "**", "_", "[a](b 'c')", "\n\n", "- ", "1. ",
                           "    ", "\"a\"", "'b'", "-", ".", "<", ">"])
TEXT = st.one_of(st.lists(PLAIN, max_size=12), st.lists(st.one_of(PLAIN, SPECIAL), max_size=20)).map("".join)
OPTIONS = [smarty_options("sv"), smarty_options("de"), smarty_options("en"), {},
           {"smart_angled_quotes": True}, {"smart_quotes": False, "smart_dashes": True, "smart_ellipses": True}]


def converted(text: str, options: dict[str, Any], skip: bool) -> str:
    extensions = ["toc", "smarty", *([i18n.SMARTY_SKIP] if skip else [])]
    return markdown.markdown(text, extensions=extensions, extension_configs={"smarty": options})


@settings(max_examples=400, deadline=None)
@given(TEXT, st.sampled_from(OPTIONS))
def test_smarty_with_the_skip_writes_what_smarty_writes(text: str, options: dict[str, Any]) -> None:
    assert converted(text, options, skip=True) == converted(text, options, skip=False)


def test_a_language_pass_turns_the_skip_on_after_smarty() -> None:
    config = MkDocsConfig()
    config.load_dict({"site_name": "x", "markdown_extensions": ["toc"]})
    config.validate()
    for language in ("sv", "en", "sv"):
        i18n.language_markdown(config, language)
    extensions = config.markdown_extensions
    assert extensions.count(i18n.SMARTY_SKIP) == 1
    assert extensions.index("smarty") < extensions.index(i18n.SMARTY_SKIP)
    md = markdown.Markdown(extensions=extensions, extension_configs=config.mdx_configs)
    processor = md.treeprocessors["smarty"]
    assert smarty_skip.HANDLE in vars(processor) and "run" in vars(processor)


def test_smarty_s_pass_walks_only_text_with_something_for_it(monkeypatch: pytest.MonkeyPatch) -> None:
    walked: list[str] = []
    real = InlineProcessor.run
    monkeypatch.setattr(InlineProcessor, "run", lambda self, tree, ancestors=None: (
        walked.append("smarty" if self.inlinePatterns is not self.md.inlinePatterns else "inline")
        or real(self, tree, ancestors)))
    md = markdown.Markdown(extensions=["smarty", i18n.SMARTY_SKIP], extension_configs={"smarty": smarty_options("sv")})
    assert md.convert("Kaffe och rostning.") == "<p>Kaffe och rostning.</p>"
    assert walked == ["inline"]
    assert md.convert('Kaffe och "rostning".') == "<p>Kaffe och ”rostning”.</p>"
    assert walked == ["inline", "inline", "smarty"]
    # In a page that is walked, only the piece of text with a quote goes through the patterns.
    handled: list[str] = []
    plain = markdown.Markdown(extensions=["smarty"], extension_configs={"smarty": smarty_options("sv")})
    processor = plain.treeprocessors["smarty"]
    patterns = getattr(processor, smarty_skip.HANDLE)
    setattr(processor, smarty_skip.HANDLE, lambda data, index=0: handled.append(data) or patterns(data, index))
    smarty_skip.SmartySkipExtension().extendMarkdown(plain)
    assert plain.convert('- Kaffe\n- och "rostning"\n- i dag') == \
        "<ul>\n<li>Kaffe</li>\n<li>och ”rostning”</li>\n<li>i dag</li>\n</ul>"
    assert handled == ['och "rostning"']


def test_a_pattern_the_skip_does_not_know_turns_it_off() -> None:
    known: Registry[Any] = Registry()
    known.register(object(), "smarty-quotes-0", 30)
    known.register(object(), "smarty-ellipses", 10)
    assert smarty_skip.needed(known) == ('"', "'", "...")
    known.register(object(), "smarty-something-new", 5)
    assert smarty_skip.needed(known) is None
    again = markdown.Markdown(extensions=["smarty"])
    again.treeprocessors["smarty"].inlinePatterns.register(object(), "smarty-something-new", 1)
    smarty_skip.SmartySkipExtension().extendMarkdown(again)
    assert smarty_skip.HANDLE not in vars(again.treeprocessors["smarty"])


# --- an unchanged cell is copied, as comparing it would write it ------------------------------------------

WORDS = st.lists(st.sampled_from(["kaffe", "rostning", "och", ",", ".", "&", "<b>", "1", " ", "  "]),
                 min_size=0, max_size=5).map(" ".join)
INLINE = st.lists(
    st.one_of(WORDS, WORDS.map(E.STRONG), WORDS.map(E.EM), st.just("").map(lambda _: E.BR()),
              WORDS.map(lambda text: E.A(text, href="x/", id="here")),
              WORDS.map(lambda text: E.SPAN(E.EM(text), " ", E.STRONG(text), **{"class": "pp-register__name"})),
              st.just("").map(lambda _: E.SPAN())),
    min_size=0, max_size=4)
CELL = st.one_of(INLINE.map(lambda parts: E.TD(*parts)),
                 st.lists(INLINE, min_size=1, max_size=3).map(lambda divs: E.TD(*[E.DIV(*d) for d in divs])))


def written(cell: HtmlElement) -> HtmlElement:
    """A cell parsed from its HTML, as the diff reads a page's."""
    html = lxml_html.tostring(cell, encoding="unicode")
    return lxml_html.fragment_fromstring(f"<table><tr>{html}</tr></table>").find(".//td")


def rewrite(url: str) -> str:
    return f"../2.0/{url}"


def compared(old: HtmlElement, new: HtmlElement, fill: Any) -> str:
    renderer = diff.Renderer(strings("sv"), lambda url: url, rewrite)
    target = lxml_html.Element("td")
    fill(target, old, new, renderer.old_link, renderer.new_link, renderer.open_mark, renderer.close_mark)
    return lxml_html.tostring(target, encoding="unicode")


def token_by_token(target: HtmlElement, old: HtmlElement, new: HtmlElement, old_link: Any, new_link: Any,
                   open_mark: Any, close_mark: Any) -> None:
    """The comparison without the copy: every token compared and placed."""
    builder = diff_inline.Builder(target, open_mark, close_mark)
    for placed in diff_inline._marked(diff_inline.compare(old, new, old_link, new_link)):
        builder.add(placed)
    builder.move_to(())


@settings(max_examples=400, deadline=None)
@given(CELL)
def test_an_unchanged_cell_is_written_as_comparing_it_would(cell: HtmlElement) -> None:
    old, new = written(cell), written(cell)
    assert compared(old, new, diff_inline.fill) == compared(old, new, token_by_token)


def test_an_unchanged_cell_is_not_compared_token_by_token(monkeypatch: pytest.MonkeyPatch) -> None:
    cell = E.TD(E.SPAN("Ändamål 0", **{"class": "pp-register__name"}), " ",
                E.DIV(E.EM("Källor:"), " Från dig", E.BR(), E.A("Drift", href="x/")))
    expected = compared(written(cell), written(cell), token_by_token)

    def refuse(*args: object) -> None:
        raise AssertionError("compared token by token")

    monkeypatch.setattr(diff_inline, "compare", refuse)
    assert compared(written(cell), written(cell), diff_inline.fill) == expected
    assert 'href="../2.0/x/"' in expected
    # A cell holding a comment, which the comparison leaves out, is compared as before.
    with_comment = written(E.TD("Frivilligt", lxml_html.HtmlComment(" note "), "."))
    with pytest.raises(AssertionError, match="token by token"):
        compared(with_comment, written(E.TD("Frivilligt", lxml_html.HtmlComment(" note "), ".")), diff_inline.fill)


def test_the_words_of_one_text_share_one_path() -> None:
    old = lxml_html.fragment_fromstring("<p>Kaffe <strong>och rostning</strong> i dag</p>")
    new = lxml_html.fragment_fromstring("<p>Te <strong>och rostning</strong> i dag</p>")
    runs = diff_inline.compare(old, new, lambda url: url, lambda url: url)
    bold = [placed for _, run in runs for placed in run if placed.token.frames and placed.token.text.strip()]
    assert [p.token.text for p in bold] == ["och", "rostning"]
    assert bold[0].path is bold[1].path


# --- lookups made once ----------------------------------------------------------------------------------------


def test_a_page_s_source_is_found_without_resolving_its_path(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    source = (tmp_path / "docs" / "privacy" / "index.sv.md")
    source.parent.mkdir(parents=True)
    source.write_text("x")
    ref, key = SourceRef("privacy", "sv"), source.resolve()
    site = Site(("sv",), "sv", sources={key: ref})
    written_otherwise = tmp_path / "docs" / "privacy" / ".." / "privacy" / "index.sv.md"
    assert site.source(written_otherwise) == ref  # found as before
    resolved: list[Path] = []
    real = Path.resolve
    monkeypatch.setattr(Path, "resolve", lambda self, strict=False: resolved.append(self) or real(self, strict))
    assert site.source(key) == ref
    assert resolved == []
    assert site.source(tmp_path / "docs" / "other.md") is None


def test_material_s_inline_scripts_are_hashed_once_per_environment(monkeypatch: pytest.MonkeyPatch,
                                                                   tmp_path: Path) -> None:
    calls: list[str] = []
    real = theme.script_files

    def counted(context: Any, name: str, html: str, scope: str | None = None) -> list[str] | None:
        calls.append(name)
        return real(context, name, html, scope)

    monkeypatch.setattr(theme, "script_files", counted)
    context = {"config": {"site_dir": str(tmp_path)}}
    once = theme.script_files_once()
    first = [once(context, "head", "<script>a()</script>") for _ in range(3)]
    assert calls == ["head"]
    assert first[0] == first[2] and (tmp_path / first[0][0]).read_text() == "a()"
    once(context, "head", "<script>b()</script>")
    assert calls == ["head", "head"]
    # A new environment (the next build, whose site folder may have been emptied) writes again.
    (tmp_path / first[0][0]).unlink()
    theme.script_files_once()(context, "head", "<script>a()</script>")
    assert (tmp_path / first[0][0]).read_text() == "a()"


def test_the_legal_bases_validator_is_made_once(monkeypatch: pytest.MonkeyPatch) -> None:
    made: list[str] = []
    real = schema.one_of
    monkeypatch.setattr(schema, "one_of", lambda choices, what: made.append(what) or real(choices, what))
    schema._one_of_bases.cache_clear()
    for _ in range(3):
        assert schema.legal_basis("eu-gdpr:A6-1-b") == "eu-gdpr:A6-1-b"
    with pytest.raises(Exception, match="did you mean 'eu-gdpr:A6-1-a'"):
        schema.legal_basis("samtycke")
    assert made == ["a GDPR Art. 6(1) legal basis"]


# --- a page with no quote outside its scripts is left as it is -------------------------------------------------

PIECES = st.sampled_from([
    "Kaffe", " och ", "rostning", "'", '"', "&quot;", "&#39;", "&amp;", "don't", "“",
    "<p>", "</p>", "<em>", "</em>", "<br/>", "<a href='x'>", "</a>", "<td>", "</td>", "<!-- 'c' -->",
    "<script>", "</script>", '<script type="application/ld+json">{"a": "b"}</script>', "<code>", "</code>",
    "<pre>", "</pre>", "<code/>", "<title>", "</title>", "<style>p{content:'x'}</style>", "<", ">"])
DOCUMENTS = st.lists(PIECES, max_size=30).map("".join)


@settings(max_examples=500, deadline=None)
@given(DOCUMENTS, st.sampled_from(["sv", "en", "de"]))
def test_the_shortcut_sets_what_the_walk_over_every_tag_sets(document: str, language: str) -> None:
    fast = typography.typeset_html(document, language)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(typography, "_opens_verbatim", lambda tag: False)  # every page walked
        assert typography.typeset_html(document, language) == fast


def test_a_page_with_quotes_only_in_its_scripts_is_not_walked(monkeypatch: pytest.MonkeyPatch) -> None:
    page = ('<html><head><script type="application/ld+json">{"name": "Solvik"}</script></head><body><p>Kaffe</p>'
            '<script id="__config" type="application/json">{"base": ".."}</script></body></html>')
    walked: list[str] = []
    real = typography.TAG_NAME_RE
    monkeypatch.setattr(typography, "TAG_NAME_RE", type("Counted", (), {
        "match": staticmethod(lambda tag: walked.append(tag) or real.match(tag))}))
    assert typography.typeset_html(page, "sv") is page
    assert len(walked) == 2  # the two script tags, not every tag of the page
    assert typography.typeset_html(page.replace("<p>Kaffe</p>", "<p>'Kaffe'</p>"), "sv").count("’Kaffe’") == 1


# --- a block is copied without visiting every element of it ------------------------------------------------

BLOCK = st.lists(st.one_of(INLINE.map(lambda parts: E.P(*parts)), CELL.map(lambda cell: E.TABLE(E.TR(cell)))),
                 min_size=1, max_size=3).map(lambda blocks: E.DIV(*blocks))


def copied_element_by_element(element: HtmlElement, rewrite: Any) -> HtmlElement:
    """The copy as it was made before: a deep copy, then every element's attributes written anew."""
    copy = deepcopy(element)
    for node in copy.iter():
        if isinstance(node.tag, str):
            kept = diff_inline.attributes(node, rewrite)
            node.attrib.clear()
            node.attrib.update(kept)
    return copy


@settings(max_examples=300, deadline=None)
@given(BLOCK)
def test_a_copied_block_is_written_as_the_copy_element_by_element(block: HtmlElement) -> None:
    element = written_block(block)
    expected = lxml_html.tostring(copied_element_by_element(element, rewrite), encoding="unicode")
    assert lxml_html.tostring(diff_inline.rewritten_copy(element, rewrite), encoding="unicode") == expected
    assert lxml_html.tostring(element, encoding="unicode") == lxml_html.tostring(written_block(block), encoding="unicode")


def written_block(block: HtmlElement) -> HtmlElement:
    """A block parsed from its HTML (with a tail, which the copy keeps), as the diff reads a page's."""
    return lxml_html.fragment_fromstring(lxml_html.tostring(block, encoding="unicode") + " tail", create_parent="div")[0]


def test_only_elements_with_an_id_or_a_link_are_written_anew(monkeypatch: pytest.MonkeyPatch) -> None:
    visited: list[str] = []
    real = diff_inline.attributes
    monkeypatch.setattr(diff_inline, "attributes", lambda node, rewrite_: visited.append(node.tag) or real(node, rewrite_))
    plain = written_block(E.P("Kaffe ", E.STRONG("och"), E.EM(" rostning"), E.BR()))
    assert lxml_html.tostring(diff_inline.rewritten_copy(plain, rewrite), encoding="unicode") == \
        lxml_html.tostring(plain, encoding="unicode")
    assert visited == []
    linked = written_block(E.P("Se ", E.A("villkoren", href="terms/", id="t"), E.SPAN("."), **{"class": "x"}))
    assert 'href="../2.0/terms/"' in lxml_html.tostring(diff_inline.rewritten_copy(linked, rewrite), encoding="unicode")


# --- a register table is rendered once per build --------------------------------------------------------------


def test_a_register_table_is_rendered_once_for_every_page_that_shows_it(example_model: Site) -> None:
    environment = Environment(loader=FileSystemLoader(Path(pages.__file__).resolve().parent.parent / "templates"))
    rendered: list[str] = []
    template = environment.get_template(pages.REGISTER_TEMPLATE)
    real = template.render
    monkeypatch = pytest.MonkeyPatch()
    monkeypatch.setattr(template, "render", lambda **context: rendered.append(context["view"]["kind"]) or real(**context))
    environment.get_template = lambda name: template  # type: ignore[method-assign]
    policy = example_model.policies["privacy"]
    revision = policy.revisions[-1]
    body = "<p>a</p>\n<!-- register: purposes -->\n<p>b</p>\n<!-- register: data -->\n"
    tables: dict[tuple[str, str], str] = {}
    try:
        first = pages.render_register(environment, revision, "sv", body, tables)
        assert sorted(rendered) == ["data", "purposes"]
        # The same tables again (the stable page beside its revision's own page): none rendered anew.
        assert pages.render_register(environment, revision, "sv", body, tables) == first
        assert len(rendered) == 2
        # Another language has tables of its own; without the build's tables, each page renders its own.
        assert pages.render_register(environment, revision, "en", body, tables) != first
        assert pages.render_register(environment, revision, "sv", body) == first
        assert len(rendered) == 6
    finally:
        monkeypatch.undo()
    # A revision whose register differs gets its own table, never another revision's.
    changed = [r for r in policy.revisions if pages.register_view("purposes", None, r.register, "sv")
               != pages.register_view("purposes", None, revision.register, "sv")]
    assert changed, "the example has a revision whose purposes differ"
    assert pages.render_register(environment, changed[0], "sv", body, tables) == \
        pages.render_register(environment, changed[0], "sv", body)


# --- front matter: text values read without the bookkeeping of lists and mappings ----------------------------


def test_text_values_are_read_without_the_bookkeeping_of_lists_and_mappings(monkeypatch: pytest.MonkeyPatch) -> None:
    counted: list[str] = []
    real = frontmatter._Tree.count
    monkeypatch.setattr(frontmatter._Tree, "count", lambda self, node, line: counted.append(node.tag) or real(self, node, line))
    text = "title: Integritet\nversion: '1.0'\nrights: [a, b]\nsummary: &s Kort\nalso: *s\nn: 3\n"
    meta, lines, problems = frontmatter._load_yaml(text, first_line=2, shown="x.md")
    assert meta == {"title": "Integritet", "version": "1.0", "rights": ["a", "b"], "summary": "Kort", "also": "Kort", "n": 3}
    assert problems == [] and lines[("rights", 1)] == 4 and lines[("also",)] == 6
    assert sorted(counted) == sorted([frontmatter.MAP, frontmatter.SEQ, "tag:yaml.org,2002:int"])
    # Text nested too deep is still refused, with its line.
    deep = "a:\n" + "".join(" " * (2 * level) + "- \n" for level in range(1, frontmatter.MAX_DEPTH + 1))
    deep += " " * (2 * frontmatter.MAX_DEPTH + 2) + "- text\n"
    _, _, problems = frontmatter._load_yaml(deep, first_line=2, shown="x.md")
    assert [p.message for p in problems] == [frontmatter.DEEPER]


# --- the comparison's elements are chosen inside lxml -------------------------------------------------------


def compared_revisions(site: Site) -> list[str]:
    """Every pair of consecutive revisions of the example compared in Swedish, as rendered HTML."""
    out = []
    for policy in site.policies.values():
        texts = [markdown_html(revision.texts["sv"].body) for revision in policy.revisions]
        out += [diff.render(old, new, strings("sv"), lambda url: "old:" + url, rewrite).html
                for old, new in zip(texts, texts[1:])]
    return out


def test_a_comparison_asks_python_for_no_element_s_class(example_model: Site, monkeypatch: pytest.MonkeyPatch) -> None:
    diff.parse_blocks.cache_clear()
    fast = compared_revisions(example_model)
    # As before: lxml.html's own parser, whose class lookup is Python's; the same comparisons.
    diff.parse_blocks.cache_clear()
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(diff_inline, "PARSER", lxml_html.html_parser)
        patch.setattr(diff_inline, "new_element", lxml_html.Element)
        assert compared_revisions(example_model) == fast
    asked: list[object] = []
    real = lxml_html.HtmlElementClassLookup.lookup
    monkeypatch.setattr(lxml_html.HtmlElementClassLookup, "lookup",
                        lambda self, *args: asked.append(args) or real(self, *args))
    diff.parse_blocks.cache_clear()
    assert compared_revisions(example_model) == fast
    assert asked == []
