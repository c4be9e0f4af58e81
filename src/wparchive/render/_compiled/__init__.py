"""The compiled renderer: Cython builds of the reference modules `html`, `blocks`, `markdown`, `parse`
and `tree`, made by setup.py from the same source files (their `wparchive.render.X` imports made
relative, so the compiled modules use each other), walking the tree with `_cwalk.pyx`'s C walk; and
for clean text, `_ctext.pyx`: the text rules ported to C, with the reference as their statement and
tests/render/test_compiled.py holding the two to the same bytes.

Apart from that port, nothing here states a rule: the rules are the reference modules' own code. Importing this package
raises ImportError where pip built no extension (no C compiler); `engine` then uses the reference.
"""

from functools import partial

import wparchive.render._ctext as _ctext
import wparchive.render._cwalk as _cwalk  # ModuleNotFoundError where not built, as engine expects
from wparchive.render._compiled import blocks, html, parse

# C loops replace the reference's tree walk, whitespace collapse and final scan (same results).
html.walk_tree = _cwalk.walk
blocks.collapse = html.collapse = _ctext.collapse
blocks.clean_breaks = partial(_cwalk.clean_breaks, reference=blocks.clean_breaks)
blocks.nfc = _ctext.nfc
html.escape_inline = _ctext.escape_inline
html.escape_line_start = _ctext.escape_line_start
# The clean text: a C port of the rules over bytes (`_ctext.pyx`), the compiled walk above where it passes.
html.render_text = _ctext.render
parse._document = _ctext.document

__all__ = ["html"]
