"""A real WordPress for integration tests (stdlib + requests only).

    ok, reason = wordpress_available()
    wp = start_wordpress(workdir)        # runs tests/wp/start.sh
    post = wp.create_post("Title", "<p>Body</p>", categories=["News"])
    ...
    stop_wordpress(workdir)              # runs tests/wp/stop.sh

The site is a private WordPress 6.1 (Debian's package) with MariaDB on a unix
socket and PHP's built-in server on 127.0.0.1; see start.sh. Everything that
writes goes through the REST API with an Application Password (HTTP Basic),
exactly as a client of a real site would.
"""

from __future__ import annotations

import json
import shutil
import socket
import subprocess
import time
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import requests

HERE = Path(__file__).resolve().parent
START_SH = HERE / "start.sh"
STOP_SH = HERE / "stop.sh"
INSTALL_HINT = "run `sudo bash tests/wp/install-packages.sh`"
WP_SOURCE = Path("/usr/share/wordpress")

# start.sh's exit code when the port is taken (e.g. grabbed by someone else
# between our probe and the server binding it): just try another port.
_EXIT_PORT_IN_USE = 3
_START_ATTEMPTS = 4
_START_TIMEOUT = 180  # seconds; a normal start takes a few seconds
_STOP_TIMEOUT = 90
_REQUEST_TIMEOUT = 30


class WordPressError(RuntimeError):
    """The test WordPress failed to start/stop, or a REST call failed."""


