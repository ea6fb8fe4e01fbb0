#pragma once
/// \file
/// The one table that says which review category a SNOMED CT code belongs to (review/README.md, "The category
/// table"). Rows of the side-by-side review, the 2×2 tables and the model monitor are all per category.
///
/// The table holds every statement of reading/'s coded list (`reading::statementCodes()`), its category taken
/// from the statement's group where the two map one to one, and the SNOMED CT codes the repository's AI
/// findings use, and the LV systolic function codes of DICOM CID 3728 and 3119. A code that is not in the
/// table has no category: it is listed apart, never guessed.
///
/// Besides its category, each code says
///  - whether it states a normal finding (`normal`: "Sinus rhythm", "Normal ECG", "Normal wall motion"): a
///    side that states only normal codes in a category is negative there;
///  - its territory where the code itself names one ("Anterior ischemia" → anterior); otherwise Unspecified;
///  - `refines`: the more general code of the table it is a form of ("Mild Hypokinesis" → "Hypokinesis"); two
///    codes are compatible when they are equal or one refines the other, directly or through a chain;
///  - `implies`: a code of another category that it states as well, by definition (an acute ST elevation
///    myocardial infarction states ST elevation).

#include <optional>
#include <span>
#include <string_view>

namespace veridicor::review {

enum class Category {
    EcgOverall,             ///< normal / abnormal / borderline / equivocal ECG (see side_by_side.h)
    EcgRhythm,
    EcgConduction,
    EcgAxis,
    EcgHypertrophy,         ///< hypertrophy, enlargement, low voltage
    EcgIschaemia,           ///< ischaemia and infarction; the territory is kept per code
    EcgRepolarisation,      ///< ST, T, QT
    EchoLvSystolicFunction,
    EchoRegionalWallMotion,
    EchoEfClass,
};

inline constexpr std::size_t kCategoryCount = 10;

enum class Domain { Ecg, Echo };

enum class Territory { Unspecified, Anterior, Inferior, Lateral };

/// "ECG: rhythm", "Echo: regional wall motion", …
std::string_view categoryName(Category category);
/// "rhythm", "regional-wall-motion", … (for JSON and CSV)
std::string_view categoryId(Category category);
/// "anterior", "inferior", "lateral", "" for Unspecified.
std::string_view territoryName(Territory territory);
Domain categoryDomain(Category category);
/// Every category, in row order.
std::span<const Category> allCategories();

struct CategoryEntry {
    std::string_view sctId;   ///< SNOMED CT concept id
    std::string_view meaning; ///< display name of the source list
    Category category;
    bool normal;              ///< states that the category is normal (a negative)
    Territory territory;
    std::string_view refines; ///< a more general code of this table, same category; empty: none
    std::string_view implies; ///< a code of this table that it states too (another category); empty: none
    std::string_view source;  ///< where the code and its category come from
};

/// The whole table, in category order.
std::span<const CategoryEntry> categoryTable();

/// The entry of a SNOMED CT code, or nullptr when the table does not know it (no category: never guessed).
const CategoryEntry* findCategoryEntry(std::string_view sctId);

/// The category of a code of scheme "SCT", or nullopt (other schemes and unknown codes).
std::optional<Category> categoryOf(std::string_view scheme, std::string_view value);

/// Whether any code of the table has this category (categories without one get no rows: nothing could ever
/// be positive there, and a row that is always negative would only add agreement by default).
bool categoryHasCodes(Category category);

/// Same code, or one refines the other through the table's `refines` chain (both must be in the table).
bool compatibleCodes(std::string_view a, std::string_view b);

} // namespace veridicor::review
