"""Rewrites of the parsed tree before the walk, for markup whose text a browser shows differently from
its bare character data, and the text of one table cell.

Each rewrite runs only when a cheap look at the source says it can apply, so ordinary posts pay one
regular-expression search.
"""

from __future__ import annotations

from collections.abc import Callable

from lxml import etree

# A browser shows these apart from their neighbours (a control is a box; the File block's button is a
# button); their text is kept, with a space on either side.
_CONTROLS = frozenset(("button", "select", "option", "textarea", "input"))
_BUTTON_INPUTS = frozenset(("submit", "button", "reset"))
_SEPARATE_CLASS = "wp-block-file__button"
# Icons hidden from assistive technology; at most this many characters (a glyph, an icon font's
# letter) so that no words are ever dropped.
_ICON_CHARS = 2

# Markers of a table cell's inner structure; control characters never survive into the text.
CELL_ITEM = "\x01"  # a list item inside a cell
CELL_ROW = "\x02"  # a nested table's row
CELL_CELL = "\x03"  # a nested table's cell

# lxml's parser keeps the control characters of entities such as `&#12;`, but refuses them in text set
# through its API. Text written back into the tree is given them as the rules would read them: the
# spacing ones as a space (the whitespace collapse's reading), the rest dropped (the final scan's).
_UNSETTABLE = {c: (" " if c in (0x0B, 0x0C) or 0x1C <= c <= 0x1F else None)
               for c in (*range(0x00, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20))}


def _settable(text: str | None) -> str | None:
    return text.translate(_UNSETTABLE) if text else text


def prepare_tree(root: etree._Element, html: str) -> None:
    """Separate controls, drop hidden icons and turn MathML into one reading, in place."""
    # Tag-filtered iteration runs in C (well under a millisecond per MiB); a regular expression over the
    # source would cost a tenth of the whole conversion.
    for el in list(root.iter("math", *_CONTROLS)):
        if el.tag == "math":
            _replace_children(el, math_text(el))
        else:
            if el.tag == "input":
                value = el.get("value") if (el.get("type") or "").lower() in _BUTTON_INPUTS else None
                el.text = _settable(value) or None
            _space_around(el)
    hidden = "aria-hidden" in html
    if rewrites_by_source(html):
        for el in list(root.iter()):
            if hidden and el.get("aria-hidden") == "true" and _is_icon(el):
                _empty_keeping_tail(el)
            elif el.tag == "a" and _SEPARATE_CLASS in (el.get("class") or ""):
                _space_around(el)


def rewrites_by_source(html: str) -> bool:
    """Whether the source holds what `prepare_tree` finds by attribute (hidden icons, the File block's
    button), apart from the elements it finds by tag."""
    return "aria-hidden" in html or _SEPARATE_CLASS in html


def _is_icon(el: etree._Element) -> bool:
    if el.tag == "svg":
        return True
    return len("".join("".join(el.itertext()).split())) <= _ICON_CHARS


def _space_around(el: etree._Element) -> None:
    el.tail = " " + (_settable(el.tail) or "")
    prev = el.getprevious()
    if prev is not None:
        prev.tail = (_settable(prev.tail) or "") + " "
    else:
        parent = el.getparent()
        if parent is not None:
            parent.text = (_settable(parent.text) or "") + " "


def _empty_keeping_tail(el: etree._Element) -> None:
    """Empty `el` (removing it from its parent would cost a search of the parent's children, which
    is quadratic on a run of icons); a space takes its place, since the icon kept the words around it
    apart."""
    _replace_children(el, "")
    el.text = None
    el.tail = " " + (_settable(el.tail) or "")


def _replace_children(el: etree._Element, text: str) -> None:
    for child in list(el):
        el.remove(child)
    el.text = _settable(text)


# -- MathML -----------------------------------------------------------------------------------------
_SPACED_OPERATORS = frozenset("=<>≤≥≠≈±+−-×÷·→⇒")
_STRUCTURES = frozenset(("msup", "msub", "msubsup", "mfrac", "msqrt", "mroot"))


def math_text(el: etree._Element) -> str:
    """One reading of a formula: its TeX (or other) annotation when it has one, else the MathML's text
    with its structure written out (`b^2`, `x_i`, `(a)/(b)`, `√(x)`); never both."""
    for annotation in el.iter("annotation"):
        text = "".join(annotation.itertext()).strip()
        if text:
            return text
    try:
        return " ".join(_mathml(el).split())
    except RecursionError:  # nested past Python's stack: the bare text, still without annotations
        return " ".join("".join(t for t in el.itertext()).split())


def _group(text: str) -> str:
    text = text.strip()
    return text if len(text) <= 1 or text.isalnum() else f"({text})"


def _mathml(el: etree._Element) -> str:
    tag = el.tag if isinstance(el.tag, str) else ""
    if tag in ("annotation", "annotation-xml") or not tag:
        return ""
    parts = [_mathml(child) for child in el]
    if tag == "msup" and len(parts) >= 2:
        return f"{parts[0]}^{_group(parts[1])}"
    if tag == "msub" and len(parts) >= 2:
        return f"{parts[0]}_{_group(parts[1])}"
    if tag == "msubsup" and len(parts) >= 3:
        return f"{parts[0]}_{_group(parts[1])}^{_group(parts[2])}"
    if tag == "mfrac" and len(parts) >= 2:
        return f"{_group(parts[0])}/{_group(parts[1])}"
    if tag == "msqrt":
        return "√" + _group("".join(parts))
    if tag == "mroot" and len(parts) >= 2:
        return f"{_group(parts[1])}√{_group(parts[0])}"
    text = (el.text or "").strip()
    if tag == "mo" and text in _SPACED_OPERATORS:
        text = f" {text} "
    # A script, fraction or root stands apart from its neighbours: `√x y_i`, not `√xy_i`.
    return text + "".join(f" {p} " if child.tag in _STRUCTURES else p for child, p in zip(el, parts, strict=True))


# -- table cells ------------------------------------------------------------------------------------
def cell_text(raw: str, collapse: Callable[[str], str]) -> str:
    """A cell's one line: list items and nested rows joined by `; `, a nested row's cells by `, `."""
    if CELL_ITEM not in raw and CELL_ROW not in raw and CELL_CELL not in raw:
        return collapse(raw)
    rows = []
    for row in raw.split(CELL_ROW):
        cells = []
        for cell in row.split(CELL_CELL):
            items = [collapse(item) for item in cell.split(CELL_ITEM)]
            joined = "; ".join(item for item in items if item)
            if joined:
                cells.append(joined)
        if cells:
            rows.append(", ".join(cells))
    return "; ".join(rows)
