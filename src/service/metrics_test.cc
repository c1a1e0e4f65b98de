// SPDX-License-Identifier: GPL-3.0-or-later
#include "service/metrics.h"

#include <gtest/gtest.h>

#include <limits>
#include <thread>
#include <vector>

namespace sheaf {
namespace {

TEST(Metrics, RendersASmallRegistryExactly) {
  MetricsRegistry registry;
  CounterFamily& requests =
      registry.Counter("sheaf_http_requests_total", "HTTP requests answered.", {"route", "code"});
  requests.Inc({"/v1/documents", "202"});
  requests.Inc({"/v1/documents", "202"}, 2);
  requests.Inc({"/health", "200"});
  registry.Gauge("sheaf_up", "1 while the service runs.").WithLabels({}).Set(1);
  HistogramFamily& latency =
      registry.Histogram("sheaf_stage_seconds", "Stage latency.", {"stage"}, {0.1, 0.5, 2});
  latency.Observe({"ocr"}, 0.1);  // a bound belongs to its own bucket
  latency.Observe({"ocr"}, 0.3);
  latency.Observe({"ocr"}, 7.25);
  registry.Counter("sheaf_documents_total", "Documents taken in.").Inc();

  EXPECT_EQ(registry.Render(),
            "# HELP sheaf_documents_total Documents taken in.\n"
            "# TYPE sheaf_documents_total counter\n"
            "sheaf_documents_total 1\n"
            "# HELP sheaf_http_requests_total HTTP requests answered.\n"
            "# TYPE sheaf_http_requests_total counter\n"
            "sheaf_http_requests_total{route=\"/health\",code=\"200\"} 1\n"
            "sheaf_http_requests_total{route=\"/v1/documents\",code=\"202\"} 3\n"
            "# HELP sheaf_stage_seconds Stage latency.\n"
            "# TYPE sheaf_stage_seconds histogram\n"
            "sheaf_stage_seconds_bucket{stage=\"ocr\",le=\"0.1\"} 1\n"
            "sheaf_stage_seconds_bucket{stage=\"ocr\",le=\"0.5\"} 2\n"
            "sheaf_stage_seconds_bucket{stage=\"ocr\",le=\"2\"} 2\n"
            "sheaf_stage_seconds_bucket{stage=\"ocr\",le=\"+Inf\"} 3\n"
            "sheaf_stage_seconds_sum{stage=\"ocr\"} 7.65\n"
            "sheaf_stage_seconds_count{stage=\"ocr\"} 3\n"
            "# HELP sheaf_up 1 while the service runs.\n"
            "# TYPE sheaf_up gauge\n"
            "sheaf_up 1\n");
}

TEST(Metrics, EscapesLabelValuesAndHelp) {
  MetricsRegistry registry;
  registry.Counter("c_total", "Help with a \\ and a\nnewline \"as is\".", {"path"})
      .Inc({"a\\b \"quoted\"\nnext"});
  EXPECT_EQ(registry.Render(),
            "# HELP c_total Help with a \\\\ and a\\nnewline \"as is\".\n"
            "# TYPE c_total counter\n"
            "c_total{path=\"a\\\\b \\\"quoted\\\"\\nnext\"} 1\n");
}

TEST(Metrics, ALabelledFamilyWithoutSeriesIsLeftOutAndALabelFreeOneShowsZero) {
  MetricsRegistry registry;
  registry.Counter("b_total", "B.", {"x"});
  registry.Gauge("a", "A.");
  EXPECT_EQ(registry.Render(), "# HELP a A.\n# TYPE a gauge\na 0\n");
}

TEST(Metrics, RegisteringAgainReturnsTheSameFamily) {
  MetricsRegistry registry;
  CounterFamily& first = registry.Counter("x_total", "X.", {"a"});
  CounterFamily& again = registry.Counter("x_total", "X.", {"a"});
  EXPECT_EQ(&first, &again);
  first.Inc({"1"});
  again.Inc({"1"});
  EXPECT_EQ(first.WithLabels({"1"}).value(), 2);
  HistogramFamily& h = registry.Histogram("h", "H.", {}, {1, 2});
  EXPECT_EQ(&h, &registry.Histogram("h", "H.", {}, {1, 2}));
  // One family in the text, not two.
  const std::string text = registry.Render();
  EXPECT_EQ(text.find("# TYPE x_total"), text.rfind("# TYPE x_total"));
}

TEST(Metrics, GaugesGoUpAndDownAndCountersOnlyUp) {
  MetricsRegistry registry;
  GaugeFamily& g = registry.Gauge("g", "G.", {"k"});
  g.Inc({"a"}, 5);
  g.Dec({"a"}, 2);
  EXPECT_EQ(g.WithLabels({"a"}).value(), 3);
  g.Set({"a"}, -1.5);
  EXPECT_EQ(g.WithLabels({"a"}).value(), -1.5);
  CounterFamily& c = registry.Counter("c_total", "C.");
  c.Inc({}, 2.5);
  c.Inc({}, -10);
  c.Inc({}, std::numeric_limits<double>::quiet_NaN());
  EXPECT_EQ(c.WithLabels({}).value(), 2.5);
}

TEST(Metrics, SpecialValuesUseThePrometheusSpellings) {
  MetricsRegistry registry;
  GaugeFamily& g = registry.Gauge("g", "G.", {"k"});
  g.Set({"a"}, std::numeric_limits<double>::infinity());
  g.Set({"b"}, -std::numeric_limits<double>::infinity());
  g.Set({"c"}, std::numeric_limits<double>::quiet_NaN());
  g.Set({"d"}, 1e-7);
  g.Set({"e"}, 123456789012.0);
  EXPECT_EQ(registry.Render(),
            "# HELP g G.\n# TYPE g gauge\n"
            "g{k=\"a\"} +Inf\ng{k=\"b\"} -Inf\ng{k=\"c\"} NaN\ng{k=\"d\"} 1e-07\n"
            "g{k=\"e\"} 123456789012\n");
}

TEST(Metrics, CollectorsReportAtScrapeTimeSortedAmongTheFamilies) {
  MetricsRegistry registry;
  registry.Counter("m_total", "M.").Inc();
  int depth = 4;
  registry.AddCollector([&depth](MetricsSink& sink) {
    sink.Gauge("sheaf_queue_depth", "Messages waiting.", {{"topic", "ocr.tasks"}, {"lane", "high"}},
               depth);
    sink.Gauge("sheaf_queue_depth", "Messages waiting.",
               {{"topic", "ocr.tasks"}, {"lane", "normal"}}, 1);
    sink.Counter("a_collected_total", "Read from the store.", {}, 12);
    // Dropped: the name of a registered family, a repeated series, other label names, bad names.
    sink.Gauge("m_total", "Clash.", {}, 99);
    sink.Gauge("sheaf_queue_depth", "Again.", {{"topic", "ocr.tasks"}, {"lane", "high"}}, 100);
    sink.Gauge("sheaf_queue_depth", "Other labels.", {{"tenant", "t1"}}, 5);
    sink.Counter("sheaf_queue_depth", "Another type.", {{"topic", "x"}, {"lane", "y"}}, 5);
    sink.Gauge("bad name", "Invalid.", {}, 1);
    sink.Gauge("ok_name", "Invalid label.", {{"__reserved", "x"}}, 1);
  });
  const std::string want_tail =
      "# HELP sheaf_queue_depth Messages waiting.\n"
      "# TYPE sheaf_queue_depth gauge\n"
      "sheaf_queue_depth{topic=\"ocr.tasks\",lane=\"high\"} 4\n"
      "sheaf_queue_depth{topic=\"ocr.tasks\",lane=\"normal\"} 1\n";
  const std::string head =
      "# HELP a_collected_total Read from the store.\n"
      "# TYPE a_collected_total counter\n"
      "a_collected_total 12\n"
      "# HELP m_total M.\n"
      "# TYPE m_total counter\n"
      "m_total 1\n";
  EXPECT_EQ(registry.Render(), head + want_tail);
  depth = 9;  // read again on the next scrape
  EXPECT_NE(registry.Render().find("lane=\"high\"} 9\n"), std::string::npos);
}

TEST(Metrics, ACollectorMayUseTheRegistry) {
  MetricsRegistry registry;
  registry.AddCollector([&registry](MetricsSink&) { registry.Gauge("g", "G.").Inc(); });
  EXPECT_NE(registry.Render().find("g 1\n"), std::string::npos);
  EXPECT_NE(registry.Render().find("g 2\n"), std::string::npos);
}

TEST(Metrics, ConcurrentUpdatesAreAllCounted) {
  MetricsRegistry registry;
  CounterFamily& c = registry.Counter("c_total", "C.", {"t"});
  HistogramFamily& h = registry.Histogram("h", "H.", {}, {0.5});
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 10000; ++i) {
        c.Inc({std::to_string(i % 3)});
        h.Observe({}, t % 2 ? 1.0 : 0.25);
        if (i % 1000 == 0) (void)registry.Render();
      }
    });
  }
  for (auto& th : threads) th.join();
  double total = 0;
  for (const char* k : {"0", "1", "2"}) total += c.WithLabels({k}).value();
  EXPECT_EQ(total, 40000);
  const std::string text = registry.Render();
  EXPECT_NE(text.find("h_bucket{le=\"0.5\"} 20000\n"), std::string::npos) << text;
  EXPECT_NE(text.find("h_count 40000\n"), std::string::npos) << text;
  EXPECT_NE(text.find("h_sum 25000\n"), std::string::npos) << text;
}

TEST(MetricsDeathTest, MisuseIsABrokenInvariant) {
  MetricsRegistry registry;
  CounterFamily& c = registry.Counter("c_total", "C.", {"a", "b"});
  EXPECT_DEATH(c.Inc({"only one"}), "2 label names");
  EXPECT_DEATH(registry.Gauge("c_total", "C.", {"a", "b"}), "registered again");
  EXPECT_DEATH(registry.Counter("c_total", "C.", {"a"}), "registered again");
  EXPECT_DEATH(registry.Counter("1abc", "C."), "invalid metric name");
  EXPECT_DEATH(registry.Histogram("h", "H.", {}, {2, 1}), "strictly increasing");
  EXPECT_DEATH(registry.Histogram("h", "H.", {"le"}, {1}), "reserved");
}

}  // namespace
}  // namespace sheaf
