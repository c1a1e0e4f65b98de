# SPDX-License-Identifier: GPL-3.0-or-later
"""What the chaos suite runs beside the faults and checks after them: a load that submits
documents continuously (remembering every one acknowledged), a monitor that scrapes /metrics and
/v1/system/status of every process, and the verdict of a run (lost, duplicated bodies, breakers,
level, recovery time)."""

import re
import sys
import threading
import time
import urllib.request
from collections import defaultdict

import sheaf_e2e as e2e

BREAKER_STATE = re.compile(r'^sheaf_circuit_breaker_state\{name="([^"]+)"\} (\S+)$', re.M)
BREAKER_TRANSITION = re.compile(
    r'^sheaf_circuit_breaker_transitions_total\{name="([^"]+)",from="([^"]+)",to="([^"]+)"\} (\S+)$',
    re.M)
LEVEL = re.compile(r"^sheaf_degradation_level (\d+)$", re.M)


def get(url, key=None, timeout=3):
    req = urllib.request.Request(url)
    if key:
        req.add_header("Authorization", f"Bearer {key}")
    with urllib.request.urlopen(req, timeout=timeout) as r:
        return r.read().decode("utf-8", "replace")


class Background:
    """Runs self._run on a daemon thread from start() until stop() (which may be called twice)."""

    def __init__(self):
        self.stop_event = threading.Event()
        self.lock = threading.Lock()
        self.thread = threading.Thread(target=self._run, daemon=True)

    def start(self):
        self.thread.start()
        return self

    def stop(self):
        self.stop_event.set()
        self.thread.join(60)


def stop_all(*tasks):
    for t in tasks:
        if t is not None:
            t.stop()


class Load(Background):
    """Submits documents at `rate` per second to whatever URL `url()` gives (None while the
    server is down) until stopped. Each has its own Idempotency-Key; one whose answer was lost
    (connection refused, reset, 5xx) is sent again with the same key later, so a 202 the crash
    swallowed still comes back as acknowledged. `acked`: key -> (document id, time acknowledged).
    With `max_outstanding`, it is a closed loop: no new document while that many acknowledged
    ones are not final yet (a slow setup is tested under faults, not buried under a backlog)."""

    def __init__(self, url, key, prefix, first, rate, make_doc, max_outstanding=None):
        self.url, self.key, self.prefix = url, key, prefix
        self.n = first
        self.rate = rate
        self.make_doc = make_doc
        self.max_outstanding = max_outstanding
        self.acked = {}
        self.pending = []
        self.refused = 0
        self.statuses = defaultdict(int)
        super().__init__()

    def acked_before(self, t):
        with self.lock:
            return {i for i, at in self.acked.values() if at <= t}

    def acked_ids(self):
        with self.lock:
            return {i for i, _ in self.acked.values()}

    def _submit(self, n):
        url = self.url()
        if url is None:
            return False
        body, ctype, name = self.make_doc(n)
        client = e2e.SheafClient(url, self.key, timeout=20, retries_429=0)
        key = f"{self.prefix}-{n}"
        try:
            doc = client.submit(body, content_type=ctype, filename=name, idempotency_key=key)
        except e2e.sheaf_client.SheafError as e:
            self.statuses[e.status] += 1
            return e.status < 500 and e.status != 429 and e.status != 408
        except Exception:  # refused, reset, timed out: the server is down or dying
            self.statuses["no answer"] += 1
            return False
        self.statuses[doc.status_code] += 1
        with self.lock:
            self.acked[key] = (doc["id"], time.monotonic())
        return True

    def _outstanding(self):
        ids = self.acked_ids()
        url = self.url()
        if url is None:
            return len(ids)
        try:
            got = final_statuses(e2e.SheafClient(url, self.key, timeout=20), ids)
        except Exception:
            return len(ids)
        return sum(1 for i in ids if got.get(i) not in e2e.FINAL_STATUSES)

    def _run(self):
        while not self.stop_event.is_set():
            if self.max_outstanding is not None and not self.pending and \
                    self._outstanding() >= self.max_outstanding:
                self.stop_event.wait(1.0)
                continue
            if self.pending:
                n = self.pending.pop(0)
            else:
                self.n += 1
                n = self.n
            if not self._submit(n):
                self.refused += 1
                self.pending.append(n)
                self.stop_event.wait(0.3)
                continue
            self.stop_event.wait(1.0 / self.rate)


