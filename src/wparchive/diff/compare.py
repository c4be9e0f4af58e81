"""Compare two captures of a post: line hunks, word changes, metadata changes and statistics.

Nothing here is quadratic in the size of a post (see `bench/diff.py`): lines are diffed first (common prefix
and suffix, then lines occurring once on each side as anchors, recursively, as in patience diff, with
`SequenceMatcher` only on small gaps; a huge gap with no anchor is one replaced block), then words the same
way, only inside the pairs of changed lines.
"""

from __future__ import annotations

import json
import re
from bisect import bisect_left
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from difflib import SequenceMatcher
from typing import Any

# The metadata compared, in the order changes are reported. Other keys of `Side.meta` are ignored.
META_FIELDS = ("title", "slug", "status", "link", "author", "categories", "tags", "excerpt", "date_gmt",
               "modified_gmt")
CONTEXT = 3
DRIFT_NOTE = "note: text differs but modified_gmt is unchanged: the site's rendering changed, not the post"
CREDENTIALS_NOTE = ("note: {a} was captured {how_a} credentials and {b} {how_b} them: a site can show the same "
                    "post differently to a logged-in editor (log in/out links, lists that include private posts)")
# A removed and an added line are one edited line when their word sets are this similar (Dice coefficient).
PAIR_MIN = 0.5
_PAIR_CELLS = 10_000  # blocks of up to this many old x new lines are paired optimally, larger ones greedily
_PAIR_WINDOW = 32  # how far ahead the greedy pairing looks for the new version of an old line
_FALLBACK_CELLS = 250_000  # largest anchorless gap (old x new items) given to SequenceMatcher
_DIRECT_CELLS = 2_500  # gaps up to this size go straight to SequenceMatcher (faster there, no tie issue)
_WORD = re.compile(r"\S+")
RED, GREEN, CYAN, BOLD, RESET = "\x1b[31m", "\x1b[32m", "\x1b[36m", "\x1b[1m", "\x1b[m"

Opcode = tuple[str, int, int, int, int]  # difflib's (tag, i1, i2, j1, j2)
Segment = tuple[str, str]  # (" " unchanged | "-" removed | "+" added, text)


@dataclass(frozen=True)
class Side:
    """One side of a comparison: a label for headers, the clean text, and the metadata dict."""

    label: str
    text: str
    meta: Mapping[str, Any]
    markdown: str | None = None  # post.md of an archived version: shows a change `log` calls "markup"
    id: str | None = None  # an archived version's stable id


@dataclass(frozen=True)
class MetaChange:
    field: str
    old: Any
    new: Any


@dataclass(frozen=True)
class Row:
    """One line of the word view. `kind`: "context", "changed" (an old line paired with its new version),
    "removed" or "added". Line numbers are 1-based; None on the side the line is not on."""

    kind: str
    old_line: int | None
    new_line: int | None
    segments: tuple[Segment, ...]


@dataclass(frozen=True)
class Hunk:
    """A unified-diff hunk: `lines` as `diff -u` shows them, `rows` the same stretch as the word view."""

    old_start: int
    old_count: int
    new_start: int
    new_count: int
    lines: tuple[tuple[str, str], ...]  # (" " | "-" | "+", line text)
    rows: tuple[Row, ...]

    @property
    def header(self) -> str:
        return f"@@ -{_range(self.old_start, self.old_count)} +{_range(self.new_start, self.new_count)} @@"


@dataclass(frozen=True)
class Stats:
    """A paragraph is a non-blank line (so one list item or table row counts one). "Changed" paragraphs are
    old lines paired with their new version; added and removed ones have no counterpart. Words are
    whitespace-separated tokens: those of added/removed lines plus those marked inside changed ones."""

    paragraphs_changed: int = 0
    paragraphs_added: int = 0
    paragraphs_removed: int = 0
    words_added: int = 0
    words_removed: int = 0


