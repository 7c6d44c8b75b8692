"""Unit tests of policypress.core.diff on the example site's revisions, without MkDocs.

Each revision is rendered as a page renders it, without the theme: its Markdown with the
example's extensions, and its register placeholders replaced by tables of its own register
(`register.view`). Every pair of consecutive revisions is compared in every language, and the
output, parsed with lxml, is checked against the two texts: what is left after removing the
deletions is the new text, what is left after removing the insertions is the old one. The same
holds for generated texts (hypothesis); a word inserted into or deleted from any paragraph of
the example is the one mark. `test_revisions.py` checks diff pages inside full builds.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from html import escape
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from lxml import html as lxml_html
from lxml.html import HtmlElement
from lxml.html import builder as E
from jinja2 import Environment, FileSystemLoader

from conftest import markdown_html, plugin_options
from policypress.core import diff
from policypress.core.model import Revision, Site
from policypress.core.texts import strings
from policypress.plugins import pages

LANGUAGES = [language["locale"] for language in plugin_options("i18n")["languages"]]
HIDDEN = "pp-visually-hidden"
MARK = "Xyzzy"  # a word no revision uses


# The register's own template, as pages render it: its cells hold names, labels, lists and lines.
TEMPLATES = Environment(loader=FileSystemLoader(Path(pages.__file__).resolve().parent.parent / "templates"))


def page_html(revision: Revision, language: str) -> str:
    """A revision's text as its page shows it: Markdown, then its register's tables."""
    return pages.render_register(TEMPLATES, revision, language, markdown_html(revision.texts[language].body))


def fragment(html: str) -> HtmlElement:
    return lxml_html.fragment_fromstring(html, create_parent="div")


def characters(element: HtmlElement) -> str:
    """The text without white space: blocks are joined without it in the output."""
    return "".join(element.text_content().split())


def without(html: str, xpath: str) -> HtmlElement:
    root = fragment(html)
    for element in root.xpath(xpath):
        element.drop_tree()  # keeps the text that follows it
    return root


def text_of(html: str) -> str:
    """What a reader reads in a revision: without the headings' permalink signs."""
    return characters(without(html, ".//a[contains(@class, 'headerlink')]"))


def read_as(diff_html: str, dropped: str) -> str:
    """The comparison read without one kind of mark, the hidden texts and the fold summaries."""
    return characters(without(diff_html, f".//{dropped} | .//*[contains(@class, '{HIDDEN}')] | .//summary"))


def words(element: HtmlElement, dropped: str | None = None) -> list[str]:
    """The words of an element as a reader reads them (without the hidden texts)."""
    return visible(element, dropped).split()


def tokens(element: HtmlElement, dropped: str | None = None) -> list[str]:
    """Words and punctuation apart, as changes are marked."""
    return re.findall(r"\w+|[^\w\s]", visible(element, dropped))


def visible(element: HtmlElement, dropped: str | None) -> str:
    copy = fragment(lxml_html.tostring(element, encoding="unicode", with_tail=False))
    hidden = f".//*[contains(@class, '{HIDDEN}')]" + (f" | .//{dropped}" if dropped else "")
    for node in copy.xpath(hidden):
        node.drop_tree()
    # Table cells and blocks end a word even where the markup has no space between them.
    for node in copy.iter("td", "th", "li", "p", "tr"):
        node.tail = " " + (node.tail or "")
    return copy.text_content()


def old_link(url: str) -> str:
    return "old:" + url


def new_link(url: str) -> str:
    return "new:" + url


@dataclass(frozen=True)
class Compared:
    policy: str
    old: Revision
    new: Revision
    language: str
    old_html: str
    new_html: str
    result: diff.Diff

    @property
    def root(self) -> HtmlElement:
        return fragment(self.result.html)


def compare(old_html: str, new_html: str, language: str) -> diff.Diff:
    return diff.render(old_html, new_html, strings(language), old_link, new_link)


@pytest.fixture(scope="module")
def compared(example_model: Site) -> list[Compared]:
    """Every revision compared with the one before, in every language."""
    out = []
    for policy in example_model.policies.values():
        for old, new in zip(policy.revisions, policy.revisions[1:]):
            for language in LANGUAGES:
                old_html, new_html = page_html(old, language), page_html(new, language)
                out.append(Compared(policy.id, old, new, language, old_html, new_html,
                                    compare(old_html, new_html, language)))
    assert len(out) >= 2 * len(LANGUAGES)
    return out


