#include "bundle.h"
#include "crypto.h"

#include <veridicor/verify/encoding.h>
#include <veridicor/verify/finding.h>
#include <veridicor/verify/pki.h>
#include <veridicor/verify/signer.h>

#include <openssl/x509.h>

#include <chrono>

namespace veridicor::verify {

using namespace detail;

namespace {
constexpr std::size_t kMaxAttachmentFile = std::size_t{256} << 20;
Unexpected<Error> invalid(std::string m) {
    return Unexpected{Error{ErrorCode::Invalid, std::move(m)}};
}
} // namespace

Expected<SigningIdentity, Error> SigningIdentity::create(PrivateKey key, std::vector<Certificate> chain) {
    if (chain.empty()) {
        return invalid("the certificate chain is empty");
    }
    if (!chain.front().matches(key)) {
        return invalid("the private key does not belong to the first certificate of the chain ('" +
                       chain.front().info().subject +
                       "'); the chain must start with the signer's certificate");
    }
    switch (EVP_PKEY_get_base_id(key.native())) {
    case EVP_PKEY_EC:
    case EVP_PKEY_ED25519:
    case EVP_PKEY_RSA:
        break;
    default:
        return Unexpected{Error{ErrorCode::Unsupported, "a " + key.description() + " key cannot sign here"}};
    }
    return SigningIdentity(std::move(key), std::move(chain));
}

Expected<SigningIdentity, Error> SigningIdentity::load(const std::filesystem::path& keyPem,
                                                       const std::filesystem::path& chainPem) {
    auto key = PrivateKey::load(keyPem);
    if (!key) {
        return Unexpected{key.error()};
    }
    auto chain = Certificate::loadPem(chainPem);
    if (!chain) {
        return Unexpected{chain.error()};
    }
    return create(std::move(*key), std::move(*chain));
}

Expected<TimestampAuthority, Error> TimestampAuthority::load(const std::filesystem::path& keyPem,
                                                             const std::filesystem::path& chainPem) {
    auto key = PrivateKey::load(keyPem);
    if (!key) {
        return Unexpected{key.error()};
    }
    auto chain = Certificate::loadPem(chainPem);
    if (!chain) {
        return Unexpected{chain.error()};
    }
    if (chain->empty() || !chain->front().matches(*key)) {
        return invalid("the TSA's private key does not belong to the first certificate of its chain");
    }
    return TimestampAuthority{std::move(*key), std::move(*chain)};
}

Expected<std::string, Error> signDsseBundle(const SigningIdentity& identity, std::string_view payload,
                                            bool emptyKeyId, const TimestampAuthority* tsa) {
    auto sig = signMessage(identity.key().native(), pae(kInTotoPayloadType, payload));
    if (!sig) {
        return Unexpected{sig.error()};
    }
    std::vector<std::string> timestamps;
    if (tsa != nullptr) {
        if (tsa->chain.empty()) {
            return invalid("the TSA's certificate chain is empty");
        }
        const std::vector<Certificate> extra(tsa->chain.begin() + 1, tsa->chain.end());
        // The root is the verifier's (tsa/*.pem); the token carries the rest.
        std::vector<Certificate> carried;
        for (const auto& c : extra) {
            if (X509_self_signed(c.native(), 0) != 1) {
                carried.push_back(c);
            }
        }
        auto token = makeTimestampToken(tsa->chain.front(), tsa->key, carried, *sig, now());
        if (!token) {
            return Unexpected{token.error()};
        }
        timestamps.push_back(std::move(*token));
    }
    return writeBundle(payload, *sig, identity.chain(), emptyKeyId, timestamps);
}

Expected<std::string, Error> buildFindingStatement(const json::Value& predicateIn, const InputData& input,
                                                   const std::filesystem::path& attachmentDir,
                                                   const FindingSignOptions& options) {
    if (!predicateIn.isObject()) {
        return invalid("the predicate must be a JSON object");
    }
    const DigestMethod method = options.method.value_or(input.method);
    const std::string* subjectDigest = input.digestFor(method);
    if (subjectDigest == nullptr) {
        std::string can;
        for (const auto& [m, d] : input.digests) {
            can += (can.empty() ? "" : ", ") + std::string(digestMethodName(m));
        }
        return invalid(std::string(digestMethodName(method)) + " cannot bind this input (a " + input.kind +
                       (can.empty() ? std::string(": no method binds it") +
                                          (input.unboundReason.empty() ? "" : " — " + input.unboundReason)
                                    : "; it is bound by " + can) +
                       ")");
    }
    json::Value predicate = predicateIn;
    // input: digest method always; modality and UIDs when left out, else they must be the data's.
    json::Value* in = predicate.find("input");
    if (in == nullptr) {
        in = &predicate.set("input", json::Value::object());
    }
    if (!in->isObject()) {
        return invalid("predicate.input must be an object");
    }
    in->set("digestMethod", json::Value::string(std::string(digestMethodName(method))));
    if (method == DigestMethod::DicomWaveformV2 || method == DigestMethod::DicomPixelDataV2) {
        // What each attribute was when the finding was made, so that a verifier can name the one that
        // changed.
        json::Value attributes = json::Value::object();
        for (const auto& a : input.attributes) {
            attributes.set(a.path, json::Value::string(a.sha256));
        }
        in->set("attributes", std::move(attributes));
    } else if (in->find("attributes") != nullptr) {
        return invalid("predicate.input.attributes belongs to the v2 DICOM methods only");
    }
    auto fill = [&](const char* key, const std::string& value) -> Expected<void, Error> {
        const json::Value* given = in->find(key);
        if (given == nullptr) {
            if (value.empty()) {
                return invalid(std::string("predicate.input.") + key +
                               " is missing and cannot be read from the data");
            }
            in->set(key, json::Value::string(value));
        } else if (!given->isString() || (!value.empty() && given->asString() != value)) {
            return invalid(std::string("predicate.input.") + key + " is not the data's (" +
                           (value.empty() ? std::string("unknown") : value) + ")");
        }
        return {};
    };
    if (auto r = fill("modality", input.modality); !r) {
        return Unexpected{r.error()};
    }
    if (isDicomMethod(method)) {
        for (const auto& [key, value] :
             {std::pair<const char*, const std::string&>{"studyInstanceUID", input.studyInstanceUID},
              {"seriesInstanceUID", input.seriesInstanceUID},
              {"sopInstanceUID", input.sopInstanceUID}}) {
            if (auto r = fill(key, value); !r) {
                return Unexpected{r.error()};
            }
        }
    }
    if (predicate.find("producedAt") == nullptr) {
        predicate.set("producedAt",
                      json::Value::string(formatRfc3339(std::chrono::floor<std::chrono::seconds>(now()))));
    }
    // Attachments: the digest of the file of that name beside the bundle.
    if (json::Value* atts = predicate.find("attachments"); atts != nullptr && atts->isArray()) {
        for (auto& a : atts->asArray()) {
            const json::Value* name = a.isObject() ? a.find("name") : nullptr;
            if (name == nullptr || !name->isString() || !isValidAttachmentName(name->asString())) {
                return invalid("every attachment needs a \"name\" of 1–64 characters [A-Za-z0-9._-]");
            }
            auto bytes = readFileBounded(attachmentDir / name->asString(), kMaxAttachmentFile);
            if (!bytes) {
                return Unexpected{
                    Error{bytes.error().code, "attachment '" + name->asString() +
                                                  "' must lie beside the bundle: " + bytes.error().message}};
            }
            json::Value digest = json::Value::object();
            digest.set("sha256", json::Value::string(sha256Hex(*bytes)));
            a.set("digest", std::move(digest));
        }
    }
    json::Value digest = json::Value::object();
    digest.set("sha256", json::Value::string(*subjectDigest));
    json::Value subject = json::Value::object();
    subject.set("name", json::Value::string(input.subjectName));
    subject.set("digest", std::move(digest));
    json::Value subjects = json::Value::array();
    subjects.push(std::move(subject));
    json::Value statement = json::Value::object();
    statement.set("_type", json::Value::string(std::string(kStatementType)));
    statement.set("subject", std::move(subjects));
    statement.set("predicateType", json::Value::string(std::string(kFindingPredicateType)));
    statement.set("predicate", std::move(predicate));
    if (auto check = readFindingStatement(statement); !check) {
        return invalid("the finding does not follow the specification: " + check.error());
    }
    return json::serialize(statement);
}

Expected<std::string, Error> signFinding(const SigningIdentity& identity, const json::Value& predicate,
                                         const InputData& input, const std::filesystem::path& attachmentDir,
                                         const FindingSignOptions& options) {
    auto statement = buildFindingStatement(predicate, input, attachmentDir, options);
    if (!statement) {
        return Unexpected{statement.error()};
    }
    return signDsseBundle(identity, *statement, false, options.timestamp ? &*options.timestamp : nullptr);
}

} // namespace veridicor::verify
