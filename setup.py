"""Builds the optional compiled renderer; the project's metadata is in pyproject.toml.

The compiled renderer is the reference modules (src/wparchive/render/{html,blocks,markdown,parse,tree}.py)
compiled by Cython as `wparchive.render._compiled.*`, plus the C tree walk `_cwalk.pyx` and the C port of
the clean-text rules `_ctext.pyx` (the compiled `html_to_text`'s fast path). The copies
compiled are made here from the same files, with `from wparchive.render.X` made relative so that the
compiled modules call each other: one statement of the rules.

Without a working C compiler (or Cython, or lxml's headers) building fails, the failure is caught, and
wparchive installs as pure Python: `wparchive --version` and `-v` say which renderer runs.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_ext import build_ext

COMPILED_MODULES = ("html", "blocks", "markdown", "parse", "tree")
SOURCES = Path("src/wparchive/render")
# Cython names a module after its folder's packages, so the copies sit in a tree of empty __init__s.
COPIES = Path("build/cython-src")


def _skip(exc: BaseException) -> None:
    print(f"wparchive: the compiled renderer was not built ({exc}); installing the pure-Python renderer")


class OptionalBuildExt(build_ext):
    """build_ext that leaves the extensions out instead of failing the install."""

    def run(self) -> None:
        try:
            super().run()
        except Exception as exc:  # noqa: BLE001 - any build failure means the pure-Python renderer
            _skip(exc)

    def build_extensions(self) -> None:
        # All or nothing: a half-built compiled package would only fail to import.
        try:
            super().build_extensions()
        except Exception as exc:  # noqa: BLE001
            for ext in self.extensions:
                built = Path(self.get_ext_fullpath(ext.name))
                built.unlink(missing_ok=True)
            _skip(exc)


def _copies() -> list[str]:
    package = COPIES / "wparchive" / "render" / "_compiled"
    package.mkdir(parents=True, exist_ok=True)
    for folder in (COPIES / "wparchive", COPIES / "wparchive" / "render", package):
        (folder / "__init__.py").write_text("")
    paths = []
    for name in COMPILED_MODULES:
        source = (SOURCES / f"{name}.py").read_text(encoding="utf-8")
        copy = re.sub(r"^from wparchive\.render\.(\w+) import", r"from .\1 import", source, flags=re.MULTILINE)
        path = package / f"{name}.py"
        if not path.exists() or path.read_text(encoding="utf-8") != copy:
            path.write_text(copy, encoding="utf-8")
        paths.append(str(path))
        declarations = SOURCES / "_compiled" / f"{name}.pxd"  # C types only; see the file
        if declarations.exists():
            shutil.copy(declarations, package / declarations.name)
    return paths


def _extensions() -> list:
    try:
        import lxml
        from Cython.Build import cythonize
        from setuptools import Extension

        extensions = [Extension(f"wparchive.render._compiled.{Path(p).stem}", [p]) for p in _copies()]
        for walk in ("_cwalk", "_ctext"):
            extensions.append(Extension(f"wparchive.render.{walk}", [str(SOURCES / f"{walk}.pyx")],
                                        include_dirs=lxml.get_include()))
        # Annotations stay documentation: C types come only from the .pxd files, which say why.
        return cythonize(extensions, language_level=3, quiet=True,
                         compiler_directives={"annotation_typing": False})
    except Exception as exc:  # noqa: BLE001 - no Cython, no lxml headers, a Cython error: pure Python
        _skip(exc)
        shutil.rmtree(COPIES, ignore_errors=True)
        return []


setup(ext_modules=_extensions(), cmdclass={"build_ext": OptionalBuildExt})
