"""Shared by every test folder: where the bundled fixtures are."""

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "fixtures"


@pytest.fixture
def fixtures_dir() -> Path:
    return FIXTURES


VERSION_ID = re.compile(r"@\d{8}T\d{6}Z-[0-9a-f]{12}(?:-\d+)?\b")


def mask_ids(text: str) -> list[str]:
    """Output lines with every stable version id (`@20261202T004817Z-ce786e1c1d96`) shown as `@ID`."""
    return VERSION_ID.sub("@ID", text).splitlines()
