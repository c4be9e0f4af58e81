"""Read saved REST dumps: one post object, an array of them, JSON Lines; damaged ones salvaged.

The content decides the format, never the file name. Every way a dump can be unusable ends in an
`InputError` naming what the file is, so the CLI can print one line and exit 2.
"""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from wparchive.errors import InputError
from wparchive.model import Post
from wparchive.sources.kinds import describe_non_post, error_object, map_kind, non_post_kind
from wparchive.sources.salvage import Lenient, TooDeep, parse_lenient

# Fields of a full `view`-context post object; a salvaged post reports which of these it lacks.
CORE_FIELDS = ("id", "date", "date_gmt", "guid", "modified", "modified_gmt", "slug", "status",
               "type", "link", "title", "content", "excerpt", "author", "featured_media",
               "comment_status", "ping_status", "sticky", "template", "format", "meta",
               "categories", "tags")
# At least one of these makes an object a post (a `_fields`-filtered one may carry only a few).
POST_KEYS = ("id", "title", "content", "excerpt", "slug", "guid")
DUMP_SUFFIXES = (".json", ".jsonl", ".xml")  # .xml: WordPress export files (sources/wxr.py)
HINT = "expected a saved REST API post, array of posts or JSON Lines (as from /wp-json/wp/v2/posts)"

_DECODER = json.JSONDecoder()
_WS = re.compile(r"[ \t\n\r]*")


@dataclass
class DumpPost:
    """One post read from a dump, with the exact bytes of its object and what was salvaged."""

    post: Post
    name: str  # the file it came from ("-" is shown as "<stdin>")
    raw: bytes
    salvage: dict[str, Any] | None = None


@dataclass
class Dump:
    """Everything usable in one input, and warnings about what was not."""

    name: str
    posts: list[DumpPost] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    refused: list[str] = field(default_factory=list)  # WordPress objects that are not posts: errors


def decode_bytes(data: bytes) -> tuple[str, int]:
    """Text of a dump in UTF-8 (BOM or not) or UTF-16, and how many bad bytes were replaced."""
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    elif data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16", "replace"), 0
    elif len(data) >= 4 and len(data) % 2 == 0:
        # UTF-16 without a BOM: JSON starts with ASCII, so every other byte of the start is NUL.
        head = data[:64]
        if head[1::2].count(0) == len(head[1::2]) and head[0::2].count(0) == 0:
            return data.decode("utf-16-le", "replace"), 0
        if head[0::2].count(0) == len(head[0::2]) and head[1::2].count(0) == 0:
            return data.decode("utf-16-be", "replace"), 0
    try:
        return data.decode("utf-8"), 0
    except UnicodeDecodeError:
        text = data.decode("utf-8", "replace")
        return text, text.count("\ufffd")


def _describe(text: str) -> str:
    """What a non-dump input is, in a few words, for the error line."""
    stripped = text.lstrip()
    if not stripped:
        return "is empty"
    head = stripped[:200].lower()
    if head.startswith("<"):
        if "<html" in head or "<!doctype" in head or "<head" in head or "<body" in head:
            return "is an HTML page, not a JSON dump"
        return "is markup, not a JSON dump"
    sample = stripped[:512]
    odd = sum(1 for c in sample if c == "\ufffd" or (ord(c) < 32 and c not in "\t\n\r"))
    if odd > len(sample) // 10:
        return "is binary data, not a JSON dump"
    try:
        value = json.loads(stripped)
    except (ValueError, RecursionError):
        return "is not JSON"
    return f"is a JSON {_kind(value)}, not a post"


def _kind(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, (int, float)):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    return "object"


def _is_post(value: Any) -> bool:
    return isinstance(value, dict) and any(k in value for k in POST_KEYS) and non_post_kind(value) is None


def _salvage_record(result: Lenient, obj: dict[str, Any], replaced: int) -> dict[str, Any] | None:
    repairs = []
    if result.control_characters:
        repairs.append(f"{result.control_characters} raw control characters inside strings "
                       "read as text")
    if result.invalid_escapes:
        repairs.append(f"{result.invalid_escapes} invalid escapes kept as written")
    if replaced:
        repairs.append(f"{replaced} bytes that were not UTF-8 replaced by U+FFFD")
    if result.complete and not repairs:
        return None
    return {
        "truncated": not result.complete and result.stopped_at is None,
        "cut_in": result.cut_path if not result.complete else None,
        "unreadable_from": result.stopped_at,
        "repairs": repairs,
        "missing_fields": [f for f in CORE_FIELDS if f not in obj] if not result.complete else [],
    }