class Monitor(Background):
    """Scrapes /metrics of each process (`targets`: name -> callable giving its URL or None)
    every half second, and the API's /v1/system/status. Remembers, per breaker, the states seen
    and the transitions counted (summed over the restarts of a process: a new URL is a new run),
    and the highest degradation level seen."""

    def __init__(self, targets, status_url, key):
        self.targets = targets
        self.status_url = status_url
        self.key = key
        self.states_seen = defaultdict(set)
        self.transitions = {}  # (process, url, breaker, from, to) -> count
        self.last_states = {}  # process -> {breaker: state} of its current run
        self.levels_seen = set()
        self.causes_seen = set()
        super().__init__()

    def scrape(self):
        for name, url_of in self.targets.items():
            url = url_of()
            if url is None:
                continue
            try:
                text = get(url + "/metrics")
            except Exception:
                with self.lock:
                    self.last_states.pop(name, None)
                continue
            states = {b: int(float(v)) for b, v in BREAKER_STATE.findall(text)}
            with self.lock:
                self.last_states[name] = states
                for b, s in states.items():
                    self.states_seen[b].add(s)
                for b, f, t, v in BREAKER_TRANSITION.findall(text):
                    self.transitions[(name, url, b, f, t)] = int(float(v))
                m = LEVEL.search(text)
                if m:
                    self.levels_seen.add(int(m.group(1)))
        url = self.status_url()
        if url is not None:
            try:
                import json
                status = json.loads(get(url + "/v1/system/status", self.key))
                with self.lock:
                    self.levels_seen.add(int(status["level"][1:]))
                    for c in status.get("causes") or []:
                        self.causes_seen.add(c if isinstance(c, str) else c.get("description", str(c)))
                return status
            except Exception:
                return None
        return None

    def _run(self):
        while not self.stop_event.is_set():
            self.scrape()
            self.stop_event.wait(0.5)

    def opened(self, breaker_prefix):
        """How often a breaker whose name starts with breaker_prefix went closed -> open."""
        with self.lock:
            return sum(v for (_, _, b, f, t), v in self.transitions.items()
                       if b.startswith(breaker_prefix) and f == "closed" and t == "open")

    def closed_again(self, breaker_prefix):
        with self.lock:
            return sum(v for (_, _, b, f, t), v in self.transitions.items()
                       if b.startswith(breaker_prefix) and f == "half_open" and t == "closed")

    def not_closed(self):
        """Breakers not closed in the processes' latest scrape: ["process/breaker=state"]."""
        with self.lock:
            return [f"{p}/{b}={s}" for p, states in self.last_states.items()
                    for b, s in states.items() if s != 0]


def final_statuses(client, ids):
    """{id: status} of the ids the list holds."""
    docs = {d["id"]: d["status"] for d in client.iter_documents(limit=1000)}
    return {i: docs[i] for i in ids if i in docs}


class Verdict:
    """One row of the table, with the reasons a check failed."""

    def __init__(self, scenario):
        self.scenario = scenario
        self.documents = 0
        self.faults = []
        self.lost = 0
        self.failed = 0
        self.duplicated = 0
        self.recovery = None
        self.breakers = ""
        self.problems = []
        self.crashes = []  # processes that exited without a fault telling them to
        self.note = ""

    def check(self, ok, problem):
        if not ok:
            self.problems.append(problem)
        return ok


def recover(load, monitor, client_of, fault_end, limit):
    """Keeps the load running until the service is whole again: every document acknowledged
    before the last fault ended is final, no breaker is open or half-open, the level is L0.
    Returns the seconds that took from fault_end, or None after `limit` seconds."""
    before = load.acked_before(fault_end)
    deadline = time.monotonic() + limit
    next_report = time.monotonic() + 10
    while time.monotonic() < deadline:
        status = monitor.scrape()
        client = client_of()
        if client is not None and status is not None and status.get("level") == "L0" \
                and not monitor.not_closed():
            try:
                got = final_statuses(client, before)
            except Exception:
                got = {}
            done = sum(1 for s in got.values() if s in e2e.FINAL_STATUSES)
            if done == len(before):
                return time.monotonic() - fault_end
            if time.monotonic() >= next_report:
                print(f"  recovering: {done} of {len(before)} documents final", file=sys.stderr)
                next_report = time.monotonic() + 10
        time.sleep(0.5)
    return None


def settle(verdict, load, client, receiver, timeout):
    """After the load stopped: every acknowledged document is in the store and final (waits up
    to `timeout` s); no webhook event id delivered with two bodies."""
    ids = load.acked_ids()
    verdict.documents = len(ids)
    deadline = time.monotonic() + timeout
    while True:
        got = final_statuses(client, ids)
        done = {i: s for i, s in got.items() if s in e2e.FINAL_STATUSES}
        if len(done) == len(ids) or time.monotonic() > deadline:
            break
        time.sleep(0.5)
    missing = ids - set(got)
    stuck = {i: s for i, s in got.items() if s not in e2e.FINAL_STATUSES}
    verdict.lost = len(missing) + len(stuck)
    verdict.failed = sum(1 for s in got.values() if s in ("failed", "rejected"))
    verdict.check(not missing, f"{len(missing)} acknowledged documents not in the store: "
                  f"{sorted(missing)[:5]}")
    verdict.check(not stuck, f"{len(stuck)} documents not final after {timeout} s: "
                  f"{sorted(stuck.items())[:5]}")
    verdict.check(verdict.failed == 0, f"{verdict.failed} acknowledged documents failed")
    if receiver is not None:
        bodies = defaultdict(set)
        for d in receiver.snapshot():
            bodies[d["event_id"]].add(d["body"])
        verdict.duplicated = sum(1 for b in bodies.values() if len(b) > 1)
        verdict.check(verdict.duplicated == 0,
                      f"{verdict.duplicated} webhook event ids delivered with two bodies")
