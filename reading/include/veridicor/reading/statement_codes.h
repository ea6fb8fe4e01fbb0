#pragma once
/// \file
/// The coded statements the reading panel offers, with their SNOMED CT concept ids. Every code here is
/// taken from a published list (reading/README.md names the source of each group); none is made up. The
/// panel searches this list by typing; a reading may also carry other SNOMED CT codes.

#include <span>
#include <string_view>

namespace veridicor::reading {

enum class StatementGroup {
    EcgOverall,        ///< normal / abnormal ECG
    EcgRhythm,
    EcgConduction,
    EcgAxis,
    EcgHypertrophy,
    EcgIschaemia,      ///< ischaemia and infarction, by territory
    EcgRepolarisation, ///< ST, T, QT
    EchoLvFunction,    ///< left-ventricular systolic function, graded where a code exists
    EchoWallMotion,    ///< DICOM CID 3703 Wall Motion; regional, with a site (statementSites())
};

/// "ECG: rhythm", "Echo: wall motion", …
std::string_view statementGroupName(StatementGroup group);

struct StatementCode {
    StatementGroup group;
    std::string_view sctId;   ///< SNOMED CT concept id
    std::string_view meaning; ///< the display name of the source list
};

/// Every statement, grouped, in panel order.
std::span<const StatementCode> statementCodes();

/// The statement with this SNOMED CT id, or nullptr.
const StatementCode* findStatement(std::string_view sctId);

/// Where a regional statement (EchoWallMotion) applies: the left-ventricle walls of DICOM CID 3232 and the
/// segments of the 17-segment model (CID 3717: CID 3782 basal, 3783 mid, 3784 apical rings), each a SNOMED CT
/// concept the SR records as the statement's Finding Site.
struct StatementSite {
    std::string_view sctId;
    std::string_view meaning;
};
std::span<const StatementSite> statementSites();

/// The site with this SNOMED CT id, or nullptr.
const StatementSite* findStatementSite(std::string_view sctId);

} // namespace veridicor::reading
