# SPDX-License-Identifier: GPL-3.0-or-later
"""Priority and fairness with one OCR worker and a backlog of slow pages (docs/service.md,
"Priority and fairness")."""

import concurrent.futures

from sheaf_e2e import dense_png, finished_at

ARGS = ("--ocr-workers", "1", "--rate-limit", "100000", "--rate-burst", "100000")


def submit_all(client, pages, prefix, **kw):
    with concurrent.futures.ThreadPoolExecutor(8) as pool:
        docs = list(pool.map(
            lambda ip: client.submit(ip[1], filename=f"{prefix}-{ip[0]}.png",
                                     content_type="image/png", **kw),
            enumerate(pages)))
    assert all(d.status_code == 202 for d in docs)
    return [d["id"] for d in docs]


def finish_times(client, ids):
    docs = {d["id"]: d for d in client.iter_documents(limit=1000)}
    return {i: finished_at(docs[i]) for i in ids if finished_at(docs[i]) is not None}


def test_urgent_overtakes_a_normal_backlog(sheaf, dense_pages):
    d = sheaf.data_dir()
    t = sheaf.tenant(d, "acme")
    srv = sheaf.server(d, *ARGS)
    c = sheaf.client(srv, t.key)
    normal = submit_all(c, dense_pages, "normal")
    urgent = c.submit(dense_png(100000), filename="urgent.png", priority="urgent")
    assert urgent["priority"] == "urgent"
    done = c.wait(urgent["id"], timeout=120)
    assert done["status"] in ("completed", "needs_review"), done
    urgent_at = finished_at(done)

    before = sorted(at for at in finish_times(c, normal).values() if at < urgent_at)
    srv.stop()  # the rest of the backlog is not needed
    print(f"{len(before)} of {len(normal)} normal documents finished before the urgent one")
    assert len(before) <= 10, (
        f"the urgent document finished after {len(before)} of the {len(normal)} normal ones "
        "sent before it (expected at most 10)")


def test_a_small_tenant_is_not_stuck_behind_a_big_one(sheaf, dense_pages):
    d = sheaf.data_dir()
    a = sheaf.tenant(d, "acme")
    b = sheaf.tenant(d, "globex")
    srv = sheaf.server(d, *ARGS)
    ca, cb = sheaf.client(srv, a.key), sheaf.client(srv, b.key)
    big = submit_all(ca, dense_pages, "a")
    small = submit_all(cb, [dense_png(200000 + n) for n in range(5)], "b")
    for i in small:
        assert cb.wait(i, timeout=120)["status"] in ("completed", "needs_review")
    b_last = max(finish_times(cb, small).values())

    a_before = sorted(at for at in finish_times(ca, big).values() if at < b_last)
    srv.stop()
    print(f"{len(a_before)} of tenant A's documents finished before tenant B's last one")
    assert len(a_before) < 50, (
        f"tenant B's 5 documents finished only after {len(a_before)} of tenant A's 200 "
        "(expected before A's 50th)")
