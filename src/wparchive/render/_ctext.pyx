# cython: language_level=3, boundscheck=False, wraparound=False, cdivision=True
"""The clean-text rules as one C walk over lxml's tree, writing UTF-8 into C buffers.

This is the fast path of the compiled renderer's `html_to_text`. The readable statement of the rules is
the reference, render/html.py's `_Walker` with render/blocks.py's `BlockWriter` (text mode); this file
is a port of them, which tests/render/test_compiled.py and bench/differential.py hold to the same bytes
on the bench corpus and on fuzzed fragments. Every function below names the reference it ports.

Why a port and not a compiled copy: in the compiled copy each element and each piece of text still
costs Python objects (a proxy, strings, list appends, a regex per block); here the walk follows
libxml2's node pointers of lxml's own tree (lxml's public C API, `lxml.includes`: no second libxml2),
reads text nodes' UTF-8 `content` bytes, and the whitespace collapse, prefixes and separators are C
loops over bytes. The text is decoded once at the end.

What the port leaves to the reference (`render()` returns None and the caller renders the same tree
the reference way): documents `prepare_tree` would rewrite (MathML, form controls, `aria-hidden`,
the File block's button), a list or table inside a table cell, a
table inside a table, an embed without `src`/`data` (its `<source>` child), namespaced elements, node
types other than elements, text, comments and processing instructions, and numbers too large for C.
Reading the tree only, never writing it, is what lets the caller fall back on the same tree.

It is past 400 lines because it is one walker (its state, the block writer and the byte loops it calls
for every piece of text), as html.py is one: split into modules, its calls would be Python calls.
"""

from cpython.mem cimport PyMem_Free, PyMem_Malloc, PyMem_Realloc
from cpython.bytes cimport PyBytes_AS_STRING, PyBytes_FromStringAndSize
from cpython.unicode cimport PyUnicode_AsUTF8String, PyUnicode_DecodeUTF8


cdef extern from "Python.h":
    int PyUnicode_KIND(object)
    void* PyUnicode_DATA(object)
    Py_UCS4 PyUnicode_READ(int, void*, Py_ssize_t)
    int PyUnicode_1BYTE_KIND
    int PyUnicode_4BYTE_KIND
    object PyUnicode_FromKindAndData(int, const void*, Py_ssize_t)
    bint Py_UNICODE_ISSPACE(Py_UCS4)
    bint Py_UNICODE_ISALNUM(Py_UCS4)
    bint Py_UNICODE_ISALPHA(Py_UCS4)
    bint Py_UNICODE_ISDECIMAL(Py_UCS4)
from libc.stdint cimport uint64_t
from libc.stdio cimport snprintf
from libc.string cimport memchr, memcpy, memmove, strcmp, strlen, strstr
from lxml.includes cimport tree
from lxml.includes.etreepublic cimport _Element, import_lxml__etree

import unicodedata

from wparchive.render.markdown import _ENTITY
from wparchive.render.markdown import escape_line_start as _reference_escape_line_start
from wparchive.render.parse import _document as _reference_document


import_lxml__etree()


# -- a growing byte buffer ---------------------------------------------------------------------------
cdef struct Buf:
    char* p
    Py_ssize_t n
    Py_ssize_t cap


cdef int buf_init(Buf* b, Py_ssize_t cap) except -1:
    b.p = <char*> PyMem_Malloc(cap)
    if b.p is NULL:
        raise MemoryError()
    b.n = 0
    b.cap = cap
    return 0


cdef int buf_grow(Buf* b, Py_ssize_t extra) except -1:
    cdef Py_ssize_t cap = b.cap * 2
    cdef char* p
    while cap < b.n + extra:
        cap *= 2
    p = <char*> PyMem_Realloc(b.p, cap)
    if p is NULL:
        raise MemoryError()
    b.p = p
    b.cap = cap
    return 0


cdef inline int buf_add(Buf* b, const char* s, Py_ssize_t k) except -1:
    if b.n + k > b.cap:
        buf_grow(b, k)
    memcpy(b.p + b.n, s, k)
    b.n += k
    return 0


cdef inline int buf_byte(Buf* b, char c) except -1:
    if b.n + 1 > b.cap:
        buf_grow(b, 1)
    b.p[b.n] = c
    b.n += 1
    return 0


# -- UTF-8 code points and Python's notions of space -------------------------------------------------
cdef inline Py_UCS4 decode_at(const unsigned char* s, Py_ssize_t i, Py_ssize_t n, int* size) noexcept:
    # libxml2's text is valid UTF-8; a truncated sequence reads as its lead byte
    cdef unsigned char c = s[i]
    if c < 0x80:
        size[0] = 1
        return c
    if c < 0xE0 and i + 1 < n:
        size[0] = 2
        return ((c & 0x1F) << 6) | (s[i + 1] & 0x3F)
    if c < 0xF0 and i + 2 < n:
        size[0] = 3
        return ((c & 0x0F) << 12) | ((s[i + 1] & 0x3F) << 6) | (s[i + 2] & 0x3F)
    if i + 3 < n:
        size[0] = 4
        return ((c & 0x07) << 18) | ((s[i + 1] & 0x3F) << 12) | ((s[i + 2] & 0x3F) << 6) | (s[i + 3] & 0x3F)
    size[0] = 1
    return c


cdef inline bint py_space(Py_UCS4 c) noexcept:
    # str.isspace() / str.strip(): every code point Python calls whitespace
    if c < 0x80:
        return c == 0x20 or 0x09 <= c <= 0x0d or 0x1c <= c <= 0x1f
    return c == 0x85 or c == 0xa0 or c == 0x1680 or 0x2000 <= c <= 0x200a or c == 0x2028 or c == 0x2029 \
        or c == 0x202f or c == 0x205f or c == 0x3000


cdef inline bint other_space(Py_UCS4 c) noexcept:
    # `blocks._OTHER_SPACES`
    return c == 0x85 or c == 0x1680 or 0x2000 <= c <= 0x200a or c == 0x2028 or c == 0x2029 \
        or c == 0x202f or c == 0x205f or c == 0x3000


