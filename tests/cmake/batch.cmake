# Batch mode (issue 6).
#
# test_capture makes its compressed fixtures with zlib, libzstd and liblzma (the libraries the
# capture stage reads them with).
target_link_libraries(test_capture PRIVATE PkgConfig::ZLIB PkgConfig::ZSTD PkgConfig::LZMA)

# batch_cli: `tlsdiag analyze` on a directory of mixed inputs (pcap, pcapng, .gz, .zst, .xz, a
# truncated .gz, an empty file, a non-capture): errors on stderr, in the text summary and in JSON
# inputs, exit status 2; -j 1 / -j 2 / -j 5 byte-identical; --glob; --merge-rotated joining a
# handshake cut in two. Skipped (exit 77) without gzip, zstd, xz or python3.
add_test(NAME batch_cli
  COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/batch/batch_cli.sh $<TARGET_FILE:tlsdiag>)
set_tests_properties(batch_cli PROPERTIES SKIP_RETURN_CODE 77 TIMEOUT 300)
