"""HTML to clean text and to Markdown, by one streaming walk over lxml's tree.

Why lxml and not BeautifulSoup: building a BeautifulSoup tree costs about sixteen times lxml's parse
(figures in README "Speed and scale"). libxml2 first drops comments and scripts and unwraps inline
tags in C; the walk is `etree.iterwalk`, which is iterative, so 60,000 nested elements cannot exhaust
Python's stack.

The rules are design.md's "Clean text rules" (README "Clean text" lists the additions); the Markdown
variant shares the block structure (`blocks`) and only changes how blocks and inline elements are
marked. This module holds the inline side and the events; it is past 400 lines because the start and
end handlers of one walker belong together.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable

from lxml import etree

from wparchive.model import clean_str
from wparchive.render.blocks import BR, BlockWriter, Item, List, Quote, Table, collapse
from wparchive.render.markdown import escape_inline, escape_line_start, escape_table_code, md_url
from wparchive.render.parse import expand_captions, parse_html, shortcode_pattern
from wparchive.render.tree import CELL_CELL, CELL_ITEM, CELL_ROW, cell_text, prepare_tree

# The tree walk: None here, so this module, the readable reference, walks in Python. Its compiled copy
# (`wparchive.render._compiled`, see setup.py) sets the C walk of `_cwalk.pyx`, which sends the same calls.
walk_tree: Callable[[etree._Element, _Walker, frozenset[str]], None] | None = None
# The clean text in one C pass: None here. The compiled copy sets `_ctext.render`, a C port of this
# module's text rules, which returns None for what it leaves to these rules (see `_ctext.pyx`).
render_text: Callable[[etree._Element, re.Pattern[str] | None], str | None] | None = None

__all__ = ["collapse", "html_to_markdown", "html_to_text", "inline_text"]

BLOCK_TAGS = frozenset(
    "address article aside body center dd details dialog dir div dl dt fieldset figcaption figure "
    "footer form header hgroup html main menu nav ol p section summary ul li caption legend "
    "wpapb".split()
)
# Blocks with no handling of their own beyond starting and ending a block.
PLAIN_BLOCKS = BLOCK_TAGS - {"ul", "ol", "menu", "dir", "li", "caption"}
HEADINGS = {"h1": 1, "h2": 2, "h3": 3, "h4": 4, "h5": 5, "h6": 6}
# Inside a table cell these only separate words: a cell is one line.
CELL_BREAKS = BLOCK_TAGS | frozenset(HEADINGS) | {"br", "pre", "blockquote", "hr", "table", "tr", "td", "th"}
SKIP_TAGS = frozenset("script style noscript template head title".split())
EMBED_TAGS = {"iframe": "embed", "video": "video", "audio": "audio", "object": "embed"}
# Inline elements that only carry text; Markdown keeps links, emphasis, strike-through and code.
INLINE_MARKDOWN = tuple(
    "abbr acronym bdi bdo big cite data dfn font ins kbd label mark nobr samp small span "
    "sub sup time tt u var wbr".split())
INLINE_TEXT = INLINE_MARKDOWN + ("a", "b", "strong", "em", "i", "code", "del", "s", "strike")
# Markdown markers of the kept inline elements; `_` variants where a `*` marker ends right before.
WRAP_MARKERS = {"strong": "**", "b": "**", "em": "*", "i": "*", "del": "~~", "s": "~~", "strike": "~~"}
ALTERNATE_MARKERS = {"**": "__", "*": "_"}
QUOTE_MARKS = (("\u201c", "\u201d"), ("\u2018", "\u2019"))  # <q>, then <q> inside it, as browsers do


def _is_data_url(url: str) -> bool:
    return url.lstrip()[:5].lower() == "data:"


class _Walker(BlockWriter):
    """One pass over the tree, building blocks of lines with their list/quote prefixes."""

    def __init__(self, markdown: bool, shortcodes: re.Pattern[str] | None) -> None:
        super().__init__(markdown)
        self.shortcodes = shortcodes
        self.inline: list[str] = []
        self.pre = 0
        self.verse = False  # a verse block in Markdown: a pre whose emphasis and links are kept
        self.code = 0
        self.links = 0
        self.quotes = 0
        self.cell = 0
        self.nested_tables = 0
        # Open links/emphasis/code: [buffer position, opening marker, closing marker or None for code].
        self.wraps: list[list] = []
        self.heading = 0

    def flush(self) -> None:
        """End the current block: collapse its whitespace and emit its lines."""
        if not self.inline:
            return
        wraps = self.wraps
        if wraps:
            # A link or emphasis around blocks (`<a><p>..</p></a>`) marks each block it covers.
            for wrap in reversed(wraps):
                self._close(wrap)
            self.wraps = [[0, w[1], w[2]] for w in wraps]
        text = "".join(self.inline)
        self.inline = []
        if text.isspace():  # most flushes: the whitespace between two blocks
            return
        lines = [line for line in map(collapse, text.split(BR)) if line]
        if not lines:
            return
        if self.md:
            lines = [escape_line_start(line) for line in lines]
            if self.heading:  # an ATX heading is one line: a <br> in it stays HTML
                lines = ["#" * self.heading + " " + "<br>".join(lines)]
            elif len(lines) > 1:  # <br>: a hard line break, which a bare newline is not in Markdown
                lines = [line + "\\" for line in lines[:-1]] + [lines[-1]]
        self.emit(lines)

    # -- text -------------------------------------------------------------------------------
    def text(self, value: str | None) -> None:
        if not value:
            return
        if self.pre:
            value = value.replace("\xa0", " ")
            if self.verse:
                value = escape_inline(value, False)
            self.inline.append(value)
            return
        if self.shortcodes is not None and "[" in value:
            value = self.shortcodes.sub("", value)
        if self.md and not self.code:
            value = escape_inline(value, self.cell > 0, self.links > 0)
        elif self.md and self.cell:
            value = escape_table_code(value)
        self.inline.append(value)

    # -- links, emphasis, code --------------------------------------------------------------
    def _open_wrap(self, before: str, after: str | None) -> None:
        wraps = self.wraps
        if wraps and before != "[":
            for wrap in wraps:
                if wrap[1] == before:  # `<s><del>x</del></s>`: one mark; `~~~~x~~~~` would be literal
                    before = after = ""
                    break
        wraps.append([len(self.inline), before, after])

    def _close_wrap(self) -> None:
        if self.wraps:
            self._close(self.wraps.pop())

    def _close(self, wrap: list) -> None:
        """Mark what was written since `wrap` opened, if not empty; a line break splits it, since
        Markdown's markers cannot span one."""
        start, before, after = wrap
        inline = self.inline
        inner = inline[start] if start == len(inline) - 1 else "".join(inline[start:])
        if BR in inner or (self.verse and "\n" in inner):
            breaks = BR if BR in inner else "\n"
            wrapped = breaks.join(self._marked(part, before, after, "") for part in inner.split(breaks))
        else:
            previous = inline[start - 1] if start else ""
            if after is None and previous[-1:] == "`" and previous[-2:-1] not in ("`", "\\") \
                    and "`" not in inner and inner == inner.strip():
                # Code right after code: backtick runs would merge, so the two become one span.
                inline[start - 1] = previous[:-1]
                wrapped = inner + "`"
            else:
                wrapped = self._marked(inner, before, after, previous)
        inline[start:] = [wrapped]

    def _marked(self, inner: str, before: str, after: str | None, previous: str) -> str:
        core = inner.strip(" \t\n\r\f\v\xa0")
        if not core or not before:
            return inner
        lead = inner[: len(inner) - len(inner.lstrip(" \t\n\r\f\v\xa0"))]
        trail = inner[len(inner.rstrip(" \t\n\r\f\v\xa0")) :]
        if after is None:  # code: a fence longer than any run of backticks inside (CommonMark)
            if "`" in core:
                fence = "`" * (max(len(r) for r in re.findall("`+", core)) + 1)
                pad = " " if core[0] == "`" or core[-1] == "`" else ""
                before, after = fence + pad, pad + fence
            else:
                after = before
        elif before in ALTERNATE_MARKERS and not lead and previous.endswith("*") \
                and not previous.endswith("\\*"):
            # `*a**b*` would not be two emphases: the second one uses underscores.
            before = after = ALTERNATE_MARKERS[before]
        return lead + before + core + after + trail

    # -- events -----------------------------------------------------------------------------
    def start(self, el: etree._Element, tag: str) -> None:
        if self.pre:
            if tag == "br":
                self.inline.append("\n")
            elif self.verse:
                self._start_inline(el, tag)
            return
        if self.cell:
            if tag == "br" and self.md:  # kept as <br>, which GFM cells allow
                self.inline.append(BR)
                return
            if tag in CELL_BREAKS or tag == "li":
                if tag == "li":
                    self.inline.append(CELL_ITEM)
                elif tag == "table":
                    self.nested_tables += 1
                    self.inline.append(CELL_ROW)
                elif tag == "tr":
                    self.inline.append(CELL_ROW)
                elif tag in ("td", "th"):
                    self.inline.append(CELL_CELL)
                else:
                    self.inline.append(" ")
                return
        if tag == "br":
            self.inline.append(BR)
        elif tag == "img":
            self._image(el)
        elif tag in EMBED_TAGS:
            self._embed(el, tag)
        elif tag in HEADINGS:
            self.flush()
            self.heading = HEADINGS[tag] if self.md else 0
        elif tag == "pre":
            self.flush()
            self.pre = 1
            self.verse = self.md and "wp-block-verse" in (el.get("class") or "")
        elif tag in ("ul", "ol", "menu", "dir"):
            self.flush()
            start = 1
            if tag == "ol":
                try:
                    start = int(el.get("start", "1"))
                except ValueError:
                    start = 1
            self.start_list(tag == "ol", start)
        elif tag == "li":
            self._start_item(el)
        elif tag == "blockquote":
            self.flush()
            self.frames.append(Quote())
        elif tag == "table":
            self.flush()
            self.frames.append(Table())
        elif tag == "tr":
            table = self.table()
            if table is not None:
                table.end_row()  # cells written without a <tr> before this one are a row of their own
                table.row = []
        elif tag in ("td", "th"):
            table = self.table()
            if table is None:  # a stray cell: its text is kept, apart from its neighbours'
                self.inline.append(" ")
                return
            self.flush()  # text inside the table but outside any cell is kept, as its own block
            if table.row is None:  # a cell without a <tr> starts a row
                table.row = []
            self.cell = 1
        elif tag == "hr":
            self.flush()
            if self.md:
                self.emit(["* * *"])
        elif tag in BLOCK_TAGS:
            self.flush()
        elif tag == "q":
            self.inline.append(QUOTE_MARKS[min(self.quotes, 1)][0])
            self.quotes += 1
        elif self.md:
            self._start_inline(el, tag)

    def _start_inline(self, el: etree._Element, tag: str) -> None:
        if tag == "code":
            if not self.code:
                self._open_wrap("`", None)
            self.code += 1
        elif self.code:
            return  # inside code only the text counts
        elif tag == "a":
            href = el.get("href")
            if href:
                self.links += 1
                if href[0] in "dD \t\n" and _is_data_url(href):
                    self.wraps.append([len(self.inline), "", ""])  # an inline file is no address
                else:
                    self._open_wrap("[", "](" + md_url(href) + ")")
        elif tag in WRAP_MARKERS:
            marker = WRAP_MARKERS[tag]
            self._open_wrap(marker, marker)

    def _end_inline(self, el: etree._Element, tag: str) -> None:
        if tag == "code":
            self.code = max(0, self.code - 1)
            if not self.code:
                self._close_wrap()
        elif self.code:
            return
        elif tag == "a":
            if el.get("href"):
                self.links = max(0, self.links - 1)
                self._close_wrap()
        elif tag in WRAP_MARKERS:
            self._close_wrap()

    def _start_item(self, el: etree._Element) -> None:
        self.flush()
        lst = next((f for f in reversed(self.frames) if isinstance(f, List)), None)
        if lst is None:
            lst = List(False, 1)
        value = el.get("value")
        if lst.ordered and value is not None:
            try:
                lst.counter = int(value) - 1  # <li value="100"> is numbered 100, and counting goes on
            except ValueError:
                pass
        lst.counter += 1
        marker = f"{lst.counter}{lst.marker} " if lst.ordered else lst.marker + " "
        cont = " " * len(marker) if self.md else "  "
        self.frames.append(Item(marker, cont))

    def end(self, el: etree._Element, tag: str) -> None:
        if self.pre:
            if tag == "pre":
                self._end_pre()
            elif self.verse:
                self._end_inline(el, tag)
            return
        if self.cell:
            if tag in ("td", "th") and not self.nested_tables:
                table = self.table()
                if table is not None and table.row is not None:
                    table.row.append(self._cell("".join(self.inline)))
                self.inline = []
                self.wraps = []
                self.cell = 0
                return
            if tag in CELL_BREAKS:
                if tag == "table" and self.nested_tables:
                    self.nested_tables -= 1
                    self.inline.append(CELL_ROW)
                elif tag == "li":
                    self.inline.append(CELL_ITEM)
                else:
                    self.inline.append(" ")
                return
        if tag in HEADINGS:
            self.flush()
            self.heading = 0
        elif tag in ("ul", "ol", "menu", "dir"):
            self.flush()
            self.end_list()
        elif tag == "li":
            self.flush()
            self.pop(Item)
        elif tag == "blockquote":
            self.flush()
            self.pop(Quote)
        elif tag == "tr":
            table = self.table()
            if table is not None:
                table.end_row()
        elif tag == "table":
            table = self.table()
            self.flush()
            self.pop(Table)
            self.write_table(table)
        elif tag in ("td", "th"):
            if self.table() is None:
                self.inline.append(" ")
        elif tag in BLOCK_TAGS:
            self.flush()
        elif tag == "q":
            self.quotes = max(0, self.quotes - 1)
            self.inline.append(QUOTE_MARKS[min(self.quotes, 1)][1])
        elif self.md:
            self._end_inline(el, tag)

    # -- media ------------------------------------------------------------------------------
    def _cell(self, raw: str) -> str:
        """A table cell's one line; in Markdown a `<br>` stays `<br>` (GFM cells allow it), in text a space."""
        if not self.md:
            return cell_text(raw.replace(BR, " "), collapse)
        cell = "<br>".join(cell_text(part, collapse) for part in raw.split(BR))
        return cell.removeprefix("<br>").removesuffix("<br>").strip()

    def _image(self, el: etree._Element) -> None:
        alt = collapse(clean_str(el.get("alt") or ""))
        src = el.get("src") or ""
        if self.md and not _is_data_url(src):
            if src or alt:
                self.inline.append(f"![{escape_inline(alt, False, True)}]({md_url(src)})")
        elif alt:
            text = f"[image: {alt}]"
            self.inline.append(escape_inline(text, False, True) if self.md else text)

    def _embed(self, el: etree._Element, tag: str) -> None:
        src = el.get("src") or el.get("data") or ""
        if not src:
            source = el.find("source")
            src = source.get("src", "") if source is not None else ""
        if not src:
            return
        kind = EMBED_TAGS[tag]
        if _is_data_url(src):  # an inline file is no address: only what it is
            text = "\\[" + kind + "\\]" if self.md else f"[{kind}]"
        else:
            text = f"[{kind}](<{src}>)" if self.md else f"[{kind}: {src}]"
        if self.cell:
            self.inline.append(f" {text} ")
            return
        self.flush()
        self.inline.append(text)
        self.flush()

    def _end_pre(self) -> None:
        self.pre = 0
        verse, self.verse = self.verse, False
        text = "".join(self.inline)
        self.inline = []
        self.wraps = []
        if text.startswith("\n"):  # HTML drops a newline right after <pre>
            text = text[1:]
        if not text.strip():
            return
        lines = text.split("\n")
        # Blank lines at either end of a block are block spacing, not content: blocks are separated
        # by exactly one blank line.
        while not lines[0].strip():
            lines.pop(0)
        while not lines[-1].strip():
            lines.pop()
        text = "\n".join(lines)
        if verse:
            # A poem's lines and indentation: hard breaks, leading spaces as &nbsp; (Markdown would
            # drop them), its emphasis and links kept.
            lines = [_indent(line) + "\\" for line in lines]
            lines[-1] = lines[-1][:-1]
        elif self.md:
            fence = "```"
            while fence in text:
                fence += "`"
            lines = [fence] + lines + [fence]
        self.emit(lines, verbatim=True)

    def result(self) -> str:
        self.flush()
        return super().result()


