"""The mocked-WordPress fixtures of test_capture_mock.py (`web`, `slept`) for every test here."""

from tests.archive.test_capture_mock import slept, web  # noqa: F401