@dataclass(frozen=True)
class Comparison:
    a: Side
    b: Side
    ignore_whitespace: bool
    text_changed: bool
    hunks: list[Hunk]
    meta_changes: list[MetaChange]
    stats: Stats
    render_drift: bool
    markup_changed: bool = False  # same text and metadata, different post.md: `hunks` are post.md's

    @property
    def identical(self) -> bool:
        return not self.text_changed and not self.meta_changes and not self.markup_changed

    @property
    def captured_differently(self) -> bool:
        """One side was captured with credentials and the other without."""
        made = (self.a.meta.get("with_credentials"), self.b.meta.get("with_credentials"))
        return None not in made and made[0] != made[1]

    @property
    def word_changes(self) -> list[Row]:
        """The changed line pairs, in order."""
        return [row for h in self.hunks for row in h.rows if row.kind == "changed"]


def compare(a: Side, b: Side, *, ignore_whitespace: bool = False) -> Comparison:
    """Compare two sides. With `ignore_whitespace`, lines are compared with runs of whitespace collapsed and
    ends stripped, so whitespace-only changes are no difference (hunks still show the original lines)."""
    a_lines, b_lines = _lines(a.text), _lines(b.text)
    ids: dict[str, int] = {}
    keys = (lambda s: " ".join(s.split())) if ignore_whitespace else (lambda s: s)
    a_ids = [ids.setdefault(keys(s), len(ids)) for s in a_lines]
    b_ids = [ids.setdefault(keys(s), len(ids)) for s in b_lines]
    text_changed = a_ids != b_ids
    hunks = _hunks(a_lines, b_lines, _opcodes(a_ids, b_ids)) if text_changed else []
    changes = []
    for name in META_FIELDS:
        old, new = _meta_value(a.meta.get(name)), _meta_value(b.meta.get(name))
        if old != new:
            changes.append(MetaChange(name, old, new))
    modified = a.meta.get("modified_gmt")
    raw_a, raw_b = a.meta.get("content_raw_sha256"), b.meta.get("content_raw_sha256")
    # Only when true: the text changed and nothing else did (no edit: same modified_gmt, same raw content).
    drift = (text_changed and not changes and modified is not None and modified == b.meta.get("modified_gmt")
             and not (raw_a and raw_b and raw_a != raw_b))
    markup = False
    only_saved = all(m.field == "modified_gmt" for m in changes)  # a save is not what log calls a change
    if not text_changed and only_saved and a.markdown is not None and b.markdown is not None:
        old_md, new_md = _lines(_body(a.markdown)), _lines(_body(b.markdown))
        if old_md != new_md:  # links, images or emphasis changed: what `log` labels "markup"
            markup = True
            ids = {}
            hunks = _hunks(old_md, new_md, _opcodes([ids.setdefault(x, len(ids)) for x in old_md],
                                                    [ids.setdefault(x, len(ids)) for x in new_md]))
    return Comparison(a, b, ignore_whitespace, text_changed, hunks, changes, _stats(hunks), drift, markup)


def _body(markdown: str) -> str:
    """post.md without its front matter (which carries the source and modified_gmt)."""
    if markdown.startswith("---\n"):
        end = markdown.find("\n---\n", 3)
        if end >= 0:
            return markdown[end + 5:].lstrip("\n")
    return markdown


# --- presentation ------------------------------------------------------------------------------------------

def format_unified(c: Comparison, color: bool = False) -> str:
    """`diff -u` style: `---`/`+++` headers with the side labels, `@@` hunk headers (a count of 1 is left
    out, as `diff -u` does), lines prefixed " ", "-", "+"; context lines are the old side's. Ends with
    `DRIFT_NOTE` when `render_drift`. Every line ends with a newline; "" when the text is unchanged."""
    return _render(c, color, lambda h: (" " + t if op == " " else _paint(op + t, RED if op == "-" else GREEN, color)
                                        for op, t in h.lines))


