#pragma once
/// \file
/// How critical an AI finding's code is, for the worklist's severity-first order: one table, SNOMED CT concept
/// → rank and a short label (the sources of the codes are in worklist/README.md). Higher ranks come first.

#include <QString>

#include <span>
#include <string_view>

namespace veridicor::verify {
struct CodedConcept;
} // namespace veridicor::verify

namespace veridicor::worklist {

/// No trusted finding at all.
inline constexpr int kNoFindingRank = 0;
/// A trusted finding whose code is not in the table: above "no finding", below every listed condition.
inline constexpr int kUnlistedFindingRank = 1;

struct SeverityEntry {
    std::string_view scheme; ///< coding scheme designator as in a finding bundle ("SCT")
    std::string_view value;  ///< concept ID
    int rank = 0;
    std::string_view label; ///< short text for the worklist column
};

/// The table, most critical first.
std::span<const SeverityEntry> severityTable();

struct Severity {
    int rank = kNoFindingRank;
    QString label;
};

/// The rank and label of `code`: the table's entry, or kUnlistedFindingRank with the code's own meaning.
/// Whether the finding may count at all (only trusted findings do) is the caller's decision (ai_summary.h).
Severity severityOf(const verify::CodedConcept& code);

} // namespace veridicor::worklist
