"""The words of one changed block (a paragraph, a list item, a table cell) compared with the block's
earlier version, keeping its structure: the bold names, italic labels, line breaks, lists and
links of the new version stay where they are, and only the words that changed are marked.

Each version's content is cut into tokens (a word, a run of white space, a punctuation sign, or
an empty element such as `<br>`), each knowing the elements it stands in. Tokens are compared by
their text, as whole blocks are: a word that only became bold is shown bold, not marked. The
output is built again from the tokens: unchanged and inserted ones inside the new version's
elements, deleted ones inside the old version's, except where an old element has a counterpart
in the new version (found through the unchanged words they share), so a deleted word stays
inside the bold name or the list item it stood in instead of opening a copy of it.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from itertools import count
from typing import Literal

from lxml import etree
from lxml import html as lxml_html
from lxml.html import HtmlElement

Status = Literal["equal", "deleted", "inserted"]
LinkRewriter = Callable[[str], str]

WORDS_RE = re.compile(r"\s+|\w+|[^\w\s]", re.UNICODE)
# Elements a mark must not enclose: it goes inside them, so an <ins> never holds a list item or a cell.
BLOCK_TAGS = frozenset({
    "address", "article", "aside", "blockquote", "dd", "details", "div", "dl", "dt", "figcaption", "figure",
    "footer", "h1", "h2", "h3", "h4", "h5", "h6", "header", "li", "ol", "p", "pre", "section", "summary",
    "table", "tbody", "td", "tfoot", "th", "thead", "tr", "ul",
})
# lxml.html's parser asks Python for the class of every element it hands out (a form's elements
# have classes of their own, which the comparison never uses): here every element is an
# HtmlElement, chosen inside lxml. Pages are parsed, and comparisons built, with it.
PARSER = lxml_html.HTMLParser()
PARSER.set_element_class_lookup(etree.ElementDefaultClassLookup(element=HtmlElement, comment=lxml_html.HtmlComment))
new_element = PARSER.makeelement
# The elements of a copied block whose attributes the comparison page writes otherwise (see `attributes`).
REWRITTEN = etree.XPath("descendant-or-self::*[@id or @href or @src]")
# Elements without content of their own, copied whole as one token.
EMPTY_TAGS = frozenset({"br", "hr", "img", "input", "wbr"})


@dataclass(frozen=True, eq=False)
class Token:
    text: str  # "" for an element copied whole
    element: HtmlElement | None  # that element (a <br>, an <img>, an empty anchor)
    frames: tuple[HtmlElement, ...]  # the elements it stands in, outermost first, the block itself left out

    @property
    def space(self) -> bool:
        return self.element is None and self.text.isspace()

    @property
    def key(self) -> str:
        """What is compared: the words, as blocks are (markup alone changing is no change to
        mark); white space is all one, an element is its name."""
        return " " if self.space else self.text if self.element is None else f"<{self.element.tag}>"


def tokens(block: HtmlElement) -> list[Token]:
    """The content of a block as tokens, in reading order (comments left out)."""
    out: list[Token] = []

    def add_text(text: str | None, frames: tuple[HtmlElement, ...]) -> None:
        out.extend(Token(piece, None, frames) for piece in WORDS_RE.findall(text or ""))

    def walk(element: HtmlElement, frames: tuple[HtmlElement, ...]) -> None:
        add_text(element.text, frames)
        for child in element:
            if isinstance(child.tag, str):
                if child.tag in EMPTY_TAGS or (not len(child) and not child.text):
                    out.append(Token("", child, frames))
                else:
                    walk(child, (*frames, child))
            add_text(child.tail, frames)

    walk(block, ())
    return out


@dataclass(frozen=True)
class Frame:
    """An element of one version that output tokens stand in, with how its links are rewritten."""

    source: HtmlElement
    rewrite: LinkRewriter


@dataclass(frozen=True)
class Mark:
    """An `<ins>` or `<del>` around a run of tokens (its number tells runs apart)."""

    status: Status
    number: int


@dataclass(frozen=True)
class Placed:
    token: Token
    path: tuple[Frame | Mark, ...]
    rewrite: LinkRewriter


def compare(old: HtmlElement, new: HtmlElement, old_link: LinkRewriter,
            new_link: LinkRewriter) -> list[tuple[Status, list[Placed]]]:
    """Runs of tokens, each equal, deleted or inserted, with the elements each stands in. A change
    separated from the next only by white space is merged with it, so a rewritten phrase reads as
    one deletion and one insertion."""
    a, b = tokens(old), tokens(new)
    ops = difflib.SequenceMatcher(lambda key: key == " ", [t.key for t in a], [t.key for t in b],
                                  autojunk=False).get_opcodes()
    # An old element that holds some of the same words as a new one is that element, changed.
    counterpart: dict[HtmlElement, HtmlElement] = {}
    for op, i1, i2, j1, j2 in ops:
        if op == "equal":
            for old_token, new_token in zip(a[i1:i2], b[j1:j2]):
                for old_frame, new_frame in zip(old_token.frames, new_token.frames):
                    if old_frame.tag != new_frame.tag:
                        break
                    counterpart[old_frame] = new_frame
    merged: list[list] = []  # [changed?, old tokens, new tokens]
    for index, (op, i1, i2, j1, j2) in enumerate(ops):
        after_change = bool(merged) and merged[-1][0]
        joins = op != "equal" or (index + 1 < len(ops) and ops[index + 1][0] != "equal"
                                  and all(t.space for t in a[i1:i2]))
        if after_change and joins:
            merged[-1][1] += a[i1:i2]
            merged[-1][2] += b[j1:j2]
        else:
            merged.append([op != "equal", a[i1:i2], b[j1:j2]])

    # The tokens of one text share their elements: their path is made once.
    new_paths: dict[tuple[HtmlElement, ...], tuple[Frame, ...]] = {}

    def new_place(token: Token) -> Placed:
        path = new_paths.get(token.frames)
        if path is None:
            path = new_paths[token.frames] = tuple(Frame(f, new_link) for f in token.frames)
        return Placed(token, path, new_link)

    def old_place(token: Token) -> Placed:
        path = tuple(Frame(counterpart[f], new_link) if f in counterpart else Frame(f, old_link) for f in token.frames)
        return Placed(token, path, old_link)

    runs: list[tuple[Status, list[Placed]]] = []
    for changed, olds, news in merged:
        if not changed:
            runs.append(("equal", [new_place(t) for t in news]))
            continue
        # White space alone is no change to show: a deleted one goes, an inserted one stays unmarked.
        if olds and not all(t.space for t in olds):
            runs += _trimmed("deleted", [old_place(t) for t in olds])
        if news:
            runs += _trimmed("inserted", [new_place(t) for t in news]) if not all(t.space for t in news) \
                else [("equal", [new_place(t) for t in news])]
    return runs


def _trimmed(status: Status, placed: list[Placed]) -> list[tuple[Status, list[Placed]]]:
    """A marked run without the white space at its ends, which stays unmarked around it: only
    words are struck through or underlined."""
    start, end = 0, len(placed)
    while placed[start].token.space:
        start += 1
    while placed[end - 1].token.space:
        end -= 1
    runs = [("equal", placed[:start]), (status, placed[start:end]), ("equal", placed[end:])]
    return [(s, run) for s, run in runs if run]


def _marked(runs: list[tuple[Status, list[Placed]]]) -> Iterable[Placed]:
    """Every token with its mark among its elements: as deep as all tokens of its run share them,
    but never around a block element (a run that crosses blocks gets one mark per block)."""
    numbers = count()
    for status, placed in runs:
        if status == "equal":
            yield from placed
            continue
        for group in _by_block(placed):
            depth = _shared(p.path for p in group)
            mark = Mark(status, next(numbers))
            for p in group:
                yield Placed(p.token, (*p.path[:depth], mark, *p.path[depth:]), p.rewrite)


def _block_depth(path: Sequence[Frame | Mark]) -> int:
    blocks = [i for i, frame in enumerate(path) if isinstance(frame, Frame) and frame.source.tag in BLOCK_TAGS]
    return blocks[-1] + 1 if blocks else 0


def _by_block(placed: list[Placed]) -> Iterable[list[Placed]]:
    group: list[Placed] = []
    for p in placed:
        if group and p.path[:_block_depth(p.path)] != group[0].path[:_block_depth(group[0].path)]:
            yield group
            group = []
        group.append(p)
    if group:
        yield group


def _shared(paths: Iterable[tuple[Frame | Mark, ...]]) -> int:
    """How many leading elements all paths have in common."""
    paths = list(paths)
    depth = 0
    while all(len(path) > depth and path[depth] == paths[0][depth] for path in paths):
        depth += 1
    return depth


def attributes(element: HtmlElement, rewrite: LinkRewriter) -> dict[str, str]:
    """An element's attributes for the comparison page: no id (it would repeat between the old and
    the new block), links to the revision the element came from."""
    kept = {key: value for key, value in element.attrib.items() if key != "id"}
    for name in ("href", "src"):
        if name in kept:
            kept[name] = rewrite(kept[name])
    return kept


class Builder:
    """Writes tokens into an output element, opening and closing copies of the elements they
    stand in as their paths change."""

    def __init__(self, root: HtmlElement, open_mark: Callable[[Status], HtmlElement],
                 close_mark: Callable[[HtmlElement, Status], None]):
        self.root = root
        self.open_mark, self.close_mark = open_mark, close_mark
        self.stack: list[tuple[Frame | Mark, HtmlElement]] = []

    @property
    def top(self) -> HtmlElement:
        return self.stack[-1][1] if self.stack else self.root

    def move_to(self, path: tuple[Frame | Mark, ...]) -> None:
        depth = 0
        while depth < min(len(path), len(self.stack)) and self.stack[depth][0] == path[depth]:
            depth += 1
        while len(self.stack) > depth:
            frame, element = self.stack.pop()
            if isinstance(frame, Mark):
                self.close_mark(element, frame.status)
        for frame in path[depth:]:
            if isinstance(frame, Mark):
                element = self.open_mark(frame.status)
            else:
                element = new_element(frame.source.tag, attributes(frame.source, frame.rewrite))
            self.top.append(element)
            self.stack.append((frame, element))

    def add(self, placed: Placed) -> None:
        self.move_to(placed.path)
        token, top = placed.token, self.top
        if token.element is not None:
            copy = new_element(token.element.tag, attributes(token.element, placed.rewrite))
            top.append(copy)
        elif len(top):
            top[-1].tail = (top[-1].tail or "") + token.text
        else:
            top.text = (top.text or "") + token.text


def fill(target: HtmlElement, old: HtmlElement, new: HtmlElement, old_link: LinkRewriter, new_link: LinkRewriter,
         open_mark: Callable[[Status], HtmlElement], close_mark: Callable[[HtmlElement, Status], None]) -> None:
    """Write the comparison of the contents of `old` and `new` into `target` (an empty element)."""
    if _same_content(old, new):
        _copy_content(target, new, new_link)
        return
    builder = Builder(target, open_mark, close_mark)
    for placed in _marked(compare(old, new, old_link, new_link)):
        builder.add(placed)
    builder.move_to(())


# Most cells of a changed row are as they were: their comparison is the new cell's content as it
# stands, which a copy gives without comparing token by token (a build has thousands of them).
def _same_content(old: HtmlElement, new: HtmlElement) -> bool:
    """Both versions written alike, and nothing in them the comparison leaves out (comments)."""
    # lxml's own serializer: lxml.html's wrapper would only search both for a meta tag to drop.
    return (etree.tostring(old, method="html", encoding="unicode", with_tail=False)
            == etree.tostring(new, method="html", encoding="unicode", with_tail=False)
            and next(new.iter(etree.Comment, etree.ProcessingInstruction), None) is None)


def _copy_content(target: HtmlElement, new: HtmlElement, rewrite: LinkRewriter) -> None:
    """The content of `new` in `target` as the comparison would write it: without ids, its links
    rewritten."""
    target.text = new.text
    for child in new:
        target.append(rewritten_copy(child, rewrite))


def rewritten_copy(element: HtmlElement, rewrite: LinkRewriter) -> HtmlElement:
    """A copy of an element for the comparison page (its tail too): no ids, links to the revision
    it came from (see `attributes`)."""
    copy = element.__copy__()  # lxml's copy is deep; copy.deepcopy's own machinery costs as much again
    # Only the few elements with an id or a link change: found in one query, not visited one by one.
    for node in REWRITTEN(copy):
        attrib = node.attrib
        attrib.pop("id", None)
        for name in ("href", "src"):
            if name in attrib:
                attrib[name] = rewrite(attrib[name])
    return copy
