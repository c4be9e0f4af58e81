"""pytest fixture for the real-WordPress integration tests.

Use from tests/conftest.py:

    from tests.wp.fixtures import wordpress  # noqa: F401

The fixture is session-scoped: one WordPress is started for the whole run
(a few seconds) and stopped at the end, whatever the tests' outcome. Tests
share it, so they should create their own content and not assume an empty
site (a fresh install already has post 1 "Hello world!", page 2 "Sample
Page" and a draft privacy-policy page 3).
"""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest

from .harness import WordPress, start_wordpress, stop_wordpress, wordpress_available


@pytest.fixture(scope="session")
def wordpress(tmp_path_factory: pytest.TempPathFactory) -> Iterator[WordPress]:
    available, reason = wordpress_available()
    if not available:
        # CI must run these tests: a silent skip there would hide a broken
        # install step. Locally, skipping keeps the unit tests usable.
        if os.environ.get("CI") == "true":
            pytest.fail(f"CI=true but {reason}", pytrace=False)
        pytest.skip(reason)

    workdir = tmp_path_factory.mktemp("wordpress")
    try:
        site = start_wordpress(workdir)
    except BaseException:
        # start.sh cleans up after itself; this also covers an interrupt.
        stop_wordpress(workdir, check=False)
        raise
    try:
        yield site
    finally:
        stop_wordpress(workdir)
