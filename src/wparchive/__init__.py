"""wparchive: archive WordPress posts as immutable, versioned snapshots."""

__version__ = "0.1.0"
