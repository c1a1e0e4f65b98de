# SPDX-License-Identifier: GPL-3.0-or-later
"""Fixtures of the end-to-end suite: the real `sheaf serve` on loopback, tenants and keys made
with the real CLI. See README.md."""

import os

import pytest

import sheaf_e2e

# The servers are on loopback: never through a proxy from the environment.
os.environ["no_proxy"] = os.environ["NO_PROXY"] = "127.0.0.1,localhost"


def pytest_configure(config):
    config.addinivalue_line(
        "markers", "last: run after every other test (it checks what the others recorded)")


def pytest_collection_modifyitems(items):
    items.sort(key=lambda item: item.get_closest_marker("last") is not None)


@pytest.fixture(scope="session")
def exchanges():
    """Every HTTP exchange the tests' clients made, for the OpenAPI check."""
    return []


@pytest.fixture
def sheaf(tmp_path, exchanges):
    """A Harness: data dirs, tenants, keys, servers and clients; stops its servers at the end
    (SIGTERM; each must exit with 0 within 30 s)."""
    h = sheaf_e2e.Harness(tmp_path, exchanges)
    yield h
    h.close()


@pytest.fixture
def webhook_receiver():
    r = sheaf_e2e.WebhookReceiver()
    yield r
    r.close()


@pytest.fixture(scope="session")
def dense_pages():
    """200 unique slow-to-read pages, made once; each test's server has its own caches."""
    return [sheaf_e2e.dense_png(n) for n in range(200)]
