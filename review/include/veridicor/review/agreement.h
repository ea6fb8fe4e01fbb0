#pragma once
/// \file
/// Agreement statistics of the AI against the clinician from a 2×2 table (review/README.md, "Agreement"):
///
///                      clinician +   clinician −
///        AI +              tp            fp
///        AI −              fn            tn
///
/// n = tp+fp+fn+tn; po = (tp+tn)/n; pe = ((tp+fp)(tp+fn) + (fn+tn)(fp+tn))/n²
///  - Cohen's κ = (po − pe)/(1 − pe) (Cohen 1960).
///  - Its standard error is the large-sample (non-null) SE of Fleiss, Cohen & Everitt (1969), "Large sample
///    standard errors of kappa and weighted kappa", Psychol Bull 72:323–327 (also Fleiss, Levin & Paik,
///    Statistical Methods for Rates and Proportions, 3rd ed. 2003, ch. 18), with p_ij the cell proportions and
///    p_i., p_.j the margins:
///        SE = sqrt( [ Σ_i p_ii (1 − (p_i. + p_.i)(1 − κ))² + (1 − κ)² Σ_{i≠j} p_ij (p_.i + p_j.)²
///                     − (κ − pe(1 − κ))² ] / n ) / (1 − pe)
///    The 95 % interval is κ ± 1.959964 SE, clipped to [−1, 1].
///  - PABAK = 2 po − 1 (Byrt, Bishop & Carlin 1993, J Clin Epidemiol 46:423–429).
///  - Gwet's AC1 = (po − pγ)/(1 − pγ), pγ = 2 π (1 − π), π = ((tp+fp) + (tp+fn)) / (2n) (Gwet 2008, Br J Math
///    Stat Psychol 61:29–48).
///  - PPA = tp/(tp+fn) (the AI's sensitivity against the clinician), NPA = tn/(tn+fp) (specificity),
///    PPV = tp/(tp+fp), NPV = tn/(tn+fn).
/// A value that is undefined is std::nullopt with the reason in the matching `*Why` string — never NaN and
/// never a silent 0: every figure when n = 0; κ and its interval when pe = 1 (both sides gave one and the same
/// answer for every reading); the SE and interval of κ also when one side gave a single answer for every
/// reading (an empty margin: κ is then fixed by the table — 0 — and its SE is 0 by construction, which
/// measures nothing); PPA when the clinician has no positive, NPA when the clinician has no negative,
/// PPV when the AI has no positive, NPV when the AI has no negative (an empty margin).

#include <veridicor/review/categories.h>
#include <veridicor/review/side_by_side.h>

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <tuple>
#include <utility>

namespace veridicor::review {

struct Table {
    std::uint64_t tp = 0; ///< AI +, clinician +
    std::uint64_t fp = 0; ///< AI +, clinician −
    std::uint64_t fn = 0; ///< AI −, clinician +
    std::uint64_t tn = 0; ///< AI −, clinician −
    [[nodiscard]] std::uint64_t n() const { return tp + fp + fn + tn; }
    void add(bool aiPositive, bool clinicianPositive);
    friend bool operator==(const Table&, const Table&) = default;
};

/// A figure that may be undefined: its value, or nullopt and why.
struct Figure {
    std::optional<double> value;
    std::string why; ///< empty when defined
};

struct Interval {
    double lo = 0;
    double hi = 0;
};

struct Agreement {
    std::uint64_t n = 0;
    Figure agreement;  ///< po
    Figure chance;     ///< pe (Cohen)
    Figure kappa;
    Figure kappaSe;    ///< Fleiss, Cohen & Everitt 1969
    std::optional<Interval> kappaCi; ///< 95 %; nullopt exactly when kappaSe is
    Figure pabak;
    Figure ac1;
    Figure ppa;
    Figure npa;
    Figure ppv;
    Figure npv;
};

Agreement agreement(const Table& table);

/// The grouping of the agreement statistics.
struct GroupKey {
    std::string modelName;
    std::string modelVersion;
    Category category = Category::EcgOverall;
    std::string reader;
    friend bool operator==(const GroupKey&, const GroupKey&) = default;
    friend bool operator<(const GroupKey& a, const GroupKey& b) {
        return std::tie(a.modelName, a.modelVersion, a.category, a.reader) <
               std::tie(b.modelName, b.modelVersion, b.category, b.reader);
    }
};

struct Group {
    Table table;
    std::uint64_t disagreements = 0; ///< rows both positive with incompatible codes (counted as tp in `table`)
};

/// Accumulates 2×2 tables by (model name, version, category, reader). A study's Disagree row counts as AI +,
/// clinician + (both called the category abnormal) and also in `disagreements`, so it is never hidden.
class AgreementGroups {
public:
    void add(const GroupKey& key, bool aiPositive, bool clinicianPositive);
    /// Counts a row of the group that both sides called positive with incompatible codes.
    void countDisagreement(const GroupKey& key) { ++groups_[key].disagreements; }
    /// Every row of a study, for the model that made its findings and the reader who signed the reading.
    void addStudy(const std::string& modelName, const std::string& modelVersion, const std::string& reader,
                  const SideBySide& study);
    [[nodiscard]] const std::map<GroupKey, Group>& groups() const { return groups_; }

private:
    std::map<GroupKey, Group> groups_;
};

} // namespace veridicor::review
