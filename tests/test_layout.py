"""The pipeline's shape holds: a stage imports only from stages before it.

sources -> model (Post) -> render -> archive -> diff -> cli. `errors`, `fsutil` and `model` are the
foundation every stage may use; the package root only carries the version.
"""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "src" / "wparchive"

# Order of the stages; a module may import from its own stage and the ones before it.
STAGES = ["foundation", "sources", "render", "archive", "diff", "cli"]
FOUNDATION = {"wparchive", "wparchive.errors", "wparchive.fsutil", "wparchive.model", "wparchive.parallel",
              "wparchive.__main__"}


def stage_of(module: str) -> str:
    if module in FOUNDATION:
        return "foundation"
    parts = module.split(".")
    assert parts[0] == "wparchive" and len(parts) > 1, module
    assert parts[1] in STAGES, f"{module} belongs to no stage; add it to a stage package"
    return parts[1]


def module_name(path: Path) -> str:
    rel = path.relative_to(PACKAGE.parent).with_suffix("")
    parts = list(rel.parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def imported_modules(path: Path) -> list[tuple[int, str]]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = []
    for node in ast.walk(tree):  # function-level imports count too
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.append((node.lineno, node.module))
        elif isinstance(node, ast.Import):
            found.extend((node.lineno, alias.name) for alias in node.names)
    return [(line, name) for line, name in found if name == "wparchive" or name.startswith("wparchive.")]


def test_every_module_belongs_to_a_stage():
    modules = sorted(module_name(p) for p in PACKAGE.rglob("*.py"))
    assert modules, PACKAGE
    for name in modules:
        stage_of(name)


def test_no_stage_imports_a_later_stage():
    backward = []
    for path in sorted(PACKAGE.rglob("*.py")):
        here = stage_of(module_name(path))
        if module_name(path) == "wparchive.__main__":
            continue  # `python -m wparchive` starts the CLI
        for line, name in imported_modules(path):
            there = stage_of(name)
            if STAGES.index(there) > STAGES.index(here):
                backward.append(f"{path.relative_to(PACKAGE)}:{line} ({here}) imports {name} ({there})")
    assert backward == []


def test_the_check_sees_a_backward_import(tmp_path):
    # The rule above must be able to fail: a render module importing the archive is caught.
    bad = tmp_path / "bad.py"
    bad.write_text("def f():\n    from wparchive.archive.store import Archive\n")
    assert imported_modules(bad) == [(2, "wparchive.archive.store")]
    assert STAGES.index(stage_of("wparchive.archive.store")) > STAGES.index(stage_of("wparchive.render.html"))