def salvage_summary(salvage: dict[str, Any]) -> str:
    """One human line for a salvage record."""
    parts = []
    if salvage.get("truncated"):
        where = salvage.get("cut_in")
        parts.append(f"cut off inside {where}" if where else "cut off")
    if salvage.get("unreadable_from") is not None:
        parts.append(f"unreadable from character {salvage['unreadable_from']}")
    parts.extend(salvage.get("repairs", []))
    if salvage.get("missing_fields"):
        parts.append("missing " + ", ".join(salvage["missing_fields"]))
    return "; ".join(parts)


def _post_from(value: dict[str, Any], name: str, raw: bytes, salvage: dict | None) -> DumpPost:
    return DumpPost(Post.from_api(value), name, raw, salvage)


def split_json_values(text: str) -> list[tuple[Any, str]] | None:
    """The top-level value(s) with their exact source text, or None if strict JSON fails.

    A top-level array is split into its elements so each post keeps its own bytes.
    """
    try:
        i = _WS.match(text).end()
        if text.startswith("[", i):
            out = []
            i = _WS.match(text, i + 1).end()
            if text.startswith("]", i):
                return [] if not text[i + 1 :].strip() else None
            while True:
                value, end = _DECODER.raw_decode(text, i)
                out.append((value, text[i:end]))
                i = _WS.match(text, end).end()
                if text.startswith(",", i):
                    i = _WS.match(text, i + 1).end()
                    continue
                if text.startswith("]", i) and not text[i + 1 :].strip():
                    return out
                return None
        value, end = _DECODER.raw_decode(text, i)
        if text[end:].strip():
            return None
        return [(value, text[i:end])]
    except (ValueError, RecursionError):
        return None


def _json_lines(text: str, name: str) -> Dump | None:
    """Read JSON Lines, when the first line is a whole JSON value of its own and others follow."""
    lines = text.splitlines()
    if len([line for line in lines if line.strip()]) < 2:
        return None
    first = next(line for line in lines if line.strip())
    try:
        json.loads(first)
    except (ValueError, RecursionError):
        return None
    dump = Dump(name)
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            value = json.loads(line)
        except (ValueError, RecursionError) as exc:
            dump.warnings.append(f"{name}: line {number}: not valid JSON ({_reason(exc)}); skipped")
            continue
        _add_value(dump, value, line, f"line {number}")
    return dump


def _reason(exc: Exception) -> str:
    return "nested too deep" if isinstance(exc, RecursionError) else str(exc).split(":")[0]


def _add_value(dump: Dump, value: Any, source_text: str, where: str,
               salvage: dict | None = None) -> None:
    if _is_post(value):
        raw = source_text.encode("utf-8", "surrogatepass")
        dump.posts.append(_post_from(value, dump.name, raw, salvage))
        return
    kind = non_post_kind(value)
    if kind is not None:
        dump.refused.append(f"{dump.name}: {where} {describe_non_post(kind, value)}; nothing was taken from it")
        return
    dump.warnings.append(f"{dump.name}: {where} is a JSON {_kind(value)}, not a post; skipped")


def read_dump(data: bytes, name: str) -> Dump:
    """Read every post in one input's bytes. Raises InputError when there is no post in it."""
    text, replaced = decode_bytes(data)
    stripped = text.strip()
    if not stripped or stripped[0] not in "{[":
        raise InputError(f"{name} {_describe(text)}; {HINT}")
    dump = _json_lines(text, name) if stripped[0] == "{" and "\n" in stripped else None
    if dump is None:
        dump = Dump(name)
        values = split_json_values(text)
        if values is not None and not replaced:
            if not values:
                raise InputError(f"{name} is an empty JSON array: no posts in it; {HINT}")
            _refuse_whole(name, [v for v, _ in values], len(values) == 1 and text.lstrip()[:1] != "[")
            for index, (value, source_text) in enumerate(values):
                _add_value(dump, value, source_text, f"item {index}")
            if len(values) == 1 and not dump.posts:
                raise InputError(f"{name} {_single_reason(values[0][0])}; {HINT}")
        else:
            _salvage(dump, text, replaced)
    if not dump.posts and dump.refused:
        raise InputError(f"{dump.refused[0]}; {HINT}" if len(dump.refused) == 1 else
                         f"{name} holds no WordPress post ({len(dump.refused)} other objects, the first: "
                         f"{dump.refused[0].removeprefix(name + ': ')}); {HINT}")
    if not dump.posts:
        detail = f" ({dump.warnings[0].removeprefix(name + ': ')})" if dump.warnings else ""
        raise InputError(f"{name} holds no WordPress post{detail}; {HINT}")
    return dump


