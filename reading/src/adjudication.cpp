#include <veridicor/reading/adjudication.h>

#include "json_fields.h"

#include <veridicor/verify/json.h>

#include <algorithm>
#include <set>

namespace veridicor::reading {

namespace json = verify::json;

std::string_view codeSideName(CodeSide side) {
    switch (side) {
    case CodeSide::Ai:
        return "ai";
    case CodeSide::Clinician:
        return "clinician";
    }
    return "ai";
}

namespace {

using json_fields::arrayMember;
using json_fields::checkShort;
using json_fields::Field;
using json_fields::invalid;
using json_fields::isHex64;
using json_fields::isSctId;
using json_fields::isText;
using json_fields::member;
using json_fields::onlyKnown;
using json_fields::stringMember;
using json_fields::tooLarge;

constexpr std::string_view kForm = "an adjudication";

bool isCategoryId(std::string_view s) {
    return !s.empty() && s.size() <= kMaxCategoryIdBytes && s.front() != '-' &&
           std::all_of(s.begin(), s.end(), [](char c) { return (c >= 'a' && c <= 'z') || c == '-'; });
}

bool isUid(std::string_view s) {
    return !s.empty() && s.size() <= 64 &&
           std::all_of(s.begin(), s.end(), [](char c) { return (c >= '0' && c <= '9') || c == '.'; });
}

void checkAdjudication(const Adjudication& a, bool requireReading, Field& f) {
    if (requireReading || !a.reading.empty()) {
        if (!isUid(a.reading)) {
            f.set("adjudication.reading", "must be the reading SR's SOP Instance UID (digits and dots, at most 64 "
                                          "characters)");
        }
    }
    if (a.bundles.empty()) {
        f.set("adjudication.bundles", "must name at least one AI finding bundle (an adjudication settles the AI "
                                      "against the reading)");
    } else if (a.bundles.size() > kMaxAdjudicationBundles) {
        f.set("adjudication.bundles", "holds more than " + std::to_string(kMaxAdjudicationBundles) + " bundles",
              ErrorCode::TooLarge);
    }
    std::set<std::string> bundles;
    for (std::size_t i = 0; i < a.bundles.size() && !f.any(); ++i) {
        const std::string p = "adjudication.bundles[" + std::to_string(i) + "]";
        if (!isHex64(a.bundles[i])) {
            f.set(p, "must be the SHA-256 of the bundle file: 64 lowercase hexadecimal digits");
        } else if (!bundles.insert(a.bundles[i]).second) {
            f.set(p, "names a bundle twice");
        }
    }
    if (a.categories.empty()) {
        f.set("adjudication.categories", "must hold at least one adjudicated category");
    } else if (a.categories.size() > kMaxAdjudicatedCategories) {
        f.set("adjudication.categories",
              "holds more than " + std::to_string(kMaxAdjudicatedCategories) + " categories", ErrorCode::TooLarge);
    }
    std::set<std::string> seen;
    for (std::size_t i = 0; i < a.categories.size() && !f.any(); ++i) {
        const AdjudicatedCategory& c = a.categories[i];
        const std::string p = "adjudication.categories[" + std::to_string(i) + "]";
        if (!isCategoryId(c.category)) {
            f.set(p + ".category", "must be a review category id (lowercase letters and '-', at most " +
                                       std::to_string(kMaxCategoryIdBytes) + ")");
        } else if (!seen.insert(c.category).second) {
            f.set(p + ".category", "adjudicates a category a second time");
        }
        if (c.codes.size() > kMaxAdjudicationCodes) {
            f.set(p + ".codes", "holds more than " + std::to_string(kMaxAdjudicationCodes) + " codes",
                  ErrorCode::TooLarge);
        } else if (c.positive && c.codes.empty()) {
            f.set(p + ".codes", "must name what the category is positive for (a code from either side)");
        } else if (!c.positive && !c.codes.empty()) {
            f.set(p + ".codes", "must be empty for a negative label");
        }
        for (std::size_t j = 0; j < c.codes.size() && !f.any(); ++j) {
            const ChosenCode& k = c.codes[j];
            const std::string q = p + ".codes[" + std::to_string(j) + "]";
            if (k.scheme != "SCT") {
                f.set(q + ".scheme", "must be \"SCT\" (the review's categories are of SNOMED CT codes)");
            } else if (!isSctId(k.value)) {
                f.set(q + ".value", "must be a SNOMED CT concept id (6 to 18 digits)");
            }
            checkShort(f, q + ".meaning", k.meaning, kMaxShortText, true);
        }
        if (c.reason.empty()) {
            f.set(p + ".reason", "must not be empty: an adjudicated label needs its reason");
        } else if (c.reason.size() > kMaxReasonBytes) {
            f.set(p + ".reason", "is longer than " + std::to_string(kMaxReasonBytes) + " bytes",
                  ErrorCode::TooLarge);
        } else if (!isText(c.reason) || !json::isValidUtf8(c.reason)) {
            f.set(p + ".reason", "holds control characters or invalid UTF-8");
        }
    }
}

} // namespace

Expected<void, Error> validateAdjudication(const Adjudication& adjudication, bool requireReading) {
    Field f;
    checkAdjudication(adjudication, requireReading, f);
    if (f.any()) {
        return Unexpected{Error{f.code, f.path + " " + f.problem}};
    }
    return {};
}

Expected<Adjudication, Error> parseAdjudicationJson(std::string_view text) {
    if (text.size() > kMaxAdjudicationJsonBytes) {
        return tooLarge("ADJUDICATION.json is larger than " + std::to_string(kMaxAdjudicationJsonBytes / 1024) +
                        " KiB");
    }
    json::Limits limits;
    limits.maxBytes = kMaxAdjudicationJsonBytes;
    limits.maxDepth = 8;
    limits.maxValues = 20'000;
    auto doc = json::parse(text, limits);
    if (!doc) {
        return invalid("ADJUDICATION.json is not valid JSON: " + doc.error().message + " (at byte " +
                       std::to_string(doc.error().offset) + ")");
    }
    if (!doc->isObject()) {
        return invalid("ADJUDICATION.json must be an object");
    }
    const json::Value& top = *doc;
    Field f;
    Adjudication a;
    onlyKnown(top, {"reading", "bundles", "categories"}, "adjudication", f, kForm);
    a.reading = stringMember(top, "reading", "adjudication", f, false);
    if (top.find("bundles") == nullptr) {
        f.set("adjudication.bundles", "is missing");
    }
    if (const auto* list = arrayMember(top, "bundles", kMaxAdjudicationBundles, "adjudication", f)) {
        for (std::size_t i = 0; i < list->size() && !f.any(); ++i) {
            if (!(*list)[i].isString()) {
                f.set("adjudication.bundles[" + std::to_string(i) + "]", "must be a string");
                break;
            }
            a.bundles.push_back((*list)[i].asString());
        }
    }
    if (top.find("categories") == nullptr) {
        f.set("adjudication.categories", "is missing");
    }
    if (const auto* list = arrayMember(top, "categories", kMaxAdjudicatedCategories, "adjudication", f)) {
        for (std::size_t i = 0; i < list->size() && !f.any(); ++i) {
            const std::string p = "adjudication.categories[" + std::to_string(i) + "]";
            const json::Value& c = (*list)[i];
            if (!c.isObject()) {
                f.set(p, "must be an object");
                break;
            }
            onlyKnown(c, {"category", "label", "codes", "reason"}, p, f, kForm);
            AdjudicatedCategory out;
            out.category = stringMember(c, "category", p, f, true);
            const std::string label = stringMember(c, "label", p, f, true);
            if (label == "positive" || label == "negative") {
                out.positive = label == "positive";
            } else if (!f.any()) {
                f.set(p + ".label", R"(must be "positive" or "negative")");
            }
            if (const auto* codes = arrayMember(c, "codes", kMaxAdjudicationCodes, p, f)) {
                for (std::size_t j = 0; j < codes->size() && !f.any(); ++j) {
                    const std::string q = p + ".codes[" + std::to_string(j) + "]";
                    const json::Value& k = (*codes)[j];
                    if (!k.isObject()) {
                        f.set(q, "must be an object");
                        break;
                    }
                    onlyKnown(k, {"scheme", "value", "meaning", "from"}, q, f, kForm);
                    ChosenCode code;
                    code.scheme = stringMember(k, "scheme", q, f, true);
                    code.value = stringMember(k, "value", q, f, true);
                    code.meaning = stringMember(k, "meaning", q, f, true);
                    const std::string from = stringMember(k, "from", q, f, true);
                    if (from == "ai" || from == "clinician") {
                        code.from = from == "ai" ? CodeSide::Ai : CodeSide::Clinician;
                    } else if (!f.any()) {
                        f.set(q + ".from", R"(must be "ai" or "clinician")");
                    }
                    out.codes.push_back(std::move(code));
                }
            }
            out.reason = stringMember(c, "reason", p, f, true);
            a.categories.push_back(std::move(out));
        }
    }
    if (!f.any()) {
        checkAdjudication(a, false, f);
    }
    if (f.any()) {
        return Unexpected{Error{f.code, f.path + " " + f.problem}};
    }
    return a;
}

json::Value adjudicationToJsonValue(const Adjudication& a) {
    json::Value out = json::Value::object();
    out.set("reading", json::Value::string(a.reading));
    json::Value bundles = json::Value::array();
    for (const auto& b : a.bundles) {
        bundles.push(json::Value::string(b));
    }
    out.set("bundles", std::move(bundles));
    json::Value categories = json::Value::array();
    for (const auto& c : a.categories) {
        json::Value o = json::Value::object();
        o.set("category", json::Value::string(c.category));
        o.set("label", json::Value::string(c.positive ? "positive" : "negative"));
        json::Value codes = json::Value::array();
        for (const auto& k : c.codes) {
            json::Value code = json::Value::object();
            code.set("scheme", json::Value::string(k.scheme));
            code.set("value", json::Value::string(k.value));
            code.set("meaning", json::Value::string(k.meaning));
            code.set("from", json::Value::string(std::string(codeSideName(k.from))));
            codes.push(std::move(code));
        }
        o.set("codes", std::move(codes));
        o.set("reason", json::Value::string(c.reason));
        categories.push(std::move(o));
    }
    out.set("categories", std::move(categories));
    return out;
}

std::string adjudicationToJson(const Adjudication& a, int indent) {
    return json::serializeIndented(adjudicationToJsonValue(a), indent);
}

} // namespace veridicor::reading
