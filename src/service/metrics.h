// SPDX-License-Identifier: GPL-3.0-or-later
//
// Metrics: a small Prometheus registry and its text exposition format (version 0.0.4).
//
// A family has a name, a help text, label names and one series per distinct list of label
// values (in the label names' order):
//
//   MetricsRegistry registry;
//   CounterFamily& requests =
//       registry.Counter("sheaf_http_requests_total", "HTTP requests.", {"route", "code"});
//   requests.Inc({"/v1/documents", "202"});
//   CounterSeries& accepted = requests.WithLabels({"/v1/documents", "202"});  // keep for speed
//   accepted.Inc();
//
// Values read only when scraped (queue depths, ...) come from collectors: functions called by
// Render that report samples into a MetricsSink.
//
// Contract:
// - Thread safety: everything is safe for concurrent use. A series' update is a single atomic
//   operation; WithLabels (and the Inc/Set/Observe that take label values) takes its family's
//   mutex for one map lookup. References returned by the registry and by WithLabels stay valid
//   as long as the registry.
// - Registering a name again returns the family already registered when type, label names (and
//   buckets) agree. Anything else is a programming error and aborts with a message: an invalid
//   metric or label name, a name registered with another type, labels or buckets, a label list
//   of the wrong length.
// - Collectors run inside Render, without the registry's lock held (they may use the registry).
//   Their samples are checked at scrape time instead: a sample with an invalid name, a name
//   that a registered family or another type already has, or label names that differ from the
//   family's first sample is dropped, as is a repeat of a label set already reported.
// - Render lists families sorted by name, each once, with # HELP and # TYPE; series sorted by
//   label values; families without any series are left out. A label-less family has its one
//   series from the start, so it shows 0 before its first update.
#ifndef SHEAF_SERVICE_METRICS_H_
#define SHEAF_SERVICE_METRICS_H_

#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

namespace sheaf {

// The label values of one series, in the order of the family's label names.
using LabelValues = std::vector<std::string>;

// A value that only goes up.
class CounterSeries {
 public:
  // Adds `amount`; negative and NaN amounts are ignored (a counter never goes down).
  void Inc(double amount = 1);
  double value() const { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<double> value_{0};
};

// A value that goes up and down.
class GaugeSeries {
 public:
  void Set(double v) { value_.store(v, std::memory_order_relaxed); }
  void Inc(double amount = 1) { value_.fetch_add(amount, std::memory_order_relaxed); }
  void Dec(double amount = 1) { value_.fetch_sub(amount, std::memory_order_relaxed); }
  double value() const { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<double> value_{0};
};

// Observations counted into buckets by upper bound (inclusive), plus their sum and count.
class HistogramSeries {
 public:
  // `bounds`: strictly increasing finite upper bounds; +Inf is implied. Must outlive this.
  explicit HistogramSeries(const std::vector<double>* bounds);
  // NaN is ignored.
  void Observe(double v);

  struct Snapshot {
    std::vector<std::uint64_t> cumulative;  // per bound, then +Inf (which equals count)
    double sum = 0;
  };
  // Each bucket is read atomically, not all of them at once.
  Snapshot Read() const;

 private:
  const std::vector<double>& bounds_;
  std::unique_ptr<std::atomic<std::uint64_t>[]> counts_;  // per bucket, not cumulative
  std::atomic<double> sum_{0};
};

namespace metrics_internal {

// What the three family types share: name, help, label names and the series by label values.
template <typename Series>
class Family {
 public:
  Family(const Family&) = delete;
  Family& operator=(const Family&) = delete;
  virtual ~Family() = default;

  // The series for `values`, created on first use. Aborts unless values.size() equals the
  // number of label names.
  Series& WithLabels(const LabelValues& values);

  const std::string& name() const { return name_; }
  const std::string& help() const { return help_; }
  const std::vector<std::string>& label_names() const { return label_names_; }

  // Calls fn(values, series) for every series in label-value order, under the family's lock.
  template <typename Fn>
  void ForEach(Fn&& fn) const {
    std::lock_guard<std::mutex> lock(mu_);
    for (const auto& [values, series] : series_) fn(values, *series);
  }

 protected:
  Family(std::string name, std::string help, std::vector<std::string> label_names)
      : name_(std::move(name)), help_(std::move(help)), label_names_(std::move(label_names)) {}
  // Creates the label-less family's single series. Called by the final constructors.
  void Init() {
    if (label_names_.empty()) WithLabels({});
  }

 private:
  virtual std::unique_ptr<Series> NewSeries() const = 0;

