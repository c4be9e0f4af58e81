"""The block side of the walk: lists, quotes and tables as a stack of frames, and how finished blocks
are written out with their `- ` / `1. ` / `> ` prefixes and the separators between them."""

from __future__ import annotations

import re
import unicodedata

BR = "\x00"  # line-break sentinel in the inline buffer; NULs never survive `clean_str`

# HTML's collapsible whitespace, plus the non-breaking space (design.md: it becomes a space).
_WS = re.compile(r"[ \t\n\r\f\v\xa0]+")
# Other Unicode spaces are text (an ideographic space is not layout), so str.split() must not see them.
_OTHER_SPACES = re.compile("[\x85\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]")
LINE_SEPARATORS = re.compile("[\x85\u2028\u2029]")
_CONTROL_TEXT = re.compile("[\x00-\x08\x0b-\x1f\x7f]")


def collapse(text: str) -> str:
    """Runs of whitespace to one space, none at the ends."""
    if text.isascii() or not _OTHER_SPACES.search(text):
        return " ".join(text.split())  # the fast path: C all the way
    return _WS.sub(" ", text).strip(" ")


class Quote:
    __slots__ = ("emitted",)

    def __init__(self) -> None:
        self.emitted = False  # a block was written in it: the next one continues the same quote


class List:
    __slots__ = ("ordered", "counter", "emitted", "marker")

    def __init__(self, ordered: bool, start: int) -> None:
        self.ordered = ordered
        self.counter = start - 1
        self.emitted = False
        self.marker = "." if ordered else "-"  # the delimiter after the number, or the bullet


class Item:
    __slots__ = ("marker", "cont", "used")

    def __init__(self, marker: str, cont: str) -> None:
        self.marker = marker
        self.cont = cont
        self.used = False


class Table:
    """Rows are collected and written when the table ends (a Markdown table needs its widths)."""

    __slots__ = ("rows", "row")

    def __init__(self) -> None:
        self.rows: list[list[str]] = []
        self.row: list[str] | None = None

    def end_row(self) -> None:
        if self.row is not None and any(self.row):
            self.rows.append(self.row)
        self.row = None


def _tight(frames: list[object], item: int) -> bool:
    """Whether the new item at `frames[item]` follows the line before in a tight list: some list
    around it (inside the innermost quote) has written a line. Only a list starting at 1 may interrupt
    a paragraph, so the first item of one numbered from 5 gets a blank line (`5.` would join the line)."""
    lst = frames[item - 1] if item else None
    if type(lst) is List and not lst.emitted and lst.ordered and lst.counter != 1:
        return False
    for i in range(item - 1, -1, -1):
        f = frames[i]
        if type(f) is Quote:
            return False
        if type(f) is List and f.emitted:
            return True
    return False


class BlockWriter:
    """Finished blocks, written with the prefixes of the frames (quotes, list items) they sit in."""

    def __init__(self, markdown: bool) -> None:
        self.md = markdown
        self.out: list[str] = []
        self.frames: list[object] = []  # Quote / List / Item / Table, outermost first
        # (depth, ordered, marker) of a list that has just ended, until the next block is written.
        self.ended_list: tuple[int, bool, str] | None = None

    def start_list(self, ordered: bool, start: int) -> None:
        lst = List(ordered, start)
        if self.md and self.ended_list == (len(self.frames), ordered, lst.marker):
            # Right after a list of the same kind Markdown would continue it: `1)` or `+` start anew.
            lst.marker = ")" if ordered else "+"
        self.frames.append(lst)

    def end_list(self) -> None:
        lst = next((f for f in reversed(self.frames) if type(f) is List), None)
        self.pop(List)
        if lst is not None and lst.emitted:
            self.ended_list = (len(self.frames), lst.ordered, lst.marker)

    def _prefix(self, first: bool) -> str:
        parts = []
        for f in self.frames:
            if isinstance(f, Quote):
                parts.append("> ")
            elif isinstance(f, Item):
                if not f.used:
                    parts.append(f.marker)
                    if first:
                        f.used = True
                else:
                    parts.append(f.cont)
        return "".join(parts)

    def _separator(self) -> str:
        """Newline(s) before the next block: one between list items, else a blank line."""
        if not self.out:
            return ""
        if not self.md:
            # Inside a list, items, nested lists and an item's blocks follow each other line by line.
            for f in reversed(self.frames):
                if isinstance(f, List) and f.emitted:
                    return "\n"
                if isinstance(f, Quote):
                    break
            return "\n\n"
        # Markdown: a new item follows the line before (a tight list); any other block is a new
        # paragraph of the item or quote it continues, so the blank line between carries the
        # prefixes of the frames it continues, and a new quote is never merged into the one before.
        frames = self.frames
        for i in range(len(frames) - 1, -1, -1):
            f = frames[i]
            if type(f) is Quote:
                break
            if type(f) is Item:
                if not f.used and _tight(frames, i):
                    return "\n"
                break
        parts = []
        for f in self.frames:
            if isinstance(f, Quote):
                if not f.emitted:
                    break
                parts.append("> ")
            elif isinstance(f, Item):
                if not f.used:
                    break
                parts.append(f.cont)
        return "\n" + "".join(parts).rstrip() + "\n"

    def emit(self, lines: list[str], verbatim: bool = False) -> None:
        """Add a block; `verbatim` lines (pre) keep their trailing whitespace."""
        self.ended_list = None
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
        seen_list = False
        for f in reversed(self.frames):
            if isinstance(f, List) and not seen_list:
                f.emitted = seen_list = True
            elif isinstance(f, Quote):
                f.emitted = True

    def pop(self, kind: type) -> None:
        for i in range(len(self.frames) - 1, -1, -1):
            if isinstance(self.frames[i], kind):
                del self.frames[i]
                return

    def table(self) -> Table | None:
        for f in reversed(self.frames):
            if isinstance(f, Table):
                return f
        return None

    def write_table(self, table: Table | None) -> None:
        """Rows one line each: cells joined by ` | `, or a Markdown pipe table."""
        if table is None:
            return
        table.end_row()
        if not table.rows:
            return
        rows = table.rows
        if not self.md:
            self.emit([" | ".join(row).rstrip() for row in rows])
            return
        width = max(len(r) for r in rows)
        padded = [r + [""] * (width - len(r)) for r in rows]
        lines = ["| " + " | ".join(r) + " |" for r in padded]
        lines.insert(1, "|" + " --- |" * width)
        self.emit(lines)

    def result(self) -> str:
        return nfc(clean_breaks("".join(self.out).strip("\n"), self.md))


def nfc(text: str) -> str:
    """NFC, as design.md's rules end. (The compiled renderer first checks in C whether every character
    is one NFC never changes, `_ctext.nfc`: unicodedata's own check looks each one up.)"""
    return unicodedata.normalize("NFC", text)


def clean_breaks(text: str, markdown: bool) -> str:
    """U+2028 and friends as line breaks, and no control characters (from entities such as &#12;;
    raw ones were removed before parsing). The compiled renderer scans for both in one C loop."""
    if LINE_SEPARATORS.search(text):  # line breaks: LF, as the rules say; in Markdown a hard break
        text = LINE_SEPARATORS.sub("\\\n" if markdown else "\n", text)
    if _CONTROL_TEXT.search(text):
        text = _CONTROL_TEXT.sub("", text)
    return text
