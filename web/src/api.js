// The page's calls to Sheaf's API (docs/openapi.yaml). The session cookie authenticates; every
// unsafe request carries the session's CSRF token. A 401 sends the user back to sign in.

const CSRF_KEY = "sheaf.csrf";
const TENANT_KEY = "sheaf.tenant";
const KEY_ID_KEY = "sheaf.key_id";

// The signed-in session: its CSRF token, tenant and the id of the key it signed in with.
export function session() {
  const csrf = sessionStorage.getItem(CSRF_KEY);
  return csrf ? { csrf, tenant: sessionStorage.getItem(TENANT_KEY) || "",
    keyId: sessionStorage.getItem(KEY_ID_KEY) || "" } : null;
}

// The name the API records for this page's reviews and claims: the page sends no reviewer
// name, so it is the key's ("key:ID"; docs/service.md).
export function reviewerName() {
  const s = session();
  return s && s.keyId ? "key:" + s.keyId : "";
}

export class ApiError extends Error {
  constructor(status, code, message) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

let onUnauthorized = () => {};
export function setUnauthorizedHandler(fn) {
  onUnauthorized = fn;
}

async function errorOf(res) {
  let code = "http_" + res.status;
  let message = res.statusText || "request failed";
  try {
    const body = await res.json();
    if (body && body.error) {
      code = body.error.code;
      message = body.error.message;
    }
  } catch (_) {
    /* not JSON */
  }
  return new ApiError(res.status, code, message);
}

export async function request(method, path, { json, body, headers = {} } = {}) {
  const h = { ...headers };
  const s = session();
  if (method !== "GET" && s) h["X-CSRF-Token"] = s.csrf;
  let payload = body;
  if (json !== undefined) {
    h["Content-Type"] = "application/json";
    payload = JSON.stringify(json);
  }
  const res = await fetch(path, { method, headers: h, body: payload, credentials: "same-origin" });
  if (res.status === 401 && path !== "/v1/session") {
    sessionStorage.removeItem(CSRF_KEY);
    onUnauthorized();
  }
  if (!res.ok) throw await errorOf(res);
  if (res.status === 204) return null;
  const type = res.headers.get("Content-Type") || "";
  return type.startsWith("application/json") ? res.json() : res.text();
}

// Writes that later reads must see: a screen left gives its claim back in its cleanup (which
// cannot wait), and the next screen's first read waits for that, so it shows the claim gone.
let writes = Promise.resolve();
export function before(p) {
  writes = Promise.all([writes, p.catch(() => {})]);
  return p;
}
export function afterWrites() {
  return writes;
}

export async function signIn(apiKey) {
  const r = await request("POST", "/v1/session", { json: { api_key: apiKey } });
  sessionStorage.setItem(CSRF_KEY, r.csrf_token);
  sessionStorage.setItem(TENANT_KEY, r.tenant);
  sessionStorage.setItem(KEY_ID_KEY, r.key_id || "");
  return r;
}

export async function signOut() {
  try {
    await request("DELETE", "/v1/session");
  } finally {
    sessionStorage.removeItem(CSRF_KEY);
    sessionStorage.removeItem(TENANT_KEY);
    sessionStorage.removeItem(KEY_ID_KEY);
  }
}

// Uploads one file with progress (fetch has no upload progress): resolves to the document.
export function upload(file, { priority, type }, onProgress) {
  return new Promise((resolve, reject) => {
    const form = new FormData();
    form.append("file", file, file.name);
    if (priority) form.append("priority", priority);
    if (type && type !== "auto") form.append("type", type);
    const xhr = new XMLHttpRequest();
    xhr.open("POST", "/v1/documents");
    const s = session();
    if (s) xhr.setRequestHeader("X-CSRF-Token", s.csrf);
    xhr.upload.onprogress = (e) => e.lengthComputable && onProgress(e.loaded / e.total);
    xhr.onload = () => {
      let body = null;
      try {
        body = JSON.parse(xhr.responseText);
      } catch (_) {
        /* not JSON */
      }
      if (xhr.status >= 200 && xhr.status < 300) resolve(body);
      else {
        const e = body && body.error ? body.error : { code: "http_" + xhr.status, message: xhr.statusText };
        reject(new ApiError(xhr.status, e.code, e.message));
      }
    };
    xhr.onerror = () => reject(new ApiError(0, "network", "the upload could not reach the server"));
    xhr.send(form);
  });
}
