#include "bundle.h"
#include "json_read.h"

#include <veridicor/verify/trust_store.h>

#include <veridicor/verify/encoding.h>
#include <veridicor/verify/json.h>

namespace veridicor::verify::detail {

namespace {
Unexpected<BundleIssue> malformed(std::string detail) {
    return Unexpected{BundleIssue{Reason::Malformed, std::move(detail)}};
}
Unexpected<BundleIssue> unsignedBundle(std::string detail) {
    return Unexpected{BundleIssue{Reason::Unsigned, std::move(detail)}};
}

std::optional<std::string> decode(ObjectReader& r, std::string_view key, Problem& problem,
                                  bool required = true) {
    const std::string* text = r.stringRef(key, required, false);
    if (text == nullptr) {
        return std::nullopt;
    }
    auto bytes = base64Decode(*text);
    if (!bytes) {
        problem.set(r.path(key) + " is not valid base64 (standard or URL-safe)");
        return std::nullopt;
    }
    return bytes;
}
} // namespace

Expected<ParsedBundle, BundleIssue> parseBundle(std::string_view bytes, bool allowPublicKey) {
    if (bytes.size() > kMaxBundleBytes) {
        return malformed("the bundle is " + std::to_string(bytes.size()) + " bytes, over the 64 MiB limit");
    }
    auto doc = json::parse(bytes);
    if (!doc) {
        return malformed("the bundle is not valid JSON: " + doc.error().message + " (at byte " +
                         std::to_string(doc.error().offset) + ")");
    }
    Problem problem;
    ObjectReader top(&*doc, "bundle", problem);
    ParsedBundle out;
    if (auto mt = top.string("mediaType")) {
        if (*mt != kBundleMediaType) {
            // Never the value itself: nothing of an unauthenticated bundle is copied into a message.
            problem.set("bundle.mediaType is not \"" + std::string(kBundleMediaType) + "\"");
        }
    }
    const json::Value* vmValue = top.get("verificationMaterial", json::Type::Object, false);
    const json::Value* envValue = top.get("dsseEnvelope", json::Type::Object, false);
    top.rejectUnknown();
    if (problem.any()) {
        return malformed(problem.message());
    }
    if (envValue == nullptr) {
        return malformed("bundle.dsseEnvelope is missing: only DSSE envelopes are accepted");
    }

    // The envelope.
    ObjectReader env(envValue, "bundle.dsseEnvelope", problem);
    auto payload = decode(env, "payload", problem);
    if (auto pt = env.string("payloadType")) {
        out.payloadType = *pt;
        if (*pt != kInTotoPayloadType) {
            problem.set("bundle.dsseEnvelope.payloadType is not \"" + std::string(kInTotoPayloadType) + "\"");
        }
    }
    const json::Value* sigs = env.get("signatures", json::Type::Array, false);
    env.rejectUnknown();
    std::vector<std::string> signatures;
    if (sigs != nullptr) {
        std::size_t i = 0;
        for (const auto& s : sigs->asArray()) {
            ObjectReader sr(&s, "bundle.dsseEnvelope.signatures[" + std::to_string(i++) + "]", problem);
            auto sig = decode(sr, "sig", problem, false);
            sr.allow("keyid");
            if (const json::Value* keyid = sr.valid() ? s.find("keyid") : nullptr;
                keyid != nullptr && !keyid->isString() && !keyid->isNull()) {
                problem.set(sr.path("keyid") + " must be a string");
            }
            sr.rejectUnknown();
            if (sig && !sig->empty()) {
                signatures.push_back(std::move(*sig));
            }
        }
    }

    // The verification material: exactly one of a certificate chain, a single certificate, or a public key.
    bool hasChainField = false;
    if (vmValue != nullptr) {
        ObjectReader vm(vmValue, "bundle.verificationMaterial", problem);
        const json::Value* chain = vm.get("x509CertificateChain", json::Type::Object, false);
        const json::Value* single = vm.get("certificate", json::Type::Object, false);
        const json::Value* key = vm.get("publicKey", json::Type::Object, false);
        const json::Value* tlog = vm.get("tlogEntries", json::Type::Array, false);
        const json::Value* tsData = vm.get("timestampVerificationData", json::Type::Object, false);
        vm.rejectUnknown();
        if (tsData != nullptr) {
            ObjectReader tr(tsData, "bundle.verificationMaterial.timestampVerificationData", problem);
            if (const json::Value* list = tr.get("rfc3161Timestamps", json::Type::Array, false)) {
                if (list->asArray().size() > kMaxTimestamps) {
                    problem.set(tr.path("rfc3161Timestamps") + " holds more than " +
                                std::to_string(kMaxTimestamps) + " timestamps");
                } else {
                    std::size_t i = 0;
                    for (const auto& t : list->asArray()) {
                        ObjectReader one(&t, tr.path("rfc3161Timestamps") + "[" + std::to_string(i++) + "]",
                                         problem);
                        // Bounded before decoding: base64 of at most kMaxTimestampBytes.
                        if (const json::Value* text = one.get("signedTimestamp", json::Type::String);
                            text != nullptr && text->asString().size() > kMaxTimestampBytes / 3 * 4 + 4) {
                            problem.set(one.path("signedTimestamp") + " is larger than " +
                                        std::to_string(kMaxTimestampBytes >> 10) + " KiB");
                        } else if (auto der = decode(one, "signedTimestamp", problem)) {
                            out.timestamps.push_back(std::move(*der));
                        }
                        one.rejectUnknown();
                    }
                }
            }
            tr.rejectUnknown();
        }
        if (tlog != nullptr) {
            for (const auto& e : tlog->asArray()) {
                if (!e.isObject()) {
                    problem.set("bundle.verificationMaterial.tlogEntries must hold objects");
                }
            }
        }
        if ((chain != nullptr) + (single != nullptr) + (key != nullptr) > 1) {
            problem.set(
                "bundle.verificationMaterial holds more than one of x509CertificateChain, certificate and "
                "publicKey");
        }
        std::vector<std::string> ders;
        if (chain != nullptr) {
            hasChainField = true;
            ObjectReader cr(chain, "bundle.verificationMaterial.x509CertificateChain", problem);
            if (const json::Value* certs = cr.get("certificates", json::Type::Array, false);
                certs != nullptr && certs->asArray().size() > kMaxChainCertificates) {
                // Refused before any certificate is decoded (R2.3): a chain longer than any real one is
                // only a way to make the verifier work.
                out.tooManyCertificates = true;
                out.certificateCount = certs->asArray().size();
            } else if (certs != nullptr) {
                std::size_t i = 0;
                out.certificateCount = certs->asArray().size();
                for (const auto& c : certs->asArray()) {
                    ObjectReader one(&c, cr.path("certificates") + "[" + std::to_string(i++) + "]", problem);
                    if (auto der = decode(one, "rawBytes", problem)) {
                        ders.push_back(std::move(*der));
                    }
                    one.rejectUnknown();
                }
            }
            cr.rejectUnknown();
        }
        if (single != nullptr) {
            hasChainField = true;
            ObjectReader one(single, "bundle.verificationMaterial.certificate", problem);
            if (auto der = decode(one, "rawBytes", problem)) {
                ders.push_back(std::move(*der));
            }
            one.rejectUnknown();
        }
        if (key != nullptr) {
            ObjectReader kr(key, "bundle.verificationMaterial.publicKey", problem);
            out.hasPublicKey = true;
            out.publicKeyHint = kr.string("hint", false, false).value_or("");
            out.publicKeyRawBytes = decode(kr, "rawBytes", problem, false).value_or("");
            kr.string("keyDetails", false, false);
            kr.rejectUnknown();
        }
        if (!problem.any()) {
            std::size_t i = 0;
            for (const auto& der : ders) {
                auto cert = Certificate::fromDer(der);
                if (!cert) {
                    problem.set("certificate " + std::to_string(i) +
                                " of the bundle is not a valid DER certificate");
                    break;
                }
                out.chain.push_back(std::move(*cert));
                ++i;
            }
            if (!out.tooManyCertificates) {
                out.certificateCount = out.chain.size();
            }
        }
    }
    if (problem.any()) {
        return malformed(problem.message());
    }
    if (signatures.size() > 1) {
        return malformed("the envelope holds " + std::to_string(signatures.size()) +
                         " signatures; exactly one is expected");
    }
    out.payload = std::move(*payload);
    if (signatures.empty()) {
        return unsignedBundle("the envelope holds no signature");
    }
    out.signature = std::move(signatures.front());
    if (out.chain.empty() && !out.tooManyCertificates && !(allowPublicKey && out.hasPublicKey)) {
        return unsignedBundle(hasChainField ? "the bundle's certificate chain is empty"
                                            : "the bundle carries no certificate chain");
    }
    if (!allowPublicKey && out.hasPublicKey) {
        return malformed(
            "bundle.verificationMaterial.publicKey is not accepted here: findings are signed with a "
            "certificate");
    }
    return out;
}

std::string writeBundle(std::string_view payload, std::string_view signature,
                        const std::vector<Certificate>& chain, bool writeEmptyKeyId,
                        const std::vector<std::string>& timestamps) {
    json::Value certs = json::Value::array();
    for (const auto& c : chain) {
        json::Value one = json::Value::object();
        const std::string der = c.der();
        one.set("rawBytes", json::Value::string(base64Encode(der)));
        certs.push(std::move(one));
    }
    json::Value chainObj = json::Value::object();
    chainObj.set("certificates", std::move(certs));
    json::Value vm = json::Value::object();
    vm.set("x509CertificateChain", std::move(chainObj));
    vm.set("tlogEntries", json::Value::array());
    if (!timestamps.empty()) {
        json::Value list = json::Value::array();
        for (const auto& t : timestamps) {
            json::Value one = json::Value::object();
            one.set("signedTimestamp", json::Value::string(base64Encode(t)));
            list.push(std::move(one));
        }
        json::Value data = json::Value::object();
        data.set("rfc3161Timestamps", std::move(list));
        vm.set("timestampVerificationData", std::move(data));
    }

    json::Value sig = json::Value::object();
    sig.set("sig", json::Value::string(base64Encode(signature)));
    if (writeEmptyKeyId) {
        sig.set("keyid", json::Value::string(""));
    }
    json::Value sigs = json::Value::array();
    sigs.push(std::move(sig));
    json::Value env = json::Value::object();
    env.set("payload", json::Value::string(base64Encode(payload)));
    env.set("payloadType", json::Value::string(std::string(kInTotoPayloadType)));
    env.set("signatures", std::move(sigs));

    json::Value top = json::Value::object();
    top.set("mediaType", json::Value::string(std::string(kBundleMediaType)));
    top.set("verificationMaterial", std::move(vm));
    top.set("dsseEnvelope", std::move(env));
    return json::serialize(top);
}

} // namespace veridicor::verify::detail
