"""Which renderer runs: the compiled one where `pip install` built it, else the pure-Python reference.

Both give the same bytes (tests/render/test_compiled.py compares them on a corpus and fuzzed
fragments); the compiled one is faster (README "Speed and scale"). WPARCHIVE_PURE_PYTHON=1 forces
the reference, for comparison and as a way out should the two ever differ.
"""

from __future__ import annotations

import os

try:
    if os.environ.get("WPARCHIVE_PURE_PYTHON"):
        raise ImportError("WPARCHIVE_PURE_PYTHON is set")
    from wparchive.render._compiled import html as _html

    COMPILED = True
    WHY_NOT_COMPILED = ""
except ModuleNotFoundError:  # installed where no C compiler (or no Cython) was found: the reference
    from wparchive.render import html as _html

    COMPILED = False
    WHY_NOT_COMPILED = "not built at install (no C compiler?)"
except ImportError as exc:  # forced, or built for another Python or lxml: the reference does the same
    from wparchive.render import html as _html

    COMPILED = False
    WHY_NOT_COMPILED = str(exc)

RENDERER = "compiled (Cython)" if COMPILED else "pure Python"

html_to_text = _html.html_to_text
html_to_markdown = _html.html_to_markdown
inline_text = _html.inline_text

__all__ = ["COMPILED", "RENDERER", "WHY_NOT_COMPILED", "html_to_markdown", "html_to_text", "inline_text"]
