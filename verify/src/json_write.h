#pragma once
// Writing part of a document: for a writer that puts a large value into its output without copying it into
// a json::Value first (the verdict JSON echoes a statement's findings, up to tens of MiB).

#include <veridicor/verify/json.h>

#include <string>

namespace veridicor::verify::detail {

/// Appends `value` as json::serializeIndented() writes it as a member of an object `depth` levels deep (the
/// text after `"key": `); compact, as json::serialize() does, when `indent` < 0.
void appendJson(std::string& out, const json::Value& value, int indent, int depth);

} // namespace veridicor::verify::detail