cdef bint all_space(const char* p, Py_ssize_t n) noexcept:
    """`not text.strip()`: empty or only Python whitespace."""
    cdef const unsigned char* s = <const unsigned char*> p
    cdef Py_ssize_t i = 0
    cdef int size
    while i < n:
        if not py_space(decode_at(s, i, n, &size)):
            return False
        i += size
    return True


cdef Py_ssize_t rstrip_end(const char* p, Py_ssize_t start, Py_ssize_t end) noexcept:
    """Where `p[start:end].rstrip()` ends."""
    cdef const unsigned char* s = <const unsigned char*> p
    cdef Py_ssize_t j
    cdef int size
    while end > start:
        j = end - 1
        while j > start and (s[j] & 0xC0) == 0x80:
            j -= 1
        if not py_space(decode_at(s, j, end, &size)):
            break
        end = j
    return end


cdef inline bint has_other_space(const unsigned char* s, Py_ssize_t n) noexcept:
    """Whether the UTF-8 text holds one of `blocks._OTHER_SPACES` (U+0085, U+1680, U+2000-U+200A,
    U+2028, U+2029, U+202F, U+205F, U+3000), by their encodings."""
    cdef Py_ssize_t i
    cdef unsigned char c, d
    for i in range(n):
        c = s[i]
        if c < 0xC2:
            continue
        if c == 0xC2:
            if i + 1 < n and s[i + 1] == 0x85:
                return True
        elif c == 0xE2:
            if i + 2 < n:
                d = s[i + 2]
                if s[i + 1] == 0x80 and (d <= 0x8A or d == 0xA8 or d == 0xA9 or d == 0xAF):
                    return True
                if s[i + 1] == 0x81 and d == 0x9F:
                    return True
        elif c == 0xE1:
            if i + 2 < n and s[i + 1] == 0x9A and s[i + 2] == 0x80:
                return True
        elif c == 0xE3:
            if i + 2 < n and s[i + 1] == 0x80 and s[i + 2] == 0x80:
                return True
    return False


# Eight bytes at a time (the runs of plain text are what the loops below spend their time on).
cdef extern from *:
    """
    #define WPARCHIVE_ONES 0x0101010101010101ULL
    #define WPARCHIVE_HIGHS 0x8080808080808080ULL
    """
    const uint64_t ONES "WPARCHIVE_ONES"
    const uint64_t HIGHS "WPARCHIVE_HIGHS"


cdef inline uint64_t load8(const unsigned char* s) noexcept:
    cdef uint64_t x
    memcpy(&x, s, 8)
    return x


cdef inline bint any_below(uint64_t x, uint64_t n) noexcept:
    # whether a byte of x is below n (n <= 128): the classic `hasless`
    return ((x - ONES * n) & ~x & HIGHS) != 0


cdef inline bint any_equal(uint64_t x, uint64_t n) noexcept:
    return any_below(x ^ (ONES * n), 1)


cdef inline bint single_spaces_fail(uint64_t x) noexcept:
    # whether two of the first eight bytes, k and k+1 for k < 7, are both spaces
    cdef uint64_t y = x ^ (ONES * 0x20)  # a space's byte becomes 0
    cdef uint64_t pairs = (y | (y >> 8)) | (<uint64_t> 0xFF << 56)  # 0 where byte k and k+1 are spaces
    return any_below(pairs, 1)


# Byte classes for the collapse: 0 text; 1 HTML whitespace; 2 \\x1c-\\x1f (whitespace to str.split());
# 3 the lead byte of NBSP's C2 A0.
cdef unsigned char SPACE_CLASS[256]
for _i in range(256):
    SPACE_CLASS[_i] = 1 if _i == 0x20 or 0x09 <= _i <= 0x0d else 2 if 0x1c <= _i <= 0x1f else 3 if _i == 0xC2 else 0


# Bytes the final scan keeps as they are: printable ASCII, tab and newline.
cdef unsigned char PLAIN_ASCII[256]
for _i in range(256):
    PLAIN_ASCII[_i] = 0x20 <= _i < 0x7f or _i == 0x09 or _i == 0x0a


cdef int collapse_into(Buf* dst, const char* p, Py_ssize_t n) except -1:
    """`blocks.collapse`: append p[:n] with runs of whitespace as one space, none at the ends.

    As the reference: `str.split()`'s whitespace unless the text holds another Unicode space, then
    HTML's whitespace plus NBSP only; the two differ only on \\x1c-\\x1f, so only text holding one of
    those is looked at for another space. Byte by byte: every space either way is ASCII or NBSP
    (C2 A0), and no byte of a multi-byte character is below 0x80."""
    cdef Py_ssize_t mark = dst.n
    if collapse_bytes(dst, p, n, True):  # met \\x1c-\\x1f
        if has_other_space(<const unsigned char*> p, n):
            dst.n = mark
            collapse_bytes(dst, p, n, False)
    return 0


cdef int collapse_bytes(Buf* dst, const char* p, Py_ssize_t n, bint split_controls) except -1:
    """The collapse; returns 1 where it met \\x1c-\\x1f."""
    cdef const unsigned char* s = <const unsigned char*> p
    cdef unsigned char* d
    cdef unsigned char* d0
    cdef Py_ssize_t i = 0, j
    cdef unsigned char k
    cdef uint64_t x
    cdef bint pending = False, controls = False
    if dst.n + n > dst.cap:
        buf_grow(dst, n)
    d0 = d = <unsigned char*> dst.p + dst.n
    while i < n:
        j = i
        if SPACE_CLASS[s[i]] == 0:
            # Seven bytes at a time that the collapse leaves as they are: no control or C2 lead byte
            # among eight, and every space a single one between two bytes of text (the byte before
            # the seven is text: s[i] is, and a space before the next seven is followed by text).
            while j + 8 <= n:
                x = load8(s + j)
                if any_below(x, 0x20) or any_equal(x, 0xC2) or single_spaces_fail(x):
                    break
                j += 7
        while j < n and SPACE_CLASS[s[j]] == 0:
            j += 1
        if j > i:  # a run of text
            if pending:
                d[0] = b' '
                d += 1
                pending = False
            memcpy(d, s + i, j - i)
            d += j - i
            i = j
            continue
        k = SPACE_CLASS[s[i]]
        if k == 2:
            controls = True
        if k == 1 or (k == 2 and split_controls):
            pending = d != d0
            i += 1
        elif k == 3 and i + 1 < n and s[i + 1] == 0xA0:
            pending = d != d0
            i += 2
        else:  # \\x1c-\\x1f beside another Unicode space, or a C2 that is not NBSP: text
            if pending:
                d[0] = b' '
                d += 1
                pending = False
            d[0] = s[i]
            d += 1
            i += 1
    dst.n = <char*> d - dst.p
    return controls


