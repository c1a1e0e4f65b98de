# SPDX-License-Identifier: GPL-3.0-or-later
"""The browser tests run on the end-to-end harness (tests/e2e/sheaf_e2e.py): the real
`sheaf serve` on loopback, tenants and keys made with the real CLI, a loopback webhook
receiver."""

import os
import sys

import pytest

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "e2e"))
import sheaf_e2e  # noqa: E402

# The servers are on loopback: never through a proxy from the environment.
os.environ["no_proxy"] = os.environ["NO_PROXY"] = "127.0.0.1,localhost"


@pytest.fixture
def sheaf(tmp_path):
    h = sheaf_e2e.Harness(tmp_path, [])
    yield h
    h.close()


@pytest.fixture
def webhook_receiver():
    r = sheaf_e2e.WebhookReceiver()
    yield r
    r.close()
