"""sources/rest.py's small helpers pinned exactly (mutants of bench/mutation.sh changed them unnoticed)."""

import pytest

from wparchive.sources.rest import _shown


@pytest.mark.parametrize("origin,shown", [
    ("https://example.com:443", "https://example.com"), ("http://example.com:80", "http://example.com"),
    ("http://example.com:8080", "http://example.com:8080"), ("https://example.com:80", "https://example.com:80"),
    (None, ""),
])
def test_an_origin_is_shown_without_its_default_port(origin, shown):
    assert _shown(origin) == shown