cdef int split_lines(Buf* dst, const char* p, Py_ssize_t n) except -1:
    """`[line for line in map(collapse, text.split(BR)) if line]`, appended to dst joined by \\n."""
    cdef Py_ssize_t start = 0, end, first = dst.n, mark
    cdef const char* found
    while start <= n:
        found = <const char*> memchr(p + start, 0, n - start)
        end = found - p if found is not NULL else n
        mark = dst.n
        if mark > first:
            buf_byte(dst, b'\n')
        collapse_into(dst, p + start, end - start)
        if dst.n == mark + (1 if mark > first else 0):
            dst.n = mark  # an empty line is left out
        start = end + 1
    return 0


# -- tags ---------------------------------------------------------------------------------------------
cdef enum Tag:
    T_OTHER = 0
    T_BLOCK       # BLOCK_TAGS without a handling of their own: they end a block
    T_UL          # ul, menu, dir
    T_OL
    T_LI
    T_CAPTION
    T_HEADING
    T_BR
    T_IMG
    T_EMBED
    T_PRE
    T_BLOCKQUOTE
    T_TABLE
    T_TR
    T_CELL        # td, th
    T_HR
    T_Q
    T_SKIP        # SKIP_TAGS: removed with their content, their tail kept
    T_INLINE      # INLINE_TEXT: unwrapped before the walk, so transparent here
    T_REWRITTEN   # what `tree.prepare_tree` rewrites: the reference renders the document


cdef dict _TAGS = {}
for _names, _kind in (
        ("address article aside body center dd details dialog dl dt fieldset figcaption figure footer form "
         "header hgroup html main nav p section summary legend wpapb div", T_BLOCK),
        ("ul menu dir", T_UL), ("ol", T_OL), ("li", T_LI), ("caption", T_CAPTION),
        ("h1 h2 h3 h4 h5 h6", T_HEADING), ("br", T_BR), ("img", T_IMG), ("iframe video audio object", T_EMBED),
        ("pre", T_PRE), ("blockquote", T_BLOCKQUOTE), ("table", T_TABLE), ("tr", T_TR), ("td th", T_CELL),
        ("hr", T_HR), ("q", T_Q), ("script style noscript template head title", T_SKIP),
        ("abbr acronym bdi bdo big cite data dfn font ins kbd label mark nobr samp small span sub sup time tt u "
         "var wbr a b strong em i code del s strike", T_INLINE),
        ("math button select option textarea input", T_REWRITTEN)):
    for _name in _names.split():
        _TAGS[_name.encode()] = _kind


cdef inline bint cell_break(int t) noexcept:
    # `html.CELL_BREAKS`: inside a table cell these only separate words
    return t == T_BLOCK or t == T_UL or t == T_OL or t == T_LI or t == T_CAPTION or t == T_HEADING \
        or t == T_BR or t == T_PRE or t == T_BLOCKQUOTE or t == T_HR or t == T_TABLE or t == T_TR or t == T_CELL


# -- the walker's state -------------------------------------------------------------------------------
cdef enum Kind:
    F_QUOTE = 1
    F_LIST
    F_ITEM
    F_TABLE


cdef struct Frame:
    # `blocks.Quote` / `List` / `Item` / `Table`
    int kind
    bint ordered, emitted, used
    long long counter
    int marker_len
    char marker[32]


COUNTER_LIMIT = 1 << 60  # beyond: the reference's Python ints (it never happens in a post)


class _Abort(Exception):
    """This document is left to the reference."""


