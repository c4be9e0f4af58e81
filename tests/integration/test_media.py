"""`archive --media`, `verify` and `show --local-media` against the real WordPress of the tests, with
files uploaded to its media library through the REST API."""

from __future__ import annotations

import hashlib
import json
import struct
import uuid
import zlib
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from click.testing import CliRunner, Result

from tests.conftest import mask_ids
from wparchive.cli import cli

TOKEN = uuid.uuid4().hex[:8]


def png(width: int, height: int, seed: int) -> bytes:
    """A valid RGB PNG (WordPress makes its smaller sizes from it with GD)."""
    row = bytes([0]) + bytes((x * seed + y) % 256 for x in range(width) for y in range(3))
    raw = row * height

    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b"")


def assert_site_run_ok(result: Result) -> None:
    """A whole-site run on the shared test site: other tests' password-protected posts are archived as
    what is public (counted `protected`), never failed: exit 0 and no `failed` line."""
    failed = [line for line in mask_ids(result.stdout) if line.startswith("failed ")]
    assert (result.exit_code, failed) == (0, []), result.output


def run(*args: str) -> Result:
    env = {"WPARCHIVE_APP_PASSWORD": None, "WPARCHIVE_POST_PASSWORD": None, "WPARCHIVE_ARCHIVE": None}
    return CliRunner().invoke(cli, list(args), env=env)


@pytest.fixture(scope="module")
def uploads(wordpress):
    image_bytes = png(400, 300, 7)
    image = wordpress.upload_media(f"dog-{TOKEN}.png", image_bytes, "image/png")
    pdf_bytes = b"%PDF-1.4\n% wparchive test " + TOKEN.encode() + b"\n%%EOF\n"
    pdf = wordpress.upload_media(f"paper-{TOKEN}.pdf", pdf_bytes, "application/pdf")
    missing = f"{wordpress.url}/wp-content/uploads/2001/01/missing-{TOKEN}.png"
    content = (f'<!-- wp:image {{"id":{image["id"]}}} -->\n<figure class="wp-block-image"><img src="{image["source_url"]}" '
               f'alt="A dog" class="wp-image-{image["id"]}"/></figure>\n<!-- /wp:image -->\n\n'
               f'<!-- wp:paragraph -->\n<p>Read <a href="{pdf["source_url"]}">the paper</a>, '
               f'<img src="https://elsewhere.invalid/x-{TOKEN}.png" alt="remote"> '
               f'<img src="{missing}" alt="gone"></p>\n<!-- /wp:paragraph -->')
    post = wordpress.create_post(f"Pictures {TOKEN}", content)
    wordpress.update_post(post["id"], featured_media=image["id"])
    other = wordpress.create_post(f"Same picture {TOKEN}", f'<p><img src="{image["source_url"]}" alt="again"></p>')
    cover_bytes = png(64, 48, 3)
    cover = wordpress.upload_media(f"cover-{TOKEN}.png", cover_bytes, "image/png")
    featured_only = wordpress.create_post(f"Cover only {TOKEN}", "<p>No picture in the text.</p>")
    wordpress.update_post(featured_only["id"], featured_media=cover["id"])
    return {"cover_bytes": cover_bytes, "featured_only": featured_only, "image": image, "image_bytes": image_bytes, "pdf": pdf, "pdf_bytes": pdf_bytes, "post": post,
            "other": other, "missing": missing, "host": f"127.0.0.1_{urlsplit(wordpress.url).port}"}


def blob(archive: Path, data: bytes) -> Path:
    digest = hashlib.sha256(data).hexdigest()
    return archive / ".media" / digest[:2] / digest


