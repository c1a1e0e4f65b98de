#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Sheaf chaos suite: real `sheaf` processes under a continuous load of documents, faults
injected at seeded random moments, then checked: nothing acknowledged (202) is lost, no webhook
event id is delivered with two bodies, breakers opened and closed as configured, the level is
back to L0. Prints the table (and writes it with --out). See docs/reliability.md, "Chaos".

    tests/chaos/chaos.py [--seed N] [--out FILE] [--only embedded,full-disk,...]

The distributed scenario needs the cluster of scripts/cluster (SHEAF_TEST_KAFKA, and
SHEAF_TEST_POSTGRES / _REDIS / _S3; SHEAF_CLUSTER_DIR for restarting its engines); scripts/chaos
starts one of its own. The remote OCR and foundation-model scenarios run when the binary has
--ocr-url / --llm-url; otherwise their rows say "not available in this build".
Exit status 0 iff every scenario that ran passed its checks.
"""

import argparse
import json
import os
import random
import secrets
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "e2e"))
sys.path.insert(0, os.path.join(HERE, "..", "distributed"))
os.environ["no_proxy"] = os.environ["NO_PROXY"] = "127.0.0.1,localhost"

import sheaf_e2e as e2e  # noqa: E402
from faults import FaultProxy, FlakyReceiver, Tmpfs  # noqa: E402
from observe import Load, Monitor, Verdict, recover, settle, stop_all  # noqa: E402

# Faults that find bugs not fixed yet (docs/reliability.md, "What it found"), left out unless

SCENARIOS = ["embedded", "full-disk", "distributed", "remote-ocr", "foundation-model"]

# Breakers small enough to open and close within a run: 4 calls decide, 3 s open, 2 probes.
QUICK = {"sliding-window-type": "count-based", "sliding-window-size": "4",
         "minimum-number-of-calls": "4", "failure-rate-threshold": "50",
         "wait-duration-in-open-state": "3s", "permitted-number-of-calls-in-half-open-state": "2"}


def breaker_flag(*deps):
    return ",".join(f"{d}.{k}={v}" for d in deps for k, v in QUICK.items())


def mixed_doc(n):
    """Mostly text letters (milliseconds each), one page image in six (OCR)."""
    if n % 6 == 0:
        return e2e.letter_png(n), "image/png", f"letter{n}.png"
    return e2e.text_letter(n), "text/plain", f"letter{n}.txt"


def text_doc(n):
    return e2e.text_letter(n), "text/plain", f"letter{n}.txt"


def image_doc(n):
    return e2e.receipt_png(n), "image/png", f"receipt{n}.png"


def log(*a):
    print(*a, file=sys.stderr, flush=True)


class Run:
    """Schedules faults one after another, each after a seeded random gap, while the load runs;
    remembers what was injected and when the last one ended."""

    def __init__(self, rng, verdict, gap=(1.5, 3.5)):
        self.rng, self.verdict, self.gap = rng, verdict, gap
        self.fault_end = None

    def inject(self, faults):
        order = list(faults)
        self.rng.shuffle(order)
        for name, fn in order:
            time.sleep(self.rng.uniform(*self.gap))
            log(f"  fault: {name}")
            t0 = time.monotonic()
            fn(self.rng)
            self.verdict.faults.append(name)
            self.fault_end = time.monotonic()
            log(f"  fault: {name} over after {self.fault_end - t0:.1f} s")


# Processes being killed on purpose right now (the supervisor leaves them alone).
PLANNED = set()


def kill_restart(proc):
    def fault(rng):
        PLANNED.add(id(proc))
        try:
            proc.kill()
            time.sleep(rng.uniform(0.3, 1.5))
            proc.start()
        finally:
            PLANNED.discard(id(proc))
    return fault


class Supervisor:
    """Restarts a process that exited without a fault telling it to, as a process manager
    would, and remembers it: a crash the suite did not cause is a finding, shown in the table
    (the data checks then cover it like any SIGKILL)."""

    def __init__(self, procs):
        self.procs = procs  # name -> SheafServer / SheafProcess
        self.crashes = []
        self.stop_event = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def _run(self):
        while not self.stop_event.wait(0.5):
            for name, p in self.procs.items():
                if id(p) in PLANNED or p.proc is None or p.proc.poll() is None:
                    continue
                lines = [x for x in p.stderr().splitlines() if x.strip()]
                self.crashes.append(f"{name} exited {p.proc.returncode}: "
                                    f"{lines[-1][-160:] if lines else '(no output)'}")
                log(f"  unplanned exit: {self.crashes[-1]}; restarting it")
                # A start may fail while a dependency is down (PostgreSQL restarting): retried.
                deadline = time.monotonic() + 60
                while not self.stop_event.is_set():
                    try:
                        p.start()
                        break
                    except AssertionError as e:
                        if time.monotonic() > deadline:
                            self.crashes.append(f"{name} did not start again in 60 s: {e}")
                            break
                        time.sleep(1)

    def stop(self, verdict):
        self.stop_event.set()
        self.thread.join(10)
        verdict.crashes = list(self.crashes)


def receiver_mode(receiver, mode, seconds):
    def fault(rng):
        receiver.mode = mode
        time.sleep(rng.uniform(*seconds))
        receiver.mode = "ok"
    return fault


def url_of(proc):
    return lambda: proc.url if proc.proc is not None and proc.proc.poll() is None else None


def expect_breaker(verdict, monitor, prefix, why):
    opened, closed = monitor.opened(prefix), monitor.closed_again(prefix)
    verdict.breakers += f"{prefix} opened {opened}x, closed {closed}x; "
    verdict.check(opened >= 1, f"the {prefix} breaker never opened ({why})")
    verdict.check(closed >= 1, f"the {prefix} breaker never closed again after opening")


def expect_breaker_after(verdict, monitor, proxy, breaker, what):
    """The breaker must have opened and closed if at least its minimum number of calls met a
    fault at the proxy; fewer means the load never reached the dependency (also a failure)."""
    bad = proxy.requests["error"] + proxy.requests["garbage"]
    verdict.note = f"{what} requests: {proxy.requests}"
    if bad >= int(QUICK["minimum-number-of-calls"]):
        expect_breaker(verdict, monitor, breaker, f"{bad} requests failed")
    else:
        verdict.check(False, f"only {bad} {what} requests met a fault: the load did not reach it")


def finish(verdict, run, load, monitor, client_of, receiver, recover_limit=90, settle_limit=120):
    if run.fault_end is not None:
        verdict.recovery = recover(load, monitor, client_of, run.fault_end, recover_limit)
        verdict.check(verdict.recovery is not None,
                      f"not whole again within {recover_limit} s of the last fault: level "
                      f"{monitor.scrape()}, breakers not closed {monitor.not_closed()}")
    load.stop()
    monitor.stop()
    settle(verdict, load, client_of(), receiver, settle_limit)
    verdict.check(monitor.scrape() is not None and not monitor.not_closed(),
                  f"breakers not closed at the end: {monitor.not_closed()}")


# -- scenarios ----------------------------------------------------------------------------------

def embedded(tmp, rng, verdict):
    """One `sheaf serve` with the embedded defaults; SIGKILL and restart twice; the webhook
    receiver fails (503), hangs and answers slowly."""
    h = e2e.Harness(tmp, [])
    receiver = FlakyReceiver()
    d = h.data_dir()
    t = h.tenant(d, "acme", webhook_url=receiver.url)
    srv = h.server(d, *e2e.FAST, "--circuit-breakers", breaker_flag("webhook"))
    load = monitor = None
    sup = Supervisor({"serve": srv})
    try:
        load = Load(url_of(srv), t.key, "emb", 0, 6, mixed_doc, max_outstanding=24).start()
        monitor = Monitor({"serve": url_of(srv)}, url_of(srv), t.key).start()
        run = Run(rng, verdict)
        run.inject([("SIGKILL serve", kill_restart(srv)),
                    ("SIGKILL serve", kill_restart(srv)),
                    ("webhook 503", receiver_mode(receiver, "fail", (4, 7))),
                    ("webhook hangs", receiver_mode(receiver, "hang", (11, 12.5))),
                    ("webhook slow (2 s)", receiver_mode(receiver, "slow", (4, 6)))])
        finish(verdict, run, load, monitor,
               lambda: e2e.SheafClient(srv.url, t.key) if srv.running else None, receiver)
        expect_breaker(verdict, monitor, "webhook:", "the receiver failed and hung")
        n = len(receiver.snapshot())
        verdict.note = f"{n} webhook requests"
    finally:
        sup.stop(verdict)
        stop_all(load, monitor)
        h.close()
        receiver.close()


def full_disk(tmp, rng, verdict):
    """`sheaf serve` on a 48 MiB tmpfs that is filled to the last byte twice while documents
    arrive: it answers or refuses each upload clearly, never dies, and finishes every one it
    acknowledged once space is back."""
    reason = Tmpfs.unavailable_reason()
    if reason:
        verdict.note = f"skipped: {reason}"
        return
    h = e2e.Harness(tmp, [])
    disk = Tmpfs(os.path.join(tmp, "disk"), 48)
    disk.mount()
    load = monitor = None
    try:
        d = os.path.join(disk.path, "data")
        os.makedirs(d)
        t = h.tenant(d, "acme")
        srv = h.server(d, *e2e.FAST)
        load = Load(url_of(srv), t.key, "disk", 100000, 6, mixed_doc, max_outstanding=24).start()
        monitor = Monitor({"serve": url_of(srv)}, url_of(srv), t.key).start()
        deaths = []

        def fill(rng):
            disk.fill()
            end = time.monotonic() + rng.uniform(4, 7)
            while time.monotonic() < end:
                if not srv.running:
                    deaths.append(srv.stderr()[-600:])
                    break
                time.sleep(0.2)
            disk.free()
            if not srv.running:
                srv.start()

        run = Run(rng, verdict)
        run.inject([("disk full", fill), ("disk full", fill)])
        verdict.check(not deaths, f"sheaf serve died with a full disk: {deaths[:1]}")
        finish(verdict, run, load, monitor,
               lambda: e2e.SheafClient(srv.url, t.key) if srv.running else None, None)
        refused = {k: v for k, v in load.statuses.items() if k not in (200, 202)}
        verdict.note = f"uploads refused while full: {refused or 'none'}"
    finally:
        stop_all(load, monitor)
        try:
            h.close()
        finally:
            disk.unmount()


def distributed(tmp, rng, verdict):
    """`sheaf serve --role api` and two `sheaf worker --stage all` on Kafka, PostgreSQL, Redis
    and S3: the api and each worker SIGKILLed and restarted; Kafka, PostgreSQL and Redis
    restarted (scripts/cluster restart, data kept)."""
    import test_distributed as td
    kafka = os.environ.get("SHEAF_TEST_KAFKA")
    if not kafka:
        verdict.note = "skipped: no cluster (SHEAF_TEST_KAFKA not set; scripts/chaos starts one)"
        return
    ns = "chaos" + secrets.token_hex(4)
    broker = f"kafka://{kafka}?namespace={ns}"
    backends = ["--broker", broker]
    if td.POSTGRES:
        metadata = td.fresh_postgres_database(td.POSTGRES, ns)
        e2e.cli("migrate", "--metadata", metadata)
    else:
        metadata = "sqlite:" + os.path.join(tmp, "shared", "metadata.sqlite")
    backends += ["--metadata", metadata,
                 "--blobs", td.with_prefix(td.S3, ns) if td.S3 else
                 "file:" + os.path.join(tmp, "shared", "blobs")]
    if td.REDIS:
        backends += ["--cache", f"{td.REDIS}?prefix={ns}:"]
    backends += ["--circuit-breakers", breaker_flag("database", "webhook")]
    e2e.cli("kafka", "create-topics", "--broker", broker, "--replication-factor", "1",
            "--min-insync-replicas", "1")
    receiver = FlakyReceiver()
    e2e.cli("tenant", "create", "acme", "--metadata", metadata, "--webhook-url", receiver.url)
    key = e2e.cli("key", "create", "--tenant", "acme", "--metadata", metadata).stdout.strip().splitlines()[-1]
    api = e2e.SheafProcess(tmp, "api", ["serve", "--role", "api", *e2e.FAST], backends)
    common = backends + ["--ocr-workers", "1", "--stage-workers", "1", "--lease-seconds", "5"]
    # Every stage in both workers: each dispatches and reads OCR tasks the other may have
    # dispatched (the layout that once stalled dispatch; docs/reliability.md, "What it found").
    w1 = e2e.SheafProcess(tmp, "worker1", ["worker", "--stage", "all"], common)
    w2 = e2e.SheafProcess(tmp, "worker2", ["worker", "--stage", "all"], common)
    procs = [api, w1, w2]
    load = monitor = None
    cluster = os.path.join(e2e.SOURCE_DIR, "scripts", "cluster")

    def restart(engine):
        def fault(rng):
            subprocess.run([cluster, "restart", engine], check=True, capture_output=True,
                           text=True, timeout=180)
        return fault

    sup = None
    try:
        for p in procs:
            p.start()
        sup = Supervisor({"api": api, "worker1": w1, "worker2": w2})
        # Text only: the faults here are about processes and engines, not OCR, and a page
        # image takes seconds through seven Kafka hops on a busy machine.
        load = Load(url_of(api), key, ns, 200000, 2, text_doc, max_outstanding=12).start()
        monitor = Monitor({"api": url_of(api), "worker1": url_of(w1), "worker2": url_of(w2)},
                          url_of(api), key).start()
        faults = [("SIGKILL api", kill_restart(api)), ("SIGKILL worker", kill_restart(w1)),
                  ("SIGKILL worker", kill_restart(w2))]
        if os.environ.get("SHEAF_CLUSTER_DIR"):
            faults += [("restart Kafka", restart("kafka"))]
            if td.POSTGRES:
                faults += [("restart PostgreSQL", restart("postgres"))]
            if td.REDIS:
                faults += [("restart Redis", restart("redis"))]
        else:
            verdict.note = "engines not restarted: SHEAF_CLUSTER_DIR not set"
        run = Run(rng, verdict)
        run.inject(faults)
        finish(verdict, run, load, monitor,
               lambda: e2e.SheafClient(api.url, key) if api.proc.poll() is None else None,
               receiver, recover_limit=120, settle_limit=180)
        verdict.breakers += (f"database opened {monitor.opened('database')}x, "
                             f"closed {monitor.closed_again('database')}x; ")
    finally:
        if sup is not None:
            sup.stop(verdict)
        stop_all(load, monitor)
        for p in procs:
            if p.proc is not None:
                p.stop()
        receiver.close()


def supports(flag):
    return flag in e2e.cli("serve", "--help", check=False).stdout


def remote_ocr(tmp, rng, verdict):
    """`sheaf serve --ocr-url` reading through a proxy in front of `sheaf serve --role ocr`:
    the proxy answers 503, then garbage, and the OCR server is SIGKILLed and restarted; the
    ocr breaker opens (local Tesseract reads meanwhile) and closes again."""
    if not supports("--ocr-url"):
        verdict.note = "not available in this build (no --ocr-url)"
        return
    h = e2e.Harness(tmp, [])
    ocr = e2e.SheafProcess(tmp, "ocr", ["serve", "--role", "ocr"], [])
    ocr.start()
    proxy = FaultProxy(lambda: ocr.url)
    d = h.data_dir()
    t = h.tenant(d, "acme")
    srv = h.server(d, *e2e.FAST, "--ocr-url", proxy.url, "--circuit-breakers", breaker_flag("ocr"))
    load = monitor = None

    def proxy_mode(mode):
        def fault(rng):
            proxy.mode = mode
            time.sleep(rng.uniform(5, 8))
            proxy.mode = "ok"
        return fault

    sup = Supervisor({"serve": srv, "ocr": ocr})
    try:
        load = Load(url_of(srv), t.key, "ocr", 300000, 2, image_doc).start()
        monitor = Monitor({"serve": url_of(srv), "ocr": url_of(ocr)}, url_of(srv), t.key).start()
        run = Run(rng, verdict)
        run.inject([("remote OCR 503", proxy_mode("error")),
                    ("remote OCR garbage", proxy_mode("garbage")),
                    ("SIGKILL OCR server", kill_restart(ocr))])
        finish(verdict, run, load, monitor,
               lambda: e2e.SheafClient(srv.url, t.key) if srv.running else None, None)
        expect_breaker_after(verdict, monitor, proxy, "ocr", "remote OCR")
    finally:
        sup.stop(verdict)
        stop_all(load, monitor)
        h.close()
        proxy.close()
        ocr.stop()


def foundation_model(tmp, rng, verdict):
    """`sheaf serve --llm-url` against tests/e2e/llm_standin.py (behind a counting proxy),
    switched to errors and to malformed answers; the foundation-model breaker opens (built-in
    extraction only meanwhile) and closes again."""
    standin = os.path.join(e2e.SOURCE_DIR, "tests", "e2e", "llm_standin.py")
    if not supports("--llm-url") or not os.path.exists(standin):
        verdict.note = "not available in this build (no --llm-url or tests/e2e/llm_standin.py)"
        return
    port = e2e.free_port()
    model = subprocess.Popen([sys.executable, standin, "--port", str(port), "--mode", "ok"],
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    h = e2e.Harness(tmp, [])
    load = monitor = proxy = None
    try:
        e2e.wait_for(lambda: _answers(f"http://127.0.0.1:{port}/"), 20, "the model stand-in")
        proxy = FaultProxy(f"http://127.0.0.1:{port}")
        d = h.data_dir()
        t = h.tenant(d, "acme")
        srv = h.server(d, *e2e.FAST, "--llm-url", proxy.url + "/v1", "--llm-model", "chaos",
                       "--circuit-breakers", breaker_flag("foundation-model"))

        def standin_mode(mode):
            def fault(rng):
                _control(port, mode)
                time.sleep(rng.uniform(5, 8))
                _control(port, "ok")
            return fault

        load = Load(url_of(srv), t.key, "llm", 400000, 2, image_doc).start()
        monitor = Monitor({"serve": url_of(srv)}, url_of(srv), t.key).start()
        run = Run(rng, verdict)
        # The proxy counts the requests made while the stand-in misbehaves.
        run.inject([("model errors", _counted(proxy, "error", standin_mode("error"))),
                    ("model malformed JSON", _counted(proxy, "garbage", standin_mode("malformed")))])
        finish(verdict, run, load, monitor,
               lambda: e2e.SheafClient(srv.url, t.key) if srv.running else None, None)
        expect_breaker_after(verdict, monitor, proxy, "foundation-model", "model")
    finally:
        stop_all(load, monitor)
        h.close()
        if proxy is not None:
            proxy.close()
        model.terminate()
        model.wait(10)


def _answers(url):
    try:
        urllib.request.urlopen(url, timeout=1)
        return True
    except urllib.error.HTTPError:
        return True
    except Exception:
        return False


def _control(port, mode):
    req = urllib.request.Request(f"http://127.0.0.1:{port}/control", method="POST",
                                 data=json.dumps({"mode": mode}).encode(),
                                 headers={"Content-Type": "application/json"})
    urllib.request.urlopen(req, timeout=5).read()


def _counted(proxy, label, fault):
    """Runs fault with the proxy forwarding but counting its requests under `label`."""
    def wrapped(rng):
        proxy.count_as = label
        try:
            fault(rng)
        finally:
            proxy.count_as = None
    return wrapped


RUNNERS = {"embedded": embedded, "full-disk": full_disk, "distributed": distributed,
           "remote-ocr": remote_ocr, "foundation-model": foundation_model}


# -- the table ----------------------------------------------------------------------------------

def table(verdicts, seed):
    lines = [f"Seed {seed}.", "",
             "| scenario | documents | faults injected | lost | duplicated bodies | recovery time | "
             "unplanned exits | result |",
             "|---|---|---|---|---|---|---|---|"]
    for v in verdicts:
        if not v.faults and not v.problems:
            lines.append(f"| {v.scenario} | - | - | - | - | - | - | {v.note} |")
            continue
        faults = ", ".join(f"{n}x {f}" if n > 1 else f for f, n in _count(v.faults))
        rec = f"{v.recovery:.1f} s" if v.recovery is not None else "not recovered"
        result = "ok" if not v.problems else "FAILED: " + "; ".join(v.problems)
        extra = "; ".join(x for x in (v.breakers.strip("; "), v.note) if x)
        lines.append(f"| {v.scenario} | {v.documents} | {faults} | {v.lost} | {v.duplicated} | "
                     f"{rec} | {'; '.join(v.crashes) or 0} | {result}{' (' + extra + ')' if extra else ''} |")
    return "\n".join(lines) + "\n"


def _count(items):
    out = {}
    for x in items:
        out[x] = out.get(x, 0) + 1
    return list(out.items())


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--seed", type=int, default=int(os.environ.get("SHEAF_CHAOS_SEED", "15")))
    ap.add_argument("--out", help="also write the table (markdown) to this file")
    ap.add_argument("--only", help="comma-separated scenarios: " + ",".join(SCENARIOS))
    args = ap.parse_args()
    chosen = args.only.split(",") if args.only else SCENARIOS
    unknown = [s for s in chosen if s not in RUNNERS]
    if unknown:
        ap.error(f"unknown scenario {unknown}; known: {SCENARIOS}")
    e2e.wait_for_binary()
    verdicts = []
    t_start = time.monotonic()
    for i, name in enumerate(chosen):
        rng = random.Random(f"{args.seed}/{name}")
        v = Verdict(name)
        tmp = tempfile.mkdtemp(prefix=f"sheaf-chaos-{name}-")
        log(f"== {name} (seed {args.seed})")
        t0 = time.monotonic()
        try:
            RUNNERS[name](tmp, rng, v)
        except Exception as e:  # a scenario that could not run is a failed check, not a crash
            v.problems.append(f"{type(e).__name__}: {e}")
        log(f"== {name}: {time.monotonic() - t0:.0f} s, "
            f"{'ok' if not v.problems else 'FAILED: ' + '; '.join(v.problems)}")
        verdicts.append(v)
        if not v.problems:
            shutil.rmtree(tmp, ignore_errors=True)
        else:
            log(f"   logs kept in {tmp}")
    text = table(verdicts, args.seed) + f"\nWhole suite: {time.monotonic() - t_start:.0f} s.\n"
    print(text)
    if args.out:
        with open(args.out, "w") as f:
            f.write(text)
    return 1 if any(v.problems for v in verdicts) else 0


if __name__ == "__main__":
    sys.exit(main())