cdef class TextWalker:
    """`html._Walker` in text mode (markdown=False), with `blocks.BlockWriter`'s output."""
    cdef Buf inline       # the block being read: raw text, \\x00 for a <br> (`blocks.BR`)
    cdef Buf out          # the finished blocks
    cdef Buf lines        # scratch: one block's lines, separated by \\n
    cdef Buf row          # the table row being read, cells joined by " | "
    cdef Buf rows         # the table's finished rows, each ended by \\n
    cdef Buf scratch      # an attribute's value
    cdef Frame* frames
    cdef Py_ssize_t nframes, frames_cap
    cdef Py_ssize_t nout  # blocks written (`len(self.out)`)
    cdef int pre, quotes, cell
    cdef bint row_open, row_any
    cdef Py_ssize_t row_cells
    cdef object shortcodes
    cdef Py_ssize_t chunk_start  # where the current text run began in `inline`, or -1
    cdef bint chunk_bracket

    def __cinit__(self):
        buf_init(&self.inline, 4096)
        buf_init(&self.out, 16384)
        buf_init(&self.lines, 4096)
        buf_init(&self.row, 256)
        buf_init(&self.rows, 1024)
        buf_init(&self.scratch, 256)
        self.frames_cap = 16
        self.frames = <Frame*> PyMem_Malloc(self.frames_cap * sizeof(Frame))
        if self.frames is NULL:
            raise MemoryError()
        self.chunk_start = -1

    cdef reset(self):
        self.inline.n = self.out.n = self.lines.n = self.row.n = self.rows.n = self.scratch.n = 0
        self.nframes = self.nout = 0
        self.pre = self.quotes = self.cell = 0
        self.row_open = self.row_any = False
        self.row_cells = 0
        self.shortcodes = None
        self.chunk_start = -1
        self.chunk_bracket = False

    def __dealloc__(self):
        PyMem_Free(self.inline.p)
        PyMem_Free(self.out.p)
        PyMem_Free(self.lines.p)
        PyMem_Free(self.row.p)
        PyMem_Free(self.rows.p)
        PyMem_Free(self.scratch.p)
        PyMem_Free(self.frames)

    # -- text (`_Walker.text`) ------------------------------------------------------------------------
    cdef int add_text(self, const char* p, Py_ssize_t n) except -1:
        cdef Py_ssize_t i, start
        if n == 0:
            return 0
        if self.pre:  # `value.replace("\xa0", " ")`
            start = 0
            for i in range(n - 1):
                if <unsigned char> p[i] == 0xC2 and <unsigned char> p[i + 1] == 0xA0:
                    buf_add(&self.inline, p + start, i - start)
                    buf_byte(&self.inline, b' ')
                    start = i + 2
            if start < n:
                buf_add(&self.inline, p + start, n - start)
            return 0
        if self.chunk_start < 0:
            self.chunk_start = self.inline.n
        buf_add(&self.inline, p, n)
        if self.shortcodes is not None and not self.chunk_bracket:
            for i in range(n):
                if p[i] == b'[':
                    self.chunk_bracket = True
                    break
        return 0

    cdef int end_chunk(self) except -1:
        """A run of text (lxml's `.text` or `.tail`, after the strips) ends: the reference's
        `text(value)` strips shortcode tags from the whole run."""
        cdef bytes value
        if self.chunk_start >= 0 and self.chunk_bracket:
            value = self.inline.p[self.chunk_start:self.inline.n]
            value = self.shortcodes.sub("", value.decode("utf-8")).encode("utf-8")
            self.inline.n = self.chunk_start
            buf_add(&self.inline, value, len(value))
        self.chunk_start = -1
        self.chunk_bracket = False
        return 0

    # -- blocks (`BlockWriter`) -------------------------------------------------------------------------
    cdef int separator(self) except -1:
        """`BlockWriter._separator`, text mode."""
        cdef Py_ssize_t i
        if self.nout == 0:
            return 0
        for i in range(self.nframes - 1, -1, -1):
            if self.frames[i].kind == F_LIST and self.frames[i].emitted:
                buf_byte(&self.out, b'\n')
                return 0
            if self.frames[i].kind == F_QUOTE:
                break
        buf_add(&self.out, "\n\n", 2)
        return 0

    cdef int prefix(self, bint first) except -1:
        """`BlockWriter._prefix`."""
        cdef Py_ssize_t i
        cdef Frame* f
        for i in range(self.nframes):
            f = &self.frames[i]
            if f.kind == F_QUOTE:
                buf_add(&self.out, "> ", 2)
            elif f.kind == F_ITEM:
                if not f.used:
                    buf_add(&self.out, f.marker, f.marker_len)
                    if first:
                        f.used = True
                else:
                    buf_add(&self.out, "  ", 2)
        return 0

    cdef int emit(self, const char* p, Py_ssize_t n, bint verbatim) except -1:
        """`BlockWriter.emit`: the lines of p[:n], separated by \\n."""
        cdef Py_ssize_t i, start, line_start, end
        cdef bint first = True, seen_list = False
        if self.nframes == 0:
            if self.nout:
                buf_add(&self.out, "\n\n", 2)
            buf_add(&self.out, p, n)
            self.nout += 1
            return 0
        self.separator()
        start = 0
        while True:
            end = start
            while end < n and p[end] != b'\n':
                end += 1
            if not first:
                buf_byte(&self.out, b'\n')
            line_start = self.out.n
            self.prefix(first)
            buf_add(&self.out, p + start, end - start)
            if not verbatim or end == start:
                self.out.n = rstrip_end(self.out.p, line_start, self.out.n)
            first = False
            if end >= n:
                break
            start = end + 1
        self.nout += 1
        for i in range(self.nframes - 1, -1, -1):
            if self.frames[i].kind == F_LIST and not seen_list:
                self.frames[i].emitted = seen_list = True
            elif self.frames[i].kind == F_QUOTE:
                self.frames[i].emitted = True
        return 0

    cdef Frame* push(self, int kind) except NULL:
        cdef Frame* frames
        cdef Frame* f
        if self.nframes == self.frames_cap:
            frames = <Frame*> PyMem_Realloc(self.frames, 2 * self.frames_cap * sizeof(Frame))
            if frames is NULL:
                raise MemoryError()
            self.frames = frames
            self.frames_cap *= 2
        f = &self.frames[self.nframes]
        self.nframes += 1
        f.kind = kind
        f.ordered = f.emitted = f.used = False
        f.counter = 0
        f.marker_len = 0
        return f

    cdef int pop(self, int kind) except -1:
        """`BlockWriter.pop`: the innermost frame of that kind, wherever it is."""
        cdef Py_ssize_t i
        for i in range(self.nframes - 1, -1, -1):
            if self.frames[i].kind == kind:
                memmove(&self.frames[i], &self.frames[i + 1], (self.nframes - i - 1) * sizeof(Frame))
                self.nframes -= 1
                return 0
        return 0

    cdef Py_ssize_t innermost(self, int kind) noexcept:
        cdef Py_ssize_t i
        for i in range(self.nframes - 1, -1, -1):
            if self.frames[i].kind == kind:
                return i
        return -1

    # -- `_Walker.flush` ---------------------------------------------------------------------------------
    cdef int flush(self) except -1:
        cdef Py_ssize_t n, start, end, mark
        cdef const char* p
        self.end_chunk()
        n = self.inline.n
        p = self.inline.p
        if n == 0:
            return 0
        self.inline.n = 0
        if all_space(p, n):  # `text.isspace()`; a <br> (\x00) is not space
            return 0
        if self.nframes:  # the lines, then `emit` gives them their prefixes
            self.lines.n = 0
            split_lines(&self.lines, p, n)
            if self.lines.n:
                self.emit(self.lines.p, self.lines.n, False)
            return 0
        # a top-level block (most): `emit` would only copy the lines after a blank line
        mark = self.out.n
        if self.nout:
            buf_add(&self.out, "\n\n", 2)
        start = self.out.n
        split_lines(&self.out, p, n)
        if self.out.n == start:
            self.out.n = mark
        else:
            self.nout += 1
        return 0

    # -- tables -------------------------------------------------------------------------------------------
    cdef int end_row(self) except -1:
        """`Table.end_row`; the row's line (`" | ".join(row).rstrip()`) is made here."""
        if self.row_open and self.row_any:
            buf_add(&self.rows, self.row.p, rstrip_end(self.row.p, 0, self.row.n))
            buf_byte(&self.rows, b'\n')
        self.row_open = self.row_any = False
        self.row.n = 0
        self.row_cells = 0
        return 0

    cdef int end_cell(self) except -1:
        """The end of a cell: `_Walker._cell` in text mode, with no list or table inside (those abort)."""
        cdef Py_ssize_t mark, i
        for i in range(self.inline.n):
            if 0x01 <= self.inline.p[i] <= 0x03:
                raise _Abort()  # text the reference's cell_text would read as a cell's inner structure
        if self.row_open:
            if self.row_cells:
                buf_add(&self.row, " | ", 3)
            mark = self.row.n
            collapse_into(&self.row, self.inline.p, self.inline.n)  # no <br> in a cell in text mode
            if self.row.n > mark:
                self.row_any = True
            self.row_cells += 1
        self.inline.n = 0
        self.cell = 0
        return 0

    cdef int write_table(self) except -1:
        """`BlockWriter.write_table`, text mode."""
        self.end_row()
        if self.rows.n:
            self.emit(self.rows.p, self.rows.n - 1, False)
        self.rows.n = 0
        return 0

    # -- `_Walker._end_pre` -------------------------------------------------------------------------------
    cdef int end_pre(self) except -1:
        cdef const char* p = self.inline.p
        cdef Py_ssize_t n = self.inline.n, start = 0, end, first_end, last_start
        self.pre = 0
        self.inline.n = 0
        if n and p[0] == b'\n':  # HTML drops a newline right after <pre>
            start = 1
        if all_space(p + start, n - start):
            return 0
        # Blank lines at either end are block spacing: drop whole lines that are only whitespace.
        while True:
            first_end = start
            while first_end < n and p[first_end] != b'\n':
                first_end += 1
            if not all_space(p + start, first_end - start):
                break
            start = first_end + 1
        end = n
        while True:
            last_start = end
            while last_start > start and p[last_start - 1] != b'\n':
                last_start -= 1
            if not all_space(p + last_start, end - last_start):
                break
            end = last_start - 1
        self.lines.n = 0
        buf_add(&self.lines, p + start, end - start)
        self.emit(self.lines.p, self.lines.n, True)
        return 0

    # -- attribute-driven elements ------------------------------------------------------------------------
    cdef int add_str(self, str value) except -1:
        cdef bytes data = value.encode("utf-8")
        buf_add(&self.inline, data, len(data))
        return 0

    cdef int image(self, tree.xmlNode* c_node) except -1:
        """`_Walker._image`, text mode: `[image: alt]`, the alt as `collapse(clean_str(alt))`."""
        cdef Py_ssize_t i, j = 0, mark
        cdef unsigned char c
        self.scratch.n = 0
        if not attribute_into(&self.scratch, c_node, b"alt"):
            return 0
        for i in range(self.scratch.n):  # clean_str: no control characters but \t \n \r
            c = self.scratch.p[i]
            if c < 0x20 and c != 0x09 and c != 0x0a and c != 0x0d or c == 0x7f:
                continue
            self.scratch.p[j] = c
            j += 1
        mark = self.inline.n
        buf_add(&self.inline, "[image: ", 8)
        collapse_into(&self.inline, self.scratch.p, j)
        if self.inline.n == mark + 8:
            self.inline.n = mark  # no alt
        else:
            buf_byte(&self.inline, b']')
        return 0

    cdef int embed(self, tree.xmlNode* c_node) except -1:
        """`_Walker._embed`, text mode."""
        src = _attribute(c_node, b"src") or _attribute(c_node, b"data") or ""
        if not src:
            raise _Abort()  # the reference looks for a <source> child
        name = (<bytes> <const char*> c_node.name).decode()
        kind = "video" if name == "video" else "audio" if name == "audio" else "embed"
        if src.lstrip()[:5].lower() == "data:":
            text = f"[{kind}]"
        else:
            text = f"[{kind}: {src}]"
        if self.cell:
            self.add_str(f" {text} ")
            return 0
        self.flush()
        self.add_str(text)
        self.flush()
        return 0

    cdef int start_list(self, tree.xmlNode* c_node, bint ordered) except -1:
        cdef long long start = 1
        cdef Frame* f
        self.flush()
        if ordered:
            value = _attribute(c_node, b"start")
            if value is not None:
                try:
                    number = int(value)
                except ValueError:
                    number = 1
                if not -COUNTER_LIMIT < number < COUNTER_LIMIT:
                    raise _Abort()
                start = number
        f = self.push(F_LIST)
        f.ordered = ordered
        f.counter = start - 1
        return 0

    cdef int start_item(self, tree.xmlNode* c_node) except -1:
        """`_Walker._start_item`, text mode."""
        cdef Py_ssize_t i
        cdef bint ordered = False
        cdef long long counter = 0
        cdef Frame* f
        self.flush()
        i = self.innermost(F_LIST)
        if i >= 0:
            ordered = self.frames[i].ordered
            counter = self.frames[i].counter
        if ordered:
            value = _attribute(c_node, b"value")
            if value is not None:
                try:
                    number = int(value) - 1
                except ValueError:
                    number = counter
                if not -COUNTER_LIMIT < number < COUNTER_LIMIT:
                    raise _Abort()
                counter = number
        if not -COUNTER_LIMIT < counter < COUNTER_LIMIT:
            raise _Abort()
        counter += 1
        if i >= 0:
            self.frames[i].counter = counter
        f = self.push(F_ITEM)
        if ordered:
            f.marker_len = snprintf(f.marker, 32, "%lld. ", counter)
        else:
            f.marker[0] = b'-'
            f.marker[1] = b' '
            f.marker_len = 2
        return 0

    # -- events (`_Walker.start` / `_Walker.end`, text mode) ----------------------------------------------
    cdef int start(self, tree.xmlNode* c_node, int t) except -1:
        cdef Py_ssize_t i
        self.end_chunk()
        if self.pre:
            if t == T_BR:
                buf_byte(&self.inline, b'\n')
            return 0
        if self.cell:
            if cell_break(t):
                if t == T_LI or t == T_TABLE or t == T_TR or t == T_CELL:
                    raise _Abort()  # a cell's inner structure: the reference's cell_text
                buf_byte(&self.inline, b' ')
                return 0
        if t == T_BR:
            buf_byte(&self.inline, 0)
        elif t == T_IMG:
            self.image(c_node)
        elif t == T_EMBED:
            self.embed(c_node)
        elif t == T_HEADING or t == T_BLOCK or t == T_CAPTION or t == T_HR:
            self.flush()
        elif t == T_PRE:
            self.flush()
            self.pre = 1
        elif t == T_UL or t == T_OL:
            self.start_list(c_node, t == T_OL)
        elif t == T_LI:
            self.start_item(c_node)
        elif t == T_BLOCKQUOTE:
            self.flush()
            self.push(F_QUOTE)
        elif t == T_TABLE:
            self.flush()
            if self.innermost(F_TABLE) >= 0:
                raise _Abort()  # a table in a table: one row buffer here
            self.push(F_TABLE)
            self.rows.n = 0
            self.row.n = 0
            self.row_open = self.row_any = False
            self.row_cells = 0
        elif t == T_TR:
            if self.innermost(F_TABLE) >= 0:
                self.end_row()
                self.row_open = True
        elif t == T_CELL:
            if self.innermost(F_TABLE) < 0:  # a stray cell: its text is kept, apart from its neighbours'
                buf_byte(&self.inline, b' ')
                return 0
            self.flush()
            self.row_open = True
            self.cell = 1
        elif t == T_Q:
            buf_add(&self.inline, b"\xe2\x80\x9c" if self.quotes == 0 else b"\xe2\x80\x98", 3)  # “ ‘
            self.quotes += 1
        return 0

    cdef int end(self, tree.xmlNode* c_node, int t) except -1:
        self.end_chunk()
        if self.pre:
            if t == T_PRE:
                self.end_pre()
            return 0
        if self.cell:
            if t == T_CELL:
                self.end_cell()
                return 0
            if cell_break(t):
                if t == T_LI:
                    raise _Abort()
                buf_byte(&self.inline, b' ')
                return 0
        if t == T_HEADING or t == T_BLOCK or t == T_CAPTION:
            self.flush()
        elif t == T_UL or t == T_OL:
            self.flush()
            self.pop(F_LIST)
        elif t == T_LI:
            self.flush()
            self.pop(F_ITEM)
        elif t == T_BLOCKQUOTE:
            self.flush()
            self.pop(F_QUOTE)
        elif t == T_TR:
            if self.innermost(F_TABLE) >= 0:
                self.end_row()
        elif t == T_TABLE:
            if self.innermost(F_TABLE) >= 0:
                self.flush()
                self.pop(F_TABLE)
                self.write_table()
            else:
                self.flush()
        elif t == T_CELL:
            if self.innermost(F_TABLE) < 0:
                buf_byte(&self.inline, b' ')
        elif t == T_Q:
            self.quotes = self.quotes - 1 if self.quotes > 0 else 0
            buf_add(&self.inline, b"\xe2\x80\x9d" if self.quotes == 0 else b"\xe2\x80\x99", 3)  # ” ’
        return 0

    # -- `BlockWriter.result`: the final scan and NFC -----------------------------------------------------
    cdef str result(self):
        cdef Py_ssize_t i, j, k, start = 0, n, size
        cdef uint64_t x
        cdef unsigned char c
        cdef unsigned char* s
        cdef bint nfc = False
        self.flush()
        s = <unsigned char*> self.out.p
        n = self.out.n
        while start < n and s[start] == b'\n':
            start += 1
        while n > start and s[n - 1] == b'\n':
            n -= 1
        # `clean_breaks`: U+0085, U+2028, U+2029 as \n; control characters dropped. In place.
        i = j = start
        while i < n:
            k = i
            while k + 8 <= n:  # eight printable ASCII bytes
                x = load8(s + k)
                if (x & HIGHS) or any_below(x, 0x20) or any_equal(x, 0x7f):
                    break
                k += 8
            while k < n and PLAIN_ASCII[s[k]]:
                k += 1
            if k > i:
                if j != i:
                    memmove(s + j, s + i, k - i)
                j += k - i
                i = k
                continue
            c = s[i]
            if c < 0x80:  # a control character
                i += 1
                continue
            if c == 0xC2 and i + 1 < n and s[i + 1] == 0x85:
                s[j] = b'\n'
                j += 1
                i += 2
                continue
            if c == 0xE2 and i + 2 < n and s[i + 1] == 0x80 and (s[i + 2] == 0xA8 or s[i + 2] == 0xA9):
                s[j] = b'\n'
                j += 1
                i += 3
                continue
            size = 2 if c < 0xE0 else 3 if c < 0xF0 else 4
            if i + size > n:
                size = n - i
            if not nfc:
                nfc = not nfc_stable(s + i, size)
            if j != i:
                memmove(s + j, s + i, size)
            i += size
            j += size
        text = PyUnicode_DecodeUTF8(self.out.p + start, j - start, NULL)
        # NFC as the reference, unless every character is one NFC never changes (most posts)
        return unicodedata.normalize("NFC", text) if nfc else text


