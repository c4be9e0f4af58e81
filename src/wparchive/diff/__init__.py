"""Diff: what changed between two captures of a post. `sides` turns versions, snapshot folders, dumps
or the live post into comparable sides; `compare` builds line hunks, word changes, metadata changes and
statistics, and formats them. Takes from the archive, render and sources stages."""

from wparchive.diff.compare import Comparison, Side, compare

__all__ = ["Comparison", "Side", "compare"]
