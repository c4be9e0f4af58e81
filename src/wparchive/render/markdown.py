"""What Markdown needs beyond the shared block walk: escaping only where Markdown would misread text,
and link destinations that survive spaces and parentheses."""

from __future__ import annotations

import re

# A line start Markdown would read as a heading, quote, list item, setext underline or thematic break.
_MD_LINE_START = re.compile(
    r"^(?:(#{1,6})(?=\s|$)|([>+])|(-+|=+)\s*$|([-*])(?=\s|$)|(\d{1,9})([.)])(?=\s|$))")
_MD_INLINE = re.compile(r"[`*_\]<&\\|~]")
_MD_INLINE_LINK = re.compile(r"[`*_\[\]<&\\|~]")
_MD_PUNCT = frozenset("!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~")
_ENTITY = re.compile(r"&(?:#\d+|#[xX][0-9a-fA-F]+|[A-Za-z][A-Za-z0-9]*);")


def escape_inline(text: str, in_table: bool, in_link: bool = False) -> str:
    """Escape what Markdown would misread in running text, and nothing more; in link text (or an
    image's alt) every bracket, since one would end or nest the link."""
    if not (_MD_INLINE_LINK if in_link else _MD_INLINE).search(text):
        return text
    out = []
    n = len(text)
    for i, ch in enumerate(text):
        prev = text[i - 1] if i else " "
        nxt = text[i + 1] if i + 1 < n else " "
        if ch == "`":
            out.append("\\`")
        elif ch == "*" and not (prev.isspace() and nxt.isspace()):
            out.append("\\*")
        elif ch == "~" and not (prev.isspace() and nxt.isspace()):  # GFM strikethrough: ~x~ and ~~x~~
            out.append("\\~")
        elif ch == "_" and not (prev.isalnum() and nxt.isalnum()):
            out.append("\\_")
        elif ch == "]" and (in_link or nxt in "([:"):
            out.append("\\]")
        elif ch == "[" and in_link:
            out.append("\\[")
        elif ch == "<" and (nxt.isalpha() or nxt in "/!?"):
            out.append("\\<")
        elif ch == "&" and _ENTITY.match(text, i):
            out.append("\\&")
        elif ch == "\\" and (nxt in _MD_PUNCT or i + 1 == n):
            out.append("\\\\")
        elif ch == "|" and in_table:
            out.append("\\|")
        else:
            out.append(ch)
    return "".join(out)


def escape_line_start(line: str) -> str:
    m = _MD_LINE_START.match(line)
    if not m:
        return line
    if m.group(5):  # "1. " would start an ordered list
        return m.group(5) + "\\" + line[len(m.group(5)) :]
    return "\\" + line


def md_url(url: str) -> str:
    url = url.strip()
    if any(c in url for c in " ()<>"):
        return "<" + url.replace("<", "%3C").replace(">", "%3E") + ">"
    return url


def escape_table_code(text: str) -> str:
    """Code inside a table cell: GFM splits cells at every unescaped `|`, even in a code span, and
    reads `\\|` there as `|`."""
    return text.replace("|", "\\|")