cdef inline bint nfc_stable(const unsigned char* s, Py_ssize_t size) noexcept:
    """Whether the character is in NFC_STABLE: NFC leaves any string of such characters as it is
    (each is its own NFC, has combining class 0 and is no second half of a composition).
    tests/render/test_compiled.py checks the ranges against Python's unicodedata."""
    cdef unsigned char c = s[0]
    if size == 2:
        return c <= 0xCB  # U+0080-U+02FF
    if size == 3:
        if c == 0xE2:  # U+2002-U+206F
            return (s[1] == 0x80 and s[2] >= 0x82) or (s[1] == 0x81 and s[2] <= 0xAF)
        if c == 0xE4:  # U+4E00-U+4FFF
            return s[1] >= 0xB8
        return 0xE5 <= c <= 0xE9  # U+5000-U+9FFF
    return False


# The code points `nfc_stable` accepts, for the test that checks them.
NFC_STABLE = ((0x0000, 0x02FF), (0x2002, 0x206F), (0x4E00, 0x9FFF))


cdef int attribute_into(Buf* dst, tree.xmlNode* c_node, const char* name) except -1:
    """Append `el.get(name)` to dst; 1 if the element has the attribute, else 0. Read from the
    attribute's nodes as libxml2's xmlGetNoNsProp does (this module calls no libxml2 function: it
    is linked only against lxml's C API)."""
    cdef tree.xmlAttr* attr = c_node.properties
    cdef tree.xmlNode* part
    while attr is not NULL:
        if attr.ns is NULL and strcmp(<const char*> attr.name, name) == 0:
            part = attr.children
            while part is not NULL:
                if part.type != tree.XML_TEXT_NODE:
                    raise _Abort()
                if part.content is not NULL:
                    buf_add(dst, <const char*> part.content, strlen(<const char*> part.content))
                part = part.next
            return 1
        attr = attr.next
    return 0


