"""A readable comparison of two rendered revisions of a policy.

Both revisions are compared as rendered HTML, not Markdown, so markup noise (line wrapping,
list markers, emphasis syntax) does not show up as a change. The text is cut into blocks
(headings, paragraphs, list items, table rows), blocks are aligned with difflib's
SequenceMatcher (Python's standard, well-kept diff), and inside each changed block the words
are compared again, keeping the block's own markup (`diff_inline`). Every insertion and deletion is an `<ins>`/`<del>` element that starts
with visually hidden text ("Deleted text: … end of deleted text"), so screen readers announce
it, and is styled by line-through/underline and markers, not by colour alone. Sections
without changes are collapsed into `<details>`.
"""

from __future__ import annotations

import difflib
import functools
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Literal

from lxml import html as lxml_html
from lxml.html import HtmlElement

from . import diff_inline
from .texts import Strings

Status = Literal["equal", "changed", "inserted", "deleted"]
LinkRewriter = Callable[[str], str]

HEADINGS = {"h1", "h2", "h3", "h4", "h5", "h6"}
CONTAINERS = {"ul", "ol", "table"}
SECTION = "h2"
# Blocks at least this similar are shown as one changed block; less similar ones as a
# deletion followed by an insertion.
PAIR_RATIO = 0.4


@dataclass
class Block:
    kind: str  # tag of the block: p, h2, li, tr, ...
    element: HtmlElement
    container: str | None = None  # ul / ol / table for items of a container
    group: int = -1  # which container (in document order) the item belongs to
    # Computed once, when the block is made: every comparison reads them.
    words: list[str] = field(init=False)
    text: str = field(init=False)
    key: tuple[str, str] = field(init=False)

    def __post_init__(self) -> None:
        self.words = self.element.text_content().split()
        self.text = " ".join(self.words)
        self.key = (self.kind, self.text)


@dataclass
class Item:
    """One block of the output, with what happened to it."""

    status: Status
    old: Block | None = None
    new: Block | None = None

    @property
    def block(self) -> Block:
        block = self.new if self.new is not None else self.old
        assert block is not None
        return block


@dataclass
class Stats:
    changed: int = 0
    inserted: int = 0
    deleted: int = 0

    @property
    def total(self) -> int:
        return self.changed + self.inserted + self.deleted


def stats_text(stats: Stats, strings: Strings) -> str:
    """What changed, counted in words: `2 ändrade stycken och 1 tillagt stycke.` (no zero counts)."""
    counts = (("passages_changed", stats.changed), ("passages_added", stats.inserted),
              ("passages_removed", stats.deleted))
    return strings.join(strings.plural(name, count) for name, count in counts if count) + "."


@dataclass
class Diff:
    html: str
    stats: Stats = field(default_factory=Stats)


# Each revision is compared with the one before and the one after: parsed once for both.
@functools.lru_cache(maxsize=16)
def parse_blocks(fragment: str) -> tuple[Block, ...]:
    """Split rendered HTML into comparable blocks; permalink anchors are dropped. The blocks are
    shared between comparisons: read them, copy before changing."""
    # As lxml.html.fragment_fromstring(create_parent="div") puts them, in a <div> of our parser's.
    parts = lxml_html.fragments_fromstring(fragment or "<p></p>", no_leading_text=False, parser=diff_inline.PARSER)
    root = diff_inline.new_element("div")
    if parts and isinstance(parts[0], str):
        root.text = parts.pop(0)
    root.extend(parts)
    for anchor in root.xpath(".//a[contains(concat(' ', normalize-space(@class), ' '), ' headerlink ')]"):
        anchor.drop_tree()
    blocks: list[Block] = []
    groups = 0

    def walk(parent: HtmlElement) -> None:
        nonlocal groups
        for child in parent.iterchildren():
            if not isinstance(child.tag, str):
                continue  # comments
            if child.tag in ("ul", "ol"):
                groups += 1
                blocks.extend(Block("li", li, child.tag, groups) for li in child.iterchildren("li"))
            elif child.tag == "table":
                groups += 1
                blocks.extend(Block("tr", tr, "table", groups) for tr in child.iter("tr"))
            elif _is_wrapper(child):
                walk(child)
            else:
                blocks.append(Block(child.tag, child))

    walk(root)
    return tuple(blocks)


def _is_wrapper(element: HtmlElement) -> bool:
    """A <div> that only groups blocks (such as a register table's), compared by its contents.
    Divs with a meaning of their own, like admonitions, stay one block."""
    classes = (element.get("class") or "").split()
    plain = not classes or all(c.startswith("pp-") for c in classes)
    return element.tag == "div" and plain and not (element.text or "").strip()


def align(old: Sequence[Block], new: Sequence[Block]) -> list[Item]:
    """Blocks of both revisions in reading order, each marked equal, changed, inserted or deleted."""
    items: list[Item] = []
    matcher = difflib.SequenceMatcher(None, [b.key for b in old], [b.key for b in new], autojunk=False)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            items += [Item("equal", o, n) for o, n in zip(old[i1:i2], new[j1:j2])]
        elif op == "delete":
            items += [Item("deleted", old=o) for o in old[i1:i2]]
        elif op == "insert":
            items += [Item("inserted", new=n) for n in new[j1:j2]]
        else:
            items += _pair(old[i1:i2], new[j1:j2])
    return items


