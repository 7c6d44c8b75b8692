"""A Markdown extension that lets `smarty` pass over text it has nothing to do in.

Python-Markdown's `smarty` runs its own inline pass over every piece of text of a page, trying
each of its patterns in turn, although each needs a character most text has none of: a quote, two
dashes, three dots, two angle brackets. policypress turns smarty on for every page (quotation
marks per language), which cost a build as much as converting the Markdown once more. Listed after
`smarty`, this extension gives smarty's pass a check first: a piece of text without any of the
characters its patterns need is left as it is, which is what trying every pattern would give, and
a page none of whose text holds one is not walked at all.
"""

from __future__ import annotations

from typing import Any
from xml.etree.ElementTree import Element

from markdown import Markdown
from markdown.extensions import Extension
from markdown.treeprocessors import InlineProcessor
from markdown.util import Registry

# What each of smarty's patterns (by its registered name) cannot match without.
KNOWN: dict[str, tuple[str, ...]] = {
    **{f"smarty-quotes-{index}": ("'", '"') for index in range(32)},
    "smarty-em-dashes": ("--",),
    "smarty-en-dashes": ("--",),
    "smarty-ellipses": ("...",),
    "smarty-left-angle-quotes": ("<<",),
    "smarty-right-angle-quotes": (">>",),
}
# The name-mangled method of InlineProcessor that applies the patterns to one piece of text.
HANDLE = "_InlineProcessor__handleInline"


def needed(patterns: Registry[Any]) -> tuple[str, ...] | None:
    """What some text must hold for any of smarty's patterns to match; None when a pattern is
    not one this module knows (then every piece of text is tried, as without it)."""
    found = [needs for name, needs in KNOWN.items() if name in patterns]
    if not found or len(found) != len(patterns):
        return None
    return tuple(sorted({piece for needs in found for piece in needs}))


class SmartySkipExtension(Extension):
    def extendMarkdown(self, md: Markdown) -> None:
        processor = md.treeprocessors["smarty"] if "smarty" in md.treeprocessors else None
        handle = getattr(processor, HANDLE, None)
        if not isinstance(processor, InlineProcessor) or handle is None:
            return  # no smarty, or a Markdown whose inner workings differ: smarty as it is
        needs = needed(processor.inlinePatterns)
        if needs is None:
            return

        run = processor.run

        def handle_if_needed(data: str, pattern_index: int = 0) -> str:
            if not any(piece in data for piece in needs):
                return data
            return handle(data, pattern_index)

        # A page none of whose text needs smarty is not walked at all (the walk alone costs).
        def run_if_needed(tree: Element, ancestors: list[str] | None = None) -> Element:
            texts = (text for node in tree.iter() for text in (node.text, node.tail) if text)
            if not any(piece in text for text in texts for piece in needs):
                return tree
            return run(tree, ancestors)

        setattr(processor, HANDLE, handle_if_needed)
        processor.run = run_if_needed  # type: ignore[method-assign]


def makeExtension(**kwargs: Any) -> SmartySkipExtension:  # noqa: N802 (Markdown's name)
    return SmartySkipExtension(**kwargs)