  const std::string name_;
  const std::string help_;
  const std::vector<std::string> label_names_;
  mutable std::mutex mu_;
  std::map<LabelValues, std::unique_ptr<Series>> series_;  // GUARDED_BY(mu_)
};

// Prints the message and aborts: for broken invariants only.
[[noreturn]] void Die(const std::string& message);

template <typename Series>
Series& Family<Series>::WithLabels(const LabelValues& values) {
  if (values.size() != label_names_.size()) {
    Die("metric " + name_ + ": " + std::to_string(values.size()) + " label values for " +
        std::to_string(label_names_.size()) + " label names");
  }
  std::lock_guard<std::mutex> lock(mu_);
  auto it = series_.find(values);
  if (it == series_.end()) it = series_.emplace(values, NewSeries()).first;
  return *it->second;
}

}  // namespace metrics_internal

class CounterFamily final : public metrics_internal::Family<CounterSeries> {
 public:
  CounterFamily(std::string name, std::string help, std::vector<std::string> label_names)
      : Family(std::move(name), std::move(help), std::move(label_names)) {
    Init();
  }
  void Inc(const LabelValues& values = {}, double amount = 1) { WithLabels(values).Inc(amount); }

 private:
  std::unique_ptr<CounterSeries> NewSeries() const override {
    return std::make_unique<CounterSeries>();
  }
};

class GaugeFamily final : public metrics_internal::Family<GaugeSeries> {
 public:
  GaugeFamily(std::string name, std::string help, std::vector<std::string> label_names)
      : Family(std::move(name), std::move(help), std::move(label_names)) {
    Init();
  }
  void Set(const LabelValues& values, double v) { WithLabels(values).Set(v); }
  void Inc(const LabelValues& values = {}, double amount = 1) { WithLabels(values).Inc(amount); }
  void Dec(const LabelValues& values = {}, double amount = 1) { WithLabels(values).Dec(amount); }

 private:
  std::unique_ptr<GaugeSeries> NewSeries() const override {
    return std::make_unique<GaugeSeries>();
  }
};

class HistogramFamily final : public metrics_internal::Family<HistogramSeries> {
 public:
  HistogramFamily(std::string name, std::string help, std::vector<std::string> label_names,
                  std::vector<double> bounds)
      : Family(std::move(name), std::move(help), std::move(label_names)),
        bounds_(std::move(bounds)) {
    Init();
  }
  void Observe(const LabelValues& values, double v) { WithLabels(values).Observe(v); }
  const std::vector<double>& bounds() const { return bounds_; }

 private:
  std::unique_ptr<HistogramSeries> NewSeries() const override {
    return std::make_unique<HistogramSeries>(&bounds_);
  }
  const std::vector<double> bounds_;
};

// Where collectors report the values they read at scrape time.
class MetricsSink {
 public:
  using Labels = std::vector<std::pair<std::string, std::string>>;  // name, value

  void Gauge(const std::string& name, const std::string& help, const Labels& labels, double value);
  void Counter(const std::string& name, const std::string& help, const Labels& labels,
               double value);

 private:
  friend class MetricsRegistry;
  struct Collected {
    std::string type;  // "gauge" | "counter"
    std::string help;
    std::vector<std::string> label_names;
    std::map<LabelValues, double> samples;
  };
  void Add(std::string_view type, const std::string& name, const std::string& help,
           const Labels& labels, double value);

  std::map<std::string, Collected> families_;
};

class MetricsRegistry {
 public:
  // The Content-Type of Render's output.
  static constexpr std::string_view kContentType = "text/plain; version=0.0.4; charset=utf-8";

  MetricsRegistry() = default;
  MetricsRegistry(const MetricsRegistry&) = delete;
  MetricsRegistry& operator=(const MetricsRegistry&) = delete;

  CounterFamily& Counter(const std::string& name, const std::string& help,
                         std::vector<std::string> label_names = {});
  GaugeFamily& Gauge(const std::string& name, const std::string& help,
                     std::vector<std::string> label_names = {});
  // `buckets`: the upper bounds, strictly increasing and finite (+Inf is added); aborts
  // otherwise. The label name "le" is reserved.
  HistogramFamily& Histogram(const std::string& name, const std::string& help,
                             std::vector<std::string> label_names, std::vector<double> buckets);

  // Adds a function Render calls on every scrape.
  void AddCollector(std::function<void(MetricsSink&)> collector);

  // The text exposition format 0.0.4 of every family and collected sample.
  std::string Render() const;

  // Seconds from 5 ms to 10 s, for request and stage latencies.
  static std::vector<double> DefaultLatencyBuckets();

 private:
  // The family `name`, made by `make` when new; aborts when the name is invalid or taken by
  // another type, other labels, or a family `same` refuses.
  template <typename FamilyT>
  FamilyT& Register(const std::string& name, const std::vector<std::string>& label_names,
                    const std::function<std::unique_ptr<FamilyT>()>& make,
                    const std::function<bool(const FamilyT&)>& same);

  using AnyFamily = std::variant<std::unique_ptr<CounterFamily>, std::unique_ptr<GaugeFamily>,
                                 std::unique_ptr<HistogramFamily>>;

  mutable std::mutex mu_;
  std::map<std::string, AnyFamily> families_;                  // GUARDED_BY(mu_)
  std::vector<std::function<void(MetricsSink&)>> collectors_;  // GUARDED_BY(mu_)
};

}  // namespace sheaf

#endif  // SHEAF_SERVICE_METRICS_H_
