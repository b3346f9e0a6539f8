# test_regress: replays tests/fuzz/regressions/<target>/* and tests/fuzz/seeds/<target>/* through
# the fuzz target functions (tests/fuzz/targets.cpp) with the normal compiler, so g++ and the
# sanitizer builds (scripts/test.sh --sanitize) run every crash the fuzzers ever found. One gtest
# per file, listed when ctest runs (DISCOVERY_MODE PRE_TEST), so a new file needs no rebuild.
add_executable(test_regress
  ${CMAKE_CURRENT_SOURCE_DIR}/unit/regress/replay_test.cpp
  ${CMAKE_CURRENT_SOURCE_DIR}/fuzz/targets.cpp)
target_include_directories(test_regress PRIVATE ${CMAKE_CURRENT_SOURCE_DIR}/fuzz)
target_link_libraries(test_regress PRIVATE tlsdiag_app tlsdiag_test_support GTest::gtest_main)
gtest_discover_tests(test_regress DISCOVERY_TIMEOUT 60 DISCOVERY_MODE PRE_TEST)
