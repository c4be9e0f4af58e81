"""`--post-passwords FILE`: the passwords of password-protected posts, one post a line.

    # comments and blank lines are ignored
    35 first password
    https://example.com/2024/05/locked-post/ another one

A line is a post's ID or its permalink, white space, then the password (the rest of the line, so a
password may contain spaces). Like ssh with a private key, a file that its group or others may read
is refused. The passwords are sent with requests only: never stored, logged or printed.
"""

from __future__ import annotations

import stat
from pathlib import Path
from urllib.parse import urlsplit

from wparchive.errors import InputError


def _link_key(url: str) -> str:
    parts = urlsplit(url.strip())
    return f"{(parts.hostname or '').lower()}{parts.port and ':' + str(parts.port) or ''}{parts.path.rstrip('/')}" \
        + (f"?{parts.query}" if parts.query else "")


class PostPasswords:
    """Passwords by post ID and by permalink."""

    def __init__(self, by_id: dict[int, str] | None = None, by_link: dict[str, str] | None = None) -> None:
        self.by_id = dict(by_id or {})
        self.by_link = {_link_key(k): v for k, v in (by_link or {}).items()}

    def __repr__(self) -> str:  # never show a password, even in a traceback
        return f"PostPasswords({len(self.by_id) + len(self.by_link)} entries)"

    def __bool__(self) -> bool:
        return bool(self.by_id or self.by_link)

    def get(self, post_id: int | None, link: str | None) -> str | None:
        """The password given for this post (by ID first, then by permalink), or None."""
        if post_id is not None and post_id in self.by_id:
            return self.by_id[post_id]
        if link:
            return self.by_link.get(_link_key(link))
        return None

    def ids(self) -> set[int]:
        return set(self.by_id)

    @classmethod
    def read(cls, path: Path | str) -> PostPasswords:
        """Read a passwords file; refuse one that others can read, or a malformed line (by number)."""
        path = Path(path)
        try:
            mode = path.stat().st_mode
            if not stat.S_ISREG(mode):
                raise InputError(f"--post-passwords {path} is not a file")
            if mode & (stat.S_IRWXG | stat.S_IRWXO):
                raise InputError(f"--post-passwords {path} can be read or written by others "
                                 f"(mode {stat.S_IMODE(mode):04o}); make it private: chmod 600 {path}")
            text = path.read_bytes().decode("utf-8")
        except UnicodeDecodeError:
            raise InputError(f"--post-passwords {path} is not UTF-8 text") from None
        except OSError as exc:
            raise InputError(f"--post-passwords {path} cannot be read: {exc.strerror or exc}") from None
        by_id: dict[int, str] = {}
        by_link: dict[str, str] = {}
        for number, line in enumerate(text.splitlines(), 1):
            stripped = line.strip()
            if not stripped or stripped.startswith("#"):
                continue
            parts = stripped.split(None, 1)
            if len(parts) != 2:
                # Never echo the line: it may be a password on its own.
                raise InputError(f"--post-passwords {path} line {number}: expected `ID-or-URL PASSWORD`")
            target, password = parts
            if target.isdigit() and int(target) > 0:
                by_id[int(target)] = password
            elif target.startswith(("http://", "https://")):
                by_link[target] = password
            else:
                raise InputError(f"--post-passwords {path} line {number}: the first word must be a post ID "
                                 "or a permalink (http:// or https://)")
        return cls(by_id, by_link)

