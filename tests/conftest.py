"""Shared fixtures: the real-WordPress `wordpress` fixture lives in tests/wp/fixtures.py."""

from tests.wp.fixtures import wordpress  # noqa: F401