def _refuse_whole(name: str, values: list[Any], single: bool) -> None:
    """An input that is wholly one kind of non-post object (a saved /wp/v2/categories page...) is refused."""
    kind = map_kind(values[0]) if single else None
    if kind is not None:
        raise InputError(f"{name} {describe_non_post(kind, values[0], several=True)}; {HINT}")
    kinds = {non_post_kind(v) for v in values}
    if len(kinds) == 1 and None not in kinds:
        kind = kinds.pop()
        assert kind is not None
        raise InputError(f"{name} {describe_non_post(kind, values[0], several=not single)}; {HINT}")


def _single_reason(value: Any) -> str:
    if isinstance(value, dict):
        return error_object(value) or "is a JSON object without any post fields (id, title, content)"
    return f"is a JSON {_kind(value)}, not a post"


def _salvage(dump: Dump, text: str, replaced: int) -> None:
    """Damaged JSON: keep whatever whole or partly written post objects it holds."""
    try:
        result = parse_lenient(text)
    except TooDeep as exc:
        raise InputError(f"{dump.name} is not a usable dump: {exc}; {HINT}") from None
    value = result.value
    if isinstance(value, list):
        starts = result.element_starts
        for index, item in enumerate(value):
            last = index == len(value) - 1
            start = starts[index] if index < len(starts) else 0
            end = starts[index + 1] if index + 1 < len(starts) else len(text)
            record = _salvage_record(result, item, replaced) if last and isinstance(item, dict) else None
            _add_value(dump, item, text[start:end].rstrip().rstrip(","), f"item {index}", record)
    elif isinstance(value, dict):
        if not _is_post(value):
            raise InputError(f"{dump.name} {_single_reason(value)}; {HINT}")
        record = _salvage_record(result, value, replaced)
        _add_value(dump, value, text, "object", record)
    else:
        raise InputError(f"{dump.name} is damaged JSON with no post in it; {HINT}")
    for post in dump.posts:
        if post.salvage:
            what = f"post {post.post.id}" if post.post.id is not None else "a post"
            dump.warnings.append(f"{dump.name}: damaged dump, {what} salvaged: "
                                 f"{salvage_summary(post.salvage)}")


def read_path(path: str) -> Dump:
    """Read a dump from a file path, or standard input for "-"."""
    if path == "-":
        return read_dump(sys.stdin.buffer.read(), "<stdin>")
    try:
        data = Path(path).read_bytes()
    except IsADirectoryError:
        raise InputError(f"{path} is a directory; give the directory itself as SOURCE") from None
    except FileNotFoundError:
        raise InputError(f"{path}: no such file; check the path") from None
    except OSError as exc:
        raise InputError(f"{path}: cannot read it ({exc.strerror}); check permissions") from None
    return read_dump(data, path)


def expand_sources(sources: Iterable[str]) -> Iterator[str]:
    """Files named directly, or every .json/.jsonl below a named directory, in a stable order."""
    sources = list(sources)
    if sources.count("-") > 1:
        raise InputError("'-' (standard input) is given more than once; it can be read only once")
    for source in sources:
        if not source:
            raise InputError("an empty SOURCE was given; name a file, a folder or '-'")
        p = Path(source)
        if source != "-" and p.is_dir():
            found = sorted(str(f) for f in p.rglob("*") if f.suffix.lower() in DUMP_SUFFIXES
                           and f.is_file())
            if not found:
                raise InputError(f"{source} is a directory with no .json, .jsonl or .xml files in it")
            yield from found
        else:
            yield source
