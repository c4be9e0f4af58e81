# cython: language_level=3, boundscheck=False, wraparound=False
"""The tree walk of `wparchive.render.html` in C; `walk_tree_python` there is the readable reference.

Why: in Python, `etree.iterwalk` plus `el.tag` / `el.text` / `el.tail` build a proxy object and
several strings per element, about half the time of a conversion. Here the walk follows libxml2's
node pointers of lxml's own tree (lxml's public C API; no second libxml2), builds a proxy only for
the elements whose handler reads attributes, and leaves every rule to the Python walker: this file
decides nothing about the output, so it cannot drift from the rules.
"""

from lxml.includes cimport tree
from lxml.includes.etreepublic cimport _Element, elementFactory, import_lxml__etree, namespacedName, tailOf, textOf

import_lxml__etree()


cdef inline tree.xmlNode* _first_element(tree.xmlNode* c_node):
    # iterwalk visits elements only (comments and processing instructions were stripped before)
    while c_node is not NULL and c_node.type != tree.XML_ELEMENT_NODE:
        c_node = c_node.next
    return c_node


def walk(_Element root not None, walker, frozenset plain not None):
    """Send the walker the calls `html.walk_tree_python` sends it, in the same order."""
    cdef tree.xmlNode* top = root._c_node
    cdef tree.xmlNode* c_node = top
    cdef tree.xmlNode* child
    cdef dict tags = {}  # libxml2 interns tag names: one Python str per distinct name pointer
    cdef size_t key
    start, end, text, flush = walker.start, walker.end, walker.text, walker.flush
    doc = root._doc
    while True:
        # start event
        key = <size_t> c_node.name
        tag = tags.get(key)
        if tag is None:
            tag = tags[key] = namespacedName(c_node)
        if tag in plain and not (walker.pre or walker.cell):
            flush()
        else:
            start(elementFactory(doc, c_node), tag)
        value = textOf(c_node)
        if value:
            text(value)
        child = _first_element(c_node.children)
        if child is not NULL:
            c_node = child
            continue
        # end events, climbing until an element has a next sibling
        while True:
            key = <size_t> c_node.name
            tag = tags[key]
            if tag in plain and not (walker.pre or walker.cell):
                flush()
            else:
                end(elementFactory(doc, c_node), tag)
            value = tailOf(c_node)
            if value:
                text(value)
            if c_node is top:
                return
            child = _first_element(c_node.next)
            if child is not NULL:
                c_node = child
                break
            c_node = c_node.parent
