#include "tlsdiag/net/ip_fragments.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <numeric>
#include <vector>

#include "support/packet_builder.h"

namespace tlsdiag::net {
namespace {

using Bytes = std::vector<std::uint8_t>;

Bytes sequence(std::size_t n) {
  Bytes b(n);
  std::iota(b.begin(), b.end(), std::uint8_t{0});
  return b;
}

FragmentKey key(std::uint32_t id = 7) {
  return FragmentKey{test::ip("192.0.2.1"), test::ip("198.51.100.2"), id, 6};
}

// The pieces of |whole| cut every |chunk| bytes, as Fragments of datagram |id|.
// The spans point into |whole|, which must outlive them.
std::vector<Fragment> cut(const Bytes& whole, std::size_t chunk, std::uint32_t id = 7) {
  std::vector<Fragment> out;
  for (std::size_t at = 0; at < whole.size(); at += chunk) {
    Fragment f;
    f.key = key(id);
    f.offset = static_cast<std::uint32_t>(at);
    f.data = std::span(whole).subspan(at, std::min(chunk, whole.size() - at));
    f.length = static_cast<std::uint32_t>(f.data.size());
    f.more = at + chunk < whole.size();
    f.protocol = 6;
    f.ttl = static_cast<std::uint8_t>(60 + out.size());
    f.ts = Timestamp{static_cast<std::int64_t>(out.size())};
    out.push_back(f);
  }
  return out;
}

// Feeds |order| of |pieces|; returns the datagram if the last one completed it.
std::optional<Bytes> feed(FragmentTable& table, const std::vector<Fragment>& pieces,
                          const std::vector<std::size_t>& order) {
  for (std::size_t i = 0; i < order.size(); ++i) {
    Datagram d;
    const FragmentResult r = table.add(pieces[order[i]], d);
    if (r == FragmentResult::Complete) {
      EXPECT_EQ(i, order.size() - 1) << "completed early";
      EXPECT_EQ(d.protocol, 6);
      EXPECT_EQ(d.ttl, 60);  // from the offset-0 fragment
      return Bytes(d.payload.begin(), d.payload.end());
    }
    EXPECT_EQ(r, FragmentResult::Pending);
  }
  return std::nullopt;
}

TEST(FragmentTable, ReassemblesInAnyOrder) {
  const Bytes whole = sequence(100);
  const auto pieces = cut(whole, 32);  // 32, 32, 32, 4
  const std::vector<std::vector<std::size_t>> orders = {
      {0, 1, 2, 3}, {3, 2, 1, 0}, {1, 3, 0, 2}, {2, 0, 3, 1}};
  for (const auto& order : orders) {
    SCOPED_TRACE(::testing::PrintToString(order));
    FragmentTable table;
    EXPECT_EQ(feed(table, pieces, order), whole);
    EXPECT_EQ(table.in_flight(), 0u);
    EXPECT_EQ(table.dropped(), 0u);
  }
}

TEST(FragmentTable, DuplicatesAndOverlapsLaterBytesWin) {
  const Bytes whole = sequence(48);
  auto pieces = cut(whole, 16);
  Bytes other(24, 0xee);
  Fragment overlap = pieces[0];  // covers 8..32 with 0xee
  overlap.offset = 8;
  overlap.data = other;
  overlap.length = 24;
  overlap.more = true;
  FragmentTable table;
  Datagram d;
  EXPECT_EQ(table.add(pieces[0], d), FragmentResult::Pending);
  EXPECT_EQ(table.add(pieces[0], d), FragmentResult::Pending);  // duplicate
  EXPECT_EQ(table.add(pieces[1], d), FragmentResult::Pending);
  EXPECT_EQ(table.add(overlap, d), FragmentResult::Pending);
  ASSERT_EQ(table.add(pieces[2], d), FragmentResult::Complete);
  Bytes expect = whole;
  std::fill(expect.begin() + 8, expect.begin() + 32, 0xee);
  EXPECT_EQ(Bytes(d.payload.begin(), d.payload.end()), expect);
}

TEST(FragmentTable, DatagramsDoNotMix) {
  const Bytes a = sequence(40);
  const Bytes b(40, 0x55);
  const auto pa = cut(a, 24, 1);
  const auto pb = cut(b, 24, 2);
  FragmentTable table;
  Datagram d;
  EXPECT_EQ(table.add(pa[0], d), FragmentResult::Pending);
  EXPECT_EQ(table.add(pb[1], d), FragmentResult::Pending);
  EXPECT_EQ(table.in_flight(), 2u);
  ASSERT_EQ(table.add(pb[0], d), FragmentResult::Complete);
  EXPECT_EQ(Bytes(d.payload.begin(), d.payload.end()), b);
  ASSERT_EQ(table.add(pa[1], d), FragmentResult::Complete);
  EXPECT_EQ(Bytes(d.payload.begin(), d.payload.end()), a);
}

TEST(FragmentTable, InvalidFragmentsAreRefused) {
  const Bytes data(16, 1);
  Fragment f;
  f.key = key();
  f.data = data;
  f.length = 12;
  f.more = true;  // a non-final fragment must be a multiple of 8
  FragmentTable table;
  Datagram d;
  EXPECT_EQ(table.add(f, d), FragmentResult::Invalid);
  f.length = 16;
  f.offset = 65528;  // ends past 65535
  EXPECT_EQ(table.add(f, d), FragmentResult::Invalid);
  EXPECT_EQ(table.in_flight(), 0u);
}

TEST(FragmentTable, TimeoutGivesUp) {
  const Bytes whole = sequence(40);
  const auto pieces = cut(whole, 24);
  FragmentTable table(FragmentLimits{.max_datagrams = 4, .timeout_ns = 1000});
  Datagram d;
  EXPECT_EQ(table.add(pieces[0], d), FragmentResult::Pending);
  Fragment late = pieces[1];
  late.ts = Timestamp{5000};
  EXPECT_EQ(table.add(late, d), FragmentResult::Pending);  // the first one expired meanwhile
  EXPECT_EQ(table.dropped(), 1u);
  EXPECT_EQ(table.in_flight(), 1u);
  table.clear();
  EXPECT_EQ(table.dropped(), 2u);
}

TEST(FragmentTable, FullTableGivesUpTheOldest) {
  FragmentTable table(FragmentLimits{.max_datagrams = 2, .timeout_ns = 1'000'000});
  const Bytes whole = sequence(40);
  std::vector<std::vector<Fragment>> datagrams;
  for (std::uint32_t id = 1; id <= 3; ++id) datagrams.push_back(cut(whole, 24, id));
  Datagram d;
  for (std::uint32_t i = 0; i < 3; ++i) {
    datagrams[i][0].ts = Timestamp{i};
    EXPECT_EQ(table.add(datagrams[i][0], d), FragmentResult::Pending);
  }
  EXPECT_EQ(table.dropped(), 1u);  // datagram 1 made room for 3
  EXPECT_EQ(table.in_flight(), 2u);
  EXPECT_EQ(table.add(datagrams[2][1], d), FragmentResult::Complete);
  EXPECT_EQ(table.add(datagrams[1][1], d), FragmentResult::Complete);
  EXPECT_EQ(table.add(datagrams[0][1], d), FragmentResult::Pending);  // starts over, alone
}

TEST(FragmentTable, FragmentCutBySnaplenSpoilsItsDatagram) {
  const Bytes whole = sequence(40);
  auto pieces = cut(whole, 24);
  pieces[0].data = pieces[0].data.first(10);  // 24 bytes per the IP header, 10 captured
  FragmentTable table;
  Datagram d;
  EXPECT_EQ(table.add(pieces[0], d), FragmentResult::Pending);
  EXPECT_EQ(table.dropped(), 1u);
  EXPECT_EQ(table.add(pieces[1], d), FragmentResult::Pending);  // absorbed, not a new datagram
  EXPECT_EQ(table.in_flight(), 0u);
  table.clear();
  EXPECT_EQ(table.dropped(), 1u);  // counted once
}

TEST(FragmentTable, ContradictoryLastFragmentsSpoilTheDatagram) {
  const Bytes whole = sequence(40);
  const auto pieces = cut(whole, 24);
  Fragment other_end = pieces[1];
  other_end.data = other_end.data.first(8);
  other_end.length = 8;  // ends at 32, the other last fragment at 40
  FragmentTable table;
  Datagram d;
  EXPECT_EQ(table.add(pieces[1], d), FragmentResult::Pending);
  EXPECT_EQ(table.add(other_end, d), FragmentResult::Pending);
  EXPECT_EQ(table.add(pieces[0], d), FragmentResult::Pending);
  EXPECT_EQ(table.dropped(), 1u);
}

}  // namespace
}  // namespace tlsdiag::net
