// SPDX-License-Identifier: GPL-3.0-or-later
#include "service/metrics.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstdlib>

namespace sheaf {

namespace metrics_internal {

void Die(const std::string& message) {
  std::fprintf(stderr, "sheaf: metrics: %s\n", message.c_str());
  std::abort();
}

}  // namespace metrics_internal

namespace {

using metrics_internal::Die;

// [a-zA-Z_:][a-zA-Z0-9_:]*
bool ValidMetricName(std::string_view s) {
  if (s.empty()) return false;
  for (std::size_t i = 0; i < s.size(); ++i) {
    const char c = s[i];
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == ':' ||
                    (i > 0 && c >= '0' && c <= '9');
    if (!ok) return false;
  }
  return true;
}

// [a-zA-Z_][a-zA-Z0-9_]*, not starting with "__" (reserved for Prometheus itself).
bool ValidLabelName(std::string_view s) {
  if (s.empty() || s.starts_with("__")) return false;
  for (std::size_t i = 0; i < s.size(); ++i) {
    const char c = s[i];
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' ||
                    (i > 0 && c >= '0' && c <= '9');
    if (!ok) return false;
  }
  return true;
}

bool ValidLabelNames(const std::vector<std::string>& names) {
  for (std::size_t i = 0; i < names.size(); ++i) {
    if (!ValidLabelName(names[i])) return false;
    for (std::size_t k = 0; k < i; ++k) {
      if (names[k] == names[i]) return false;
    }
  }
  return true;
}

// A sample value: the shortest form that reads back as the same double; +Inf, -Inf, NaN.
std::string FormatValue(double v) {
  if (std::isnan(v)) return "NaN";
  if (std::isinf(v)) return v > 0 ? "+Inf" : "-Inf";
  char buf[32];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v);
  return ec == std::errc() ? std::string(buf, end) : std::string("NaN");
}

// # HELP text: backslash and newline escaped.
std::string EscapeHelp(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (char c : s) {
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '\n') {
      out += "\\n";
    } else {
      out += c;
    }
  }
  return out;
}

// A label value: backslash, double quote and newline escaped.
void AppendLabelValue(std::string_view s, std::string* out) {
  for (char c : s) {
    if (c == '\\') {
      *out += "\\\\";
    } else if (c == '"') {
      *out += "\\\"";
    } else if (c == '\n') {
      *out += "\\n";
    } else {
      *out += c;
    }
  }
}

// {a="x",b="y"} (nothing when there are no labels), with an extra label last if given.
std::string LabelSet(const std::vector<std::string>& names, const LabelValues& values,
                     std::string_view extra_name = {}, std::string_view extra_value = {}) {
  if (names.empty() && extra_name.empty()) return {};
  std::string out = "{";
  for (std::size_t i = 0; i < names.size(); ++i) {
    if (i > 0) out += ',';
    out += names[i];
    out += "=\"";
    AppendLabelValue(values[i], &out);
    out += '"';
  }
  if (!extra_name.empty()) {
    if (!names.empty()) out += ',';
    out += extra_name;
    out += "=\"";
    AppendLabelValue(extra_value, &out);
    out += '"';
  }
  out += '}';
  return out;
}

void AppendHeader(const std::string& name, const std::string& help, std::string_view type,
                  std::string* out) {
  *out += "# HELP " + name + " " + EscapeHelp(help) + "\n";
  *out += "# TYPE " + name + " " + std::string(type) + "\n";
}

void AppendSample(const std::string& name, const std::string& labels, double value,
                  std::string* out) {
  *out += name + labels + " " + FormatValue(value) + "\n";
}

// The text of one registered family, "" when it has no series.
template <typename F, typename PerSeries>
std::string RenderFamily(const F& family, std::string_view type, PerSeries per_series) {
  std::string samples;
  family.ForEach([&](const LabelValues& values, const auto& series) {
    per_series(family, values, series, &samples);
  });
  if (samples.empty()) return {};
  std::string out;
  AppendHeader(family.name(), family.help(), type, &out);
  return out + samples;
}

