"""`wparchive convert`: saved dumps to clean text, Markdown or normalised JSON. Never archives."""

from __future__ import annotations

import json
import os
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path

from wparchive.errors import InputError
from wparchive.fsutil import atomic_write, safe_name
from wparchive.parallel import run_all
from wparchive.render.document import render_markdown, render_text, to_json
from wparchive.sources.dump import DumpPost, expand_sources, read_path

FORMATS = ("text", "markdown", "json")
EXTENSIONS = {"text": "txt", "markdown": "md", "json": "json"}
FORM_FEED = "\f\n"  # between posts in text output: a line of its own that no post text contains


def render_as(item: DumpPost, fmt: str) -> str:
    """One post in one format, as text ending in a newline (a JSON object for "json")."""
    source = item.name
    if fmt == "text":
        return render_text(item.post)
    if fmt == "markdown":
        return render_markdown(item.post, source=source)
    return json.dumps(to_json(item.post, item.salvage, source), ensure_ascii=False, indent=2) + "\n"


def join_outputs(outputs: list[str], fmt: str) -> str:
    """Several posts on one stream: form feeds between texts, `---` documents, one JSON array."""
    if fmt == "text":
        return FORM_FEED.join(outputs)
    if fmt == "markdown":
        return "".join(outputs)
    return "[\n" + ",\n".join(o.rstrip("\n") for o in outputs) + "\n]\n" if outputs else "[]\n"


def output_name(item: DumpPost, fmt: str, taken: set[str]) -> str:
    """`<id>-<slug>.<ext>`, safe on any file system, and never the same name twice in one run."""
    ident = str(item.post.id) if item.post.id is not None else "noid"
    stem = safe_name(f"{ident}-{item.post.slug}" if item.post.slug else ident, "post")
    name = f"{stem}.{EXTENSIONS[fmt]}"
    n = 2
    while name in taken:
        name = f"{stem}-{n}.{EXTENSIONS[fmt]}"
        n += 1
    taken.add(name)
    return name


@dataclass
class ConvertRun:
    """What one `convert` produced: outputs in order, and warnings and errors in the order met."""

    outputs: list[tuple[DumpPost, str]] = field(default_factory=list)
    messages: list[tuple[str, str]] = field(default_factory=list)  # ("warning"|"error", text)
    inputs: int = 0
    failed: int = 0


def convert_file(name: str, fmt: str) -> ConvertRun:
    """Read and render one source (a file, or `-`); a bad input is recorded, never raised."""
    run = ConvertRun(inputs=1)
    try:
        dump = read_path(name)
        rendered = [(item, render_as(item, fmt)) for item in dump.posts]
    except InputError as exc:
        run.messages.append(("error", str(exc)))
        run.failed += 1
        return run
    except Exception as exc:  # noqa: BLE001 - one file must not stop a batch; say it is a bug
        run.messages.append(("error", f"{name}: could not be converted ({type(exc).__name__}: {exc}); "
                                      "please report this with the file"))
        run.failed += 1
        return run
    run.messages.extend(("warning", w) for w in dump.warnings)
    run.outputs.extend(rendered)
    return run


def convert(sources: Iterable[str], fmt: str, *, jobs: int = 1, scheduler: str | None = None) -> ConvertRun:
    """Read and render every source; a bad input is recorded and the others still convert.

    With `jobs` > 1 or a Dask `scheduler`, files are converted side by side (one task a file); the
    result is the same, in the same order, as a sequential run's. Standard input is read here.
    """
    run = ConvertRun()
    try:
        names = list(expand_sources(sources))
    except InputError as exc:
        run.messages.append(("error", str(exc)))
        run.failed += 1
        return run
    results: dict[int, ConvertRun] = {}
    # Absolute paths: a cluster's workers do not share this process's working directory.
    files = [(i, os.path.abspath(name) if scheduler else name) for i, name in enumerate(names) if name != "-"]
    for i, name in enumerate(names):
        if name == "-":
            results[i] = convert_file(name, fmt)
    task = partial(convert_file, fmt=fmt)
    for n, result in run_all(task, [name for _, name in files], jobs=jobs, scheduler=scheduler):
        results[files[n][0]] = result
    for i in range(len(names)):
        part = results[i]
        run.inputs += part.inputs
        run.failed += part.failed
        run.messages.extend(part.messages)
        run.outputs.extend(part.outputs)
    return run


def write_outputs(outputs: list[tuple[DumpPost, str]], fmt: str, directory: Path) -> list[Path]:
    """One file per post under `directory`, written atomically; nothing is written outside it."""
    directory.mkdir(parents=True, exist_ok=True)
    taken: set[str] = set()
    written = []
    for item, text in outputs:
        path = directory / output_name(item, fmt, taken)
        atomic_write(path, text.encode("utf-8"))
        written.append(path)
    return written
