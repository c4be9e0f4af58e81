# cython: language_level=3, boundscheck=False, wraparound=False
"""C loops for the compiled renderer (`wparchive.render._compiled`): the tree walk and the final scan.
Each has a readable Python reference that it must match, checked by tests/render/test_compiled.py:
`html.walk_tree_python`, `blocks.clean_breaks`.

Why the walk: in Python, `etree.iterwalk` plus `el.tag` / `el.text` / `el.tail` build a proxy object
and several strings per element. Here the walk follows libxml2's node pointers of lxml's own tree
(lxml's public C API, `lxml.includes`; no second libxml2), skips the proxy for plain blocks, and
leaves every rule to the walker: it only sends the walker the calls the Python loop sends.
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


# -- the final scan: `blocks.clean_breaks` as a C loop (the collapse is `_ctext.collapse`) ----------
# Called on every block; in Python it costs a regex scan of the whole text.

def clean_breaks(str text not None, bint markdown, reference):
    """`blocks.clean_breaks`: one C scan; text that holds a line separator or a control character
    (rare) goes to the reference, which rewrites it."""
    cdef Py_UCS4 c
    for c in text:
        if c < 0x20:
            if c != 0x09 and c != 0x0a:
                return reference(text, markdown)
        elif c == 0x7f or c == 0x85 or c == 0x2028 or c == 0x2029:
            return reference(text, markdown)
    return text
