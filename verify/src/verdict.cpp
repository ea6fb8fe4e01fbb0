#include "json_write.h"
#include "verdict_json.h"

#include <veridicor/verify/verdict.h>

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

namespace detail {

json::Value signerToJson(const std::optional<SignerInfo>& s) {
    if (!s) {
        return {};
    }
    json::Value identities = json::Value::array();
    if (s->chainTrusted) {
        for (const auto& id : s->identities) {
            identities.push(json::Value::string(id));
        }
    }
    json::Value typed = json::Value::array();
    if (s->chainTrusted) {
        for (const auto& id : s->typedIdentities) {
            typed.push(json::Value::string(id));
        }
    }
    json::Value out = json::Value::object();
    out.set("identity", std::move(identities));
    out.set("identities", std::move(typed));
    out.set("authorized", s->chainTrusted && !s->authorizedAs.empty() ? json::Value::string(s->authorizedAs)
                                                                      : json::Value());
    out.set("issuer", json::Value::string(s->chainTrusted ? s->issuer : std::string()));
    out.set("notBefore", json::Value::string(formatRfc3339(s->notBefore)));
    out.set("notAfter", json::Value::string(formatRfc3339(s->notAfter)));
    return out;
}

} // namespace detail

std::string verdictToJson(const Verdict& v, int indent) {
    // Written with our own writer: it never fails (a string that is not valid UTF-8 is written with U+FFFD),
    // and the echoed findings keep their numbers exactly as signed (no re-rounding through a double).
    json::Value out = json::Value::object();
    out.set("verdict", json::Value::string(std::string(trustName(v.trust))));
    json::Value reasons = json::Value::array();
    for (const Reason r : v.reasons) {
        reasons.push(json::Value::string(std::string(reasonName(r))));
    }
    out.set("reasons", std::move(reasons));
    out.set("signer", detail::signerToJson(v.signer));
    if (v.signedAt) {
        out.set("signedAt", json::Value::string(formatRfc3339(*v.signedAt)));
    }
    if (v.authenticated && v.statement) {
        json::Value model = json::Value::object();
        model.set("name", json::Value::string(v.statement->model.name));
        model.set("version", json::Value::string(v.statement->model.version));
        model.set("digest", json::Value::string(v.statement->model.digest));
        out.set("model", std::move(model));
    } else {
        out.set("model", json::Value());
    }
    json::Value checks = json::Value::array();
    for (const auto& c : v.checks) {
        json::Value check = json::Value::object();
        check.set("name", json::Value::string(std::string(checkName(c.id))));
        check.set("ok", json::Value::boolean(c.ok()));
        check.set("detail", json::Value::string(c.detail));
        checks.push(std::move(check));
    }
    out.set("checks", std::move(checks));
    if (v.authenticated && v.boundMethod) {
        // Revision 2: which method binds the finding, and whether it covers the header (R2.1).
        json::Value binding = json::Value::object();
        binding.set("method", json::Value::string(std::string(digestMethodName(*v.boundMethod))));
        binding.set("headerCovered", json::Value::boolean(v.headerCovered.value_or(false)));
        out.set("binding", std::move(binding));
    }
    json::Value warnings = json::Value::array();
    for (const auto& w : v.warnings) {
        warnings.push(json::Value::string(w));
    }
    out.set("warnings", std::move(warnings));
    // The findings as signed, the last member: written in place of an empty array rather than copied into
    // `out` (a statement may hold hundreds of thousands of them).
    const json::Value* findings = nullptr;
    if (v.authenticated && v.statement) {
        if (const json::Value* fs = v.statement->predicate.find("findings"); fs != nullptr && fs->isArray()) {
            findings = fs;
        }
    }
    out.set("findings", json::Value::array());
    std::string text = json::serializeIndented(out, indent);
    const std::string_view end = indent >= 0 ? "[]\n}" : "[]}";
    if (findings != nullptr && !findings->asArray().empty() && text.size() >= end.size() &&
        std::string_view(text).substr(text.size() - end.size()) == end) {
        text.resize(text.size() - end.size());
        // Indented, the findings take up to about one and a half times their signed text: room for twice that
        // is made at once (address space until written) rather than by doubling tens of MiB.
        text.reserve(text.size() + 2 * v.payload.size() + 64);
        detail::appendJson(text, *findings, indent, 1);
        text += end.substr(2);
    }
    return text + (indent >= 0 ? "\n" : "");
}

} // namespace veridicor::verify
