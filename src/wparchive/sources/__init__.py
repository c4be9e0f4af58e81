"""Sources: where posts come from. Takes saved REST dumps, WordPress export files (WXR) or a live
site's REST API (posts, comments, media files); gives `Post`s
(with the bytes they were read from and where they came from). Imports only the model and the helpers
beside it (`errors`, `fsutil`)."""

from wparchive.sources.dump import DumpPost, read_path

__all__ = ["DumpPost", "read_path"]