cdef object _attribute(tree.xmlNode* c_node, const char* name):
    """`el.get(name)`: the attribute's text, or None."""
    cdef Buf value
    buf_init(&value, 256)
    try:
        if not attribute_into(&value, c_node, name):
            return None
        return PyUnicode_DecodeUTF8(value.p, value.n, NULL)
    finally:
        PyMem_Free(value.p)


cdef bint rewritten_by_attribute(tree.xmlNode* c_node) noexcept:
    """Whether `tree.prepare_tree` may rewrite the element for an attribute: `aria-hidden` (a hidden
    icon), or the File block's button class on a link. (The reference looks for both in the source;
    a document whose elements hold neither is one its rewrite leaves as it is.)"""
    cdef tree.xmlAttr* attr = c_node.properties
    cdef const char* name
    cdef bint link = c_node.name[0] == b'a' and c_node.name[1] == 0
    while attr is not NULL:
        name = <const char*> attr.name
        if name[0] == b'a' and strcmp(name, "aria-hidden") == 0:
            return True
        if link and name[0] == b'c' and strcmp(name, "class") == 0 and attr.children is not NULL:
            if attr.children.next is not NULL or attr.children.content is NULL \
                    or strstr(<const char*> attr.children.content, "wp-block-file__button") is not NULL:
                return True
        attr = attr.next
    return False