def format_words(c: Comparison, color: bool = False) -> str:
    """Word diff like `git diff --word-diff=plain`: the same headers and hunk headers, then each line once,
    with no prefix (as git prints them): unchanged lines as they are (the new side's), an edited line with
    its changes inline as `[-removed-]{+added+}` (a run of adjacent changed words with the spaces inside it
    is one marker), a wholly removed or added line as `[-line-]` / `{+line+}` (a blank one stays blank). With
    `color` the markers are red/green but keep their brackets, so the output stays unambiguous."""
    return _render(c, color, lambda h: ("".join(_mark(op, text, color) for op, text in row.segments)
                                        for row in h.rows))


def format_meta(c: Comparison) -> str:
    """One line per changed field, `field: old -> new`: strings JSON-quoted (so "" differs visibly from a
    missing value), lists as JSON arrays (`["a", "b"]`, `[]`), None or missing as `(none)`."""
    return "".join(f"{m.field}: {_show(m.old)} -> {_show(m.new)}\n" for m in c.meta_changes)


def format_notes(c: Comparison) -> str:
    """The note that the two sides were captured differently (with and without credentials), or ""."""
    if c.identical or not c.captured_differently:
        return ""
    how = {True: "with", False: "without"}
    return CREDENTIALS_NOTE.format(a="A", b="B", how_a=how[bool(c.a.meta.get("with_credentials"))],
                                   how_b=how[bool(c.b.meta.get("with_credentials"))]) + "\n"


def format_stat(c: Comparison) -> str:
    """One line, e.g. `1 paragraph changed, 2 added, 0 removed; 14 words added, 9 removed; 2 metadata fields
    changed (title, tags)`. "text unchanged" stands for the first two parts when only metadata differs; ""
    when identical."""
    if c.identical:
        return ""
    s = c.stats
    text = (f"{_count(s.paragraphs_changed, 'paragraph')} changed, {s.paragraphs_added} added, "
            f"{s.paragraphs_removed} removed; {_count(s.words_added, 'word')} added, {s.words_removed} removed"
            if c.text_changed else "text unchanged; markup changed (post.md)" if c.markup_changed
            else "text unchanged")
    if c.meta_changes:
        names = ", ".join(m.field for m in c.meta_changes)
        text += f"; {_count(len(c.meta_changes), 'metadata field')} changed ({names})"
    return text + "\n"


def to_json(c: Comparison) -> dict[str, Any]:
    """Everything, JSON-ready. Hunk lines and segments are `[op, text]` pairs (op " ", "-" or "+")."""
    return {
        "sides": {"a": c.a.label, "b": c.b.label},
        "ids": {"a": c.a.id, "b": c.b.id},
        "identical": c.identical,
        "text_changed": c.text_changed,
        "render_drift": c.render_drift,
        "markup_changed": c.markup_changed,
        "captured_differently": c.captured_differently,
        "ignore_whitespace": c.ignore_whitespace,
        "hunks": [{"old_start": h.old_start, "old_count": h.old_count, "new_start": h.new_start,
                   "new_count": h.new_count, "header": h.header, "lines": [list(x) for x in h.lines]}
                  for h in c.hunks],
        "word_changes": [{"old_line": r.old_line, "new_line": r.new_line,
                          "removed": [t for op, t in r.segments if op == "-"],
                          "added": [t for op, t in r.segments if op == "+"],
                          "segments": [list(s) for s in r.segments]} for r in c.word_changes],
        "meta_changes": [{"field": m.field, "old": m.old, "new": m.new} for m in c.meta_changes],
        "stats": {k: getattr(c.stats, k) for k in Stats.__dataclass_fields__},
    }


def _render(c: Comparison, color: bool, body: Callable[[Hunk], Iterable[str]]) -> str:
    if not c.hunks:
        return ""
    which = " post.md" if c.markup_changed else ""
    out = [_paint(f"--- {c.a.label}{which}", BOLD, color), _paint(f"+++ {c.b.label}{which}", BOLD, color)]
    for h in c.hunks:
        out.append(_paint(h.header, CYAN, color))
        out.extend(body(h))
    if c.render_drift:
        out.append(DRIFT_NOTE)
    return "\n".join(out) + "\n"