std::string FamilyText(const CounterFamily& f) {
  return RenderFamily(f, "counter",
                      [](const CounterFamily& fam, const LabelValues& values,
                         const CounterSeries& s, std::string* out) {
                        AppendSample(fam.name(), LabelSet(fam.label_names(), values), s.value(),
                                     out);
                      });
}

std::string FamilyText(const GaugeFamily& f) {
  return RenderFamily(f, "gauge",
                      [](const GaugeFamily& fam, const LabelValues& values, const GaugeSeries& s,
                         std::string* out) {
                        AppendSample(fam.name(), LabelSet(fam.label_names(), values), s.value(),
                                     out);
                      });
}

std::string FamilyText(const HistogramFamily& f) {
  return RenderFamily(f, "histogram",
                      [](const HistogramFamily& fam, const LabelValues& values,
                         const HistogramSeries& s, std::string* out) {
                        const HistogramSeries::Snapshot snap = s.Read();
                        const std::string bucket = fam.name() + "_bucket";
                        for (std::size_t i = 0; i < snap.cumulative.size(); ++i) {
                          const std::string le =
                              i < fam.bounds().size() ? FormatValue(fam.bounds()[i]) : "+Inf";
                          AppendSample(bucket, LabelSet(fam.label_names(), values, "le", le),
                                       static_cast<double>(snap.cumulative[i]), out);
                        }
                        const std::string labels = LabelSet(fam.label_names(), values);
                        AppendSample(fam.name() + "_sum", labels, snap.sum, out);
                        AppendSample(fam.name() + "_count", labels,
                                     static_cast<double>(snap.cumulative.back()), out);
                      });
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// Series

void CounterSeries::Inc(double amount) {
  if (!(amount >= 0)) return;  // negative or NaN
  value_.fetch_add(amount, std::memory_order_relaxed);
}

HistogramSeries::HistogramSeries(const std::vector<double>* bounds)
    : bounds_(*bounds), counts_(new std::atomic<std::uint64_t>[bounds->size() + 1]) {
  for (std::size_t i = 0; i <= bounds_.size(); ++i) counts_[i].store(0, std::memory_order_relaxed);
}

void HistogramSeries::Observe(double v) {
  if (std::isnan(v)) return;
  // The first bucket whose upper bound is >= v; past the end is +Inf.
  const auto at = std::lower_bound(bounds_.begin(), bounds_.end(), v) - bounds_.begin();
  counts_[static_cast<std::size_t>(at)].fetch_add(1, std::memory_order_relaxed);
  sum_.fetch_add(v, std::memory_order_relaxed);
}

HistogramSeries::Snapshot HistogramSeries::Read() const {
  Snapshot snap;
  snap.cumulative.resize(bounds_.size() + 1);
  std::uint64_t total = 0;
  for (std::size_t i = 0; i <= bounds_.size(); ++i) {
    total += counts_[i].load(std::memory_order_relaxed);
    snap.cumulative[i] = total;
  }
  snap.sum = sum_.load(std::memory_order_relaxed);
  return snap;
}

// ---------------------------------------------------------------------------------------------
// Sink

void MetricsSink::Gauge(const std::string& name, const std::string& help, const Labels& labels,
                        double value) {
  Add("gauge", name, help, labels, value);
}

void MetricsSink::Counter(const std::string& name, const std::string& help, const Labels& labels,
                          double value) {
  Add("counter", name, help, labels, value);
}

void MetricsSink::Add(std::string_view type, const std::string& name, const std::string& help,
                      const Labels& labels, double value) {
  if (!ValidMetricName(name)) return;
  std::vector<std::string> names;
  LabelValues values;
  for (const auto& [n, v] : labels) {
    names.push_back(n);
    values.push_back(v);
  }
  if (!ValidLabelNames(names)) return;
  auto [it, added] = families_.try_emplace(name);
  Collected& family = it->second;
  if (added) {
    family.type = std::string(type);
    family.help = help;
    family.label_names = names;
  } else if (family.type != type || family.label_names != names) {
    return;
  }
  family.samples.emplace(std::move(values), value);  // a repeated label set keeps the first
}

// ---------------------------------------------------------------------------------------------
// Registry

template <typename FamilyT>
FamilyT& MetricsRegistry::Register(const std::string& name,
                                   const std::vector<std::string>& label_names,
                                   const std::function<std::unique_ptr<FamilyT>()>& make,
                                   const std::function<bool(const FamilyT&)>& same) {
  if (!ValidMetricName(name)) Die("invalid metric name \"" + name + "\"");
  if (!ValidLabelNames(label_names)) Die(name + ": invalid or repeated label names");
  std::lock_guard<std::mutex> lock(mu_);
  auto it = families_.find(name);
  if (it == families_.end()) {
    std::unique_ptr<FamilyT> family = make();
    FamilyT& ref = *family;
    families_.emplace(name, std::move(family));
    return ref;
  }
  auto* existing = std::get_if<std::unique_ptr<FamilyT>>(&it->second);
  if (existing == nullptr || (*existing)->label_names() != label_names || !same(**existing)) {
    Die(name + ": registered again with another type, other labels or other buckets");
  }
  return **existing;
}

CounterFamily& MetricsRegistry::Counter(const std::string& name, const std::string& help,
                                        std::vector<std::string> label_names) {
  return Register<CounterFamily>(
      name, label_names,
      [&] { return std::make_unique<CounterFamily>(name, help, label_names); },
      [](const CounterFamily&) { return true; });
}

GaugeFamily& MetricsRegistry::Gauge(const std::string& name, const std::string& help,
                                    std::vector<std::string> label_names) {
  return Register<GaugeFamily>(
      name, label_names, [&] { return std::make_unique<GaugeFamily>(name, help, label_names); },
      [](const GaugeFamily&) { return true; });
}

HistogramFamily& MetricsRegistry::Histogram(const std::string& name, const std::string& help,
                                            std::vector<std::string> label_names,
                                            std::vector<double> buckets) {
  if (std::find(label_names.begin(), label_names.end(), "le") != label_names.end()) {
    Die(name + ": the label name \"le\" is reserved for histogram buckets");
  }
  for (std::size_t i = 0; i < buckets.size(); ++i) {
    if (!std::isfinite(buckets[i]) || (i > 0 && !(buckets[i - 1] < buckets[i]))) {
      Die(name + ": buckets must be finite and strictly increasing");
    }
  }
  return Register<HistogramFamily>(
      name, label_names,
      [&] { return std::make_unique<HistogramFamily>(name, help, label_names, buckets); },
      [&](const HistogramFamily& f) { return f.bounds() == buckets; });
}

void MetricsRegistry::AddCollector(std::function<void(MetricsSink&)> collector) {
  std::lock_guard<std::mutex> lock(mu_);
  collectors_.push_back(std::move(collector));
}

std::string MetricsRegistry::Render() const {
  std::vector<std::function<void(MetricsSink&)>> collectors;
  {
    std::lock_guard<std::mutex> lock(mu_);
    collectors = collectors_;
  }
  MetricsSink sink;
  for (const auto& collect : collectors) collect(sink);

  std::map<std::string, std::string> text;  // family name -> its lines, sorted by name
  {
    std::lock_guard<std::mutex> lock(mu_);
    for (const auto& [name, family] : families_) {
      text[name] = std::visit([](const auto& f) { return FamilyText(*f); }, family);
    }
  }
  for (const auto& [name, family] : sink.families_) {
    if (text.count(name) != 0) continue;  // a registered family's name wins
    std::string out;
    AppendHeader(name, family.help, family.type, &out);
    for (const auto& [values, value] : family.samples) {
      AppendSample(name, LabelSet(family.label_names, values), value, &out);
    }
    text[name] = std::move(out);
  }
  std::string out;
  for (const auto& [name, lines] : text) out += lines;
  return out;
}

std::vector<double> MetricsRegistry::DefaultLatencyBuckets() {
  return {0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10};
}

}  // namespace sheaf