cdef struct TagCache:
    # one tag look-up per distinct name: libxml2 interns names in the document's dictionary
    const void* names[64]
    int kinds[64]
    int n


cdef inline int tag_of(TagCache* cache, tree.xmlNode* c_node) except -1:
    cdef int k, t
    for k in range(cache.n):
        if cache.names[k] == <const void*> c_node.name:
            return cache.kinds[k]
    t = _TAGS.get(<bytes> <const char*> c_node.name, T_OTHER)
    if cache.n < 64:
        cache.names[cache.n] = <const void*> c_node.name
        cache.kinds[cache.n] = t
        cache.n += 1
    return t


cdef int _walk(TextWalker w, tree.xmlNode* top) except -1:
    """Every element's start and end, in document order, with the text between; comments, processing
    instructions and SKIP_TAGS left out and INLINE_TEXT elements unwrapped, as the reference's strips do."""
    cdef tree.xmlNode* c_node = top
    cdef tree.xmlNode* nxt
    cdef int t
    cdef const char* content
    cdef TagCache cache
    cache.n = 0
    while True:
        # c_node is to be entered
        if c_node.type == tree.XML_ELEMENT_NODE:
            if c_node.ns is not NULL:
                raise _Abort()
            t = tag_of(&cache, c_node)
            if t == T_REWRITTEN or (c_node.properties is not NULL and rewritten_by_attribute(c_node)):
                raise _Abort()
            if t != T_SKIP:
                if t != T_INLINE:
                    w.start(c_node, t)
                if c_node.children is not NULL:
                    c_node = c_node.children
                    continue
                if t != T_INLINE:
                    w.end(c_node, t)
        elif c_node.type == tree.XML_TEXT_NODE:
            content = <const char*> c_node.content
            if content is not NULL:
                w.add_text(content, strlen(content))
        elif c_node.type != tree.XML_COMMENT_NODE and c_node.type != tree.XML_PI_NODE:
            raise _Abort()
        # leave c_node: its next sibling, or climb, ending each parent
        while True:
            if c_node is top:
                return 0
            nxt = c_node.next
            if nxt is not NULL:
                c_node = nxt
                break
            c_node = c_node.parent
            t = tag_of(&cache, c_node)
            if t != T_INLINE:
                w.end(c_node, t)


cdef TextWalker _spare = None  # one walker's buffers kept between calls (taken under the GIL, so per thread)


def render(_Element root not None, shortcodes):
    """The clean text of a parsed fragment, as `html._render(root, html, markdown=False)` gives it, or
    None where this port leaves the document to the reference (see the module's docstring).

    `shortcodes` is `parse.shortcode_pattern(html)`."""
    cdef TextWalker w = TextWalker()
    cdef tree.xmlNode* top = root._c_node
    cdef tree.xmlNode* sibling = top.next
    while sibling is not NULL:  # the root's tail: none from libxml2's HTML parser; if there is, the reference
        if sibling.type == tree.XML_TEXT_NODE:
            return None
        sibling = sibling.next
    global _spare
    w = _spare
    _spare = None
    if w is None:
        w = TextWalker()
    w.shortcodes = shortcodes
    try:
        _walk(w, top)
        return w.result()
    except _Abort:
        return None
    finally:
        w.reset()
        if w.out.cap <= 1 << 20:  # a huge post's buffers are not kept
            _spare = w


