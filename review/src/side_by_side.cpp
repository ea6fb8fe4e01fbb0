#include <veridicor/review/side_by_side.h>

#include <algorithm>
#include <array>

namespace veridicor::review {

namespace {

/// Puts a stated code (and what it implies) into the per-category lists of one side.
void place(std::array<std::vector<StatedCode>, kCategoryCount>& lists, const CategoryEntry& e,
           const std::string& findingId) {
    StatedCode s{std::string(e.sctId), std::string(e.meaning), e.territory, e.normal, false, "", findingId};
    lists[static_cast<std::size_t>(e.category)].push_back(s);
    if (!e.implies.empty()) {
        if (const CategoryEntry* imp = findCategoryEntry(e.implies)) {
            StatedCode i{std::string(imp->sctId), std::string(imp->meaning), imp->territory, imp->normal, true,
                         std::string(e.sctId), findingId};
            lists[static_cast<std::size_t>(imp->category)].push_back(i);
        }
    }
}

bool anyAbnormal(const std::vector<StatedCode>& codes) {
    return std::any_of(codes.begin(), codes.end(), [](const StatedCode& c) { return !c.normal; });
}

bool anyNormalEcg(const std::vector<StatedCode>& codes) {
    return std::any_of(codes.begin(), codes.end(), [](const StatedCode& c) { return c.value == "164854000"; });
}

/// Every abnormal code of `a` has a compatible abnormal code in `b`.
bool covered(const std::vector<StatedCode>& a, const std::vector<StatedCode>& b) {
    return std::all_of(a.begin(), a.end(), [&](const StatedCode& x) {
        return x.normal || std::any_of(b.begin(), b.end(), [&](const StatedCode& y) {
                   return !y.normal && compatibleCodes(x.value, y.value);
               });
    });
}

RowState stateOf(bool ai, bool clinician) {
    if (ai && !clinician) {
        return RowState::AiOnly;
    }
    if (!ai && clinician) {
        return RowState::ClinicianOnly;
    }
    return RowState::Agree;
}

} // namespace

std::string_view rowStateName(RowState state) {
    switch (state) {
    case RowState::Agree:
        return "agree";
    case RowState::Disagree:
        return "disagree";
    case RowState::AiOnly:
        return "ai-only";
    case RowState::ClinicianOnly:
        return "clinician-only";
    }
    return "";
}

const Row* SideBySide::row(Category category) const {
    for (const auto& r : rows) {
        if (r.category == category) {
            return &r;
        }
    }
    return nullptr;
}

SideBySide sideBySide(const StudyInput& input) {
    SideBySide out;
    std::array<std::vector<StatedCode>, kCategoryCount> ai;
    std::array<std::vector<StatedCode>, kCategoryCount> clinician;

    for (const auto& f : input.ai) {
        if (!f.trusted) {
            std::string reason = "not counted: not verified";
            if (!f.reason.empty()) {
                reason += " (" + f.reason + ")";
            }
            out.notCounted.push_back(NotCounted{f.id, f.code, reason});
            continue;
        }
        const CategoryEntry* e = f.code.scheme == "SCT" ? findCategoryEntry(f.code.value) : nullptr;
        if (e == nullptr || categoryDomain(e->category) != input.domain) {
            out.uncategorised.push_back(Uncategorised{Side::Ai, f.id, f.code.scheme, f.code.value, f.code.meaning});
            continue;
        }
        place(ai, *e, f.id);
    }
    for (const auto& s : input.clinician) {
        const CategoryEntry* e = s.scheme == "SCT" ? findCategoryEntry(s.value) : nullptr;
        if (e == nullptr || categoryDomain(e->category) != input.domain) {
            out.uncategorised.push_back(Uncategorised{Side::Clinician, "", s.scheme, s.value, s.meaning});
            continue;
        }
        place(clinician, *e, "");
    }

    bool aiAbnormalElsewhere = false;
    bool clinicianAbnormalElsewhere = false;
    for (Category c : allCategories()) {
        if (categoryDomain(c) != input.domain || !categoryHasCodes(c) || c == Category::EcgOverall) {
            continue;
        }
        const auto i = static_cast<std::size_t>(c);
        Row r;
        r.category = c;
        r.ai = ai[i];
        r.clinician = clinician[i];
        r.aiPositive = anyAbnormal(r.ai);
        r.clinicianPositive = anyAbnormal(r.clinician);
        r.state = stateOf(r.aiPositive, r.clinicianPositive);
        if (r.aiPositive && r.clinicianPositive && !(covered(r.ai, r.clinician) && covered(r.clinician, r.ai))) {
            r.state = RowState::Disagree;
        }
        aiAbnormalElsewhere = aiAbnormalElsewhere || r.aiPositive;
        clinicianAbnormalElsewhere = clinicianAbnormalElsewhere || r.clinicianPositive;
        out.rows.push_back(std::move(r));
    }
    if (input.domain == Domain::Ecg) {
        const auto i = static_cast<std::size_t>(Category::EcgOverall);
        Row r;
        r.category = Category::EcgOverall;
        r.ai = ai[i];
        r.clinician = clinician[i];
        r.aiPositive = anyAbnormal(r.ai) || aiAbnormalElsewhere;
        r.clinicianPositive = anyAbnormal(r.clinician) || clinicianAbnormalElsewhere;
        r.state = stateOf(r.aiPositive, r.clinicianPositive);
        std::string note;
        if (anyNormalEcg(r.ai) && r.aiPositive) {
            note = "AI: Normal ECG stated with an abnormal statement (the abnormal statement counts)";
        }
        if (anyNormalEcg(r.clinician) && r.clinicianPositive) {
            if (!note.empty()) {
                note += "; ";
            }
            note += "clinician: Normal ECG stated with an abnormal statement (the abnormal statement counts)";
        }
        r.note = note;
        out.rows.insert(out.rows.begin(), std::move(r));
    }
    return out;
}

} // namespace veridicor::review