def test_without_deletions_it_reads_as_the_new_text_and_without_insertions_as_the_old(compared: list[Compared]) -> None:
    for c in compared:
        assert read_as(c.result.html, "del") == text_of(c.new_html), (c.policy, str(c.new.version), c.language)
        assert read_as(c.result.html, "ins") == text_of(c.old_html), (c.policy, str(c.new.version), c.language)


def test_inserted_words_are_new_and_deleted_words_are_old(compared: list[Compared]) -> None:
    """Each marked word stands in the text it is marked as coming from, and a word that is in the
    new text of a changed block but not in the old is marked inserted (and the reverse)."""
    changed = 0
    for c in compared:
        root = c.root
        for element in root.xpath(".//*[contains(@class, 'pp-changed')]"):
            new, old = set(tokens(element, "del")), set(tokens(element, "ins"))
            inserted = {w for ins in element.iter("ins") for w in tokens(ins)}
            deleted = {w for d in element.iter("del") for w in tokens(d)}
            assert new - old <= inserted <= new and old - new <= deleted <= old
            changed += 1
        assert root.xpath(".//ins//ins | .//del//del | .//ins//del | .//del//ins") == []
    assert changed > 0


def test_every_mark_is_announced_in_the_page_language(compared: list[Compared]) -> None:
    for c in compared:
        t = strings(c.language)
        marks = list(c.root.iter("ins", "del"))
        assert marks, "consecutive revisions of the example differ"
        for mark in marks:
            name = "inserted" if mark.tag == "ins" else "deleted"
            first, last = mark[0], mark[-1]
            assert HIDDEN in first.get("class") and first.text.strip() == t[f"{name}_start"]
            assert HIDDEN in last.get("class") and last.text.strip() == t[f"{name}_end"]


def test_the_counts_are_the_marked_blocks(compared: list[Compared]) -> None:
    for c in compared:
        root, stats = c.root, c.result.stats
        assert len(root.xpath(".//*[contains(@class, 'pp-changed')]")) == stats.changed
        assert len(root.xpath(".//ins[contains(@class, 'pp-block')] | .//*[@class='pp-inserted-item']")) == stats.inserted
        assert len(root.xpath(".//del[contains(@class, 'pp-block')] | .//*[@class='pp-deleted-item']")) == stats.deleted
        assert stats.total > 0


def sections(html: str) -> dict[str, str]:
    """Each level-2 section of a text (heading title -> its characters), as the page has them."""
    out: dict[str, str] = {}
    title = None
    for child in without(html, ".//a[contains(@class, 'headerlink')]"):
        if not isinstance(child.tag, str):
            continue  # a comment, such as a page placeholder the plugin replaces
        if child.tag == "h2":
            title = " ".join(child.text_content().split())
            out[title] = ""
        if title is not None:
            out[title] += characters(child)
    return out


def test_exactly_the_unchanged_sections_are_folded_under_their_title(compared: list[Compared]) -> None:
    for c in compared:
        template = strings(c.language)["unchanged_section"]
        prefix = template.split("{title}")[0]
        folded = {s.text.removeprefix(prefix) for s in c.root.iter("summary") if s.text.startswith(prefix)}
        old, new = sections(c.old_html), sections(c.new_html)
        assert folded == {title for title, text in new.items() if old.get(title) == text}
        assert folded and folded != set(new)
        assert c.root.xpath(".//details//ins | .//details//del") == []


def test_links_come_from_the_revision_they_stood_in(compared: list[Compared]) -> None:
    for c in compared:
        sources = {"old:": fragment(c.old_html), "new:": fragment(c.new_html)}
        known = {side: {a.get("href") for a in root.iter("a")} for side, root in sources.items()}
        for a in c.root.iter("a"):
            side = "old:" if a.xpath("ancestor::del") else "new:"
            href = a.get("href")
            assert href.startswith(side) and href.removeprefix(side) in known[side], href
        assert c.root.xpath(".//*[@id]") == [], "ids would repeat on the page"


