// Operations: queue depth per stage and lane, throughput over the last hour (sampled while the
// screen is open), stage latencies, cache hit rates, breakers and the degradation level.
import { request } from "./api.js";
import { h } from "./dom.js";
import { barChart, lineChart } from "./charts.js";
import { parseMetrics, sum } from "./metrics.js";

const history = [];  // {t, done}: documents finished, kept for an hour across visits

export function renderOperations(main) {
  const body = h("div", { class: "ops", id: "ops" });
  const level = h("div", { class: "level", id: "ops-level", role: "status" });

  async function refresh() {
    let samples = [];
    let status = null;
    try {
      samples = parseMetrics(await request("GET", "/metrics"));
    } catch (e) {
      body.replaceChildren(h("p", { class: "error" }, "Metrics unavailable: " + e.message));
      return;
    }
    try {
      status = await request("GET", "/v1/system/status");
    } catch (_) {
      status = null;
    }
    const now = Date.now();
    const done = sum(samples, "sheaf_stage_messages_total", (l) => l.stage === "export" && l.outcome === "ok");
    history.push({ t: now, done });
    while (history.length && history[0].t < now - 3600e3) history.shift();
    const rate = [];
    for (let i = 1; i < history.length; i++) {
      const dt = (history[i].t - history[i - 1].t) / 60000;
      rate.push({ t: history[i].t, v: Math.max(0, history[i].done - history[i - 1].done) / Math.max(dt, 1e-9) });
    }

    const depth = samples.filter((s) => s.name === "sheaf_queue_depth" && s.value >= 0)
      .map((s) => ({ label: s.labels.topic + (s.labels.lane && !s.labels.topic.includes(s.labels.lane) ? "/" + s.labels.lane : ""), value: s.value }));
    const stages = [...new Set(samples.filter((s) => s.name === "sheaf_stage_duration_seconds_count").map((s) => s.labels.stage))];
    const latency = stages.map((st) => {
      const c = sum(samples, "sheaf_stage_duration_seconds_count", (l) => l.stage === st);
      const t = sum(samples, "sheaf_stage_duration_seconds_sum", (l) => l.stage === st);
      return { label: st, value: c ? (t / c) * 1000 : 0 };
    });
    const caches = [...new Set(samples.filter((s) => s.name === "sheaf_cache_hits_total").map((s) => s.labels.cache))];
    const hitRate = caches.map((c) => {
      const hits = sum(samples, "sheaf_cache_hits_total", (l) => l.cache === c);
      const misses = sum(samples, "sheaf_cache_misses_total", (l) => l.cache === c);
      return { label: c, value: hits + misses ? (100 * hits) / (hits + misses) : 0 };
    });
    const stateName = ["closed", "half-open", "open"];
    const breakers = samples.filter((s) => s.name === "sheaf_circuit_breaker_state");

    level.replaceChildren(status
      ? h("span", { class: "pill level-" + status.level }, `${status.level}: ${status.description}`)
      : h("span", { class: "muted" }, "degradation level unavailable"));
    body.replaceChildren(...[
      barChart("Queue depth (topic / lane)", depth),
      lineChart("Documents exported per minute, last hour", rate, { unit: "/min" }),
      barChart("Mean stage latency", latency, { unit: " ms" }),
      barChart("Cache hit rate", hitRate, { unit: "%" }),
      h("figure", { class: "chart" }, h("figcaption", {}, "Circuit breakers"),
        breakers.length
          ? h("ul", { class: "breakers" }, breakers.map((b) => h("li", { class: "breaker-" + (stateName[b.value] || "?") },
            `${b.labels.name}: ${stateName[b.value] || b.value}`)))
          : h("p", { class: "muted" }, "none")),
      status && status.causes.length
        ? h("figure", { class: "chart" }, h("figcaption", {}, "Degradation causes"),
          h("ul", {}, status.causes.map((c) => h("li", {}, `${c.level}: ${c.trigger}`))))
        : null,
    ].filter(Boolean));
  }

  main.replaceChildren(h("section", { class: "card", "aria-labelledby": "ops-title" },
    h("h1", { id: "ops-title" }, "Operations"), level, body));
  refresh();
  const timer = setInterval(refresh, 10000);
  return () => clearInterval(timer);
}
