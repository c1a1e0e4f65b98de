#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""A STAND-IN for a cloud foundation-model API (an OpenAI-compatible chat-completions endpoint),
which cannot run here. It is a test tool, not a model: it answers POST /v1/chat/completions
from the request it was given, deterministically, by a simple label search in the page text, so
Sheaf's foundation-model extractor (docs/foundation-model.md) can be tested end to end against a
real HTTP server on loopback.

    llm_standin.py --port P [--mode ok|slow|error|malformed] [--slow-seconds S] [--api-key K]

Modes (switch at run time with POST /control {"mode": "...", "slow_seconds": S, "malformed": KIND}):
  ok         fills each field of the request's JSON schema from the page text: the first line
             holding one of the field's labels (its name with "_" as " ", and a few common
             words), the text after the label; null when no line has one
  slow       sleeps slow_seconds (default 12), then answers as ok
  error      answers 500 and 429 in turn
  malformed  answers, in turn (or always the one named by "malformed"): "not-json" (a message
             that is not JSON), "schema" (a number where a string is asked and a field not
             asked), "hallucinated" (every field set to a value printed nowhere on the page),
             "envelope" (a body without choices)
GET /control returns {"mode", "requests", "last_request"} (the last request body as parsed).
Listens on 127.0.0.1 only. With --api-key, requests without "Authorization: Bearer K" get 401.
"""

import argparse
import http.server
import json
import re
import threading
import time

LABELS = {
    "total": ["total", "amount due", "grand total"],
    "date": ["date"],
    "merchant_name": ["merchant", "store"],
    "merchant_address": ["address", "location"],
    "invoice_number": ["invoice number", "invoice no", "invoice #"],
    "currency": ["currency"],
    "subtotal": ["subtotal", "sub total"],
    "tax": ["tax", "vat"],
}
MALFORMED_KINDS = ["not-json", "schema", "hallucinated", "envelope"]
LINE = re.compile(r"^\[\d+,\d+,\d+,\d+\] (.*)$")


class State:
    def __init__(self, mode, slow_seconds, api_key):
        self.lock = threading.Lock()
        self.mode = mode
        self.slow_seconds = slow_seconds
        self.malformed = None  # None: rotate through MALFORMED_KINDS
        self.api_key = api_key
        self.requests = 0
        self.last_request = None


def page_lines(content):
    """The text of each "[x0,y0,x1,y1] text" line of the request's document."""
    out = []
    for line in content.splitlines():
        m = LINE.match(line)
        if m:
            out.append(m.group(1))
    return out


def fill(fields, lines):
    """The label search: {field: value or None}."""
    answer = {}
    for name in fields:
        labels = LABELS.get(name, []) + [name.replace("_", " ")]
        value = None
        for text in lines:
            low = text.lower()
            for label in sorted(labels, key=len, reverse=True):
                at = low.find(label)
                if at < 0:
                    continue
                rest = text[at + len(label):].strip(" :\t")
                if rest:
                    value = rest
                    break
            if value is not None:
                break
        answer[name] = value
    return answer


def completion(content_text):
    return {"id": "standin", "object": "chat.completion", "model": "standin",
            "choices": [{"index": 0, "finish_reason": "stop",
                         "message": {"role": "assistant", "content": content_text}}]}


def make_handler(state):
    class Handler(http.server.BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args):
            pass

        def send(self, status, body):
            data = json.dumps(body).encode() if not isinstance(body, bytes) else body
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def body(self):
            n = int(self.headers.get("Content-Length") or 0)
            return self.rfile.read(n)

        def do_GET(self):
            if self.path != "/control":
                return self.send(404, {"error": "not found"})
            with state.lock:
                self.send(200, {"mode": state.mode, "requests": state.requests,
                                "last_request": state.last_request})

        def do_POST(self):
            raw = self.body()
            if self.path == "/control":
                try:
                    ctl = json.loads(raw)
                except ValueError:
                    return self.send(400, {"error": "not JSON"})
                with state.lock:
                    if ctl.get("mode") not in (None, "ok", "slow", "error", "malformed"):
                        return self.send(400, {"error": "unknown mode"})
                    state.mode = ctl.get("mode", state.mode)
                    state.slow_seconds = float(ctl.get("slow_seconds", state.slow_seconds))
                    state.malformed = ctl.get("malformed", state.malformed)
                    return self.send(200, {"mode": state.mode})
            if self.path.rstrip("/") not in ("/v1/chat/completions", "/chat/completions"):
                return self.send(404, {"error": "not found"})
            if state.api_key and self.headers.get("Authorization") != "Bearer " + state.api_key:
                return self.send(401, {"error": {"message": "bad key"}})
            try:
                req = json.loads(raw)
                messages = {m["role"]: m["content"] for m in req["messages"]}
                schema = req["response_format"]["json_schema"]["schema"]
                fields = list(schema["properties"])
            except (ValueError, KeyError, TypeError):
                return self.send(400, {"error": {"message": "not a chat completion request"}})
            with state.lock:
                state.requests += 1
                n = state.requests
                state.last_request = req
                mode, slow, kind = state.mode, state.slow_seconds, state.malformed
            if mode == "error":
                return self.send(500 if n % 2 else 429, {"error": {"message": "stand-in error"}})
            if mode == "slow":
                time.sleep(slow)
            lines = page_lines(messages.get("user", ""))
            if mode == "malformed":
                kind = kind or MALFORMED_KINDS[n % len(MALFORMED_KINDS)]
                if kind == "not-json":
                    return self.send(200, completion("Sure! Here are the fields: total is"))
                if kind == "schema":
                    bad = {f: 42 for f in fields}
                    bad["extra_field"] = "x"
                    return self.send(200, completion(json.dumps(bad)))
                if kind == "hallucinated":
                    return self.send(200, completion(json.dumps({f: "ZQX 98765.43" for f in fields})))
                return self.send(200, {"id": "standin", "object": "chat.completion"})
            return self.send(200, completion(json.dumps(fill(fields, lines))))

    return Handler


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--port", type=int, default=0)
    ap.add_argument("--mode", default="ok", choices=["ok", "slow", "error", "malformed"])
    ap.add_argument("--slow-seconds", type=float, default=12.0)
    ap.add_argument("--api-key", default="")
    args = ap.parse_args()
    state = State(args.mode, args.slow_seconds, args.api_key)
    server = http.server.ThreadingHTTPServer(("127.0.0.1", args.port), make_handler(state))
    server.daemon_threads = True
    print(f"listening on http://127.0.0.1:{server.server_address[1]}/v1", flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