class WordPress:
    """A running test site plus REST helpers that authenticate as the admin.

    Every helper returns the decoded JSON of WordPress's answer and raises
    WordPressError (with the response body) on an unexpected HTTP status.
    """

    def __init__(
        self,
        url: str,
        user: str,
        app_password: str,
        *,
        workdir: Path | None = None,
        env: dict[str, Any] | None = None,
    ) -> None:
        self.url = url.rstrip("/")
        self.user = user
        self.app_password = app_password
        self.workdir = workdir
        self.env = env or {}
        self.session = requests.Session()
        self.session.auth = self.auth

    @classmethod
    def from_env_file(cls, path: Path | str) -> WordPress:
        """Build from the env.json that start.sh writes."""
        path = Path(path)
        env = json.loads(path.read_text(encoding="utf-8"))
        return cls(env["url"], env["user"], env["app_password"], workdir=path.parent, env=env)

    def __repr__(self) -> str:
        return f"WordPress(url={self.url!r}, user={self.user!r})"

    @property
    def auth(self) -> tuple[str, str]:
        """(user, application password), for requests' `auth=`."""
        return (self.user, self.app_password)

    @property
    def api_url(self) -> str:
        return self.url + "/wp-json"

    # -- low level -----------------------------------------------------------

    def rest(self, method: str, route: str, *, auth: bool = True, **kwargs: Any) -> requests.Response:
        """Raw REST call: rest("GET", "/wp/v2/posts", params={...}).

        `route` is relative to /wp-json. No status check; auth=False sends the
        request anonymously.
        """
        kwargs.setdefault("timeout", _REQUEST_TIMEOUT)
        url = self.api_url + "/" + route.lstrip("/")
        if auth:
            return self.session.request(method, url, **kwargs)
        return requests.request(method, url, **kwargs)

    def _call(self, method: str, route: str, **kwargs: Any) -> Any:
        response = self.rest(method, route, **kwargs)
        if response.status_code not in (200, 201):
            raise WordPressError(f"{method} {route} -> HTTP {response.status_code}: {response.text[:2000]}")
        return response.json()

    # -- content helpers -----------------------------------------------------

    def create_post(
        self,
        title: str,
        content: str,
        status: str = "publish",
        password: str | None = None,
        slug: str | None = None,
        categories: Iterable[int | str] = (),
        tags: Iterable[int | str] = (),
    ) -> dict:
        """Create a post. Categories and tags may be IDs or names (names are
        looked up, and created if missing)."""
        data: dict[str, Any] = {"title": title, "content": content, "status": status}
        if password is not None:
            data["password"] = password
        if slug is not None:
            data["slug"] = slug
        if categories:
            data["categories"] = [self._term_id("categories", c) for c in categories]
        if tags:
            data["tags"] = [self._term_id("tags", t) for t in tags]
        return self._call("POST", "/wp/v2/posts", json=data)

    def update_post(self, id: int, **fields: Any) -> dict:
        """Update a post with any REST fields (title=..., content=...,
        status=...). Each update of the content/title makes a revision.
        `categories`/`tags` may again be IDs or names."""
        for taxonomy in ("categories", "tags"):
            if taxonomy in fields:
                fields[taxonomy] = [self._term_id(taxonomy, t) for t in fields[taxonomy]]
        return self._call("POST", f"/wp/v2/posts/{int(id)}", json=fields)

    def create_page(
        self,
        title: str,
        content: str,
        parent: int | None = None,
        slug: str | None = None,
        status: str = "publish",
    ) -> dict:
        data: dict[str, Any] = {"title": title, "content": content, "status": status}
        if parent is not None:
            data["parent"] = int(parent)
        if slug is not None:
            data["slug"] = slug
        return self._call("POST", "/wp/v2/pages", json=data)

    def create_category(self, name: str) -> dict:
        """Create a category; if one with that name exists, return it."""
        return self._create_term("categories", name)

    def create_tag(self, name: str) -> dict:
        """Create a tag; if one with that name exists, return it."""
        return self._create_term("tags", name)

    def delete_post(self, id: int, force: bool = True) -> dict:
        """Delete a post; force=True deletes for good instead of trashing.
        Returns {"deleted": true, "previous": {...}} (force) or the trashed post."""
        return self._call("DELETE", f"/wp/v2/posts/{int(id)}", params={"force": "true" if force else "false"})

    @property
    def requests_log(self) -> Path:
        """Where router.php writes one `METHOD URI` line per request the site answered."""
        return Path(self.env["dir"]) / "logs" / "requests.log"

    def requests_mark(self) -> int:
        """A mark in the request log; `requests_since(mark)` gives the requests made after it."""
        try:
            return self.requests_log.stat().st_size
        except FileNotFoundError:
            return 0

    def requests_since(self, mark: int) -> list[str]:
        with open(self.requests_log, "rb") as f:
            f.seek(mark)
            return f.read().decode("utf-8", "replace").splitlines()

    def create(self, base: str, **fields: Any) -> dict:
        """Create an item of any REST type with any fields: create("pages", title=..., status=...)."""
        return self._call("POST", f"/wp/v2/{base}", json=fields)

    def add_awkward_content(self, token: str) -> dict[str, dict]:
        """The content a real site has that a nightly run must cope with, by name: two
        password-protected posts (passwords `pw-one-TOKEN`, `pw-two-TOKEN`), a private, a draft, a
        pending and a scheduled post, and a private, a draft and a protected page."""
        later = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(time.time() + 30 * 86400))
        specs = {
            "protected_one": ("posts", {"status": "publish", "password": f"pw-one-{token}",
                                        "excerpt": f"Teaser one {token}."}),
            "protected_two": ("posts", {"status": "publish", "password": f"pw-two-{token}"}),
            "private": ("posts", {"status": "private"}),
            "draft": ("posts", {"status": "draft"}),
            "pending": ("posts", {"status": "pending"}),
            "scheduled": ("posts", {"status": "future", "date_gmt": later}),
            "private_page": ("pages", {"status": "private"}),
            "draft_page": ("pages", {"status": "draft"}),
            "protected_page": ("pages", {"status": "publish", "password": f"pw-page-{token}"}),
        }
        return {name: self.create(base, title=f"Awkward {name} {token}", content=f"<p>Secret {name} words.</p>",
                                  **fields) for name, (base, fields) in specs.items()}

    def create_comment(self, post: int, content: str, author_name: str, parent: int | None = None,
                       status: str = "approved") -> dict:
        """A comment on a post, made as the admin on a reader's behalf (a name and e-mail given)."""
        data: dict[str, Any] = {"post": int(post), "content": content, "author_name": author_name,
                                "author_email": f"{author_name.replace(' ', '.').lower()}@example.invalid",
                                "status": status}
        if parent is not None:
            data["parent"] = int(parent)
        return self._call("POST", "/wp/v2/comments", json=data)

    def upload_media(self, filename: str, data: bytes, content_type: str) -> dict:
        """Upload a file to the media library (as the editor's "Add media" does); returns the attachment."""
        headers = {"Content-Disposition": f'attachment; filename="{filename}"', "Content-Type": content_type}
        return self._call("POST", "/wp/v2/media", data=data, headers=headers)

    def export_wxr(self, out: Path | str) -> Path:
        """Write a WordPress export file of the whole site with WordPress's own `export_wp()`
        (what Tools > Export downloads), run through PHP in the site's folder."""
        if self.workdir is None:
            raise WordPressError("export_wxr needs the site's workdir (start it with start_wordpress)")
        out = Path(out).resolve()
        result = subprocess.run(
            [_find_program("php") or "php", str(HERE / "export.php"), str(self.workdir / "wordpress"), str(out)],
            stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=120, check=False,
        )
        if result.returncode != 0 or not out.is_file():
            raise WordPressError(f"export.php failed (exit {result.returncode}):\n{result.stdout}{result.stderr}")
        return out

    # -- internals -----------------------------------------------------------

    def _create_term(self, taxonomy: str, name: str) -> dict:
        response = self.rest("POST", f"/wp/v2/{taxonomy}", json={"name": name})
        if response.status_code == 201:
            return response.json()
        body = _json_or_none(response)
        # WordPress answers 400 "term_exists" with the existing term's ID.
        if response.status_code == 400 and isinstance(body, dict) and body.get("code") == "term_exists":
            term_id = body.get("data", {}).get("term_id")
            return self._call("GET", f"/wp/v2/{taxonomy}/{int(term_id)}")
        raise WordPressError(f"POST /wp/v2/{taxonomy} -> HTTP {response.status_code}: {response.text[:2000]}")

    def _term_id(self, taxonomy: str, term: int | str) -> int:
        if isinstance(term, int):
            return term
        return int(self._create_term(taxonomy, term)["id"])


