# SPDX-License-Identifier: GPL-3.0-or-later
"""docs/openapi.yaml against the real `sheaf serve` under schemathesis (property-based, every
check it has: valid requests accepted, invalid ones refused, documented statuses, headers and
bodies, 405 for undeclared methods, 401 without a key, no 5xx, stateful sequences).

Bounded for CI (SHEAF_SCHEMATHESIS_EXAMPLES, default 15 examples per operation and phase: well under
a minute on an idle machine); longer on demand, e.g. SHEAF_SCHEMATHESIS_EXAMPLES=500. SHEAF_SCHEMATHESIS_SEED
replays a run (its seed is printed in the output).

The server runs with --role api: documents are accepted and stay queued, so the webhook URLs
schemathesis makes up (hosts anywhere) are stored and never called; private networks are allowed
so that accepting them needs no DNS lookup either. Nothing leaves loopback."""

import os
import shutil
import subprocess
import sys

import pytest
import yaml

from sheaf_e2e import SOURCE_DIR

SPEC = os.path.join(SOURCE_DIR, "docs", "openapi.yaml")
CONFIG = os.path.join(os.path.dirname(__file__), "schemathesis.toml")


def schemathesis_cli():
    path = os.path.join(os.path.dirname(sys.executable), "schemathesis")
    if not os.access(path, os.X_OK):
        path = shutil.which("schemathesis")
    if not path:
        pytest.fail("schemathesis is not installed for " + sys.executable + ": run "
                    "scripts/install-deps.sh (it makes build/api-venv from tests/api/requirements.txt)")
    return path


def test_the_server_holds_to_its_spec_under_schemathesis(sheaf, tmp_path):
    cli = schemathesis_cli()
    d = sheaf.data_dir()
    t = sheaf.tenant(d, "acme")
    srv = sheaf.server(d, "--role", "api", "--rate-limit", "1000000", "--rate-burst", "1000000")
    examples = os.environ.get("SHEAF_SCHEMATHESIS_EXAMPLES", "15")
    args = [cli, "--config-file", CONFIG, "run", SPEC, "--url", srv.url,
            "-H", f"Authorization: Bearer {t.key}", "--checks", "all",
            "--max-examples", examples, "--request-timeout", "30", "--no-color",
            "--workers", "1"]
    if os.environ.get("SHEAF_SCHEMATHESIS_SEED"):
        args += ["--seed", os.environ["SHEAF_SCHEMATHESIS_SEED"]]
    env = dict(os.environ, NO_PROXY="127.0.0.1,localhost", no_proxy="127.0.0.1,localhost")
    # Its example database and replay files go to the test's temp dir, not the source tree.
    run = subprocess.run(args, cwd=tmp_path, env=env, capture_output=True, text=True, timeout=1500)
    out = run.stdout + run.stderr
    print(out[-6000:])
    assert run.returncode == 0, out[-12000:]
    # Every documented operation was reached.
    with open(SPEC) as f:
        paths = yaml.safe_load(f)["paths"]
    operations = sum(1 for item in paths.values() for m in item
                     if m in ("get", "put", "post", "delete", "patch", "head", "options", "trace"))
    assert f"Tested: {operations}" in out, out[-3000:]
    assert srv.running, "the server died under schemathesis: " + srv.stderr()