def _paint(text: str, code: str, color: bool) -> str:
    return f"{code}{text}{RESET}" if color else text


def _mark(op: str, text: str, color: bool) -> str:
    if op == " " or not text:
        return text
    return _paint(f"[-{text}-]", RED, color) if op == "-" else _paint(f"{{+{text}+}}", GREEN, color)


def _range(start: int, count: int) -> str:
    return str(start) if count == 1 else f"{start},{count}"


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}{'' if n == 1 else 's'}"


def _show(value: Any) -> str:
    if value is None:
        return "(none)"
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, list):  # brackets: one tag "a, b" and two tags "a", "b" look different
        return json.dumps(value, ensure_ascii=False)
    return str(value)


def _meta_value(value: Any) -> Any:
    """Tuples (as `Post` keeps terms) and lists (as JSON gives them) compare, and serialise, alike."""
    return [_meta_value(x) for x in value] if isinstance(value, (list, tuple)) else value


# --- the diff itself ---------------------------------------------------------------------------------------

def _lines(text: str) -> list[str]:
    """Lines of a post.txt text; the final newline ends the last line (a missing one is not a difference)."""
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    return lines


def _opcodes(a: Sequence[Any], b: Sequence[Any]) -> list[Opcode]:
    """difflib-style opcodes turning `a` into `b` (items hashable), in time about linear in their length."""
    blocks: list[tuple[int, int, int]] = []  # matching blocks (i, j, size)
    todo = [(0, len(a), 0, len(b))]
    while todo:
        alo, ahi, blo, bhi = todo.pop()
        i, j = alo, blo
        while i < ahi and j < bhi and a[i] == b[j]:
            i, j = i + 1, j + 1
        if i > alo:
            blocks.append((alo, blo, i - alo))
        alo, blo = i, j
        i, j = ahi, bhi
        while i > alo and j > blo and a[i - 1] == b[j - 1]:
            i, j = i - 1, j - 1
        if i < ahi:
            blocks.append((i, j, ahi - i))
        ahi, bhi = i, j
        if alo == ahi or blo == bhi:
            continue
        cells = (ahi - alo) * (bhi - blo)
        anchors = _anchors(a, alo, ahi, b, blo, bhi, cells <= _FALLBACK_CELLS) if cells > _DIRECT_CELLS else []
        if anchors:
            for i, j in anchors:
                blocks.append((i, j, 1))
                todo.append((alo, i, blo, j))
                alo, blo = i + 1, j + 1
            todo.append((alo, ahi, blo, bhi))
        elif cells <= _FALLBACK_CELLS:
            sm = SequenceMatcher(None, a[alo:ahi], b[blo:bhi], autojunk=False)
            blocks.extend((alo + i, blo + j, n) for i, j, n in sm.get_matching_blocks() if n)
    ops: list[Opcode] = []
    i = j = 0
    for bi, bj, n in sorted(blocks) + [(len(a), len(b), 0)]:
        tag = "replace" if i < bi and j < bj else "delete" if i < bi else "insert" if j < bj else ""
        if tag:
            ops.append((tag, i, bi, j, bj))
        if n and ops and ops[-1][0] == "equal" and not tag:
            ops[-1] = ("equal", ops[-1][1], bi + n, ops[-1][3], bj + n)
        elif n:
            ops.append(("equal", bi, bi + n, bj, bj + n))
        i, j = bi + n, bj + n
    return ops


