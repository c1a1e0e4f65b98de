# SPDX-License-Identifier: GPL-3.0-or-later
"""A client for Sheaf's HTTP API (docs/openapi.yaml), standard library only.

    pip install ./clients/python        # from a Sheaf checkout; then:

    from sheaf_client import SheafClient, SheafError
    c = SheafClient("http://127.0.0.1:8080", "shf_...")
    doc = c.submit("receipt.jpg", priority="urgent")
    done = c.wait(doc["id"])
    print(done["status"], done["result"]["fields"])

Every call answers with the decoded JSON (a dict), text or bytes; an HTTP error answer raises
SheafError(status, code, message, retry_after). Connection failures raise urllib's URLError /
OSError unchanged. A client is safe to use from several threads (each call opens its own
connection).
"""

from __future__ import annotations

import json
import mimetypes
import os
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from typing import Any, Callable, Dict, Iterator, List, Mapping, Optional, Sequence, Tuple, Union

JSONObject = Dict[str, Any]
# What submit() uploads: the bytes themselves or a file's path.
Upload = Union[bytes, bytearray, memoryview, str, "os.PathLike[str]"]
# A field's corrected value: the value itself (None removes the field), or pointed(...): the
# value with the words on the page a person filled it from.
FieldValue = Union[str, float, int, None, Mapping[str, Any]]

__all__ = ["SheafClient", "SheafError", "SheafDocument", "Response", "FINAL_STATUSES",
           "FieldValue", "pointed", "__version__"]

__version__ = "0.1.0"


def pointed(value: Union[str, float, int], page: int,
            bbox: Sequence[float]) -> Dict[str, Any]:
    """A corrected value with the words it was filled from: `page` (1-based) and `bbox`
    ([x0, y0, x1, y1] in the page image's pixels, e.g. a word's box from page_words()). The
    sender memory then learns where the sender prints the field even when OCR misread those
    words (docs/learning.md); the result's field takes that page and box."""
    if len(bbox) != 4:
        raise ValueError("bbox must be [x0, y0, x1, y1]")
    return {"value": value, "page": int(page), "bbox": [float(v) for v in bbox]}


# Statuses a document leaves only through a person (review) or a call (reprocess).
FINAL_STATUSES = frozenset({"completed", "needs_review", "failed", "rejected"})


class SheafError(Exception):
    """An error answer of the service: HTTP `status`, the body's error `code` and `message`,
    and `retry_after` (seconds, from the Retry-After header) or None."""

    def __init__(self, status: int, code: str, message: str,
                 retry_after: Optional[float] = None) -> None:
        super().__init__(f"HTTP {status} {code}: {message}")
        self.status = status
        self.code = code
        self.message = message
        self.retry_after = retry_after


class SheafDocument(Dict[str, Any]):
    """A document as the API returns it (a dict), with the answer's `status_code`, `headers`
    (lower-case names) and `replayed` (True when an Idempotency-Key matched an earlier
    upload: HTTP 200 with Idempotent-Replayed: true)."""

    status_code: Optional[int] = None
    headers: Optional[Dict[str, str]] = None

    @property
    def replayed(self) -> bool:
        return (self.headers or {}).get("idempotent-replayed", "").lower() == "true"


class Response:
    """One raw HTTP answer: `status`, `headers` (dict, lower-case names), `body` (bytes)."""

    def __init__(self, status: int, headers: Dict[str, str], body: bytes) -> None:
        self.status = status
        self.headers = headers
        self.body = body

    @property
    def content_type(self) -> str:
        return self.headers.get("content-type", "")

    def json(self) -> Any:
        return json.loads(self.body.decode("utf-8"))

    def text(self) -> str:
        return self.body.decode("utf-8")

    def __repr__(self) -> str:
        return f"Response({self.status}, {self.body[:200]!r})"


def _retry_after(headers: Mapping[str, str]) -> Optional[float]:
    value = headers.get("retry-after")
    if value is None:
        return None
    try:
        return float(value)
    except ValueError:
        return None


