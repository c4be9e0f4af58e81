"""The synthetic WordPress (bench/fakewp.py) behind `responses`, for the whole-site tests."""

import re

import pytest
import responses

from bench.fakewp import FakeWordPress

SITE = "https://example.com"


@pytest.fixture
def site(monkeypatch):
    fake = FakeWordPress(SITE)
    monkeypatch.setattr("urllib3.util.retry.Retry.sleep", lambda self, response=None: None)
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        def callback(request):
            return fake.handle(request.method, request.url, dict(request.headers))
        mock.add_callback(responses.GET, re.compile(re.escape(SITE) + r".*"), callback=callback)
        yield fake
