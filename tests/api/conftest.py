# SPDX-License-Identifier: GPL-3.0-or-later
"""The real `sheaf serve` for tests/api, through tests/e2e's harness (README.md)."""

import os
import sys

import pytest

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "e2e"))
import sheaf_e2e  # noqa: E402

# The server is on loopback: never through a proxy from the environment.
os.environ["no_proxy"] = os.environ["NO_PROXY"] = "127.0.0.1,localhost"


@pytest.fixture
def sheaf(tmp_path):
    h = sheaf_e2e.Harness(tmp_path, [])
    yield h
    h.close()
