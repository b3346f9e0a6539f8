# schema_samples: runs `tlsdiag analyze --format json|jsonl` over every samples/*.pcap* and
# validates the output against docs/tlsdiag-output.schema.json. Skipped (exit 77) without the
# python3 jsonschema module; passes with a message when samples/ holds no captures.
add_test(NAME schema_samples
  COMMAND ${CMAKE_COMMAND} -E env python3 ${CMAKE_SOURCE_DIR}/tests/schema/validate_outputs.py
    --schema ${CMAKE_SOURCE_DIR}/docs/tlsdiag-output.schema.json
    --tlsdiag $<TARGET_FILE:tlsdiag>
    --samples ${CMAKE_SOURCE_DIR}/samples)
set_tests_properties(schema_samples PROPERTIES SKIP_RETURN_CODE 77 TIMEOUT 600)
