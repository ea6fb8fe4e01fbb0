#include <veridicor/review/agreement.h>

#include <algorithm>
#include <cmath>

namespace veridicor::review {

namespace {

constexpr double kZ95 = 1.959963984540054; // the 0.975 quantile of the standard normal

Figure defined(double v) { return Figure{v, ""}; }
Figure undefined(std::string why) { return Figure{std::nullopt, std::move(why)}; }

Figure ratio(std::uint64_t num, std::uint64_t den, const char* whyZero) {
    if (den == 0) {
        return undefined(whyZero);
    }
    return defined(static_cast<double>(num) / static_cast<double>(den));
}

} // namespace

void Table::add(bool aiPositive, bool clinicianPositive) {
    if (aiPositive) {
        ++(clinicianPositive ? tp : fp);
    } else {
        ++(clinicianPositive ? fn : tn);
    }
}

Agreement agreement(const Table& t) {
    Agreement a;
    a.n = t.n();
    if (a.n == 0) {
        const std::string why = "no readings (n = 0)";
        a.agreement = a.chance = a.kappa = a.kappaSe = a.pabak = a.ac1 = undefined(why);
        a.ppa = a.npa = a.ppv = a.npv = undefined(why);
        return a;
    }
    const auto n = static_cast<double>(a.n);
    const double p11 = static_cast<double>(t.tp) / n;
    const double p12 = static_cast<double>(t.fp) / n;
    const double p21 = static_cast<double>(t.fn) / n;
    const double p22 = static_cast<double>(t.tn) / n;
    const double r1 = p11 + p12; // AI +
    const double r2 = p21 + p22; // AI −
    const double c1 = p11 + p21; // clinician +
    const double c2 = p12 + p22; // clinician −
    const double po = p11 + p22;
    const double pe = r1 * c1 + r2 * c2;
    a.agreement = defined(po);
    a.chance = defined(pe);
    a.pabak = defined(2 * po - 1);
    const double pi = (r1 + c1) / 2;
    const double pg = 2 * pi * (1 - pi); // <= 0.5: AC1 is defined whenever n > 0
    a.ac1 = defined((po - pg) / (1 - pg));

    // pe = 1 exactly when both sides put every reading in one and the same class (r1 = c1 ∈ {0, 1}); the
    // margins are exact multiples of 1/n, so the integer test is exact where the floating one might not be.
    const bool allOneClass = (t.tp == a.n) || (t.tn == a.n);
    if (allOneClass) {
        const std::string why = "chance agreement pe = 1: both sides gave the same single answer for every reading";
        a.kappa = a.kappaSe = undefined(why);
    } else {
        const double k = (po - pe) / (1 - pe);
        a.kappa = defined(k);
    }
    const bool emptyMargin = t.tp + t.fp == 0 || t.fn + t.tn == 0 || t.tp + t.fn == 0 || t.fp + t.tn == 0;
    if (!allOneClass && emptyMargin) {
        a.kappaSe = undefined("one side gave a single answer for every reading: kappa is fixed by the table "
                              "(its standard error is 0 by construction and measures nothing)");
    } else if (!allOneClass) {
        const double k = *a.kappa.value;
        const double q = 1 - k;
        const double diag = p11 * std::pow(1 - (r1 + c1) * q, 2) + p22 * std::pow(1 - (r2 + c2) * q, 2);
        const double off = q * q * (p12 * std::pow(c1 + r2, 2) + p21 * std::pow(c2 + r1, 2));
        const double last = std::pow(k - pe * q, 2);
        const double var = std::max(0.0, diag + off - last) / n;
        const double se = std::sqrt(var) / (1 - pe);
        a.kappaSe = defined(se);
        a.kappaCi = Interval{std::max(-1.0, k - kZ95 * se), std::min(1.0, k + kZ95 * se)};
    }
    a.ppa = ratio(t.tp, t.tp + t.fn, "no clinician positive (tp + fn = 0)");
    a.npa = ratio(t.tn, t.tn + t.fp, "no clinician negative (tn + fp = 0)");
    a.ppv = ratio(t.tp, t.tp + t.fp, "no AI positive (tp + fp = 0)");
    a.npv = ratio(t.tn, t.tn + t.fn, "no AI negative (tn + fn = 0)");
    return a;
}

void AgreementGroups::add(const GroupKey& key, bool aiPositive, bool clinicianPositive) {
    groups_[key].table.add(aiPositive, clinicianPositive);
}

void AgreementGroups::addStudy(const std::string& modelName, const std::string& modelVersion,
                               const std::string& reader, const SideBySide& study) {
    for (const auto& r : study.rows) {
        GroupKey key{modelName, modelVersion, r.category, reader};
        Group& g = groups_[key];
        g.table.add(r.aiPositive, r.clinicianPositive);
        if (r.state == RowState::Disagree) {
            ++g.disagreements;
        }
    }
}

} // namespace veridicor::review
