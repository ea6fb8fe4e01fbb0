#pragma once
// Output only: our strict JSON values and signer details as nlohmann::ordered_json, for the verdict JSON.

#include <veridicor/verify/json.h>
#include <veridicor/verify/verdict.h>

#include <nlohmann/json.hpp>

#include <optional>

namespace veridicor::verify::detail {

inline nlohmann::ordered_json toNlohmann(const json::Value& v) {
    switch (v.type()) {
    case json::Type::Null:
        return nullptr;
    case json::Type::Bool:
        return v.asBool();
    case json::Type::Number: {
        if (auto i = v.asInteger(); i && v.numberText().find_first_of(".eE") == std::string::npos) {
            return *i;
        }
        return v.asDouble();
    }
    case json::Type::String:
        return v.asString();
    case json::Type::Array: {
        auto a = nlohmann::ordered_json::array();
        for (const auto& item : v.asArray()) {
            a.push_back(toNlohmann(item));
        }
        return a;
    }
    case json::Type::Object: {
        auto o = nlohmann::ordered_json::object();
        for (const auto& m : v.asObject()) {
            o[m.key] = toNlohmann(m.value);
        }
        return o;
    }
    }
    return nullptr;
}

inline nlohmann::ordered_json signerJson(const std::optional<SignerInfo>& s) {
    if (!s) {
        return nullptr;
    }
    return {{"identity", s->identities},
            {"issuer", s->issuer},
            {"notBefore", formatRfc3339(s->notBefore)},
            {"notAfter", formatRfc3339(s->notAfter)}};
}

} // namespace veridicor::verify::detail
