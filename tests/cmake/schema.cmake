# schema_samples: runs `tlsdiag analyze --format json|jsonl` over every samples/*.pcap* and
# validates the output against docs/tlsdiag-output.schema.json. Skipped (exit 77) without the
# python3 jsonschema module; passes with a message when samples/ holds no captures.
add_test(NAME schema_samples
  COMMAND ${CMAKE_COMMAND} -E env python3 ${CMAKE_SOURCE_DIR}/tests/schema/validate_outputs.py
    --schema ${CMAKE_SOURCE_DIR}/docs/tlsdiag-output.schema.json
    --tlsdiag $<TARGET_FILE:tlsdiag>
    --samples ${CMAKE_SOURCE_DIR}/samples)
set_tests_properties(schema_samples PROPERTIES SKIP_RETURN_CODE 77 TIMEOUT 600)
# The same over the hostile-input findings: the fields only a cap hit writes (alerts_omitted,
# tcp.events_omitted, history_omitted, first conflicts) are checked too.
add_test(NAME schema_findings
  COMMAND ${CMAKE_COMMAND} -E env python3 ${CMAKE_SOURCE_DIR}/tests/schema/validate_outputs.py
    --schema ${CMAKE_SOURCE_DIR}/docs/tlsdiag-output.schema.json
    --tlsdiag $<TARGET_FILE:tlsdiag>
    --samples ${CMAKE_SOURCE_DIR}/tests/adversarial/findings)
set_tests_properties(schema_findings PROPERTIES SKIP_RETURN_CODE 77 TIMEOUT 600)