def _indent(line: str) -> str:
    body = line.lstrip(" \t")
    indent = line[: len(line) - len(body)].replace("\t", "    ")
    return "&nbsp;" * len(indent) + escape_line_start(body.rstrip(" \t")) if indent else \
        escape_line_start(body.rstrip(" \t"))


def _walk(html: str, markdown: bool) -> str:
    if not html or html.isspace():
        return ""
    bracket = "[" in html  # no shortcodes or captions without one: one scan of the source, not three
    if bracket:
        html = expand_captions(html)
    root = parse_html(html)
    shortcodes = shortcode_pattern(html) if bracket else None
    if render_text is not None and not markdown:
        text = render_text(root, shortcodes)  # reads the tree only: on None it is rendered below
        if text is not None:
            return text
    # Let libxml2 do what it can in C: drop what is never text, and unwrap inline elements whose
    # only contribution is their text (in Markdown, links, emphasis and code are kept).
    etree.strip_elements(root, etree.Comment, etree.ProcessingInstruction, *SKIP_TAGS, with_tail=False)
    prepare_tree(root, html)
    etree.strip_tags(root, *(INLINE_MARKDOWN if markdown else INLINE_TEXT))
    walker = _Walker(markdown, shortcodes)
    (walk_tree or walk_tree_python)(root, walker, PLAIN_BLOCKS)
    return walker.result()


