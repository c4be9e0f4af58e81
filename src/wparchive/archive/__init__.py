"""Archive: immutable, versioned snapshots on disk (`store`), names for them (`refs`), what `log` and
`ls` show (`history`), and captures of single targets (`capture`) and whole sites (`site`). Takes posts
from `sources` and their renderings from `render`; owns every path inside the archive folder."""

from wparchive.archive.store import Archive, CaptureResult, PostKey, Snapshot

__all__ = ["Archive", "CaptureResult", "PostKey", "Snapshot"]
