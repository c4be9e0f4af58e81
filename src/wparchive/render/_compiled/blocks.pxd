# Cython declarations for the compiled copy of render/blocks.py (an "augmenting .pxd": setup.py puts it
# beside the copy). They add C types only, no behaviour: the frames and the writer become extension
# types, so attribute reads and isinstance checks are C operations instead of dict look-ups.
# Counters that come from the HTML (`<ol start>`, `<li value>`) stay Python ints: any size, as in Python.

cdef class Quote:
    cdef public bint emitted

cdef class List:
    cdef public bint ordered, emitted
    cdef public object counter

cdef class Item:
    cdef public str marker, cont
    cdef public bint used

cdef class Table:
    cdef public list rows
    cdef public object row

cdef class BlockWriter:
    cdef public bint md
    cdef public list out, frames
    # Arguments untyped: annotations are not read as C types (setup.py). Called for every block: C calls instead of Python method look-ups (still callable from Python).
    cpdef _prefix(self, first)
    cpdef _separator(self)
    cpdef emit(self, lines, verbatim=*)
