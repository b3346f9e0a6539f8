# Mergeable results (issue 6).
#
# merge_cli: `tlsdiag analyze --format json` over every samples/ capture at once, and over three
# consecutive shards then `tlsdiag merge`: byte-identical, same exit status; another shard order
# gives the same summary counts; exit statuses 0 and 2 carry over; what is not a report (or was
# analysed with another --since/--until) is refused with exit status 2. Skipped (exit 77) without
# python3.
add_test(NAME merge_cli
  COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/merge/merge_cli.sh $<TARGET_FILE:tlsdiag>)
set_tests_properties(merge_cli PROPERTIES SKIP_RETURN_CODE 77 TIMEOUT 300)
