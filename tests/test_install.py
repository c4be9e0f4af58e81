"""`pip install .` where no C compiler works still installs wparchive, with the pure-Python renderer,
and says so. (Where one works, the README's install builds the compiled renderer:
tests/render/test_compiled.py requires it on CI.)

Offline: the wheel is built without build isolation from this venv's setuptools and Cython.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

from wparchive import __version__

ROOT = Path(__file__).resolve().parent.parent


def _pip(*args: str, env: dict[str, str], cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "pip", *args], capture_output=True, text=True, env=env, cwd=cwd,
                          timeout=600)


def test_without_a_c_compiler_pip_installs_the_pure_python_renderer(tmp_path):
    project = tmp_path / "project"
    project.mkdir()
    for name in ("pyproject.toml", "setup.py", "README.md"):
        shutil.copy(ROOT / name, project / name)
    # The sources only: no extension or C file an earlier build left in the work tree.
    shutil.copytree(ROOT / "src", project / "src",
                    ignore=shutil.ignore_patterns("*.so", "*.pyd", "*.c", "__pycache__", "*.egg-info"))
    env = dict(os.environ, CC="false", PIP_NO_INDEX="1")  # `false`: a compiler that always fails
    env.pop("WPARCHIVE_PURE_PYTHON", None)
    built = _pip("wheel", "--no-build-isolation", "--no-deps", "-v", "-w", str(tmp_path / "dist"), ".",
                 env=env, cwd=project)
    assert built.returncode == 0, built.stdout[-3000:] + built.stderr[-3000:]
    assert "the compiled renderer was not built" in built.stdout + built.stderr
    (wheel,) = (tmp_path / "dist").glob("wparchive-*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    assert "wparchive/render/html.py" in names
    assert [n for n in names if n.endswith((".so", ".pyd"))] == []

    target = tmp_path / "site"
    installed = _pip("install", "--no-deps", "--target", str(target), str(wheel), env=env, cwd=tmp_path)
    assert installed.returncode == 0, installed.stderr
    run_env = dict(env, PYTHONPATH=str(target))  # ahead of this work tree's editable install
    version = subprocess.run([sys.executable, "-m", "wparchive", "--version"], capture_output=True, text=True,
                             env=run_env, cwd=tmp_path, timeout=60)
    assert version.stdout == f"wparchive, version {__version__} (renderer: pure Python)\n", version.stderr
    dump = tmp_path / "post.json"
    dump.write_text('{"id": 1, "title": {"rendered": "T"}, "content": {"rendered": "<ul><li>a</li></ul>"}}')
    done = subprocess.run([sys.executable, "-m", "wparchive", "-v", "convert", str(dump)], capture_output=True,
                          text=True, env=run_env, cwd=tmp_path, timeout=60)
    assert (done.returncode, done.stdout) == (0, "T\n\n- a\n")
    assert done.stderr.splitlines().count(
        "info: renderer: pure Python (the compiled one was not built or not loaded: "
        "not built at install (no C compiler?))") == 1
    where = subprocess.run([sys.executable, "-c", "import wparchive; print(wparchive.__file__)"],
                           capture_output=True, text=True, env=run_env, cwd=tmp_path, timeout=60)
    assert where.stdout.startswith(str(target))
