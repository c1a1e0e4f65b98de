# SPDX-License-Identifier: GPL-3.0-or-later
"""`sheaf serve` settings: a YAML config file, overridden by SHEAF_* environment variables,
overridden by flags (docs/service.md, "Settings"); bad settings stop it with a clear error."""

import subprocess

import pytest

from sheaf_e2e import BINARY, Harness


@pytest.fixture
def sheaf(tmp_path, exchanges):
    h = Harness(tmp_path, exchanges)
    yield h
    h.close()


def statuses(client, n):
    return [client.request("GET", "/v1/documents").status for _ in range(n)]


def test_config_file_applies(sheaf, tmp_path):
    d = sheaf.data_dir()
    t = sheaf.tenant(d, "acme")
    cfg = tmp_path / "sheaf.yaml"
    cfg.write_text("role: api\nrate-limit: 0.01\nrate-burst: 2\n")
    srv = sheaf.server(d, "--config", str(cfg))
    assert statuses(sheaf.client(srv, t.key), 3) == [200, 200, 429]


def test_environment_overrides_the_config_file_and_flags_override_both(sheaf, tmp_path,
                                                                      monkeypatch):
    d = sheaf.data_dir()
    t = sheaf.tenant(d, "acme")
    cfg = tmp_path / "sheaf.yaml"
    cfg.write_text("role: api\nrate-limit: 0.01\nrate-burst: 1\n")
    monkeypatch.setenv("SHEAF_RATE_BURST", "3")
    srv = sheaf.server(d, "--config", str(cfg))
    assert statuses(sheaf.client(srv, t.key), 4) == [200, 200, 200, 429]
    srv.stop()
    srv2 = sheaf.server(d, "--config", str(cfg), "--rate-burst", "2")
    assert statuses(sheaf.client(srv2, t.key), 3) == [200, 200, 429]


def run_serve(args, env=None):
    return subprocess.run([BINARY, "serve", *args], capture_output=True, text=True, timeout=30,
                          env=env)


def test_bad_settings_stop_the_server_with_a_clear_message(tmp_path):
    d = str(tmp_path / "data")
    cfg = tmp_path / "bad.yaml"
    cfg.write_text("role: api\nocr-wrkers: 2\n")
    p = run_serve(["--data-dir", d, "--config", str(cfg)])
    assert p.returncode == 2
    assert f"{cfg}:2" in p.stderr and "unknown setting" in p.stderr and "ocr-wrkers" in p.stderr

    p = run_serve(["--data-dir", d, "--listen", "127.0.0.1:0"],
                  env={"SHEAF_OCR_WORKERS": "lots", "PATH": "/usr/bin:/bin"})
    assert p.returncode == 2
    assert "SHEAF_OCR_WORKERS" in p.stderr and "lots" in p.stderr

    p = run_serve(["--data-dir", d, "--listen", "nowhere"])
    assert p.returncode == 2
    assert "HOST:PORT" in p.stderr

    p = run_serve(["--data-dir", d, "--role", "everything"])
    assert p.returncode == 2
    assert "role" in p.stderr

    blocker = tmp_path / "a-file"
    blocker.write_text("x")
    p = run_serve(["--data-dir", str(blocker / "data"), "--listen", "127.0.0.1:0"])
    assert p.returncode == 1
    assert "cannot create" in p.stderr and str(blocker) in p.stderr
