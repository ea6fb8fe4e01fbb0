#include <veridicor/review/categories.h>

#include <veridicor/reading/statement_codes.h>

#include <array>
#include <vector>

namespace veridicor::review {

namespace {

using C = Category;
using T = Territory;
using reading::StatementGroup;

constexpr std::array kCategories{C::EcgOverall,        C::EcgRhythm,          C::EcgConduction,
                                 C::EcgAxis,           C::EcgHypertrophy,     C::EcgIschaemia,
                                 C::EcgRepolarisation, C::EchoLvSystolicFunction, C::EchoRegionalWallMotion,
                                 C::EchoEfClass};
static_assert(kCategories.size() == kCategoryCount);

/// The statement groups of reading/ map one to one onto categories.
constexpr Category categoryOfGroup(StatementGroup group) {
    switch (group) {
    case StatementGroup::EcgOverall:
        return C::EcgOverall;
    case StatementGroup::EcgRhythm:
        return C::EcgRhythm;
    case StatementGroup::EcgConduction:
        return C::EcgConduction;
    case StatementGroup::EcgAxis:
        return C::EcgAxis;
    case StatementGroup::EcgHypertrophy:
        return C::EcgHypertrophy;
    case StatementGroup::EcgIschaemia:
        return C::EcgIschaemia;
    case StatementGroup::EcgRepolarisation:
        return C::EcgRepolarisation;
    case StatementGroup::EchoLvFunction:
        return C::EchoLvSystolicFunction;
    case StatementGroup::EchoWallMotion:
        return C::EchoRegionalWallMotion;
    }
    return C::EcgOverall;
}

/// What the table adds to a statement code beyond its group (review/README.md gives the reason for each).
struct Annotation {
    std::string_view sctId;
    bool normal;
    Territory territory;
    std::string_view refines;
    std::string_view implies;
};

constexpr std::array kAnnotations{
    // Normal statements: the side is negative in the category.
    Annotation{"164854000", true, T::Unspecified, "", ""},  // Normal ECG
    Annotation{"426783006", true, T::Unspecified, "", ""},  // Sinus rhythm
    Annotation{"373122000", true, T::Unspecified, "", ""},  // Normal wall motion
    // Territories named by the code itself.
    Annotation{"426434006", false, T::Anterior, "", ""},    // Anterior ischemia
    Annotation{"425419005", false, T::Inferior, "", ""},    // Inferior ischaemia
    Annotation{"425623009", false, T::Lateral, "", ""},     // Lateral ischaemia
    Annotation{"54329005", false, T::Anterior, "164865005", ""}, // Anterior MI → Myocardial infarction
    Annotation{"704997005", false, T::Inferior, "429622005", ""}, // Inferior ST depression → ST depression
    // Refinements: the code is a form of the more general one.
    Annotation{"57054005", false, T::Unspecified, "164865005", ""},  // Acute MI → Myocardial infarction
    Annotation{"164867002", false, T::Unspecified, "164865005", ""}, // Old MI → Myocardial infarction
    Annotation{"713427006", false, T::Unspecified, "59118001", ""},  // Complete RBBB → RBBB
    Annotation{"54016002", false, T::Unspecified, "195042002", ""},  // Mobitz I → 2nd degree AV block
    Annotation{"270492004", false, T::Unspecified, "164947007", ""}, // 1st degree AV block → Prolonged PR
    Annotation{"59931005", false, T::Unspecified, "164934002", ""},  // T wave inversion → T wave abnormal
    Annotation{"371868005", false, T::Unspecified, "37706002", ""},  // Mild Hypokinesis → Hypokinesis
    Annotation{"371869002", false, T::Unspecified, "37706002", ""},  // Moderate Hypokinesis → Hypokinesis
    Annotation{"371870001", false, T::Unspecified, "37706002", ""},  // Severe Hypokinesis → Hypokinesis
    // Acute infarction by territory: each an acute MI; the STEMIs also state ST elevation.
    Annotation{"73795002", false, T::Inferior, "57054005", ""},   // Acute MI of inferior wall
    Annotation{"58612006", false, T::Lateral, "57054005", ""},    // Acute MI of lateral wall
    Annotation{"62695002", false, T::Anterior, "57054005", ""},   // Acute anteroseptal MI (anterior territory)
    Annotation{"70211005", false, T::Unspecified, "57054005", ""}, // Acute MI of anterolateral wall (two)
    Annotation{"65547006", false, T::Unspecified, "57054005", ""}, // Acute MI of inferolateral wall (two)
    Annotation{"233838001", false, T::Unspecified, "57054005", ""}, // Acute posterior MI (no posterior here)
    Annotation{"703164000", false, T::Anterior, "401303003", "164931005"}, // Acute STEMI of anterior wall
    Annotation{"703213009", false, T::Inferior, "401303003", "164931005"}, // Acute STEMI of inferior wall
    // LV systolic function: normal (stating normal wall motion too), and the graded dysfunctions.
    Annotation{"371857005", true, T::Unspecified, "", "373122000"},  // Normal LV systolic function and wall motion
    Annotation{"371862006", false, T::Unspecified, "275514001", ""}, // Depressed LV systolic fn → impaired LV fn
    Annotation{"134401001", false, T::Unspecified, "275514001", ""}, // LV systolic dysfunction → impaired LV fn
    Annotation{"981000124106", false, T::Unspecified, "134401001", ""}, // Moderate LVSD → LVSD
    Annotation{"991000124109", false, T::Unspecified, "134401001", ""}, // Severe LVSD → LVSD
};

constexpr std::string_view kStatementSource = "reading/ statement list (its group)";

/// Codes that AI findings in the repository use and the statement list does not hold.
constexpr std::array kAiCodes{
    // Acute ST segment elevation myocardial infarction: an acute MI (refines 57054005) whose definition is
    // ST elevation on the ECG (implies 164931005, ST elevation, in repolarisation).
    CategoryEntry{"401303003", "Acute ST segment elevation myocardial infarction", C::EcgIschaemia, false,
                  T::Unspecified, "57054005", "164931005",
                  "AI findings of the demo study (resources/demo/findings) and the verify/ tests"},
};

std::vector<CategoryEntry> buildTable() {
    std::vector<CategoryEntry> table;
    for (const auto& s : reading::statementCodes()) {
        CategoryEntry e{s.sctId, s.meaning, categoryOfGroup(s.group), false, T::Unspecified, "", "",
                        kStatementSource};
        for (const auto& a : kAnnotations) {
            if (a.sctId == s.sctId) {
                e.normal = a.normal;
                e.territory = a.territory;
                e.refines = a.refines;
                e.implies = a.implies;
            }
        }
        table.push_back(e);
    }
    for (const auto& e : kAiCodes) {
        table.push_back(e);
    }
    return table;
}

const std::vector<CategoryEntry>& table() {
    static const std::vector<CategoryEntry> t = buildTable();
    return t;
}

/// Whether `ancestor` is reached from `code` through `refines` links (bounded: the table is finite).
bool refinesChain(std::string_view code, std::string_view ancestor) {
    std::string_view cur = code;
    for (std::size_t step = 0; step <= table().size(); ++step) {
        const CategoryEntry* e = findCategoryEntry(cur);
        if (e == nullptr || e->refines.empty()) {
            return false;
        }
        if (e->refines == ancestor) {
            return true;
        }
        cur = e->refines;
    }
    return false;
}

} // namespace

std::string_view categoryName(Category category) {
    switch (category) {
    case C::EcgOverall:
        return "ECG: overall";
    case C::EcgRhythm:
        return "ECG: rhythm";
    case C::EcgConduction:
        return "ECG: conduction";
    case C::EcgAxis:
        return "ECG: axis";
    case C::EcgHypertrophy:
        return "ECG: hypertrophy";
    case C::EcgIschaemia:
        return "ECG: ischaemia/infarction";
    case C::EcgRepolarisation:
        return "ECG: repolarisation/QT";
    case C::EchoLvSystolicFunction:
        return "Echo: LV systolic function";
    case C::EchoRegionalWallMotion:
        return "Echo: regional wall motion";
    case C::EchoEfClass:
        return "Echo: EF class";
    }
    return "";
}

std::string_view categoryId(Category category) {
    switch (category) {
    case C::EcgOverall:
        return "ecg-overall";
    case C::EcgRhythm:
        return "rhythm";
    case C::EcgConduction:
        return "conduction";
    case C::EcgAxis:
        return "axis";
    case C::EcgHypertrophy:
        return "hypertrophy";
    case C::EcgIschaemia:
        return "ischaemia";
    case C::EcgRepolarisation:
        return "repolarisation";
    case C::EchoLvSystolicFunction:
        return "lv-systolic-function";
    case C::EchoRegionalWallMotion:
        return "regional-wall-motion";
    case C::EchoEfClass:
        return "ef-class";
    }
    return "";
}

std::string_view territoryName(Territory territory) {
    switch (territory) {
    case T::Unspecified:
        return "";
    case T::Anterior:
        return "anterior";
    case T::Inferior:
        return "inferior";
    case T::Lateral:
        return "lateral";
    }
    return "";
}

Domain categoryDomain(Category category) {
    switch (category) {
    case C::EchoLvSystolicFunction:
    case C::EchoRegionalWallMotion:
    case C::EchoEfClass:
        return Domain::Echo;
    default:
        return Domain::Ecg;
    }
}

std::span<const Category> allCategories() { return kCategories; }

std::span<const CategoryEntry> categoryTable() { return table(); }

const CategoryEntry* findCategoryEntry(std::string_view sctId) {
    for (const auto& e : table()) {
        if (e.sctId == sctId) {
            return &e;
        }
    }
    return nullptr;
}

std::optional<Category> categoryOf(std::string_view scheme, std::string_view value) {
    if (scheme != "SCT") {
        return std::nullopt;
    }
    const CategoryEntry* e = findCategoryEntry(value);
    if (e == nullptr) {
        return std::nullopt;
    }
    return e->category;
}

bool categoryHasCodes(Category category) {
    for (const auto& e : table()) {
        if (e.category == category) {
            return true;
        }
    }
    return false;
}

bool compatibleCodes(std::string_view a, std::string_view b) {
    if (findCategoryEntry(a) == nullptr || findCategoryEntry(b) == nullptr) {
        return false;
    }
    return a == b || refinesChain(a, b) || refinesChain(b, a);
}

} // namespace veridicor::review
