# Live mode (issue 5).
#
# test_app: unit tests of src/app/ (tests/unit/app/*_test.cpp) linked with the app's library (the
# binary's sources but main()); the stages' own tests stay per stage.
file(GLOB app_tests CONFIGURE_DEPENDS ${CMAKE_CURRENT_SOURCE_DIR}/unit/app/*_test.cpp)
if(app_tests)
  add_executable(test_app ${app_tests})
  target_include_directories(test_app PRIVATE ${CMAKE_SOURCE_DIR}/src/app ${CMAKE_CURRENT_SOURCE_DIR}/unit/app)
  target_link_libraries(test_app PRIVATE tlsdiag_app tlsdiag_test_support GTest::gtest_main)
  gtest_discover_tests(test_app DISCOVERY_TIMEOUT 60)
endif()

# live_loopback: `tlsdiag live -i lo` in a private network namespace watching three real
# handshakes driven with openssl s_server/s_client (one success, one protocol version mismatch,
# one untrusted certificate), then SIGINT; checks the JSONL flow, stats and summary lines.
# Needs root, `unshare -n` and openssl; skipped (exit 77) with the reason otherwise.
add_test(NAME live_loopback
  COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/live/live_loopback.sh $<TARGET_FILE:tlsdiag>)
set_tests_properties(live_loopback PROPERTIES SKIP_RETURN_CODE 77 TIMEOUT 60)

# live_veth: `tlsdiag live -i veth0` between two private network namespaces (real Ethernet
# frames), text output and --write-failures re-read by `tlsdiag analyze`. Skipped (exit 77)
# without root, network namespaces or veth support.
add_test(NAME live_veth
  COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/live/live_veth.sh $<TARGET_FILE:tlsdiag>)
set_tests_properties(live_veth PROPERTIES SKIP_RETURN_CODE 77 TIMEOUT 60)