def _multipart(fields: Mapping[str, Any], file_field: str, filename: str, content_type: str,
               data: bytes) -> Tuple[bytes, str]:
    """Encodes `fields` (name -> str) and one file as multipart/form-data. Returns (body,
    Content-Type header)."""
    boundary = "sheaf-" + uuid.uuid4().hex
    out = []
    for name, value in fields.items():
        out.append(f"--{boundary}\r\n".encode())
        out.append(f'Content-Disposition: form-data; name="{name}"\r\n\r\n'.encode())
        out.append(str(value).encode("utf-8") + b"\r\n")
    safe_name = filename.replace('"', "_").replace("\r", "_").replace("\n", "_")
    out.append(f"--{boundary}\r\n".encode())
    out.append(
        f'Content-Disposition: form-data; name="{file_field}"; filename="{safe_name}"\r\n'.encode()
    )
    out.append(f"Content-Type: {content_type}\r\n\r\n".encode())
    out.append(data)
    out.append(f"\r\n--{boundary}--\r\n".encode())
    return b"".join(out), f"multipart/form-data; boundary={boundary}"


class SheafClient:
    """A client of one Sheaf service.

    base_url: e.g. "http://127.0.0.1:8080". api_key: a key from `sheaf key create` (None sends
    no Authorization header). timeout: seconds per HTTP request. retries_429: how often
    submit() retries an answer 429 (rate_limited or queue_full), each time after Retry-After
    seconds (at most max_retry_wait); 0 turns retries off. on_exchange: called after every
    request with (method, path, query, Response), e.g. to record traffic in tests.
    """

    def __init__(self, base_url: str, api_key: Optional[str], timeout: float = 30, *,
                 retries_429: int = 3, max_retry_wait: float = 30.0,
                 on_exchange: Optional[Callable[[str, str, Dict[str, Any], Response], None]] = None
                 ) -> None:
        self.base_url = base_url.rstrip("/")
        self.api_key = api_key
        self.timeout = timeout
        self.retries_429 = retries_429
        self.max_retry_wait = max_retry_wait
        self.on_exchange = on_exchange

    # -- plumbing ------------------------------------------------------------------------------

    def request(self, method: str, path: str, *, query: Optional[Mapping[str, Any]] = None,
                body: Optional[bytes] = None, headers: Optional[Mapping[str, str]] = None,
                auth: bool = True) -> Response:
        """Sends one request and returns its Response whatever the status (never raises
        SheafError). `query`: dict (None values are left out). `headers` override the
        defaults, e.g. {"Authorization": "Basic x"}."""
        q = {k: v for k, v in (query or {}).items() if v is not None}
        url = self.base_url + path + ("?" + urllib.parse.urlencode(q) if q else "")
        h = {"Accept": "application/json"}
        if auth and self.api_key is not None:
            h["Authorization"] = "Bearer " + self.api_key
        h.update(headers or {})
        req = urllib.request.Request(url, data=body, method=method, headers=h)
        try:
            with urllib.request.urlopen(req, timeout=self.timeout) as r:
                resp = Response(r.status, {k.lower(): v for k, v in r.headers.items()}, r.read())
        except urllib.error.HTTPError as e:
            with e:
                resp = Response(e.code, {k.lower(): v for k, v in e.headers.items()}, e.read())
        if self.on_exchange is not None:
            self.on_exchange(method, path, q, resp)
        return resp

    @staticmethod
    def _raise_for(resp: Response) -> None:
        if resp.status < 400:
            return
        code, message = f"http_{resp.status}", resp.body.decode("utf-8", "replace")
        try:
            err = resp.json()["error"]
            code, message = err["code"], err["message"]
        except (ValueError, KeyError, TypeError):
            pass
        raise SheafError(resp.status, code, message, _retry_after(resp.headers))

    def _call(self, method: str, path: str, **kw: Any) -> Response:
        resp = self.request(method, path, **kw)
        self._raise_for(resp)
        return resp

    def _json(self, method: str, path: str, **kw: Any) -> JSONObject:
        resp = self._call(method, path, **kw)
        data = resp.json()
        if not isinstance(data, dict):
            raise SheafError(resp.status, "bad_response", "expected a JSON object from " + path)
        return data

    @staticmethod
    def _doc(resp: Response) -> SheafDocument:
        d = SheafDocument(resp.json())
        d.status_code = resp.status
        d.headers = resp.headers
        return d

    @staticmethod
    def _id(document_id: str) -> str:
        return urllib.parse.quote(str(document_id), safe="")

    # -- documents -----------------------------------------------------------------------------

    def submit(self, path_or_bytes: Upload, *, filename: Optional[str] = None,
               content_type: Optional[str] = None, priority: Optional[str] = None,
               type: Optional[str] = None, webhook_url: Optional[str] = None,
               metadata: Union[JSONObject, str, None] = None,
               idempotency_key: Optional[str] = None, multipart: bool = False) -> SheafDocument:
        """Uploads a document: a file path or the bytes themselves. Returns the document
        (SheafDocument; status_code 202, or 200 for an idempotent replay). `metadata`: a dict
        (sent as JSON) or a string sent as is. `content_type` defaults to a guess from the
        file name."""
        if isinstance(path_or_bytes, (bytes, bytearray, memoryview)):
            data = bytes(path_or_bytes)
        else:
            with open(path_or_bytes, "rb") as f:
                data = f.read()
            if filename is None:
                filename = os.path.basename(os.fspath(path_or_bytes))
        if content_type is None:
            guess = mimetypes.guess_type(filename or "")[0]
            content_type = guess or "application/octet-stream"
        if isinstance(metadata, (dict, list)):
            metadata = json.dumps(metadata)
        params = {"priority": priority, "type": type, "webhook_url": webhook_url,
                  "metadata": metadata}
        headers: Dict[str, str] = {}
        query: Optional[Dict[str, Any]]
        if idempotency_key is not None:
            headers["Idempotency-Key"] = idempotency_key
        if multipart:
            fields = {k: v for k, v in params.items() if v is not None}
            body, headers["Content-Type"] = _multipart(fields, "file", filename or "upload",
                                                       content_type, data)
            query = None
        else:
            body = data
            headers["Content-Type"] = content_type
            query = dict(params, filename=filename)
        attempt = 0
        while True:
            resp = self.request("POST", "/v1/documents", query=query, body=body, headers=headers)
            if resp.status == 429 and attempt < self.retries_429:
                attempt += 1
                wait = _retry_after(resp.headers)
                time.sleep(min(self.max_retry_wait, wait if wait is not None else 1.0))
                continue
            self._raise_for(resp)
            return self._doc(resp)

    def get(self, document_id: str) -> SheafDocument:
        """The document with its stages and, once finished, its result."""
        return self._doc(self._call("GET", "/v1/documents/" + self._id(document_id)))

    def list(self, status: Optional[str] = None, type: Optional[str] = None,
             limit: Optional[int] = None, cursor: Optional[str] = None,
             sender: Optional[str] = None) -> JSONObject:
        """One page: {"documents": [...], "next_cursor": str or None}, newest first. `sender`:
        only one sender's documents (its identity key, the result's sender["key"])."""
        return self._json("GET", "/v1/documents",
                          query={"status": status, "type": type, "limit": limit,
                                 "cursor": cursor, "sender": sender})

    def iter_documents(self, status: Optional[str] = None, type: Optional[str] = None,
                       limit: Optional[int] = None,
                       sender: Optional[str] = None) -> Iterator[JSONObject]:
        """Every document matching the filter, following next_cursor page by page."""
        cursor: Optional[str] = None
        while True:
            page = self.list(status=status, type=type, limit=limit, cursor=cursor,
                             sender=sender)
            yield from page["documents"]
            cursor = page.get("next_cursor")
            if not cursor:
                return

    def wait(self, document_id: str, timeout: float = 120, poll: float = 0.2) -> SheafDocument:
        """Polls until the document is no longer queued or processing; returns it. Raises
        TimeoutError after `timeout` seconds."""
        deadline = time.monotonic() + timeout
        while True:
            d = self.get(document_id)
            if d["status"] not in ("queued", "processing"):
                return d
            if time.monotonic() >= deadline:
                raise TimeoutError(
                    f"document {document_id} still {d['status']} after {timeout} s")
            time.sleep(poll)

    def result(self, document_id: str) -> Optional[JSONObject]:
        """The document's result (docs/result-format.md), or None while it is not finished."""
        return self.get(document_id).get("result")

    def delete(self, document_id: str) -> None:
        """Deletes the document, its file and derived data."""
        self._call("DELETE", "/v1/documents/" + self._id(document_id))

    def reprocess(self, document_id: str, reclassify: bool = False) -> SheafDocument:
        """Queues a finished document again; returns it (status queued). A type a reviewer
        gave it (change_type) is kept: it is read as that type, not classified. With
        `reclassify` that type is forgotten and the type is decided as at upload (the type
        hint, else the classifier)."""
        path = "/v1/documents/" + self._id(document_id) + "/reprocess"
        if not reclassify:
            return self._doc(self._call("POST", path))
        return self._doc(self._call("POST", path, body=b'{"reclassify": true}',
                                    headers={"Content-Type": "application/json"}))

    def document_types(self) -> List[JSONObject]:
        """The document types the server reads (the schemas it loaded), sorted by name: each
        {"name", "description", "fields": [{"name", "type", "required"}],
        "line_item_columns", "key_values"}. The names are what `submit(type=...)`,
        change_type and list(type=...) take."""
        types = self._json("GET", "/v1/document-types").get("document_types")
        if not isinstance(types, list):
            raise SheafError(200, "bad_response", "expected document_types from /v1/document-types")
        return types

    def page_text(self, document_id: str, n: int) -> str:
        """Page n's (1-based) text, lines separated by newlines."""
        path = f"/v1/documents/{self._id(document_id)}/pages/{int(n)}/text"
        return self._call("GET", path).text()

    def page_words(self, document_id: str, n: int) -> List[JSONObject]:
        """Page n's (1-based) words as read: dicts with "text", "bbox" ([x0, y0, x1, y1] in
        the page image's pixels) and "confidence"; what pointed() takes a box from."""
        path = f"/v1/documents/{self._id(document_id)}/pages/{int(n)}/words"
        words = self._json("GET", path).get("words", [])
        return list(words) if isinstance(words, list) else []

    def page_image(self, document_id: str, n: int) -> bytes:
        """Page n's (1-based) upright image, PNG bytes."""
        path = f"/v1/documents/{self._id(document_id)}/pages/{int(n)}/image"
        return self._call("GET", path).body

    # -- review --------------------------------------------------------------------------------

    def review_tasks(self, limit: Optional[int] = None,
                     cursor: Optional[str] = None) -> JSONObject:
        """One page of documents waiting for a person: {"tasks": [...], "next_cursor"}."""
        return self._json("GET", "/v1/review/tasks", query={"limit": limit, "cursor": cursor})

    def review(self, document_id: str, action: str,
               fields: Optional[Mapping[str, FieldValue]] = None,
               reviewer: Optional[str] = None,
               line_items: Optional[Sequence[Mapping[str, Union[str, float, int, None]]]] = None,
               document_type: Optional[str] = None) -> SheafDocument:
        """Decides a review task: action "approve", "reject" or "correct" (with `fields`, a
        dict of field name -> new value or pointed(value, page, bbox), and/or `line_items`, the rows - dicts of
        description, quantity, unit_price, amount - that replace all line items, and/or
        `document_type`, the type the document really is: it is read again as that type and
        stays in review when the new reading needs it; see change_type). Returns the document
        after the decision."""
        body: Dict[str, Any] = {"action": action}
        if fields is not None:
            body["fields"] = fields
        if line_items is not None:
            body["line_items"] = [dict(row) for row in line_items]
        if document_type is not None:
            body["document_type"] = document_type
        if reviewer is not None:
            body["reviewer"] = reviewer
        return self._doc(self._call("POST", "/v1/review/tasks/" + self._id(document_id),
                                    body=json.dumps(body).encode(),
                                    headers={"Content-Type": "application/json"}))

    def correct(self, document_id: str,
                fields: Optional[Mapping[str, FieldValue]] = None,
                reviewer: Optional[str] = None,
                line_items: Optional[Sequence[Mapping[str, Union[str, float, int, None]]]] = None,
                document_type: Optional[str] = None) -> SheafDocument:
        """Corrects a document that completed without review (`fields`, a dict of field name
        -> new value or pointed(value, page, bbox), and/or `line_items`, the rows that replace all line items, and/or
        `document_type`, see change_type); recorded, exported and learned from like a
        review's correction. Returns the document after it."""
        body: Dict[str, Any] = {"fields": dict(fields or {})}
        if line_items is not None:
            body["line_items"] = [dict(row) for row in line_items]
        if document_type is not None:
            body["document_type"] = document_type
        if reviewer is not None:
            body["reviewer"] = reviewer
        path = f"/v1/documents/{self._id(document_id)}/corrections"
        return self._doc(self._call("POST", path, body=json.dumps(body).encode(),
                                    headers={"Content-Type": "application/json"}))

    def change_type(self, document_id: str, document_type: str,
                    fields: Optional[Mapping[str, FieldValue]] = None,
                    reviewer: Optional[str] = None) -> SheafDocument:
        """Says the document is of type `document_type` (one of the server's schemas; 400
        naming the known ones otherwise). It is read again as that type from its stored OCR
        reading, keeping those of `fields` (corrections) the new type has. A document in
        review completes when the new reading needs no review, else stays in review with the
        new type's fields (status "needs_review", held for the reviewer); a completed document
        likewise stays completed or returns to review. Returns the document after it."""
        doc = self.get(document_id)
        if doc.get("status") == "completed":
            return self.correct(document_id, fields, reviewer=reviewer,
                                document_type=document_type)
        return self.review(document_id, "correct", fields or {}, reviewer=reviewer,
                           document_type=document_type)

    def claim_review_tasks(self, max_tasks: Optional[int] = None,
                           lease_seconds: Optional[int] = None,
                           reviewer: Optional[str] = None) -> JSONObject:
        """Takes up to `max_tasks` review tasks no one else holds, in queue order, held for
        `lease_seconds` (server defaults 10 and 900): {"tasks": [...], "reviewer"}."""
        body = {k: v for k, v in (("max", max_tasks), ("lease_seconds", lease_seconds),
                                  ("reviewer", reviewer)) if v is not None}
        return self._json("POST", "/v1/review/claims", body=json.dumps(body).encode(),
                          headers={"Content-Type": "application/json"})

    def claim_review(self, document_id: str, lease_seconds: Optional[int] = None,
                     reviewer: Optional[str] = None) -> JSONObject:
        """Holds one review task for this key (and `reviewer`, when given) for
        `lease_seconds` (server default 900), or renews your hold: the task, with
        "claimed_by" and "claim_expires_at". SheafError 409 while another reviewer holds it
        (the message names them) or when it is not in review; 404 for another tenant's."""
        body = {k: v for k, v in (("lease_seconds", lease_seconds), ("reviewer", reviewer))
                if v is not None}
        return self._json("PUT", "/v1/review/claims/" + self._id(document_id),
                          body=json.dumps(body).encode(),
                          headers={"Content-Type": "application/json"})

    def release_review(self, document_id: str, reviewer: Optional[str] = None) -> None:
        """Gives a held review task back (nothing happens when it was not held). `reviewer`:
        the name the claim was made with, if any. SheafError 409 when another reviewer holds
        it."""
        self._call("DELETE", "/v1/review/claims/" + self._id(document_id),
                   query={"reviewer": reviewer})

    # -- operations ----------------------------------------------------------------------------

    def health(self) -> JSONObject:
        return self._json("GET", "/healthz", auth=False)

    def ready(self) -> JSONObject:
        """{"status": "ready"}; raises SheafError (503 not_ready) when storage or broker fail."""
        return self._json("GET", "/readyz", auth=False)

    def metrics(self) -> str:
        """The Prometheus metrics text."""
        return self._call("GET", "/metrics", auth=False).text()