def test_media_are_kept_once_by_hash_with_a_list_per_snapshot(wordpress, uploads, tmp_path):
    archive = tmp_path / "archive"
    ref = f"{uploads['host']}/posts/{uploads['post']['id']}"
    result = run("archive", "--archive", str(archive), "--media", uploads["post"]["link"])
    assert result.exit_code == 0, result.output
    assert mask_ids(result.stdout) == [f"new {ref}@ID", f"media {ref}: 2 downloaded, 0 already held, 1 missing"]
    assert result.stderr == f"warning: media of {ref}: {uploads['missing']}: HTTP 404 (recorded as missing)\n"
    assert blob(archive, uploads["image_bytes"]).read_bytes() == uploads["image_bytes"]
    assert blob(archive, uploads["pdf_bytes"]).read_bytes() == uploads["pdf_bytes"]
    [listing] = (archive / ref / "media").iterdir()
    [snapshot] = [p for p in (archive / ref).iterdir() if p.name[0].isdigit()]
    assert listing.name == snapshot.name + ".json"
    media = json.loads(listing.read_text())["media"]
    assert media[uploads["image"]["source_url"]] == {
        "sha256": hashlib.sha256(uploads["image_bytes"]).hexdigest(), "size": len(uploads["image_bytes"]),
        "type": "image/png"}
    assert media[uploads["pdf"]["source_url"]]["type"] == "application/pdf"
    assert media[uploads["missing"]] == {"error": "HTTP 404", "http_status": 404}
    assert not any("elsewhere.invalid" in url for url in media)  # other hosts need --media-host
    # Another post using the same file: nothing downloaded, the file is held once.
    other_ref = f"{uploads['host']}/posts/{uploads['other']['id']}"
    again = run("archive", "--archive", str(archive), "--media", uploads["other"]["link"])
    assert mask_ids(again.stdout) == [f"new {other_ref}@ID", f"media {other_ref}: 0 downloaded, 1 already held"]
    assert len([p for p in (archive / ".media").rglob("*") if p.is_file() and p.name != "index.jsonl"]) == 2
    # A re-run of an unchanged post fetches no media at all.
    rerun = run("archive", "--archive", str(archive), "--media", uploads["post"]["link"])
    assert mask_ids(rerun.stdout) == [f"unchanged {ref}"]
    verified = run("verify", "--archive", str(archive))
    assert verified.stdout == "2 snapshots, 2 media files checked, 0 problems\n"


def test_verify_rehashes_media_and_local_media_points_to_the_files(wordpress, uploads, tmp_path):
    archive = tmp_path / "archive"
    ref = f"{uploads['host']}/posts/{uploads['post']['id']}"
    assert run("archive", "--archive", str(archive), "--media", uploads["post"]["link"]).exit_code == 0
    shown = run("show", "--archive", str(archive), ref, "--format", "markdown", "--local-media")
    assert shown.exit_code == 0, shown.output
    image_file = blob(archive, uploads["image_bytes"]).resolve().as_uri()
    assert f"![A dog]({image_file})" in shown.stdout
    assert f"[the paper]({blob(archive, uploads['pdf_bytes']).resolve().as_uri()})" in shown.stdout
    assert uploads["missing"] in shown.stdout  # not archived: left pointing to the site
    target = blob(archive, uploads["pdf_bytes"])
    target.write_bytes(b"tampered")
    verified = run("verify", "--archive", str(archive))
    assert verified.exit_code == 1
    assert mask_ids(verified.stdout) == [
        f"mismatch: .media/{target.parent.name}/{target.name}: sha256 differs from its name",
        "1 snapshots, 2 media files checked, 1 problems"]


def test_media_host_allows_another_host_and_max_size_skips_big_files(wordpress, uploads, tmp_path):
    archive = tmp_path / "archive"
    ref = f"{uploads['host']}/posts/{uploads['post']['id']}"
    result = run("archive", "--archive", str(archive), "--media", "--media-max-size", "1K", uploads["post"]["link"])
    assert result.exit_code == 0, result.output
    assert mask_ids(result.stdout)[1] == f"media {ref}: 1 downloaded, 0 already held, 2 missing"
    [listing] = (archive / ref / "media").iterdir()
    entry = json.loads(listing.read_text())["media"][uploads["image"]["source_url"]]
    assert entry["error"].startswith("larger than --media-max-size")
    assert not blob(archive, uploads["image_bytes"]).exists()
    usage = run("archive", "--archive", str(archive), "--media-host", "cdn.example", uploads["post"]["link"])
    assert usage.exit_code == 2 and "--media-host and --media-max-size go with --media" in usage.stderr


def test_the_featured_image_is_kept_and_whole_site_runs_keep_media_once(wordpress, uploads, tmp_path):
    archive = tmp_path / "archive"
    ref = f"{uploads['host']}/posts/{uploads['featured_only']['id']}"
    result = run("archive", "--archive", str(archive), "--site", wordpress.url, "--all", "--media")
    assert_site_run_ok(result)
    assert f"media {ref}: 1 downloaded, 0 already held" in mask_ids(result.stdout)
    assert blob(archive, uploads["cover_bytes"]).is_file()
    assert blob(archive, uploads["image_bytes"]).is_file()
    rerun = run("archive", "--archive", str(archive), "--site", wordpress.url, "--all", "--media")
    assert_site_run_ok(rerun)
    assert [line for line in mask_ids(rerun.stdout) if line.startswith("media ")] == []
    assert run("verify", "--archive", str(archive)).exit_code == 0
