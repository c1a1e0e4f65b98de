# SPDX-License-Identifier: GPL-3.0-or-later
"""The foundation-model extractor (docs/foundation-model.md) in a real `sheaf serve`, against
tests/e2e/llm_standin.py, which stands in for a cloud model API: a field the built-in extraction
leaves empty is filled from the page; errors, slow answers and malformed answers open the
"foundation-model" breaker (visible at /v1/system/status) while documents still finish or go to
review with the reason; back to ok, a probe closes it."""

import json
import os
import subprocess
import sys
import time
import urllib.request

import pytest

from sheaf_e2e import FAST, wait_for

STANDIN = os.path.join(os.path.dirname(os.path.abspath(__file__)), "llm_standin.py")
OPEN_SECONDS = 3


class Standin:
    def __init__(self):
        self.proc = subprocess.Popen([sys.executable, STANDIN, "--port", "0", "--api-key", "sk-e2e"],
                                     stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
        line = self.proc.stdout.readline()
        assert line.startswith("listening on "), line
        self.url = line.split()[-1]  # http://127.0.0.1:P/v1
        self.control = self.url[: -len("/v1")] + "/control"

    def set(self, **ctl):
        req = urllib.request.Request(self.control, data=json.dumps(ctl).encode(), method="POST")
        with urllib.request.urlopen(req, timeout=5) as r:
            assert r.status == 200

    def state(self):
        with urllib.request.urlopen(self.control, timeout=5) as r:
            return json.loads(r.read())

    def close(self):
        self.proc.terminate()
        self.proc.wait(10)


@pytest.fixture
def standin():
    s = Standin()
    yield s
    s.close()


def receipt(n):
    """A receipt whose address the built-in extraction misses (no label it knows)."""
    return (f"CORNER SHOP {n}\nReceipt\nDate: 12/03/2025\nMilk 1.{n:02d}\nBread 2.10\n"
            f"TOTAL 3.{n:02d}\nShop location {n} Harbour Road, Leeds\n").encode()


def status(c):
    return c.request("GET", "/v1/system/status").json()


def breaker_open(c):
    s = status(c)
    return s["level"] == "L1" and any(
        "foundation-model circuit breaker open" in x["trigger"] for x in s["causes"])


def reasons(c, doc_id):
    return c.result(doc_id).get("review_reasons") or []


def test_model_fills_empty_fields_and_its_failures_open_and_close_the_breaker(sheaf, standin):
    d = sheaf.data_dir()
    t = sheaf.tenant(d, "acme")
    srv = sheaf.server(
        d, *FAST, "--llm-url", standin.url, "--llm-model", "standin", "--llm-timeout", "10",
        "--circuit-breakers",
        "foundation-model.sliding-window-type=count-based,foundation-model.sliding-window-size=2,"
        "foundation-model.minimum-number-of-calls=2,foundation-model.failure-rate-threshold=100,"
        f"foundation-model.wait-duration-in-open-state={OPEN_SECONDS}s,"
        "foundation-model.permitted-number-of-calls-in-half-open-state=1,"
        "foundation-model.slow-call-duration-threshold=1s",
        env={"SHEAF_LLM_API_KEY": "sk-e2e"})
    c = sheaf.client(srv, t.key)
    n = iter(range(10, 99))

    def run(**kw):
        doc = c.submit(receipt(next(n)), filename="r.txt", content_type="text/plain",
                       type=kw.pop("type", "receipt"))
        return c.wait(doc["id"], timeout=30), doc["id"]

    # ok: the address is filled from the page, with its box and the model as its source.
    done, doc_id = run()
    assert done["status"] == "completed", reasons(c, doc_id)
    address = c.result(doc_id)["fields"]["merchant_address"]
    assert address["value"] == "10 Harbour Road, Leeds"
    assert address["source"] == "foundation-model"
    assert address["confidence"] <= 0.85 and address["bbox"]
    asked = standin.state()["last_request"]
    assert asked["temperature"] == 0 and asked["response_format"]["json_schema"]["strict"] is True
    assert "] Shop location 10 Harbour Road, Leeds" in asked["messages"][1]["content"]
    assert status(c)["level"] == "L0"

    def failing_mode_opens_the_breaker(mode, reason, **ctl):
        # Two calls of this mode fill the window (2 calls, opens when both failed or were slow).
        standin.set(mode=mode, **ctl)
        for _ in range(2):
            done, doc_id = run()
            if reason:
                assert done["status"] == "needs_review"
                assert any(r.startswith(reason) for r in reasons(c, doc_id)), reasons(c, doc_id)
            else:  # slow answers are still used
                assert done["status"] == "completed", reasons(c, doc_id)
        wait_for(lambda: breaker_open(c), 10, f"{mode}: breaker open in /v1/system/status")
        # While open: no call, built-in extraction only, review with the reason.
        calls = standin.state()["requests"]
        standin.set(mode="ok")
        done, doc_id = run()
        assert done["status"] == "needs_review"
        assert any("circuit breaker foundation-model is open" in r for r in reasons(c, doc_id))
        assert "merchant_address" not in c.result(doc_id)["fields"]
        # A novel document is queued for review rather than finished.
        done, doc_id = run(type="other")
        assert done["status"] == "needs_review"
        assert any(r.startswith("foundation_model_unavailable: novel document")
                   for r in reasons(c, doc_id)), reasons(c, doc_id)
        assert standin.state()["requests"] == calls
        # Back to ok: after the open wait, one probe closes it.
        time.sleep(OPEN_SECONDS + 0.2)
        done, doc_id = run()
        assert done["status"] == "completed", reasons(c, doc_id)
        assert c.result(doc_id)["fields"]["merchant_address"]["source"] == "foundation-model"
        wait_for(lambda: status(c)["level"] == "L0", 10, f"{mode}: back to L0")

    failing_mode_opens_the_breaker("error", "foundation_model_unavailable: foundation model: ")
    failing_mode_opens_the_breaker("malformed", "foundation_model_rejected: ", malformed="hallucinated")
    failing_mode_opens_the_breaker("slow", None, slow_seconds=1.5)
    # Another malformed kind: not JSON at all.
    standin.set(mode="malformed", malformed="not-json")
    done, doc_id = run()
    assert any("not JSON" in r for r in reasons(c, doc_id)), reasons(c, doc_id)
    # The key went to the model, never into the log.
    assert "sk-e2e" not in srv.stderr()


def test_a_bad_llm_url_stops_the_server_with_a_clear_message(tmp_path):
    from sheaf_e2e import BINARY
    p = subprocess.run([BINARY, "serve", "--data-dir", str(tmp_path / "d"), "--listen", "127.0.0.1:0",
                        "--llm-url", "ftp://127.0.0.1/v1", "--llm-model", "m"],
                       capture_output=True, text=True, timeout=30)
    assert p.returncode != 0 and "llm-url" in p.stderr, p.stderr