def _pair(old: Sequence[Block], new: Sequence[Block]) -> list[Item]:
    """Within a replaced range, pair similar blocks of the same kind, in order. As many blocks
    on both sides (edited paragraphs, the usual case) pair one to one."""
    if len(old) == len(new):
        items: list[Item] = []
        for o, n in zip(old, new):
            if comparable(o, n) and similarity(o, n, PAIR_RATIO) >= PAIR_RATIO:
                items.append(Item("changed", o, n))
            else:
                items += [Item("deleted", old=o), Item("inserted", new=n)]
        return items
    items = []
    j = 0
    for o in old:
        best, best_ratio = None, PAIR_RATIO
        for k in range(j, len(new)):
            if not comparable(o, new[k]):
                continue
            ratio = similarity(o, new[k], best_ratio)
            if ratio >= best_ratio:
                best, best_ratio = k, ratio
        if best is None:
            items.append(Item("deleted", old=o))
            continue
        items += [Item("inserted", new=n) for n in new[j:best]]
        items.append(Item("changed", o, new[best]))
        j = best + 1
    items += [Item("inserted", new=n) for n in new[j:]]
    return items


def similarity(a: Block, b: Block, at_least: float) -> float:
    """How alike two blocks' words are (0..1); 0 as soon as the cheap upper bounds show that
    they cannot reach `at_least`."""
    matcher = difflib.SequenceMatcher(None, a.words, b.words, autojunk=False)
    if matcher.real_quick_ratio() < at_least or matcher.quick_ratio() < at_least:
        return 0.0
    return matcher.ratio()


def comparable(a: Block, b: Block) -> bool:
    """Blocks that can be shown as one changed block: of one kind, and rows with as many cells
    (cells are compared one with the other)."""
    return a.kind == b.kind and (a.kind != "tr" or len(_cells(a.element)) == len(_cells(b.element)))


def _cells(row: HtmlElement) -> list[HtmlElement]:
    return [cell for cell in row if cell.tag in ("td", "th")]


class Renderer:
    """Builds the diff's HTML with lxml elements (text is escaped by construction)."""

    def __init__(self, strings: Strings, old_link: LinkRewriter, new_link: LinkRewriter):
        self.t = strings
        self.old_link = old_link
        self.new_link = new_link
        self.stats = Stats()

    # --- marks -------------------------------------------------------------------------------

    def hidden(self, text: str) -> HtmlElement:
        span = diff_inline.new_element("span", {"class": "pp-visually-hidden"})
        span.text = text
        return span

    def open_mark(self, status: Status, block: bool = False) -> HtmlElement:
        """An empty `<del>`/`<ins>` that starts with hidden text for screen readers."""
        tag, name = ("del", "deleted") if status == "deleted" else ("ins", "inserted")
        element = diff_inline.new_element(tag, {"class": f"pp-{name}" + (" pp-block" if block else "")})
        element.append(self.hidden(self.t[f"{name}_start"] + " "))
        return element

    def close_mark(self, element: HtmlElement, status: Status) -> None:
        """The hidden text that ends a mark."""
        name = "deleted" if status == "deleted" else "inserted"
        element.append(self.hidden(" " + self.t[f"{name}_end"]))

    def mark(self, status: Status, content: list[HtmlElement | str], block: bool = False) -> HtmlElement:
        """`<del>`/`<ins>` around content, with hidden start and end text for screen readers."""
        element = self.open_mark(status, block)
        _extend(element, content)
        self.close_mark(element, status)
        return element

    def words(self, target: HtmlElement, old: HtmlElement, new: HtmlElement) -> None:
        """Fill `target` with the word-level comparison of two elements' contents, in their markup."""
        diff_inline.fill(target, old, new, self.old_link, self.new_link, self.open_mark, self.close_mark)

    # --- blocks --------------------------------------------------------------------------------

    def copy(self, block: Block, rewrite: LinkRewriter) -> HtmlElement:
        # Ids would repeat between old and new blocks; links go to the revision they came from.
        element = diff_inline.rewritten_copy(block.element, rewrite)
        element.tail = None
        return element

    def item(self, item: Item) -> HtmlElement:
        if item.status == "equal":
            assert item.new is not None
            return self.copy(item.new, self.new_link)
        if item.status == "changed":
            self.stats.changed += 1
            return self.changed(item)
        if item.status == "inserted":
            self.stats.inserted += 1
        else:
            self.stats.deleted += 1
        block = item.block
        rewrite = self.new_link if item.status == "inserted" else self.old_link
        element = self.copy(block, rewrite)
        if block.kind in ("li", "tr"):
            # Keep the <li>/<tr>; mark what is inside it.
            cells = list(element) if block.kind == "tr" else [element]
            for index, cell in enumerate(cells):
                children = ([cell.text] if cell.text else []) + list(cell)
                cell.text = None
                for child in list(cell):
                    cell.remove(child)
                if index == 0 and block.kind == "tr":
                    label = self.t[f"{item.status}_row"]
                    children = [self.hidden(label + ": ")] + children
                cell.append(self.mark(item.status, children))
            element.set("class", f"pp-{item.status}-item")
            return element
        wrapper = self.mark(item.status, [element], block=True)
        return wrapper

    def changed(self, item: Item) -> HtmlElement:
        assert item.old is not None and item.new is not None
        old, new = item.old, item.new
        if new.kind == "tr":
            # Rows pair only with as many cells (`comparable`): each cell is compared with its own.
            row = self.shell(new.element, "pp-changed-item")
            for old_cell, new_cell in zip(_cells(old.element), _cells(new.element)):
                cell = self.shell(new_cell)
                self.words(cell, old_cell, new_cell)
                row.append(cell)
            return row
        element = self.shell(new.element, "pp-changed" if new.kind != "li" else "pp-changed-item")
        self.words(element, old.element, new.element)
        return element

    def shell(self, element: HtmlElement, mark_class: str | None = None) -> HtmlElement:
        """An empty copy of a new block or cell, keeping what says what it is (class, scope, the
        column name a narrow screen shows above a cell), with a class that says it changed."""
        attributes = diff_inline.attributes(element, self.new_link)
        if mark_class:
            attributes["class"] = " ".join(filter(None, (attributes.get("class"), mark_class)))
        return diff_inline.new_element(element.tag, attributes)


