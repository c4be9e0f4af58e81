# Cython declarations for the compiled copy of render/html.py (see blocks.pxd): the walker's state as
# C fields. The depths (pre, code, links, quotes, cell, nested tables) count open elements, far below
# a C int's range.

from .blocks cimport BlockWriter

cdef class _Walker(BlockWriter):
    # (BlockWriter's __dict__ is inherited: see blocks.pxd)
    cdef public object shortcodes
    cdef public list inline, wraps
    cdef public int pre, code, links, quotes, cell, nested_tables, heading
    cdef public bint verse
    # Called for every block or inline element (see blocks.pxd).
    cpdef flush(self)
    cpdef text(self, value)
    cpdef _open_wrap(self, before, after)
    cpdef _close_wrap(self)
    cpdef _start_inline(self, el, tag)
    cpdef _end_inline(self, el, tag)
