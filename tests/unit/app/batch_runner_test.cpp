// BatchRunner and analyze_input: -j N gives the output of -j 1, byte for byte; bad inputs are
// reported in place and the others still analysed; rotated pieces read as one capture make one
// flow of a handshake cut in two.
#include "batch_runner.h"

#include <gtest/gtest.h>

#include <sstream>
#include <string>
#include <vector>

#include "batch_inputs.h"
#include "pipeline.h"
#include "support/paths.h"
#include "support/pcap_file_writer.h"
#include "tlsdiag/capture/file_source.h"
#include "tlsdiag/report/report.h"

namespace tlsdiag::app {
namespace {

// Keeps what the runner tells the caller.
class Observer final : public BatchObserver {
 public:
  void on_input_done(std::size_t index, const analysis::InputResult& result) override {
    order.push_back(index);
    results.push_back(result);
  }
  void on_progress(const BatchProgress& p) override { last = p; ++ticks; }
  std::vector<std::size_t> order;
  std::vector<analysis::InputResult> results;
  BatchProgress last;
  int ticks = 0;
};

std::string sample(const std::string& name) { return (test::source_dir() / "samples" / name).string(); }

// The whole JSON report for |inputs| analysed with |jobs| threads.
std::string json_output(const std::vector<BatchInput>& inputs, unsigned jobs, Observer* observer = nullptr) {
  std::ostringstream out;
  auto report = report::make_report(report::Format::Json, out, {});
  run_batch(inputs, PipelineOptions{}, BatchOptions{.jobs = jobs, .tick = std::chrono::milliseconds(1)},
            *report, observer);
  report->on_finish();
  return out.str();
}

class BatchRunnerTest : public ::testing::Test {
 protected:
  test::TempDir dir_;
};

TEST_F(BatchRunnerTest, AnyNumberOfJobsGivesTheOutputOfOne) {
  const std::string garbage = dir_.file("garbage.pcap").string();
  test::write_file(garbage, test::bytes("not a capture at all"));
  const std::vector<std::string> files = {
      sample("many-flows-mixed.pcap"), sample("tls12-ok-openssl.pcap"), garbage,
      sample("tls13-cert-expired-openssl.pcap"), dir_.file("missing.pcap").string(),
      sample("tls12-resumed-openssl.pcap"), sample("tls13-reordered-duplicated.pcap"),
      sample("tls13-ok-pcapng.pcapng"), sample("many-flows-mixed.pcap"),
  };
  const std::vector<BatchInput> inputs = find_inputs(files, {});
  ASSERT_EQ(inputs.size(), files.size());
  Observer one;
  const std::string expected = json_output(inputs, 1, &one);
  EXPECT_NE(expected.find("\"flows\""), std::string::npos);
  for (const unsigned jobs : {2u, 3u, 8u}) {
    SCOPED_TRACE("-j " + std::to_string(jobs));
    Observer many;
    EXPECT_EQ(json_output(inputs, jobs, &many), expected);
    EXPECT_EQ(many.order, one.order);
  }
  // In order, the bad ones in their place with their errors; the others analysed.
  ASSERT_EQ(one.order.size(), files.size());
  for (std::size_t i = 0; i < files.size(); ++i) {
    EXPECT_EQ(one.order[i], i);
    EXPECT_EQ(one.results[i].info.path, files[i]);
    EXPECT_EQ(one.results[i].error.has_value(), i == 2 || i == 4) << files[i];
  }
  EXPECT_NE(one.results[2].error->find("not a pcap or pcapng capture"), std::string::npos);
  EXPECT_NE(one.results[4].error->find("No such file"), std::string::npos);
  EXPECT_GT(one.results[3].stats.packets, 0u);
  // Progress ends at the totals.
  EXPECT_GE(one.ticks, 1);
  EXPECT_EQ(one.last.inputs_done, files.size());
  EXPECT_EQ(one.last.bytes_done, one.last.bytes_total);
}

TEST_F(BatchRunnerTest, NoInputsNoThreadsNoOutputButTheSummary) {
  Observer observer;
  const std::string out = json_output({}, 4, &observer);
  EXPECT_TRUE(observer.order.empty());
  EXPECT_NE(out.find("\"summary\""), std::string::npos);
}

TEST_F(BatchRunnerTest, KnownBadInputIsReportedNotRead) {
  Observer observer;
  json_output({BatchInput{{"some/dir"}, 0, "some/dir: cannot read directory: Permission denied"}}, 2, &observer);
  ASSERT_EQ(observer.results.size(), 1u);
  EXPECT_EQ(observer.results[0].info.path, "some/dir");
  EXPECT_EQ(observer.results[0].error, "some/dir: cannot read directory: Permission denied");
}

// Flows of the capture, as the pipeline reports them.
class Flows final : public analysis::FlowSink {
 public:
  void on_flow(const analysis::FlowRecord& flow) override { flows.push_back(flow); }
  void on_input_done(const analysis::InputResult&) override {}
  void on_finish() override {}
  std::vector<analysis::FlowRecord> flows;
};

// Writes the records of |source_path| into two files, cut before record |cut| (0-based).
std::pair<std::string, std::string> split_capture(const std::string& source_path, std::size_t cut,
                                                  const test::TempDir& dir) {
  capture::FileSource source(source_path);
  EXPECT_FALSE(source.open());
  std::vector<test::PcapRecord> first, second;
  capture::Packet p;
  bool selected = false;
  while (source.next(p, selected)) {
    test::PcapRecord r{.ts = p.ts, .data = test::Bytes(p.data.begin(), p.data.end()), .wire_len = p.wire_len};
    (first.size() < cut ? first : second).push_back(std::move(r));
  }
  const test::PcapFormat format{.link_type = source.info().link_type, .nanosecond = true};
  const std::string a = dir.file("cut.pcap").string();
  const std::string b = dir.file("cut.pcap1").string();
  test::write_file(a, test::pcap_bytes(format, first));
  test::write_file(b, test::pcap_bytes(format, second));
  return {a, b};
}

TEST_F(BatchRunnerTest, HandshakeCutByRotationIsOneFlowWhenMerged) {
  const std::string whole = sample("tls12-ok-openssl.pcap");
  Flows unsplit;
  const analysis::InputResult all = analyze_input({whole}, {}, unsplit);
  ASSERT_FALSE(all.error);
  ASSERT_EQ(unsplit.flows.size(), 1u);
  ASSERT_TRUE(unsplit.flows[0].established);

  // Cut in the middle of the handshake: the first piece ends with the server's first flight
  // (packet 6: ServerHello, Certificate, ..., ServerHelloDone), the second starts with the
  // client's ClientKeyExchange.
  const auto [a, b] = split_capture(whole, 6, dir_);
  Flows halves;
  const analysis::InputResult ra = analyze_input({a}, {}, halves);
  const analysis::InputResult rb = analyze_input({b}, {}, halves);
  ASSERT_FALSE(ra.error);
  ASSERT_FALSE(rb.error);
  ASSERT_EQ(halves.flows.size(), 2u);
  EXPECT_FALSE(halves.flows[0].established);
  EXPECT_FALSE(halves.flows[1].established);

  // With --merge-rotated the two pieces are grouped and read as one capture.
  const std::vector<BatchInput> grouped = group_rotated_inputs(find_inputs({a, b}, {}));
  ASSERT_EQ(grouped.size(), 1u);
  EXPECT_EQ(grouped[0].paths, (std::vector<std::string>{a, b}));
  Flows merged;
  const analysis::InputResult rm = analyze_input(grouped[0].paths, {}, merged);
  ASSERT_FALSE(rm.error);
  EXPECT_EQ(rm.info.path, a);
  EXPECT_EQ(rm.info.parts, grouped[0].paths);
  EXPECT_TRUE(rm.info.notes.empty());
  EXPECT_EQ(rm.stats.packets, all.stats.packets);
  ASSERT_EQ(merged.flows.size(), 1u);
  EXPECT_TRUE(merged.flows[0].established);
  EXPECT_EQ(merged.flows[0].history, unsplit.flows[0].history);
  EXPECT_EQ(merged.flows[0].verdict.reason, unsplit.flows[0].verdict.reason);
  EXPECT_EQ(merged.flows[0].first_packet, unsplit.flows[0].first_packet);
}

}  // namespace
}  // namespace tlsdiag::app
