"""Fixtures for every test here: the mocked WordPress of test_capture_mock.py (`web`, `slept`), and the
synthetic WordPress (bench/fakewp.py) behind `responses` for the whole-site tests (`site`)."""

import re

import pytest
import responses

from bench.fakewp import FakeWordPress
from tests.archive.test_capture_mock import slept, web  # noqa: F401

SITE = "https://example.com"


@pytest.fixture
def site(monkeypatch):
    fake = FakeWordPress(SITE)
    monkeypatch.setattr("wparchive.sources.rest.time.sleep", lambda seconds: None)  # no real backoff
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        def callback(request):
            return fake.handle(request.method, request.url, dict(request.headers))
        mock.add_callback(responses.GET, re.compile(re.escape(SITE) + r".*"), callback=callback)
        yield fake
