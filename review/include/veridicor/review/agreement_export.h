#pragma once
/// \file
/// The agreement statistics of a review set as JSON, CSV or a table for people (`veridicor-cli agreement`;
/// the JSON shape is in review/README.md, "Agreement as JSON and CSV"). The groups of AgreementGroups are
/// pooled over the keys not chosen (`GroupBy`): with model and category chosen, the readers' tables of a
/// (model, version, category) are added together. An undefined figure is JSON null with its reason beside
/// it ("kappaWhy"), an empty CSV cell with its reason in the matching *_why column — never NaN, never 0.

#include <veridicor/review/agreement.h>
#include <veridicor/review/reviewed_study.h>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace veridicor::review {

/// Which keys the statistics are grouped by; a key not chosen is pooled.
struct GroupBy {
    bool model = true; ///< name and version together
    bool category = true;
    bool reader = false;
};

/// Parses "model,category,reader" (any non-empty subset, any order, no repeats). nullopt: not one.
std::optional<GroupBy> parseGroupBy(std::string_view text);
/// "model,category" …
std::string groupByText(GroupBy by);

/// One pooled group: the keys chosen are set.
struct PooledGroup {
    std::optional<std::string> modelName;
    std::optional<std::string> modelVersion;
    std::optional<Category> category;
    std::optional<std::string> reader;
    Group group;
};

/// The groups of `groups` pooled over the keys `by` does not choose, in key order.
std::vector<PooledGroup> poolGroups(const AgreementGroups& groups, GroupBy by);

/// {"by": [...], "groups": [...], "leftOut": [{"path", "studyUid", "reason"}]} (review/README.md).
std::string agreementToJson(const AgreementGroups& groups, const std::vector<LeftOut>& leftOut, GroupBy by,
                            int indent = 2);

/// One line per group (header first); then, after an empty line, one line per left-out item
/// ("left_out,path,study_uid,reason"). RFC 4180 quoting.
std::string agreementToCsv(const AgreementGroups& groups, const std::vector<LeftOut>& leftOut, GroupBy by);

/// A readable table of the groups (no left-out list: the CLI writes that to stderr, leftOutText()).
std::string agreementToText(const AgreementGroups& groups, GroupBy by);
/// "left out: PATH (study UID): reason", one line each.
std::string leftOutText(const std::vector<LeftOut>& leftOut);

} // namespace veridicor::review
