#include <veridicor/reading/reading.h>

#include "json_fields.h"

#include <veridicor/verify/json.h>

#include <algorithm>
#include <array>
#include <cstdint>

namespace veridicor::reading {

namespace json = verify::json;

const char* errorCodeName(ErrorCode code) {
    switch (code) {
    case ErrorCode::Invalid:
        return "invalid input";
    case ErrorCode::Unreadable:
        return "unreadable";
    case ErrorCode::TooLarge:
        return "too large";
    case ErrorCode::Malformed:
        return "not a reading";
    case ErrorCode::WeakKey:
        return "weak key";
    case ErrorCode::Crypto:
        return "signing failed";
    case ErrorCode::Io:
        return "write failed";
    }
    return "error";
}

std::string_view assessmentName(Assessment a) {
    switch (a) {
    case Assessment::Agree:
        return "agree";
    case Assessment::Disagree:
        return "disagree";
    case Assessment::Modified:
        return "modified";
    }
    return "agree";
}

namespace {

using json_fields::arrayMember;
using json_fields::checkShort;
using json_fields::Field;
using json_fields::invalid;
using json_fields::isDecimalString;
using json_fields::isHex64;
using json_fields::isSctId;
using json_fields::isSingleLine;
using json_fields::isText;
using json_fields::member;
using json_fields::onlyKnown;
using json_fields::stringMember;
using json_fields::tooLarge;

void checkReading(const Reading& r, Field& f) {
    if (r.statements.size() > kMaxStatements) {
        f.set("reading.statements", "holds more than " + std::to_string(kMaxStatements) + " statements",
              ErrorCode::TooLarge);
    }
    for (std::size_t i = 0; i < r.statements.size() && !f.any(); ++i) {
        const auto& s = r.statements[i];
        const std::string p = "reading.statements[" + std::to_string(i) + "]";
        if (s.scheme != "SCT") {
            f.set(p + ".scheme", "must be \"SCT\" (statements are SNOMED CT coded)");
        } else if (!isSctId(s.value)) {
            f.set(p + ".value", "must be a SNOMED CT concept id (6 to 18 digits)");
        }
        checkShort(f, p + ".meaning", s.meaning, kMaxShortText, true);
        if (s.site && !f.any()) {
            if (s.site->scheme != "SCT") {
                f.set(p + ".site.scheme", "must be \"SCT\" (a finding site is a SNOMED CT concept)");
            } else if (!isSctId(s.site->value)) {
                f.set(p + ".site.value", "must be a SNOMED CT concept id (6 to 18 digits)");
            }
            checkShort(f, p + ".site.meaning", s.site->meaning, kMaxShortText, true);
        }
    }
    if (r.text.size() > kMaxTextBytes) {
        f.set("reading.text", "is longer than " + std::to_string(kMaxTextBytes) + " bytes", ErrorCode::TooLarge);
    } else if (!isText(r.text) || !json::isValidUtf8(r.text)) {
        f.set("reading.text", "holds control characters or invalid UTF-8");
    }
    if (r.measurements.size() > kMaxMeasurements) {
        f.set("reading.measurements", "holds more than " + std::to_string(kMaxMeasurements) + " measurements",
              ErrorCode::TooLarge);
    }
    for (std::size_t i = 0; i < r.measurements.size() && !f.any(); ++i) {
        const auto& m = r.measurements[i];
        const std::string p = "reading.measurements[" + std::to_string(i) + "]";
        checkShort(f, p + ".name", m.name, kMaxShortText, true);
        if (!isDecimalString(m.value)) {
            f.set(p + ".value", "must be a number of at most 16 characters (a DICOM decimal string)");
        }
        checkShort(f, p + ".unit", m.unit, 16, true);
        checkShort(f, p + ".lead", m.lead, 16, false);
        if (m.start && !isDecimalString(*m.start)) {
            f.set(p + ".start", "must be a number of seconds of at most 16 characters");
        }
        if (m.end && !isDecimalString(*m.end)) {
            f.set(p + ".end", "must be a number of seconds of at most 16 characters");
        }
    }
    if (r.deviceStatements.size() > kMaxDeviceStatements) {
        f.set("reading.deviceStatements",
              "holds more than " + std::to_string(kMaxDeviceStatements) + " statements", ErrorCode::TooLarge);
    }
    for (std::size_t i = 0; i < r.deviceStatements.size() && !f.any(); ++i) {
        const std::string p = "reading.deviceStatements[" + std::to_string(i) + "]";
        checkShort(f, p + ".text", r.deviceStatements[i].text, kMaxReasonBytes, true);
    }
    if (r.assessments.size() > kMaxAssessments) {
        f.set("reading.assessments", "holds more than " + std::to_string(kMaxAssessments) + " assessments",
              ErrorCode::TooLarge);
    }
    for (std::size_t i = 0; i < r.assessments.size() && !f.any(); ++i) {
        const auto& a = r.assessments[i];
        const std::string p = "reading.assessments[" + std::to_string(i) + "]";
        if (!isHex64(a.bundleSha256)) {
            f.set(p + ".bundle", "must be the SHA-256 of the bundle file: 64 lowercase hexadecimal digits");
        }
        checkShort(f, p + ".finding", a.findingId, kMaxShortText, true);
        if (!a.verdict.empty() && a.verdict != "trusted" && a.verdict != "untrusted") {
            f.set(p + ".verdict", R"(must be "trusted" or "untrusted")");
        }
        if (a.reason.size() > kMaxReasonBytes) {
            f.set(p + ".reason", "is longer than " + std::to_string(kMaxReasonBytes) + " bytes",
                  ErrorCode::TooLarge);
        } else if (!isText(a.reason) || !json::isValidUtf8(a.reason)) {
            f.set(p + ".reason", "holds control characters or invalid UTF-8");
        }
    }
    if (!r.amends.empty() &&
        (r.amends.size() > 64 || !std::all_of(r.amends.begin(), r.amends.end(), [](char c) {
             return (c >= '0' && c <= '9') || c == '.';
         }))) {
        f.set("reading.amends", "must be a DICOM UID (digits and dots, at most 64 characters)");
    }
}

/// Members of an object, each known; an unknown member is named.
} // namespace

Expected<void, Error> validateReading(const Reading& reading) {
    Field f;
    checkReading(reading, f);
    if (f.any()) {
        return Unexpected{Error{f.code, f.path + " " + f.problem}};
    }
    return {};
}

Expected<Reading, Error> parseReadingJson(std::string_view text) {
    if (text.size() > kMaxJsonBytes) {
        return tooLarge("READING.json is larger than " + std::to_string(kMaxJsonBytes / 1024) + " KiB");
    }
    json::Limits limits;
    limits.maxBytes = kMaxJsonBytes;
    limits.maxDepth = 8;
    limits.maxValues = 100'000;
    auto doc = json::parse(text, limits);
    if (!doc) {
        return invalid("READING.json is not valid JSON: " + doc.error().message + " (at byte " +
                       std::to_string(doc.error().offset) + ")");
    }
    if (!doc->isObject()) {
        return invalid("READING.json must be an object");
    }
    const json::Value& top = *doc;
    Field f;
    Reading r;
    onlyKnown(top, {"statements", "text", "measurements", "deviceStatements", "assessments", "blind", "amends"},
              "reading", f);
    if (const auto* list = arrayMember(top, "statements", kMaxStatements, "reading", f)) {
        for (std::size_t i = 0; i < list->size() && !f.any(); ++i) {
            const std::string p = "reading.statements[" + std::to_string(i) + "]";
            const json::Value& s = (*list)[i];
            if (!s.isObject()) {
                f.set(p, "must be an object");
                break;
            }
            onlyKnown(s, {"scheme", "value", "meaning", "site"}, p, f);
            CodedStatement c{stringMember(s, "scheme", p, f, true), stringMember(s, "value", p, f, true),
                             stringMember(s, "meaning", p, f, true)};
            if (const json::Value* site = s.find("site"); site != nullptr && !f.any()) {
                const std::string sp = p + ".site";
                if (!site->isObject()) {
                    f.set(sp, "must be an object");
                    break;
                }
                onlyKnown(*site, {"scheme", "value", "meaning"}, sp, f);
                c.site = CodedConcept{stringMember(*site, "scheme", sp, f, true),
                                      stringMember(*site, "value", sp, f, true),
                                      stringMember(*site, "meaning", sp, f, true)};
            }
            r.statements.push_back(std::move(c));
        }
    }
    r.text = stringMember(top, "text", "reading", f, false);
    if (const auto* list = arrayMember(top, "measurements", kMaxMeasurements, "reading", f)) {
        for (std::size_t i = 0; i < list->size() && !f.any(); ++i) {
            const std::string p = "reading.measurements[" + std::to_string(i) + "]";
            const json::Value& m = (*list)[i];
            if (!m.isObject()) {
                f.set(p, "must be an object");
                break;
            }
            onlyKnown(m, {"name", "value", "unit", "lead", "start", "end"}, p, f);
            Measurement out;
            out.name = stringMember(m, "name", p, f, true);
            if (const auto* v = member(m, "value", json::Type::Number, p, f, true)) {
                out.value = v->numberText();
            }
            out.unit = stringMember(m, "unit", p, f, true);
            out.lead = stringMember(m, "lead", p, f, false);
            if (const auto* v = member(m, "start", json::Type::Number, p, f, false)) {
                out.start = v->numberText();
            }
            if (const auto* v = member(m, "end", json::Type::Number, p, f, false)) {
                out.end = v->numberText();
            }
            r.measurements.push_back(std::move(out));
        }
    }
    if (const auto* list = arrayMember(top, "deviceStatements", kMaxDeviceStatements, "reading", f)) {
        for (std::size_t i = 0; i < list->size() && !f.any(); ++i) {
            const std::string p = "reading.deviceStatements[" + std::to_string(i) + "]";
            const json::Value& d = (*list)[i];
            if (!d.isObject()) {
                f.set(p, "must be an object");
                break;
            }
            onlyKnown(d, {"text", "review"}, p, f);
            DeviceStatement out;
            out.text = stringMember(d, "text", p, f, true);
            const std::string review = stringMember(d, "review", p, f, true);
            if (!f.any() && review != "confirmed" && review != "rejected") {
                f.set(p + ".review", R"(must be "confirmed" or "rejected")");
            }
            out.confirmed = review == "confirmed";
            r.deviceStatements.push_back(std::move(out));
        }
    }
    if (const auto* list = arrayMember(top, "assessments", kMaxAssessments, "reading", f)) {
        for (std::size_t i = 0; i < list->size() && !f.any(); ++i) {
            const std::string p = "reading.assessments[" + std::to_string(i) + "]";
            const json::Value& a = (*list)[i];
            if (!a.isObject()) {
                f.set(p, "must be an object");
                break;
            }
            onlyKnown(a, {"bundle", "finding", "verdict", "assessment", "reason"}, p, f);
            FindingAssessment out;
            out.bundleSha256 = stringMember(a, "bundle", p, f, true);
            out.findingId = stringMember(a, "finding", p, f, true);
            out.verdict = stringMember(a, "verdict", p, f, false);
            const std::string assessment = stringMember(a, "assessment", p, f, true);
            if (assessment == "agree") {
                out.assessment = Assessment::Agree;
            } else if (assessment == "disagree") {
                out.assessment = Assessment::Disagree;
            } else if (assessment == "modified") {
                out.assessment = Assessment::Modified;
            } else if (!f.any()) {
                f.set(p + ".assessment", R"(must be "agree", "disagree" or "modified")");
            }
            out.reason = stringMember(a, "reason", p, f, false);
            r.assessments.push_back(std::move(out));
        }
    }
    if (const auto* b = member(top, "blind", json::Type::Bool, "reading", f, true)) {
        r.blind = b->asBool();
    }
    r.amends = stringMember(top, "amends", "reading", f, false);
    if (!f.any()) {
        checkReading(r, f);
    }
    if (f.any()) {
        return Unexpected{Error{f.code, f.path + " " + f.problem}};
    }
    return r;
}

json::Value readingToJsonValue(const Reading& r) {
    json::Value out = json::Value::object();
    json::Value statements = json::Value::array();
    for (const auto& s : r.statements) {
        json::Value o = json::Value::object();
        o.set("scheme", json::Value::string(s.scheme));
        o.set("value", json::Value::string(s.value));
        o.set("meaning", json::Value::string(s.meaning));
        if (s.site) {
            json::Value site = json::Value::object();
            site.set("scheme", json::Value::string(s.site->scheme));
            site.set("value", json::Value::string(s.site->value));
            site.set("meaning", json::Value::string(s.site->meaning));
            o.set("site", std::move(site));
        }
        statements.push(std::move(o));
    }
    out.set("statements", std::move(statements));
    if (!r.text.empty()) {
        out.set("text", json::Value::string(r.text));
    }
    if (!r.measurements.empty()) {
        json::Value list = json::Value::array();
        for (const auto& m : r.measurements) {
            json::Value o = json::Value::object();
            o.set("name", json::Value::string(m.name));
            // The number exactly as written: a DS value is a valid JSON number only when it has one, else
            // it is written as a string (never re-rendered through a double).
            auto num = json::parse(m.value);
            o.set("value", num && num->isNumber() ? *num : json::Value::string(m.value));
            o.set("unit", json::Value::string(m.unit));
            if (!m.lead.empty()) {
                o.set("lead", json::Value::string(m.lead));
            }
            for (const auto& [key, v] : {std::pair{"start", &m.start}, std::pair{"end", &m.end}}) {
                if (*v) {
                    auto t = json::parse(**v);
                    o.set(key, t && t->isNumber() ? *t : json::Value::string(**v));
                }
            }
            list.push(std::move(o));
        }
        out.set("measurements", std::move(list));
    }
    if (!r.deviceStatements.empty()) {
        json::Value list = json::Value::array();
        for (const auto& d : r.deviceStatements) {
            json::Value o = json::Value::object();
            o.set("text", json::Value::string(d.text));
            o.set("review", json::Value::string(d.confirmed ? "confirmed" : "rejected"));
            list.push(std::move(o));
        }
        out.set("deviceStatements", std::move(list));
    }
    json::Value assessments = json::Value::array();
    for (const auto& a : r.assessments) {
        json::Value o = json::Value::object();
        o.set("bundle", json::Value::string(a.bundleSha256));
        o.set("finding", json::Value::string(a.findingId));
        if (!a.verdict.empty()) {
            o.set("verdict", json::Value::string(a.verdict));
        }
        o.set("assessment", json::Value::string(std::string(assessmentName(a.assessment))));
        o.set("reason", json::Value::string(a.reason));
        assessments.push(std::move(o));
    }
    out.set("assessments", std::move(assessments));
    out.set("blind", json::Value::boolean(r.blind));
    if (!r.amends.empty()) {
        out.set("amends", json::Value::string(r.amends));
    }
    return out;
}

std::string readingToJson(const Reading& reading, int indent) {
    return json::serializeIndented(readingToJsonValue(reading), indent);
}

} // namespace veridicor::reading