def walk_tree_python(root: etree._Element, walker: _Walker, plain: frozenset[str]) -> None:
    """Send the walker every element's start and end with its text and tail, in document order.

    The readable reference of the compiled walk (`_cwalk.pyx`), which must send the same calls."""
    walker_start, walker_end, walker_text, flush = walker.start, walker.end, walker.text, walker.flush
    for event, el in etree.iterwalk(root, events=("start", "end")):
        tag = el.tag
        # Most elements are plain blocks (p, div, figure): they only end the block before them.
        if tag in plain and not (walker.pre or walker.cell):
            flush()
            text = el.text if event == "start" else el.tail
            if text:
                walker_text(text)
        elif event == "start":
            walker_start(el, tag)
            if el.text:
                walker_text(el.text)
        else:
            walker_end(el, tag)
            if el.tail:
                walker_text(el.tail)


def html_to_text(html: str) -> str:
    """Clean text of an HTML fragment, by design.md's rules; no trailing newline."""
    return _walk(html, markdown=False)


def html_to_markdown(html: str) -> str:
    """Markdown of an HTML fragment; no trailing newline."""
    return _walk(html, markdown=True)


def inline_text(html: str) -> str:
    """One line of text from a title-like fragment: entities decoded, markup stripped."""
    if "<" not in html and "&" not in html:
        text = collapse(clean_str(html))
    else:
        text = " ".join(html_to_text(html).split())
    return unicodedata.normalize("NFC", text)
