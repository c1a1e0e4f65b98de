# SPDX-License-Identifier: GPL-3.0-or-later
"""The remote OCR fallback between two Sheaf processes (docs/ocr-protocol.md,
docs/reliability.md): `sheaf serve --role ocr` reads the pages of a `sheaf serve --ocr-url`;
killed with SIGKILL, documents still complete through local Tesseract with a warning and the
"ocr" breaker opens (visible in /v1/system/status and /metrics); restarted on the same port, the
breaker goes half-open then closed and the remote service reads again."""

import re

from sheaf_e2e import FAST, FixedPortServer, free_port, letter_png, wait_for

OCR_KEY = "ocr-test-key-7"


def ocr_server(tmp, port):
    """`sheaf serve --role ocr` on a fixed loopback port, so that it can come back on it."""
    return FixedPortServer(tmp, "ocr", port, ["--role", "ocr", "--ocr-workers", "1"],
                           env={"SHEAF_OCR_API_KEY": OCR_KEY})


def sample(text, name, labels):
    m = re.search(re.escape(name) + r"\{" + re.escape(labels) + r"\} (\S+)$", text, re.M)
    return float(m.group(1)) if m else None


def remote_reads(ocr):
    return sample(ocr.metrics(), "sheaf_ocr_server_requests_total", 'route="/v1/ocr",code="200"') or 0


def read_page(c, n):
    doc = c.submit(letter_png(n), filename=f"letter{n}.png", content_type="image/png")
    done = c.wait(doc["id"], timeout=60)
    assert done["status"] in ("completed", "needs_review"), done
    page = c.result(doc["id"])["pages"][0]
    return page


def test_pages_fall_back_to_local_tesseract_while_the_ocr_server_is_down(sheaf, tmp_path):
    ocr = ocr_server(str(tmp_path), free_port()).start()
    d = sheaf.data_dir()
    t = sheaf.tenant(d, "acme")
    # The design's ocr breaker, with a verdict after 2 calls, 15 s open and 1 probe so that the
    # test takes seconds.
    srv = sheaf.server(
        d, *FAST, "--ocr-url", ocr.url, "--ocr-workers", "1", "--circuit-breakers",
        "ocr.minimum-number-of-calls=2,ocr.wait-duration-in-open-state=15s,"
        "ocr.permitted-number-of-calls-in-half-open-state=1",
        env={"SHEAF_OCR_API_KEY": OCR_KEY})
    c = sheaf.client(srv, t.key)

    # 1. The OCR server reads the page.
    page = read_page(c, 1)
    assert page["ocr_engine"] == "remote", page
    assert not page.get("warnings"), page
    assert remote_reads(ocr) == 1

    # 2. Killed: documents still complete, read by local Tesseract with a warning; the failed
    #    call opens the breaker (2 calls, 50 % failed) and the level is L2 with it as the cause.
    ocr.kill()
    page = read_page(c, 2)
    assert page["ocr_engine"] == "tesseract", page
    assert any("remote OCR failed" in w for w in page["warnings"]), page
    assert page["word_count"] > 10
    metrics = c.metrics()
    assert sample(metrics, "sheaf_circuit_breaker_state", 'name="ocr"') == 2
    status = c.request("GET", "/v1/system/status").json()
    assert status["level"] == "L2", status
    assert any(cause["level"] == "L2" and "ocr" in cause["trigger"]
               for cause in status["causes"]), status
    # While open, the service is not even asked.
    page = read_page(c, 3)
    assert page["ocr_engine"] == "tesseract"
    assert any("circuit breaker ocr is open" in w for w in page["warnings"]), page
    assert sample(c.metrics(), "sheaf_circuit_breaker_not_permitted_calls_total", 'name="ocr"') >= 1

    # 3. Back on the same port: after the open wait the breaker lets a probe through, which
    #    succeeds and closes it; the remote service reads again and the level is back to L0.
    ocr.start()
    wait_for(lambda: sample(c.metrics(), "sheaf_circuit_breaker_state", 'name="ocr"') == 1,
             30, "the ocr breaker half-open")
    page = read_page(c, 4)
    assert page["ocr_engine"] == "remote", page
    assert not page.get("warnings"), page
    assert remote_reads(ocr) == 1
    metrics = c.metrics()
    assert sample(metrics, "sheaf_circuit_breaker_state", 'name="ocr"') == 0
    assert sample(metrics, "sheaf_circuit_breaker_transitions_total",
                  'name="ocr",from="half_open",to="closed"') == 1
    wait_for(lambda: c.request("GET", "/v1/system/status").json()["level"] == "L0", 10,
             "level L0 again")
    ocr.stop()


def test_the_ocr_server_refuses_requests_without_its_key_and_bad_images(tmp_path):
    import urllib.error
    import urllib.request
    ocr = ocr_server(str(tmp_path), free_port()).start()
    try:
        def post(body, key=OCR_KEY, ctype="image/png"):
            headers = {"Content-Type": ctype}
            if key:
                headers["Authorization"] = "Bearer " + key
            req = urllib.request.Request(ocr.url + "/v1/ocr", data=body, headers=headers)
            try:
                with urllib.request.urlopen(req, timeout=30) as r:
                    return r.status, r.read()
            except urllib.error.HTTPError as e:
                return e.code, e.read()
        import json
        status, body = post(letter_png(9), key=None)
        assert status == 401 and json.loads(body)["error"]["code"] == "unauthorized"
        status, body = post(b"not an image")
        assert status == 415 and json.loads(body)["error"]["code"] == "unsupported_media_type"
        status, body = post(letter_png(9)[:200])
        assert status == 422 and json.loads(body)["error"]["code"] == "invalid_image"
        status, body = post(letter_png(9))
        answer = json.loads(body)
        assert status == 200 and answer["protocol"] == "sheaf-ocr/1"
        words = [w["text"] for b in answer["blocks"] for l in b["lines"] for w in l["words"]]
        assert "Acme" in words
        assert OCR_KEY not in open(ocr.err).read()
    finally:
        ocr.stop()
