# SPDX-License-Identifier: GPL-3.0-or-later
"""Circuit breakers configured from the config file (docs/reliability.md): a webhook receiver
that keeps failing opens its breaker, which /metrics shows and which keeps further requests
from reaching it; a bad breaker setting stops the server with a clear message."""

import re
import subprocess

from sheaf_e2e import BINARY, FAST, text_letter, wait_for

def sample(text, name, labels):
    pattern = re.escape(name) + r"\{" + re.escape(labels) + r"\} (\S+)$"
    m = re.search(pattern, text, re.M)
    return float(m.group(1)) if m else None


def test_a_failing_receiver_opens_its_breaker_and_gets_no_more_requests(sheaf, tmp_path,
                                                                         webhook_receiver):
    webhook_receiver.status = 500
    d = sheaf.data_dir()
    t = sheaf.tenant(d, "acme", webhook_url=webhook_receiver.url)
    cfg = tmp_path / "sheaf.yaml"
    cfg.write_text(
        "circuit-breakers:\n"
        "  webhook:\n"
        "    sliding-window-type: count-based\n"
        "    sliding-window-size: 2\n"
        "    minimum-number-of-calls: 2\n"
        "    wait-duration-in-open-state: 1h\n")
    srv = sheaf.server(d, "--config", str(cfg), *FAST)
    c = sheaf.client(srv, t.key)
    docs = [c.submit(text_letter(40 + i), filename="l.txt", content_type="text/plain")
            for i in range(4)]
    for doc in docs:
        assert c.wait(doc["id"], timeout=30)["status"] == "completed"

    receiver = "webhook:" + webhook_receiver.url.rsplit("/", 1)[0]
    name = f'name="{receiver}"'
    # Two failed deliveries open it; the other events are then put back without a request.
    text = wait_for(lambda: (lambda m: m if (sample(
        m, "sheaf_circuit_breaker_not_permitted_calls_total", name) or 0) >= 2 else None)(
            c.metrics()), 60, "two deliveries refused by the open breaker")
    assert sample(text, "sheaf_circuit_breaker_state", name) == 2
    assert sample(text, "sheaf_circuit_breaker_transitions_total",
                  f'{name},from="closed",to="open"') == 1
    assert [x["answered"] for x in webhook_receiver.snapshot()] == [500, 500]
    deferred = re.search(r"^sheaf_webhook_deferred_total (\S+)$", text, re.M)
    assert deferred and float(deferred.group(1)) >= 2
    # A webhook receiver is no service of the degradation matrix: still L0.
    status = c.request("GET", "/v1/system/status").json()
    assert status["level"] == "L0" and status["causes"] == []
    assert sample(text, "sheaf_degradation_level", "") is None  # label-less: no braces
    assert re.search(r"^sheaf_degradation_level 0$", text, re.M)


def test_bad_breaker_settings_stop_the_server_with_a_clear_message(tmp_path):
    d = str(tmp_path / "data")
    cases = [
        ("circuit-breakers:\n  webhook:\n    failure-rate-threshold: 0\n",
         "failure-rate-threshold must be in (0, 100]"),
        ("circuit-breakers:\n  mail:\n    failure-rate-threshold: 50\n",
         'unknown dependency "mail"'),
        ("circuit-breakers:\n  ocr: 5\n", "circuit-breakers.ocr must be a mapping"),
    ]
    for text, want in cases:
        cfg = tmp_path / "bad.yaml"
        cfg.write_text(text)
        p = subprocess.run([BINARY, "serve", "--data-dir", d, "--listen", "127.0.0.1:0",
                            "--config", str(cfg)], capture_output=True, text=True, timeout=30)
        assert p.returncode == 2, (text, p.stderr)
        assert want in p.stderr, (text, p.stderr)
    p = subprocess.run([BINARY, "serve", "--data-dir", d, "--listen", "127.0.0.1:0",
                        "--circuit-breakers", "ocr.colour=blue"],
                       capture_output=True, text=True, timeout=30)
    assert p.returncode == 2 and 'unknown key "colour"' in p.stderr, p.stderr