def test_a_revision_compared_with_itself_has_no_change(compared: list[Compared]) -> None:
    for c in compared:
        result = compare(c.new_html, c.new_html, c.language)
        root = fragment(result.html)
        assert result.stats.total == 0 and root.xpath(".//ins | .//del") == []
        (output,) = root
        assert output.get("class") == "pp-diff" and all(child.tag == "details" for child in output)
        assert read_as(result.html, "ins") == text_of(c.new_html)


# --- one word changed in each paragraph -------------------------------------------------------------


def edited_paragraphs(html: str, edit: Callable[[list[str]], str]) -> Iterator[tuple[str, str]]:
    """For each top-level paragraph whose leading text has three words or more: the page with
    that paragraph's text edited, and the word the edit concerns."""
    count = len(fragment(html).findall("p"))
    for index in range(count):
        root = fragment(html)
        paragraph = root.findall("p")[index]
        text = paragraph.text or ""
        words = text.split()
        if len(words) < 3:
            continue
        word = edit(words)
        # The white space around the text stays: it separates it from the elements around it.
        paragraph.text = text[: len(text) - len(text.lstrip())] + " ".join(words) + text[len(text.rstrip()):]
        yield "".join(lxml_html.tostring(child, encoding="unicode") for child in root), word


def insert(words: list[str]) -> str:
    words.insert(len(words) // 2, MARK)
    return MARK


def delete(words: list[str]) -> str:
    return words.pop(len(words) // 2)


def marked(root: HtmlElement, tag: str) -> list[str]:
    return [" ".join(words(element)) for element in root.iter(tag)]


@pytest.mark.parametrize("edit", [insert, delete])
@pytest.mark.parametrize("language", LANGUAGES)
def test_one_word_inserted_or_deleted_is_the_one_mark(example_model: Site, language: str, edit) -> None:
    html = page_html(example_model.policies["privacy"].revisions[-1], language)
    edits = list(edited_paragraphs(html, edit))
    assert len(edits) > 5
    for edited, word in edits:
        result = compare(html, edited, language)
        root = fragment(result.html)
        assert (marked(root, "ins"), marked(root, "del")) == (([word], []) if edit is insert else ([], [word]))
        assert (result.stats.changed, result.stats.inserted, result.stats.deleted) == (1, 0, 0)


def test_markup_in_a_changed_text_stays_text() -> None:
    inserted = "<script>alert(1)</script> &"
    old = "<p>Vi sparar uppgifterna.</p>"
    new = f"<p>Vi sparar {escape(inserted)} uppgifterna.</p>"
    result = compare(old, new, "sv")
    root = fragment(result.html)
    assert root.xpath(".//script") == []
    assert read_as(result.html, "del") == text_of(new)
    assert marked(root, "ins") == [inserted]


# --- the markup of a changed block ------------------------------------------------------------------

EMPTY = ("br", "img", "hr")


def signature(element: HtmlElement) -> list[tuple[str, tuple[tuple[str, str], ...]]]:
    """Each word, sign and line break of a block with the elements it stands in (name and class),
    outermost first, below the block itself."""
    out: list[tuple[str, tuple[tuple[str, str], ...]]] = []

    def add(text: str | None, path: tuple[tuple[str, str], ...]) -> None:
        out.extend((word, path) for word in re.findall(r"\w+|[^\w\s]", text or ""))

    def walk(node: HtmlElement, path: tuple[tuple[str, str], ...]) -> None:
        add(node.text, path)
        for child in node:
            if isinstance(child.tag, str):
                if child.tag in EMPTY:
                    out.append((f"<{child.tag}>", path))
                else:
                    walk(child, (*path, (child.tag, child.get("class") or "")))
            add(child.tail, path)

    walk(element, ())
    return out


def side(changed: HtmlElement, dropped: str) -> HtmlElement:
    """A changed block as one revision reads it: the other's marks and the hidden texts removed,
    its own marks unwrapped (their content kept in place)."""
    copy = fragment(lxml_html.tostring(changed, encoding="unicode", with_tail=False))[0]
    for node in copy.xpath(f".//{dropped} | .//*[contains(@class, '{HIDDEN}')]"):
        node.drop_tree()
    for node in copy.xpath(".//ins | .//del"):
        node.drop_tag()
    return copy


def signatures(html: str) -> set[str]:
    """The signature of every block of a text (headings without their permalink)."""
    return {repr((block.kind, signature(block.element))) for block in diff.parse_blocks(html)}


def assert_changed_blocks_keep_their_markup(result: diff.Diff, new_html: str) -> int:
    """Each changed block read as the new revision (its deletions left out) has the markup of a
    block of the new revision, word for word. (Read as the old one it need not: the words both
    share stand as the new revision has them, such as in a list where there was one value.)"""
    root = fragment(result.html)
    changed = root.xpath(".//*[contains(concat(' ', @class, ' '), ' pp-changed ') or contains(@class, 'pp-changed-item')]")
    new = signatures(new_html)
    for element in changed:
        assert repr((element.tag, signature(side(element, "del")))) in new, lxml_html.tostring(element, encoding="unicode")
    return len(changed)


def test_a_changed_block_keeps_the_names_labels_lists_and_lines_of_each_revision(compared: list[Compared]) -> None:
    """The register's changed rows keep their bold names, italic labels and lines (issue 21 §2),
    and so does every changed paragraph and list item of the example."""
    rows = 0
    for c in compared:
        assert assert_changed_blocks_keep_their_markup(c.result, c.new_html) == c.result.stats.changed
        rows += len(c.root.xpath(".//tr[contains(@class, 'pp-changed-item')][.//em][.//div]"))
    assert rows > 0, "the example changes a register row that has labels and lines"


# Small texts of a few words, so that generated revisions share words, blocks and lists.
TEXT = st.lists(st.sampled_from(["kaffe", "rostning", "och", ",", ".", "&", "<b>", "1"]), min_size=1, max_size=6).map(" ".join)
# Inline markup as pages have it (bold, italics, line breaks, links) inside paragraphs, list items
# and table cells, so that the comparison's markup is checked as well as its words.
INLINE = st.lists(
    st.one_of(TEXT, TEXT.map(E.STRONG), TEXT.map(E.EM), st.just("").map(lambda _: E.BR()),
              TEXT.map(lambda text: E.A(text, href="x/"))),
    min_size=1, max_size=4)
BLOCK = st.one_of(
    INLINE.map(lambda parts: E.P(*parts)),
    TEXT.map(lambda text: E.H2(text)),
    st.lists(INLINE, min_size=1, max_size=4).map(lambda items: E.UL(*[E.LI(*i) for i in items])),
    st.lists(st.lists(INLINE, min_size=1, max_size=3), min_size=1, max_size=3).map(
        lambda rows: E.TABLE(E.TBODY(*[E.TR(*[E.TD(*c) for c in row]) for row in rows]))),
)
DOCUMENT = st.lists(BLOCK, min_size=1, max_size=6).map(
    lambda blocks: "".join(lxml_html.tostring(block, encoding="unicode") for block in blocks))


@settings(max_examples=300, deadline=None)
@given(DOCUMENT, DOCUMENT)
def test_any_two_texts_read_back_from_their_comparison_in_their_markup(old: str, new: str) -> None:
    result = compare(old, new, "en")
    assert read_as(result.html, "del") == text_of(new)
    assert read_as(result.html, "ins") == text_of(old)
    assert_changed_blocks_keep_their_markup(result, new)
    root = fragment(result.html)
    assert root.xpath(".//ins//ins | .//del//del | .//ins//del | .//del//ins") == []
    # A mark never holds a block: it stands inside the paragraph, item or cell it changes.
    assert root.xpath(".//ins[not(contains(@class, 'pp-block'))]//*[self::p or self::li or self::td or self::div]"
                      " | .//del[not(contains(@class, 'pp-block'))]//*[self::p or self::li or self::td or self::div]") == []


def test_a_deleted_word_stays_in_the_bold_name_it_stood_in() -> None:
    t = strings("sv")
    old = "<p>Skickas av <strong>Letterfield Inc. Nordic</strong> i USA.</p>"
    new = "<p>Skickas av <strong>Letterfield Nordic</strong> i USA.</p>"
    root = fragment(compare(old, new, "sv").html)
    (strong,) = root.iter("strong")
    assert [" ".join(d.text_content().split()) for d in strong.iter("del")] == [f"{t['deleted_start']} Inc. {t['deleted_end']}"]
    assert marked(root, "ins") == []
    # A name deleted whole is shown bold and struck through.
    root = fragment(compare(old, "<p>Skickas i USA.</p>", "sv").html)
    assert [" ".join(words(d)) for d in root.xpath(".//del[strong]")] == ["av Letterfield Inc. Nordic"]