# -- `parse._document`: the bytes libxml2 parses ------------------------------------------------------
cdef unsigned char CONTROL_BYTE[256]  # `parse._CONTROL_BYTES`
for _i in range(256):
    CONTROL_BYTE[_i] = _i <= 0x08 or _i == 0x0b or _i == 0x0c or 0x0e <= _i <= 0x1f or _i == 0x7f


def document(str html not None):
    """`parse._document`: `b"<html><body>"` and the fragment's UTF-8, in one copy where the fragment
    has no control character or lone surrogate (else the reference makes it)."""
    cdef bytes data
    cdef const unsigned char* p
    cdef Py_ssize_t i, n
    try:
        data = PyUnicode_AsUTF8String(html)
    except UnicodeEncodeError:
        return _reference_document(html)
    p = <const unsigned char*> PyBytes_AS_STRING(data)
    n = len(data)
    for i in range(n):
        if CONTROL_BYTE[p[i]]:
            return _reference_document(html)
    result = PyBytes_FromStringAndSize(NULL, 12 + n)
    memcpy(PyBytes_AS_STRING(result), "<html><body>", 12)
    memcpy(PyBytes_AS_STRING(result) + 12, p, n)
    return result


def collapse(str text not None):
    """`blocks.collapse` by this module's byte loop (for the tests: the walk calls the loop itself)."""
    cdef bytes data = text.encode("utf-8", "surrogatepass")
    cdef Buf out
    buf_init(&out, len(data) + 1)
    try:
        collapse_into(&out, data, len(data))
        return PyUnicode_DecodeUTF8(out.p, out.n, "surrogatepass")
    finally:
        PyMem_Free(out.p)


def nfc(str text not None):
    """`blocks.nfc`: the text as it is where every character is in NFC_STABLE, else NFC."""
    cdef Py_ssize_t i, n = len(text)
    cdef int kind = PyUnicode_KIND(text)
    cdef void* data = PyUnicode_DATA(text)
    cdef Py_UCS4 c
    if kind == PyUnicode_1BYTE_KIND:
        return text  # U+0000-U+00FF
    for i in range(n):
        c = PyUnicode_READ(kind, data, i)
        if c < 0x300 or 0x2002 <= c <= 0x206F or 0x4E00 <= c <= 0x9FFF:
            continue
        return unicodedata.normalize("NFC", text)
    return text


cdef inline bint md_punct(Py_UCS4 c) noexcept:
    # `markdown._MD_PUNCT`: ASCII punctuation
    return 0x21 <= c <= 0x2f or 0x3a <= c <= 0x40 or 0x5b <= c <= 0x60 or 0x7b <= c <= 0x7e


def escape_inline(str text not None, bint in_table, bint in_link=False):
    """`markdown.escape_inline` as one C loop (it runs on every piece of Markdown text)."""
    cdef Py_ssize_t i, n = len(text), k = 0
    cdef int kind = PyUnicode_KIND(text)
    cdef void* data = PyUnicode_DATA(text)
    cdef Py_UCS4 c, prev, nxt
    cdef Py_UCS4* out
    cdef bint escape
    for i in range(n):  # `_MD_INLINE` / `_MD_INLINE_LINK`: most text has none of these
        c = PyUnicode_READ(kind, data, i)
        if c == 0x60 or c == 0x2a or c == 0x5f or c == 0x5d or c == 0x3c or c == 0x26 or c == 0x5c \
                or c == 0x7c or c == 0x7e or (in_link and c == 0x5b):
            break
    else:
        return text
    out = <Py_UCS4*> PyMem_Malloc(2 * n * sizeof(Py_UCS4) + 4)
    if out is NULL:
        raise MemoryError()
    try:
        for i in range(n):
            c = PyUnicode_READ(kind, data, i)
            prev = PyUnicode_READ(kind, data, i - 1) if i else 0x20
            nxt = PyUnicode_READ(kind, data, i + 1) if i + 1 < n else 0x20
            if c == 0x60:  # `
                escape = True
            elif c == 0x2a or c == 0x7e:  # * ~
                escape = not (Py_UNICODE_ISSPACE(prev) and Py_UNICODE_ISSPACE(nxt))
            elif c == 0x5f:  # _
                escape = not (Py_UNICODE_ISALNUM(prev) and Py_UNICODE_ISALNUM(nxt))
            elif c == 0x5d:  # ]
                escape = in_link or nxt == 0x28 or nxt == 0x5b or nxt == 0x3a
            elif c == 0x5b:  # [
                escape = in_link
            elif c == 0x3c:  # <
                escape = Py_UNICODE_ISALPHA(nxt) or nxt == 0x2f or nxt == 0x21 or nxt == 0x3f
            elif c == 0x26:  # &
                escape = _ENTITY.match(text, i) is not None
            elif c == 0x5c:  # backslash
                escape = md_punct(nxt) or i + 1 == n
            elif c == 0x7c:  # |
                escape = in_table
            else:
                escape = False
            if escape:
                out[k] = 0x5c
                k += 1
            out[k] = c
            k += 1
        return PyUnicode_FromKindAndData(PyUnicode_4BYTE_KIND, out, k)
    finally:
        PyMem_Free(out)


def escape_line_start(str line not None):
    """`markdown.escape_line_start`, whose pattern can only match a line that starts with one of
    `# > + - = *` or a decimal digit (`\\d`): any other line is returned without running it."""
    cdef Py_UCS4 c
    if not line:
        return line
    c = line[0]
    if c == 0x23 or c == 0x3e or c == 0x2b or c == 0x2d or c == 0x3d or c == 0x2a or Py_UNICODE_ISDECIMAL(c):
        return _reference_escape_line_start(line)
    return line
