#include "batch_inputs.h"

#include <fnmatch.h>

#include <algorithm>
#include <filesystem>
#include <map>
#include <utility>

#include "tlsdiag/capture/file_source.h"
#include "tlsdiag/capture/rotation.h"

namespace tlsdiag::app {

namespace fs = std::filesystem;

namespace {

std::uint64_t size_on_disk(const std::string& path) {
  std::error_code ec;
  const std::uintmax_t size = fs::file_size(path, ec);
  return ec ? 0 : static_cast<std::uint64_t>(size);
}

BatchInput file_input(std::string path) {
  BatchInput input;
  input.bytes = size_on_disk(path);
  input.paths.push_back(std::move(path));
  return input;
}

std::string without_compression_suffix(std::string_view name) {
  for (std::string_view suffix : {".gz", ".zst", ".xz"}) {
    if (name.size() > suffix.size() && name.ends_with(suffix)) {
      name.remove_suffix(suffix.size());
      break;
    }
  }
  return std::string(name);
}

bool fnmatches(const std::string& pattern, const std::string& name) {
  return fnmatch(pattern.c_str(), name.c_str(), 0) == 0;
}

// Capture files under |dir|, sorted; |error| set when the walk failed (what was found is kept).
std::vector<std::string> walk(const std::string& dir, const std::vector<std::string>& patterns,
                              std::string& error) {
  std::vector<std::string> found;
  std::error_code ec;
  // The directory itself must be readable; below it, what cannot be entered is skipped.
  if (fs::directory_iterator(dir, ec); ec) {
    error = dir + ": cannot read directory: " + ec.message();
    return found;
  }
  const auto options = fs::directory_options::skip_permission_denied;
  for (auto it = fs::recursive_directory_iterator(dir, options, ec);
       !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
    std::error_code type_ec;
    if (it->is_regular_file(type_ec) && matches_capture_name(it->path().filename().string(), patterns))
      found.push_back(it->path().string());
  }
  if (ec) error = dir + ": cannot read directory: " + ec.message();
  std::ranges::sort(found);
  return found;
}

}  // namespace

bool matches_capture_name(std::string_view file_name, const std::vector<std::string>& patterns) {
  const std::string name(file_name);
  if (!patterns.empty()) {
    return std::ranges::any_of(patterns, [&](const std::string& p) { return fnmatches(p, name); });
  }
  const std::string base = without_compression_suffix(name);
  return std::ranges::any_of(kDefaultPatterns,
                             [&](std::string_view p) { return fnmatches(std::string(p), base); });
}

std::vector<BatchInput> find_inputs(const std::vector<std::string>& args,
                                    const std::vector<std::string>& patterns) {
  std::vector<BatchInput> inputs;
  for (const std::string& arg : args) {
    std::error_code ec;
    if (!fs::is_directory(arg, ec)) {
      inputs.push_back(file_input(arg));  // a missing file is reported when it is opened
      continue;
    }
    std::string error;
    for (std::string& path : walk(arg, patterns, error)) inputs.push_back(file_input(std::move(path)));
    if (!error.empty()) inputs.push_back(BatchInput{{arg}, 0, error});
  }
  return inputs;
}

namespace {

// The link type of a file, or -1 when it cannot be opened (it then stays alone, and reading it
// reports why).
int link_type_of(const std::string& path) {
  capture::FileSource probe(path);
  if (probe.open()) return -1;
  return probe.info().link_type;
}

// Candidates for grouping: link types read only for files that share directory and stem.
std::vector<capture::RotationCandidate> candidates(const std::vector<BatchInput>& inputs) {
  std::map<std::pair<std::string, std::string>, std::size_t> siblings;
  auto key = [](const std::string& path) {
    const fs::path p(path);
    return std::pair(p.parent_path().string(), capture::rotation_stem(p.filename().string()));
  };
  for (const BatchInput& input : inputs)
    if (!input.error) ++siblings[key(input.paths.front())];
  std::vector<capture::RotationCandidate> out;
  for (const BatchInput& input : inputs) {
    capture::RotationCandidate c{input.paths.front(), -1};
    if (!input.error && siblings[key(c.path)] > 1) c.link_type = link_type_of(c.path);
    out.push_back(std::move(c));
  }
  return out;
}

}  // namespace

std::vector<BatchInput> group_rotated_inputs(std::vector<BatchInput> inputs) {
  const auto groups = capture::group_rotated(candidates(inputs));
  std::vector<BatchInput> grouped;
  grouped.reserve(groups.size());
  for (const auto& group : groups) {
    if (group.size() == 1) {
      grouped.push_back(std::move(inputs[group.front()]));
      continue;
    }
    BatchInput merged;
    for (std::size_t i : group) {
      merged.paths.push_back(inputs[i].paths.front());
      merged.bytes += inputs[i].bytes;
    }
    grouped.push_back(std::move(merged));
  }
  return grouped;
}

}  // namespace tlsdiag::app
