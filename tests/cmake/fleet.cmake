# Fleet views, time windows and what-if (issue 6).
#
# fleet_cli: `tlsdiag whatif` over samples with known answers (which clients a stricter minimum
# version or cipher list would break, per server), `analyze --since/--until`, and the server view
# with its inferred policy in the JSON and text summaries. Skipped (exit 77) without python3.
add_test(NAME fleet_cli
  COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/fleet/fleet_cli.sh $<TARGET_FILE:tlsdiag>)
set_tests_properties(fleet_cli PROPERTIES SKIP_RETURN_CODE 77 TIMEOUT 120)
