"""The real-WordPress `wordpress` fixture (tests/wp/fixtures.py) for every integration test."""

from tests.wp.fixtures import wordpress  # noqa: F401