def _anchors(a: Sequence[Any], alo: int, ahi: int, b: Sequence[Any], blo: int, bhi: int, small: bool,
             ) -> list[tuple[int, int]]:
    """Matches (i, j) to split the ranges at: the longest run, in the same order on both sides, of items that
    occur once in each range (patience diff). Where there are none and the ranges are too large for
    SequenceMatcher, items occurring equally often on each side, fewest first, k-th matched with k-th."""
    count_a, count_b = Counter(a[alo:ahi]), Counter(b[blo:bhi])
    level = min((n for x, n in count_a.items() if count_b.get(x) == n), default=0)
    if not level or (level > 1 and small):
        return []
    where_b: dict[Any, list[int]] = {}
    for j, x in enumerate(b[blo:bhi], blo):
        if count_b[x] == level and count_a[x] == level:
            where_b.setdefault(x, []).append(j)
    cands, seen = [], Counter()
    for i, x in enumerate(a[alo:ahi], alo):
        if x in where_b:
            cands.append((i, where_b[x][seen[x]]))
            seen[x] += 1
    tails: list[int] = []  # patience sorting: smallest j ending an increasing run of each length
    tail_at: list[int] = []
    back = [-1] * len(cands)
    for k, (_, j) in enumerate(cands):
        p = bisect_left(tails, j)
        if p == len(tails):
            tails.append(j)
            tail_at.append(k)
        else:
            tails[p], tail_at[p] = j, k
        back[k] = tail_at[p - 1] if p else -1
    run, k = [], tail_at[-1] if tail_at else -1
    while k >= 0:
        run.append(cands[k])
        k = back[k]
    return run[::-1]


def _groups(ops: list[Opcode], n: int = CONTEXT) -> list[list[Opcode]]:
    """Opcodes cut into hunks with `n` lines of context (difflib's get_grouped_opcodes)."""
    ops = list(ops)
    if ops[0][0] == "equal":
        _, i1, i2, j1, j2 = ops[0]
        ops[0] = ("equal", max(i1, i2 - n), i2, max(j1, j2 - n), j2)
    if ops[-1][0] == "equal":
        _, i1, i2, j1, j2 = ops[-1]
        ops[-1] = ("equal", i1, min(i2, i1 + n), j1, min(j2, j1 + n))
    groups: list[list[Opcode]] = []
    group: list[Opcode] = []
    for tag, i1, i2, j1, j2 in ops:
        if tag == "equal" and i2 - i1 > 2 * n:
            group.append(("equal", i1, i1 + n, j1, j1 + n))
            groups.append(group)
            group, i1, j1 = [], i2 - n, j2 - n
        group.append((tag, i1, i2, j1, j2))
    if group and not (len(group) == 1 and group[0][0] == "equal"):
        groups.append(group)
    return groups


def _hunks(a: list[str], b: list[str], ops: list[Opcode]) -> list[Hunk]:
    hunks = []
    for group in _groups(ops):
        lines: list[tuple[str, str]] = []
        rows: list[Row] = []
        for tag, i1, i2, j1, j2 in group:
            if tag == "equal":
                lines += [(" ", a[i]) for i in range(i1, i2)]
                rows += [Row("context", i1 + k + 1, j1 + k + 1, ((" ", b[j1 + k]),)) for k in range(i2 - i1)]
            else:
                lines += [("-", a[i]) for i in range(i1, i2)] + [("+", b[j]) for j in range(j1, j2)]
                rows += _block_rows(a, i1, i2, b, j1, j2)
        i1, j1, i2, j2 = group[0][1], group[0][3], group[-1][2], group[-1][4]
        # As in `diff -u`, an empty range starts at the line before it.
        hunks.append(Hunk(i1 + 1 if i2 > i1 else i1, i2 - i1, j1 + 1 if j2 > j1 else j1, j2 - j1,
                          tuple(lines), tuple(rows)))
    return hunks


def _block_rows(a: list[str], i1: int, i2: int, b: list[str], j1: int, j2: int) -> list[Row]:
    """The word view of a changed block: paired lines as one row each, the rest whole, in order."""
    rows: list[Row] = []
    i, j = i1, j1
    for pi, pj in _pair(a[i1:i2], b[j1:j2]) + [(i2 - i1, j2 - j1)]:
        pi, pj = pi + i1, pj + j1
        rows += [Row("removed", k + 1, None, (("-", a[k]),)) for k in range(i, pi)]
        rows += [Row("added", None, k + 1, (("+", b[k]),)) for k in range(j, pj)]
        if pi < i2:
            rows.append(Row("changed", pi + 1, pj + 1, _word_segments(a[pi], b[pj])))
        i, j = pi + 1, pj + 1
    return rows