def _extend(element: HtmlElement, content: list[HtmlElement | str]) -> None:
    """Append text and elements in order (lxml keeps text in .text/.tail)."""
    for part in content:
        if isinstance(part, str):
            if len(element):
                last = element[-1]
                last.tail = (last.tail or "") + part
            else:
                element.text = (element.text or "") + part
        else:
            element.append(part)


# --- putting the output together ------------------------------------------------------------------


@dataclass
class Unit:
    """A run of output that is shown or collapsed as a whole: one block, or one list/table."""

    items: list[Item]

    @property
    def unchanged(self) -> bool:
        return all(item.status == "equal" for item in self.items)

    @property
    def heading(self) -> str | None:
        block = self.items[0].block
        return block.kind if block.kind in HEADINGS else None


def units(items: list[Item]) -> list[Unit]:
    """Group consecutive items of one list or table, so they are rendered inside it. A deleted
    item joins the list or table it stood in, next to the kept items around it."""
    out: list[Unit] = []
    key: tuple[str, int] | None = None  # the container of the unit being filled
    for item in items:
        block = item.block
        here = (block.container, block.group) if block.container else None
        joins = here is not None and key is not None and (
            here == key or (item.status == "deleted" and here[0] == key[0])
        )
        if not joins:
            out.append(Unit([item]))
            key = here
            continue
        out[-1].items.append(item)
        if item.status != "deleted":
            key = here
    return out


def sections(all_units: list[Unit]) -> Iterator[list[Unit]]:
    """Split at every level-2 heading; text before the first one is a section of its own."""
    current: list[Unit] = []
    for unit in all_units:
        if unit.heading == SECTION and current:
            yield current
            current = []
        current.append(unit)
    if current:
        yield current


def render(old_html: str, new_html: str, strings: Strings, old_link: LinkRewriter, new_link: LinkRewriter) -> Diff:
    """The comparison of two rendered revisions as an HTML fragment, with counts of changes."""
    renderer = Renderer(strings, old_link, new_link)
    root = diff_inline.new_element("div", {"class": "pp-diff"})
    for section in sections(units(align(parse_blocks(old_html), parse_blocks(new_html)))):
        if all(unit.unchanged for unit in section):
            root.append(_collapsed(renderer, section, strings))
            continue
        kept: list[Unit] = []
        for index, unit in enumerate(section):
            near_change = any(not u.unchanged for u in section[max(0, index - 1): index + 2])
            if unit.unchanged and not near_change and unit.heading is None:
                kept.append(unit)
                continue
            if kept:
                root.append(_collapsed(renderer, kept, strings))
                kept = []
            root.append(_unit(renderer, unit))
        if kept:
            root.append(_collapsed(renderer, kept, strings))
    return Diff(lxml_html.tostring(root, encoding="unicode"), renderer.stats)


def _unit(renderer: Renderer, unit: Unit) -> HtmlElement:
    first = unit.items[0].block
    if first.container is None:
        return renderer.item(unit.items[0])
    container = diff_inline.new_element(first.container)
    for item in unit.items:
        container.append(renderer.item(item))
    return container


def _collapsed(renderer: Renderer, units_: list[Unit], strings: Strings) -> HtmlElement:
    """Unchanged blocks behind a `<details>` whose summary says what is hidden."""
    details = diff_inline.new_element("details", {"class": "pp-unchanged"})
    summary = diff_inline.new_element("summary")
    details.append(summary)
    heading = units_[0].items[0].block if units_[0].heading else None
    count = sum(len(u.items) for u in units_)
    if heading is not None:
        summary.text = strings["unchanged_section"].format(title=heading.text)
    else:
        summary.text = strings.plural("passages_unchanged", count)
    for unit in units_:
        details.append(_unit(renderer, unit))
    return details
