"""WARC 1.1 export through `warcio`, for web archives (pywb, OpenWayback, and the tools of that trade).

Per version:
- `response`: the post's REST response as received (`response.json`), under the URL it was requested from,
  with the status and the response headers WordPress sent as recorded in snapshot.json (snapshots from
  before headers were recorded, and those of a whole-site run, which come from a listing page, get minimal
  headers: Content-Type, and ETag/Last-Modified where known; their metadata record says so). Content-Length
  is the stored body's, and Content-Encoding/Transfer-Encoding are left out: the body is stored decoded.
  A version imported from a saved file has no request URL: it is a `resource` record instead.
- `revisit` (identical-payload-digest) instead of the response when an earlier record had the same body;
- `conversion`: the clean text (post.txt), `WARC-Refers-To` the response;
- `metadata`: snapshot.json (the post's metadata, source, hashes) and how the headers were obtained,
  `WARC-Concurrent-To` the response.
One `warcinfo` record opens the file. Each record is gzipped on its own, as WARC readers expect.

Memory: the payload digests seen (to write revisits) are kept, about 100 bytes per version.
"""

from __future__ import annotations

import base64
import hashlib
import json
from collections.abc import Iterable
from http import HTTPStatus
from io import BytesIO
from typing import IO, Any

from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from wparchive import __version__
from wparchive.outputs.records import Version

# Not true of the stored body (decoded, whole), so never replayed with it.
_DROPPED = {"content-length", "content-encoding", "transfer-encoding", "connection", "keep-alive"}
MINIMAL_NOTE = "minimal: the response headers were not recorded at capture; these are reconstructed"


def _digest(data: bytes) -> str:
    return "sha1:" + base64.b32encode(hashlib.sha1(data).digest()).decode("ascii")


def _warc_date(captured_at: str) -> str:
    return captured_at or "1970-01-01T00:00:00Z"


def http_headers(version: Version, body: bytes) -> tuple[StatusAndHeaders, str]:
    """The HTTP status and headers to replay with the stored body, and how they were obtained."""
    source = version.source
    status = source.get("http_status") if isinstance(source.get("http_status"), int) else 200
    try:
        reason = HTTPStatus(status).phrase
    except ValueError:
        reason = "Unknown"
    recorded = source.get("response_headers")
    pairs: list[tuple[str, str]] = []
    if isinstance(recorded, list) and recorded:
        pairs = [(str(p[0]), str(p[1])) for p in recorded if isinstance(p, list) and len(p) == 2
                 and str(p[0]).lower() not in _DROPPED]
        how = "recorded at capture"
    else:
        pairs = [("Content-Type", "application/json; charset=UTF-8")]
        if source.get("etag"):
            pairs.append(("ETag", str(source["etag"])))
        if source.get("last_modified"):
            pairs.append(("Last-Modified", str(source["last_modified"])))
        how = MINIMAL_NOTE
    pairs.append(("Content-Length", str(len(body))))
    return StatusAndHeaders(f"{status} {reason}", pairs, protocol="HTTP/1.1"), how


def write_warc(versions: Iterable[Version], out: IO[bytes], filename: str) -> int:
    """Write the versions as a gzipped WARC 1.1 file; returns how many versions were written."""
    writer = WARCWriter(out, gzip=True, warc_version="1.1")
    writer.write_record(writer.create_warcinfo_record(filename, {
        "software": f"wparchive/{__version__}",
        "format": "WARC File Format 1.1",
        "conformsTo": "https://iipc.github.io/warc-specifications/specifications/warc-format/warc-1.1/",
        "description": "WordPress posts archived by wparchive: each version's REST response, its clean text "
                       "(conversion) and its snapshot.json (metadata)",
    }))
    seen: dict[str, tuple[str, str]] = {}  # payload digest -> (target URI, WARC-Date) of its first record
    count = 0
    for version in versions:
        body = version.snapshot.read_bytes("response.json")
        source = version.source
        date = _warc_date(version.captured_at)
        api_url = source.get("api_url") if source.get("kind") != "file" else None
        uri = str(api_url) if api_url else f"urn:wparchive:{version.ref}@{version.version_id}"
        digest = _digest(body)
        headers, how = http_headers(version, body)
        if api_url and digest in seen:
            first_uri, first_date = seen[digest]
            record = writer.create_revisit_record(uri, digest, first_uri, first_date, http_headers=headers,
                                                  warc_headers_dict={"WARC-Date": date})
        elif api_url:
            record = writer.create_warc_record(uri, "response", payload=BytesIO(body), length=len(body),
                                               http_headers=headers, warc_headers_dict={"WARC-Date": date})
            seen[digest] = (uri, date)
        else:
            how = "none: imported from a saved file, not fetched over HTTP"
            record = writer.create_warc_record(uri, "resource", payload=BytesIO(body), length=len(body),
                                               warc_content_type="application/json",
                                               warc_headers_dict={"WARC-Date": date})
        writer.write_record(record)
        record_id = record.rec_headers.get_header("WARC-Record-ID")
        text = version.text.encode("utf-8")
        writer.write_record(writer.create_warc_record(
            uri, "conversion", payload=BytesIO(text), length=len(text),
            warc_content_type="text/plain; charset=utf-8",
            warc_headers_dict={"WARC-Date": date, "WARC-Refers-To": record_id}))
        meta: dict[str, Any] = {"ref": version.ref, "version_id": version.version_id, "http_headers": how,
                                "snapshot": version.meta}
        data = json.dumps(meta, ensure_ascii=False, indent=1).encode("utf-8")
        # No WARC-Target-URI (optional for metadata in WARC 1.1): replay tools such as pywb index every record
        # with one, and would then serve this JSON for the post's URL instead of the response.
        writer.write_record(writer.create_warc_record(
            None, "metadata", payload=BytesIO(data), length=len(data), warc_content_type="application/json",
            warc_headers_dict={"WARC-Date": date, "WARC-Concurrent-To": record_id}))
        count += 1
    return count