def _pair(old: list[str], new: list[str]) -> list[tuple[int, int]]:
    """Pairs (old index, new index), in order on both sides, of lines similar enough to be one edited line.
    Optimal (most total similarity) for usual blocks; greedy within a window for huge ones."""
    m, n = len(old), len(new)
    if not m or not n:
        return []
    sa, sb = [set(x.split()) for x in old], [set(x.split()) for x in new]

    def sim(i: int, j: int) -> float:
        total = len(sa[i]) + len(sb[j])
        return 2 * len(sa[i] & sb[j]) / total if total else 0.0

    if m * n > _PAIR_CELLS:  # each old line with its most similar new line ahead, unless the next wants it more
        pairs, j0 = [], 0
        for i in range(m):
            s, j = max(((sim(i, j), -j) for j in range(j0, min(n, j0 + _PAIR_WINDOW))), default=(0.0, 0))
            if s >= PAIR_MIN and not (i + 1 < m and sim(i + 1, -j) > s):
                pairs.append((i, -j))
                j0 = 1 - j
        return pairs
    score = [[0.0] * (n + 1) for _ in range(m + 1)]
    for i in range(m):
        for j in range(n):
            s = sim(i, j)
            diagonal = score[i][j] + s if s >= PAIR_MIN else 0.0
            score[i + 1][j + 1] = max(score[i][j + 1], score[i + 1][j], diagonal)
    pairs, i, j = [], m, n
    while i and j:
        if score[i][j] == score[i - 1][j]:
            i -= 1
        elif score[i][j] == score[i][j - 1]:
            j -= 1
        else:
            pairs.append((i - 1, j - 1))
            i, j = i - 1, j - 1
    return pairs[::-1]


def _word_segments(old: str, new: str) -> tuple[Segment, ...]:
    """The new line with the word changes from the old one marked; changed runs keep their inner spaces."""
    ta = [m.span() for m in _WORD.finditer(old)]
    tb = [m.span() for m in _WORD.finditer(new)]
    out: list[Segment] = []
    pos = 0  # how much of `new` is out
    for tag, i1, i2, j1, j2 in _opcodes([old[s:e] for s, e in ta], [new[s:e] for s, e in tb]):
        if tag == "equal":
            out.append((" ", new[pos:tb[j2 - 1][1]]))
            pos = tb[j2 - 1][1]
            continue
        if j1 < j2:
            out.append((" ", new[pos:tb[j1][0]]))
        elif i1:  # a deletion: the old space before it; the next unchanged run brings the new one after it
            out.append((" ", old[ta[i1 - 1][1]:ta[i1][0]]))
        if i1 < i2:
            out.append(("-", old[ta[i1][0]:ta[i2 - 1][1]]))
        if j1 < j2:
            out.append(("+", new[tb[j1][0]:tb[j2 - 1][1]]))
            pos = tb[j2 - 1][1]
        elif not i1 and i2 < len(ta):  # deleted at the start of the line: keep it apart from what follows
            out.append((" ", old[ta[i2 - 1][1]:ta[i2][0]]))
    out.append((" ", new[pos:]))
    merged: list[Segment] = []
    for op, text in out:
        if merged and merged[-1][0] == op:
            merged[-1] = (op, merged[-1][1] + text)
        elif text:
            merged.append((op, text))
    return tuple(merged)


def _stats(hunks: list[Hunk]) -> Stats:
    changed = added = removed = words_added = words_removed = 0
    for row in (r for h in hunks for r in h.rows):
        for op, text in row.segments:
            words_added += len(text.split()) if op == "+" else 0
            words_removed += len(text.split()) if op == "-" else 0
        changed += row.kind == "changed"
        added += row.kind == "added" and bool(row.segments[0][1].strip())
        removed += row.kind == "removed" and bool(row.segments[0][1].strip())
    return Stats(changed, added, removed, words_added, words_removed)
