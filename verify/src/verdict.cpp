#include "json_nlohmann.h"

#include <veridicor/verify/verdict.h>

#include <nlohmann/json.hpp>

namespace veridicor::verify {

std::string_view checkName(CheckId id) {
    switch (id) {
    case CheckId::Envelope:
        return "envelope";
    case CheckId::Chain:
        return "chain";
    case CheckId::Signature:
        return "signature";
    case CheckId::Model:
        return "model";
    case CheckId::Provenance:
        return "provenance";
    case CheckId::Binding:
        return "binding";
    case CheckId::Attachments:
        return "attachments";
    }
    return "";
}

std::string_view trustName(Trust trust) {
    switch (trust) {
    case Trust::Trusted:
        return "trusted";
    case Trust::Untrusted:
        return "untrusted";
    }
    return "untrusted";
}

std::string verdictToJson(const Verdict& v, int indent) {
    nlohmann::ordered_json out;
    out["verdict"] = std::string(trustName(v.trust));
    auto& reasons = out["reasons"] = nlohmann::ordered_json::array();
    for (const Reason r : v.reasons) {
        reasons.push_back(std::string(reasonName(r)));
    }
    out["signer"] = detail::signerJson(v.signer);
    if (v.authenticated && v.statement) {
        out["model"] = {{"name", v.statement->model.name},
                        {"version", v.statement->model.version},
                        {"digest", v.statement->model.digest}};
    } else {
        out["model"] = nullptr;
    }
    auto& checks = out["checks"] = nlohmann::ordered_json::array();
    for (const auto& c : v.checks) {
        checks.push_back({{"name", std::string(checkName(c.id))}, {"ok", c.ok()}, {"detail", c.detail}});
    }
    auto& findings = out["findings"] = nlohmann::ordered_json::array();
    if (v.authenticated && v.statement) {
        if (const json::Value* fs = v.statement->predicate.find("findings"); fs != nullptr && fs->isArray()) {
            for (const auto& f : fs->asArray()) {
                findings.push_back(detail::toNlohmann(f));
            }
        }
    }
    return out.dump(indent) + (indent >= 0 ? "\n" : "");
}

} // namespace veridicor::verify
