#pragma once
// Helpers of the strict JSON forms of reading/ (READING.json, ADJUDICATION.json): the value checks and the
// member accessors that name the member of each error. Shared by reading.cpp and adjudication.cpp so that both
// forms refuse the same things in the same words.

#include <veridicor/reading/error.h>
#include <veridicor/base/expected.h>
#include <veridicor/verify/json.h>

#include <algorithm>
#include <initializer_list>
#include <string>
#include <string_view>
#include <vector>

namespace veridicor::reading::json_fields {

namespace json = verify::json;

inline Unexpected<Error> invalid(std::string message) { return Unexpected{Error{ErrorCode::Invalid, std::move(message)}}; }
inline Unexpected<Error> tooLarge(std::string message) {
    return Unexpected{Error{ErrorCode::TooLarge, std::move(message)}};
}

inline bool isHex64(std::string_view s) {
    return s.size() == 64 && std::all_of(s.begin(), s.end(), [](char c) {
               return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
           });
}

/// DICOM LO/SH/PN values carry no backslash (the value separator) and no control characters; a reading
/// must not smuggle either into the SR.
inline bool isSingleLine(std::string_view s) {
    return std::none_of(s.begin(), s.end(), [](char c) {
        const auto u = static_cast<unsigned char>(c);
        return u < 0x20 || u == 0x7F || c == '\\';
    });
}

/// Free text (UT) may hold line breaks and tabs, but no other control character.
inline bool isText(std::string_view s) {
    return std::none_of(s.begin(), s.end(), [](char c) {
        const auto u = static_cast<unsigned char>(c);
        return (u < 0x20 && c != '\n' && c != '\r' && c != '\t') || u == 0x7F;
    });
}

/// A DICOM DS value: at most 16 characters of a decimal number (what an SR NUM item stores).
inline bool isDecimalString(std::string_view s) {
    if (s.empty() || s.size() > 16) {
        return false;
    }
    return std::all_of(s.begin(), s.end(), [](char c) {
        return (c >= '0' && c <= '9') || c == '+' || c == '-' || c == '.' || c == 'e' || c == 'E';
    });
}

struct Field {
    std::string path;
    std::string problem;
    ErrorCode code = ErrorCode::Invalid;
    void set(std::string p, std::string message, ErrorCode c = ErrorCode::Invalid) {
        if (problem.empty()) {
            path = std::move(p);
            problem = std::move(message);
            code = c;
        }
    }
    [[nodiscard]] bool any() const { return !problem.empty(); }
};

/// Checks a short single-line value (LO-like).
inline void checkShort(Field& f, const std::string& path, std::string_view v, std::size_t max, bool required) {
    if (required && v.empty()) {
        f.set(path, "must not be empty");
    } else if (v.size() > max) {
        f.set(path, "is longer than " + std::to_string(max) + " bytes", ErrorCode::TooLarge);
    } else if (!isSingleLine(v)) {
        f.set(path, "must be one line without backslashes or control characters");
    } else if (!json::isValidUtf8(v)) {
        f.set(path, "is not valid UTF-8");
    }
}

inline bool isSctId(std::string_view v) {
    return v.size() >= 6 && v.size() <= 18 &&
           std::all_of(v.begin(), v.end(), [](char c) { return c >= '0' && c <= '9'; });
}


inline bool onlyKnown(const json::Value& obj, std::initializer_list<std::string_view> known, const std::string& path,
                      Field& f, std::string_view form = "a reading") {
    for (const auto& m : obj.asObject()) {
        if (std::find(known.begin(), known.end(), m.key) == known.end()) {
            std::string key = m.key.substr(0, 32);
            f.set(path, "holds the member \"" + (isSingleLine(key) ? key : std::string("?")) +
                            "\", which is not part of " + std::string(form));
            return false;
        }
    }
    return true;
}

inline const json::Value* member(const json::Value& obj, std::string_view key, json::Type type, const std::string& path,
                          Field& f, bool required) {
    const json::Value* v = obj.find(key);
    if (v == nullptr) {
        if (required) {
            f.set(path + "." + std::string(key), "is missing");
        }
        return nullptr;
    }
    if (v->type() != type) {
        f.set(path + "." + std::string(key), std::string("must be ") + json::typeName(type) + ", not " +
                                                  json::typeName(v->type()));
        return nullptr;
    }
    return v;
}

inline std::string stringMember(const json::Value& obj, std::string_view key, const std::string& path, Field& f,
                         bool required) {
    const json::Value* v = member(obj, key, json::Type::String, path, f, required);
    return v != nullptr ? v->asString() : std::string();
}

/// An array member, refused when longer than `max` before any item is looked at.
inline const std::vector<json::Value>* arrayMember(const json::Value& obj, std::string_view key, std::size_t max,
                                            const std::string& path, Field& f) {
    const json::Value* v = member(obj, key, json::Type::Array, path, f, false);
    if (v == nullptr) {
        return nullptr;
    }
    if (v->asArray().size() > max) {
        f.set(path + "." + std::string(key), "holds more than " + std::to_string(max) + " items",
              ErrorCode::TooLarge);
        return nullptr;
    }
    return &v->asArray();
}


} // namespace veridicor::reading::json_fields
