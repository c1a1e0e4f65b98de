// Live updates: one EventSource on /v1/events (the session cookie authenticates it); screens
// subscribe to "document" and "review" events. The browser reconnects by itself.

const listeners = new Set();
let source = null;

export function startEvents(onState) {
  if (source) return;
  source = new EventSource("/v1/events");
  source.onopen = () => onState(true);
  source.onerror = () => onState(false);
  for (const type of ["document", "review"]) {
    source.addEventListener(type, (e) => {
      let data = null;
      try {
        data = JSON.parse(e.data);
      } catch (_) {
        return;
      }
      for (const fn of listeners) fn(type, data);
    });
  }
}

export function stopEvents() {
  if (source) source.close();
  source = null;
}

// fn(type, data); returns the function that unsubscribes.
export function onEvent(fn) {
  listeners.add(fn);
  return () => listeners.delete(fn);
}
