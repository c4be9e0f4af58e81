"""The compiled renderer: Cython builds of the reference modules `html`, `blocks`, `markdown`, `parse`
and `tree`, made by setup.py from the same source files (their `wparchive.render.X` imports made
relative, so the compiled modules use each other), walking the tree with `_cwalk.pyx`'s C walk.

Nothing here states a rule: the rules are the reference modules' own code. Importing this package
raises ImportError where pip built no extension (no C compiler); `engine` then uses the reference.
"""

from wparchive.render._compiled import html
from wparchive.render._cwalk import walk

html.walk_tree = walk

__all__ = ["html"]
