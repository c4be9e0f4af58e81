"""HTML to clean text and to Markdown, by one streaming walk over lxml's tree.

Why lxml and not BeautifulSoup: building a BeautifulSoup tree costs about sixteen times lxml's parse
(figures in README "Speed and scale"). libxml2 first drops comments and scripts and unwraps inline
tags in C; the walk is `etree.iterwalk`, which is iterative, so 60,000 nested elements cannot exhaust
Python's stack.

The rules are design.md's "Clean text rules"; the Markdown variant shares the block structure and only
changes how blocks and inline elements are marked.
"""

from __future__ import annotations

import re
import unicodedata

from lxml import etree

from wparchive.model import clean_str
from wparchive.render.markdown import escape_inline, escape_line_start, md_url
from wparchive.render.parse import expand_captions, parse_html, shortcode_pattern

BR = "\x00"  # line-break sentinel in the inline buffer; NULs never survive `clean_str`

BLOCK_TAGS = frozenset(
    "address article aside body center dd details dialog dir div dl dt fieldset figcaption figure "
    "footer form header hgroup html main menu nav ol p section summary ul li caption legend "
    "wpapb".split()
)
# Blocks with no handling of their own beyond starting and ending a block.
PLAIN_BLOCKS = BLOCK_TAGS - {"ul", "ol", "menu", "dir", "li", "caption"}
HEADINGS = {"h1": 1, "h2": 2, "h3": 3, "h4": 4, "h5": 5, "h6": 6}
SKIP_TAGS = frozenset("script style noscript template head title".split())
EMBED_TAGS = {"iframe": "embed", "video": "video", "audio": "audio", "object": "embed"}
# Inline elements that only carry text; Markdown keeps links, emphasis and code.
INLINE_MARKDOWN = tuple(
    "abbr acronym bdi bdo big cite data del dfn font ins kbd label mark nobr q s samp small span strike "
    "sub sup time tt u var wbr".split())
INLINE_TEXT = INLINE_MARKDOWN + ("a", "b", "strong", "em", "i", "code")

# HTML's collapsible whitespace, plus the non-breaking space (design.md: it becomes a space).
_WS = re.compile(r"[ \t\n\r\f\v\xa0]+")
# Other Unicode spaces are text (an ideographic space is not layout), so str.split() must not see them.
_OTHER_SPACES = re.compile("[\x85\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]")


_LINE_SEPARATORS = re.compile("[\x85\u2028\u2029]")
_CONTROL_TEXT = re.compile("[\x00-\x08\x0b-\x1f\x7f]")


def collapse(text: str) -> str:
    """Runs of whitespace to one space, none at the ends."""
    if text.isascii() or not _OTHER_SPACES.search(text):
        return " ".join(text.split())  # the fast path: C all the way
    return _WS.sub(" ", text).strip(" ")

class _Quote:
    __slots__ = ()


class _List:
    __slots__ = ("ordered", "counter", "emitted")

    def __init__(self, ordered: bool, start: int) -> None:
        self.ordered = ordered
        self.counter = start - 1
        self.emitted = False


class _Item:
    __slots__ = ("marker", "cont", "used")

    def __init__(self, marker: str, cont: str) -> None:
        self.marker = marker
        self.cont = cont
        self.used = False


class _Table:
    """Rows are collected and written when the table ends (a Markdown table needs its widths)."""

    __slots__ = ("rows", "row")

    def __init__(self) -> None:
        self.rows: list[list[str]] = []
        self.row: list[str] | None = None


