"""A forgiving JSON reader for damaged dumps: truncated files, raw control characters, bad escapes.

`json.loads` rejects a file cut off mid-string, strict or not. This reader keeps everything that was
complete, keeps the text of a string cut off by the end of the file, and reports what it repaired.
It is iterative (no recursion), so deep nesting costs a clear error instead of a stack overflow.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

MAX_DEPTH = 512

_WS = re.compile(r"[ \t\n\r]*")
_STRING_BODY = re.compile(r'[^"\\]*(?:\\[\s\S][^"\\]*)*')
_NUMBER = re.compile(r"-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?")
_ESCAPE = re.compile(r"\\(?:u([0-9a-fA-F]{4})|([\"\\/bfnrt])|(.)?)", re.DOTALL)
_SIMPLE_ESCAPES = {'"': '"', "\\": "\\", "/": "/", "b": "\b", "f": "\f", "n": "\n", "r": "\r",
                   "t": "\t"}
_RAW_CONTROL = re.compile(r"[\x00-\x1f]")
_LITERALS = {"true": True, "false": False, "null": None}


class TooDeep(ValueError):
    """Nesting deeper than MAX_DEPTH."""


@dataclass
class Lenient:
    """What was read, and what had to be repaired to read it."""

    value: Any = None
    complete: bool = True  # False when the text ended (or turned to garbage) inside the value
    cut_path: str | None = None  # where it was cut, as dotted keys/indexes ("content.rendered")
    stopped_at: int | None = None  # offset of unreadable text, when it was not the end of file
    control_characters: int = 0
    invalid_escapes: int = 0
    element_starts: list[int] = field(default_factory=list)  # offsets of top-level array items


def _decode_string(body: str, result: Lenient) -> str:
    result.control_characters += len(_RAW_CONTROL.findall(body))
    if "\\" not in body:
        return body
    surrogates = False

    def replace(m: re.Match[str]) -> str:
        nonlocal surrogates
        if m.group(1):
            code = int(m.group(1), 16)
            if 0xD800 <= code <= 0xDFFF:
                surrogates = True
            return chr(code)
        if m.group(2):
            return _SIMPLE_ESCAPES[m.group(2)]
        result.invalid_escapes += 1
        return m.group(0)[1:]

    text = _ESCAPE.sub(replace, body)
    if surrogates:
        # Join escaped surrogate pairs into one character; a lone half becomes U+FFFD.
        text = text.encode("utf-16-le", "surrogatepass").decode("utf-16-le", "replace")
    return text


def _path(stack: list[list[Any]], last: Any = None) -> str:
    parts = [str(frame[1]) for frame in stack if frame[1] is not None]
    if last is not None:
        parts.append(str(last))
    return ".".join(parts)


def parse_lenient(text: str) -> Lenient:
    """Read one JSON value from `text`, as much of it as is there."""
    result = Lenient()
    # Each frame: [container, key-or-index of the value being read, expecting]
    stack: list[list[Any]] = []
    expecting = "value"  # "value" | "key" | "colon" | "comma"
    i = 0
    n = len(text)
    have_top = False

    def attach(value: Any) -> None:
        nonlocal have_top
        if not stack:
            result.value = value
            have_top = True
            return
        frame = stack[-1]
        container = frame[0]
        if isinstance(container, dict):
            container[frame[1]] = value
        else:
            container.append(value)

    def cut(at: str | None) -> Lenient:
        result.complete = False
        result.cut_path = at or None
        return result

    while True:
        i = _WS.match(text, i).end()
        if have_top and not stack:
            if i < n:
                result.stopped_at = i  # trailing text after a whole value; the value stands
            return result
        if i >= n:
            key = stack[-1][1] if stack and expecting == "value" else None
            return cut(_path(stack[:-1], key) or None)
        ch = text[i]
        frame = stack[-1] if stack else None
        if expecting == "key":
            if ch == "}":
                stack.pop()
                i += 1
                expecting = "comma"
                continue
            if ch != '"':
                result.stopped_at = i
                return cut(_path(stack))
            m = _STRING_BODY.match(text, i + 1)
            end = m.end()
            if end >= n:  # the file ends inside a key: that member is lost
                return cut(_path(stack))
            frame[1] = _decode_string(m.group(0), result)  # type: ignore[index]
            i = end + 1
            expecting = "colon"
            continue
        if expecting == "colon":
            if ch != ":":
                result.stopped_at = i
                return cut(_path(stack))
            i += 1
            expecting = "value"
            continue
        if expecting == "comma":
            container = frame[0]  # type: ignore[index]
            if ch == ",":
                i += 1
                if isinstance(container, dict):
                    expecting = "key"
                else:
                    frame[1] += 1  # type: ignore[index]
                    if len(stack) == 1:
                        result.element_starts.append(_WS.match(text, i).end())
                    expecting = "value"
                continue
            if ch == ("}" if isinstance(container, dict) else "]"):
                stack.pop()
                i += 1
                expecting = "comma"
                if stack:
                    continue
                have_top = True
                continue
            result.stopped_at = i
            return cut(_path(stack))
        # expecting a value
        if ch in "{[":
            if len(stack) >= MAX_DEPTH:
                raise TooDeep(f"nested deeper than {MAX_DEPTH} levels")
            container: Any = {} if ch == "{" else []
            attach(container)
            have_top = have_top and bool(stack)  # the top value is only whole once closed
            stack.append([container, None if ch == "{" else 0, None])
            i += 1
            if ch == "{":
                expecting = "key"
            else:
                j = _WS.match(text, i).end()
                if j < n and text[j] == "]":
                    stack.pop()
                    i = j + 1
                    expecting = "comma"
                    if not stack:
                        have_top = True
                    continue
                if len(stack) == 1:
                    result.element_starts.append(j)
                expecting = "value"
            continue
        if frame is not None and ch == "]" and isinstance(frame[0], list) and not frame[0]:
            stack.pop()
            i += 1
            expecting = "comma"
            continue
        if ch == '"':
            m = _STRING_BODY.match(text, i + 1)
            end = m.end()
            body = m.group(0)
            if end >= n or text[end] != '"':
                # Cut off inside the string: keep its text, minus a half-written escape.
                body = re.sub(r"\\(?:u[0-9a-fA-F]{0,3})?$", "", text[i + 1 :])
                attach(_decode_string(body, result))
                return cut(_path(stack[:-1], frame[1]) if frame else "")
            attach(_decode_string(body, result))
            i = end + 1
            expecting = "comma"
            if not stack:
                have_top = True
            continue
        m = _NUMBER.match(text, i)
        if m:
            if m.end() >= n and stack:  # a number at the very end may itself be cut short
                return cut(_path(stack[:-1], frame[1]) if frame else "")
            num = m.group(0)
            try:
                attach(float(num) if any(c in num for c in ".eE") else int(num))
            except ValueError:  # more digits than Python converts: keep them as written
                attach(num)
            i = m.end()
            expecting = "comma"
            continue
        for word, value in _LITERALS.items():
            if text.startswith(word, i):
                attach(value)
                i += len(word)
                expecting = "comma"
                break
        else:
            result.stopped_at = i
            return cut(_path(stack[:-1], frame[1]) if frame else "")
