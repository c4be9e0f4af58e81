# Cython declarations for the compiled copy of render/blocks.py (an "augmenting .pxd": setup.py puts it
# beside the copy). They add C types only, no behaviour: the frames and the writer become extension
# types, so attribute reads and isinstance checks are C operations instead of dict look-ups.
# Every class keeps a __dict__: an attribute added to the .py and not declared here still works
# (at Python speed) instead of failing. Counters that come from the HTML (`<ol start>`, `<li value>`)
# stay Python ints: any size, as in Python.

cdef class Quote:
    cdef dict __dict__
    cdef public bint emitted

cdef class List:
    cdef dict __dict__
    cdef public bint ordered, emitted
    cdef public object counter, marker

cdef class Item:
    cdef dict __dict__
    cdef public str marker, cont
    cdef public bint used

cdef class Table:
    cdef dict __dict__
    cdef public list rows
    cdef public object row

cdef class BlockWriter:
    cdef dict __dict__
    cdef public bint md
    cdef public list out, frames
    cdef public object ended_list
    # Arguments untyped: annotations are not read as C types (setup.py). Called for every block: C calls instead of Python method look-ups (still callable from Python).
    cpdef _prefix(self, first)
    cpdef _separator(self)
    cpdef emit(self, lines, verbatim=*)