class _Walker:
    """One pass over the tree, building blocks of lines with their list/quote prefixes."""

    def __init__(self, markdown: bool, shortcodes: re.Pattern[str] | None) -> None:
        self.md = markdown
        self.shortcodes = shortcodes
        self.out: list[str] = []
        self.inline: list[str] = []
        self.frames: list[object] = []  # _Quote / _List / _Item / _Table, outermost first
        self.pre = 0
        self.code = 0
        self.cell = 0
        self.nested_tables = 0
        self.wraps: list[int] = []  # inline-buffer positions where a link/emphasis opened
        self.heading = 0

    # -- output -----------------------------------------------------------------------------
    def _prefix(self, first: bool) -> str:
        parts = []
        for f in self.frames:
            if isinstance(f, _Quote):
                parts.append("> ")
            elif isinstance(f, _Item):
                if not f.used:
                    parts.append(f.marker)
                    if first:
                        f.used = True
                else:
                    parts.append(f.cont)
        return "".join(parts)

    def _separator(self) -> str:
        """Newline(s) before the next unit: one inside a list or table, else a blank line."""
        if not self.out:
            return ""
        # Inside a list, items and nested lists follow each other line by line.
        for f in reversed(self.frames):
            if isinstance(f, _List) and f.emitted:
                return "\n"
            if isinstance(f, _Quote):
                break
        if self.md:
            quotes = sum(isinstance(f, _Quote) for f in self.frames)
            return "\n" + ">" * quotes + "\n" if quotes else "\n\n"
        return "\n\n"

    def _emit(self, lines: list[str], verbatim: bool = False) -> None:
        """Add a block; `verbatim` lines (pre) keep their trailing whitespace."""
        if not self.frames:  # the common case: a top-level block needs no prefixes
            self.out.append(("\n\n" if self.out else "") + "\n".join(lines))
            return
        sep = self._separator()
        prefixed = []
        for i, line in enumerate(lines):
            prefix = self._prefix(i == 0)
            if verbatim:
                prefixed.append(prefix + line if line else prefix.rstrip())
            else:
                prefixed.append((prefix + line).rstrip() if line else prefix.rstrip())
        self.out.append(sep + "\n".join(prefixed))
        for f in reversed(self.frames):
            if isinstance(f, _List):
                f.emitted = True
                break

    def flush(self) -> None:
        """End the current block: collapse its whitespace and emit its lines."""
        if not self.inline:
            return
        text = "".join(self.inline)
        self.inline = []
        self.wraps = []
        if text.isspace():  # most flushes: the whitespace between two blocks
            return
        lines = [line for line in map(collapse, text.split(BR)) if line]
        if not lines:
            return
        if self.md:
            lines = [escape_line_start(line) for line in lines]
            if self.heading:
                lines = ["#" * self.heading + " " + " ".join(lines)]
            elif len(lines) > 1:  # <br>: a hard line break, which a bare newline is not in Markdown
                lines = [line + "\\" for line in lines[:-1]] + [lines[-1]]
        self._emit(lines)

    # -- text -------------------------------------------------------------------------------
    def text(self, value: str | None) -> None:
        if not value:
            return
        if self.pre:
            self.inline.append(value.replace("\xa0", " "))
            return
        if self.shortcodes is not None and "[" in value:
            value = self.shortcodes.sub("", value)
        if self.md and not self.code:
            value = escape_inline(value, self.cell > 0)
        self.inline.append(value)

    def _open_wrap(self) -> None:
        self.wraps.append(len(self.inline))

    def _close_wrap(self, before: str, after: str) -> None:
        """Wrap what was written since the matching open in `before`...`after`, if not empty."""
        if not self.wraps:
            return
        start = self.wraps.pop()
        inner = "".join(self.inline[start:])
        core = inner.strip(" \t\n\r\f\v\xa0")
        if not core:
            return
        lead = inner[: len(inner) - len(inner.lstrip(" \t\n\r\f\v\xa0"))]
        trail = inner[len(inner.rstrip(" \t\n\r\f\v\xa0")) :]
        self.inline[start:] = [lead + before + core + after + trail]

    # -- events -----------------------------------------------------------------------------
    def start(self, el: etree._Element, tag: str) -> None:
        if self.pre:
            if tag == "br":
                self.inline.append("\n")
            return
        if self.cell:
            if tag in BLOCK_TAGS or tag in HEADINGS or tag in ("tr", "td", "th", "table", "br"):
                self.inline.append(" ")
                if tag == "table":
                    self.nested_tables += 1
                return
        if tag == "br":
            self.inline.append(BR)
        elif tag == "img":
            self._image(el)
        elif tag in EMBED_TAGS:
            src = el.get("src") or el.get("data") or ""
            if not src:
                source = el.find("source")
                src = source.get("src", "") if source is not None else ""
            if src:
                self.flush()
                kind = EMBED_TAGS[tag]
                self.inline.append(f"[{kind}: {src}]" if not self.md else f"[{kind}](<{src}>)")
                self.flush()
        elif tag in HEADINGS:
            self.flush()
            self.heading = HEADINGS[tag] if self.md else 0
        elif tag == "pre":
            self.flush()
            self.pre = 1
        elif tag in ("ul", "ol", "menu", "dir"):
            self.flush()
            start = 1
            if tag == "ol":
                try:
                    start = int(el.get("start", "1"))
                except ValueError:
                    start = 1
            self.frames.append(_List(tag == "ol", start))
        elif tag == "li":
            self.flush()
            lst = next((f for f in reversed(self.frames) if isinstance(f, _List)), None)
            if lst is None:
                lst = _List(False, 1)
            lst.counter += 1
            marker = f"{lst.counter}. " if lst.ordered else "- "
            cont = " " * len(marker) if self.md else "  "
            self.frames.append(_Item(marker, cont))
        elif tag == "blockquote":
            self.flush()
            self.frames.append(_Quote())
        elif tag == "table":
            self.flush()
            self.frames.append(_Table())
        elif tag == "tr":
            table = self._table()
            if table is not None:
                table.row = []
        elif tag in ("td", "th"):
            table = self._table()
            if table is not None:
                self.flush()  # text inside the table but outside any cell is kept, as its own block
                self.cell = 1
        elif tag == "hr":
            self.flush()
            if self.md:
                self.inline.append("* * *")
                self.flush()
        elif tag in BLOCK_TAGS:
            self.flush()
        elif self.md:
            if tag == "a" and el.get("href"):
                self._open_wrap()
            elif tag in ("strong", "b", "em", "i"):
                self._open_wrap()
            elif tag == "code":
                self.code += 1
                self._open_wrap()

    def end(self, el: etree._Element, tag: str) -> None:
        if self.pre:
            if tag == "pre":
                self._end_pre(el)
            return
        if self.cell:
            if tag in ("td", "th") and not self.nested_tables:
                table = self._table()
                if table is not None and table.row is not None:
                    cell = collapse("".join(self.inline).replace(BR, " "))
                    table.row.append(cell)
                self.inline = []
                self.wraps = []
                self.cell = 0
                return
            if tag == "table" and self.nested_tables:
                self.nested_tables -= 1
            if tag in BLOCK_TAGS or tag in HEADINGS or tag in ("tr", "td", "th", "table"):
                self.inline.append(" ")
                return
        if tag in HEADINGS:
            self.flush()
            self.heading = 0
        elif tag in ("ul", "ol", "menu", "dir"):
            self.flush()
            self._pop(_List)
        elif tag == "li":
            self.flush()
            self._pop(_Item)
        elif tag == "blockquote":
            self.flush()
            self._pop(_Quote)
        elif tag == "tr":
            table = self._table()
            if table is not None and table.row is not None:
                if any(table.row):
                    table.rows.append(table.row)
                table.row = None
        elif tag == "table":
            self._end_table()
        elif tag in BLOCK_TAGS:
            self.flush()
        elif self.md:
            if tag == "a" and el.get("href"):
                self._close_wrap("[", "](" + md_url(el.get("href", "")) + ")")
            elif tag in ("strong", "b"):
                self._close_wrap("**", "**")
            elif tag in ("em", "i"):
                self._close_wrap("*", "*")
            elif tag == "code":
                self.code = max(0, self.code - 1)
                if self.wraps:
                    inner = "".join(self.inline[self.wraps[-1] :]).strip()
                    # A fence longer than any run of backticks inside; padded when the code starts or
                    # ends with one (CommonMark code spans).
                    fence = "`" * (max((len(r) for r in re.findall("`+", inner)), default=0) + 1)
                    pad = " " if inner.startswith("`") or inner.endswith("`") else ""
                    self._close_wrap(fence + pad, pad + fence)

    # -- helpers ----------------------------------------------------------------------------
    def _pop(self, kind: type) -> None:
        for i in range(len(self.frames) - 1, -1, -1):
            if isinstance(self.frames[i], kind):
                del self.frames[i]
                return

    def _table(self) -> _Table | None:
        for f in reversed(self.frames):
            if isinstance(f, _Table):
                return f
        return None

    def _image(self, el: etree._Element) -> None:
        alt = collapse(clean_str(el.get("alt") or ""))
        if self.md:
            src = el.get("src") or ""
            if src or alt:
                self.inline.append(f"![{escape_inline(alt, False)}]({md_url(src)})")
        elif alt:
            self.inline.append(f"[image: {alt}]")

    def _end_pre(self, el: etree._Element) -> None:
        self.pre = 0
        text = "".join(self.inline)
        self.inline = []
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
        if self.md:
            fence = "```"
            while fence in text:
                fence += "`"
            cls = el.get("class") or ""
            lines = [fence] + lines + [fence]
            if "wp-block-verse" in cls:
                lines = [escape_line_start(escape_inline(x, False)) + "\\" for x in
                         text.split("\n")]
                lines[-1] = lines[-1][:-1]
        self._emit(lines, verbatim=True)

    def _end_table(self) -> None:
        table = self._table()
        self.flush()
        self._pop(_Table)
        if table is None or not table.rows:
            return
        rows = table.rows
        if not self.md:
            lines = [" | ".join(row).rstrip() for row in rows]
            self._emit(lines)
            return
        width = max(len(r) for r in rows)
        padded = [r + [""] * (width - len(r)) for r in rows]
        lines = ["| " + " | ".join(r) + " |" for r in padded]
        lines.insert(1, "|" + " --- |" * width)
        self._emit(lines)

    def result(self) -> str:
        self.flush()
        text = "".join(self.out).strip("\n")
        if _LINE_SEPARATORS.search(text):  # U+2028 and friends are line breaks: LF, as the rules say
            text = _LINE_SEPARATORS.sub("\n", text)
        if _CONTROL_TEXT.search(text):  # from entities such as &#12; (raw ones were removed before parsing)
            text = _CONTROL_TEXT.sub("", text)
        return unicodedata.normalize("NFC", text)


def _walk(html: str, markdown: bool) -> str:
    if not html or not html.strip():
        return ""
    if "[" in html:
        html = expand_captions(html)
    root = parse_html(html)
    # Let libxml2 do what it can in C: drop what is never text, and unwrap inline elements whose
    # only contribution is their text (in Markdown, links, emphasis and code are kept).
    etree.strip_elements(root, etree.Comment, etree.ProcessingInstruction, *SKIP_TAGS, with_tail=False)
    etree.strip_tags(root, *(INLINE_MARKDOWN if markdown else INLINE_TEXT))
    walker = _Walker(markdown, shortcode_pattern(html))
    walker_start, walker_end, walker_text, flush = walker.start, walker.end, walker.text, walker.flush
    plain = PLAIN_BLOCKS
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
    return walker.result()


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