def _json_or_none(response: requests.Response) -> Any:
    try:
        return response.json()
    except ValueError:
        return None


# -- availability, start, stop -----------------------------------------------


def _find_program(name: str) -> str | None:
    # Servers live in /usr/sbin, which a non-root PATH may lack.
    return shutil.which(name) or shutil.which(name, path="/usr/sbin:/usr/bin:/sbin:/bin")


def wordpress_available() -> tuple[bool, str]:
    """(True, "") if the packages start.sh needs are installed, else
    (False, reason) where the reason says how to install them."""
    missing = [
        prog
        for prog in ("php", "mariadbd", "mariadb-install-db", "mariadb", "setsid")
        if _find_program(prog) is None
    ]
    if not (WP_SOURCE / "wp-load.php").is_file():
        missing.append(f"{WP_SOURCE} (package wordpress)")
    if not (WP_SOURCE / "wp-content" / "themes" / "twentytwentythree").is_dir():
        missing.append("package wordpress-theme-twentytwentythree")
    php = _find_program("php")
    if php is not None:
        try:
            modules = subprocess.run(
                [php, "-m"], capture_output=True, text=True, timeout=30, check=False
            ).stdout.split()
        except (OSError, subprocess.SubprocessError):
            modules = []
        if "mysqli" not in modules:
            missing.append("PHP extension mysqli (package php-mysql)")
    if missing:
        return False, "real WordPress not installed (missing: " + ", ".join(missing) + "); " + INSTALL_HINT
    return True, ""


def _free_port() -> int:
    """A port that is free right now on 127.0.0.1 (the kernel picks it)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_wordpress(workdir: Path | str) -> WordPress:
    """Start a fresh WordPress in `workdir` (created if needed; a previous
    instance there is stopped and replaced) on a free port. Raises
    WordPressError with start.sh's output (including log tails) on failure."""
    workdir = Path(workdir).resolve()
    workdir.mkdir(parents=True, exist_ok=True)
    outputs = []
    for _ in range(_START_ATTEMPTS):
        port = _free_port()
        try:
            result = subprocess.run(
                ["bash", str(START_SH), str(workdir), str(port)],
                stdin=subprocess.DEVNULL,
                capture_output=True,
                text=True,
                timeout=_START_TIMEOUT,
                check=False,
            )
        except subprocess.TimeoutExpired as exc:
            stop_wordpress(workdir, check=False)
            raise WordPressError(
                f"start.sh timed out after {_START_TIMEOUT}s\n{_text(exc.stdout)}{_text(exc.stderr)}"
            ) from exc
        output = result.stdout + result.stderr
        outputs.append(output)
        if result.returncode == 0:
            wp = WordPress.from_env_file(workdir / "env.json")
            wp.env["start_output"] = output
            return wp
        if result.returncode != _EXIT_PORT_IN_USE:
            raise WordPressError(f"start.sh failed (exit {result.returncode}):\n{output}")
    raise WordPressError(f"start.sh: no free port after {_START_ATTEMPTS} attempts:\n" + "\n".join(outputs))


def stop_wordpress(workdir: Path | str, check: bool = True) -> None:
    """Stop the WordPress in `workdir` (by its PID files; a no-op if nothing
    runs there). The files are left in place for post-mortem inspection."""
    result = subprocess.run(
        ["bash", str(STOP_SH), str(Path(workdir).resolve())],
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=_STOP_TIMEOUT,
        check=False,
    )
    if check and result.returncode != 0:
        raise WordPressError(f"stop.sh failed (exit {result.returncode}):\n{result.stdout}{result.stderr}")


def _text(data: Any) -> str:
    if data is None:
        return ""
    if isinstance(data, bytes):
        return data.decode("utf-8", "replace")
    return str(data)


__all__ = [
    "WordPress",
    "WordPressError",
    "start_wordpress",
    "stop_wordpress",
    "wordpress_available",
]
