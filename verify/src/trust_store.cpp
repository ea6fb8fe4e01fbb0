#include "crypto.h"
#include "json_read.h"
#include "safe_text.h"

#include <veridicor/verify/encoding.h>
#include <veridicor/verify/json.h>
#include <veridicor/verify/trust_store.h>

#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/x509v3.h>

#include <algorithm>
#include <array>
#include <set>
#include <tuple>

namespace veridicor::verify {

using namespace detail;

namespace {
constexpr std::size_t kMaxPemFile = std::size_t{16} << 20;
constexpr std::size_t kMaxPolicyBytes = std::size_t{4} << 20;
constexpr std::size_t kMaxModelBundle = std::size_t{64} << 20;
constexpr std::size_t kMaxFilesPerFolder = 10000;

Unexpected<Error> invalid(std::string m) {
    return Unexpected{Error{ErrorCode::Invalid, std::move(m)}};
}

/// The regular files in `dir` with extension `ext`, sorted by name; empty when the folder is absent.
Expected<std::vector<std::filesystem::path>, Error> filesIn(const std::filesystem::path& dir,
                                                            const std::string& ext) {
    std::vector<std::filesystem::path> out;
    std::error_code ec;
    if (!std::filesystem::is_directory(dir, ec)) {
        return out;
    }
    for (auto it = std::filesystem::directory_iterator(dir, ec);
         !ec && it != std::filesystem::directory_iterator(); it.increment(ec)) {
        if (it->is_regular_file(ec) && it->path().extension() == ext) {
            out.push_back(it->path());
            if (out.size() > kMaxFilesPerFolder) {
                return Unexpected{Error{ErrorCode::TooLarge, "'" + dir.string() + "' holds more than " +
                                                                 std::to_string(kMaxFilesPerFolder) +
                                                                 " files"}};
            }
        }
    }
    if (ec) {
        return Unexpected{
            Error{ErrorCode::Unreadable, "'" + dir.string() + "' cannot be listed: " + ec.message()}};
    }
    std::sort(out.begin(), out.end());
    return out;
}

std::string displayName(X509* cert) {
    const auto info = Certificate::fromNative(cert).info();
    if (!info.commonName.empty()) {
        return info.commonName;
    }
    if (!info.identities.empty()) {
        return info.identities
            .front(); // e.g. Sigstore (Fulcio) certificates: an empty subject, an e-mail SAN
    }
    return info.subject.empty() ? std::string("(a certificate without a name)") : info.subject;
}

} // namespace

// ---- policy.json
// ---------------------------------------------------------------------------------------------

namespace {

constexpr std::array<std::string_view, 4> kIdentityTypes = {"dns:", "uri:", "email:", "cn:"};

bool hasIdentityType(std::string_view id) {
    for (const auto t : kIdentityTypes) {
        if (id.size() > t.size() && id.substr(0, t.size()) == t) {
            return true;
        }
    }
    return false;
}

std::string lower(std::string s) {
    for (char& c : s) {
        if (c >= 'A' && c <= 'Z') {
            c = static_cast<char>(c - 'A' + 'a');
        }
    }
    return s;
}

/// DNS names compare case-insensitively; everything else exactly.
std::string normalizedIdentity(const std::string& typed) {
    return typed.rfind("dns:", 0) == 0 ? lower(typed) : typed;
}

std::vector<SignerRule> readSigners(ObjectReader& r, const char* key, int version, Problem& problem) {
    std::vector<SignerRule> out;
    if (version == 1) {
        for (auto& name : r.strings(key, true, true).value_or(std::vector<std::string>{})) {
            out.push_back(SignerRule{std::move(name), {}});
        }
        return out;
    }
    const json::Value* list = r.get(key, json::Type::Array);
    if (list == nullptr) {
        return out;
    }
    if (list->asArray().empty()) {
        problem.set(r.path(key) + " must not be empty");
    }
    std::size_t i = 0;
    for (const auto& entry : list->asArray()) {
        const std::string path = r.path(key) + "[" + std::to_string(i++) + "]";
        ObjectReader e(&entry, path, problem, true);
        SignerRule rule;
        rule.identity = e.string("identity").value_or("");
        const std::string ca = e.string("ca").value_or("");
        e.rejectUnknown();
        if (problem.any()) {
            break;
        }
        if (!hasIdentityType(rule.identity)) {
            problem.set(path + ".identity must be typed: \"dns:NAME\", \"uri:URI\", \"email:ADDRESS\" or "
                               "\"cn:NAME\" (policy version 2)");
            break;
        }
        if (ca.rfind("sha256:", 0) != 0 || !isSha256Hex(ca.substr(7))) {
            problem.set(path +
                        ".ca must be \"sha256:\" and the 64 lowercase hexadecimal digits of the SHA-256 "
                        "of the CA's DER SubjectPublicKeyInfo");
            break;
        }
        rule.identity = normalizedIdentity(rule.identity);
        rule.caSpkiSha256 = ca.substr(7);
        out.push_back(std::move(rule));
    }
    return out;
}

} // namespace

std::string SignerRule::describe() const {
    if (caSpkiSha256.empty()) {
        return quoteText(identity);
    }
    return quoteText(identity) + " under the CA sha256:" + caSpkiSha256.substr(0, 16) + "…";
}

std::vector<DigestMethod> Policy::acceptedMethods(const ModelApproval* model) const {
    if (model != nullptr && !model->inputDigestMethods.empty()) {
        return model->inputDigestMethods;
    }
    if (policyVersion >= 2) {
        return {DigestMethod::DicomWaveformV2, DigestMethod::DicomPixelDataV2, DigestMethod::WfdbRecordV1,
                DigestMethod::FileV1};
    }
    return {kAllDigestMethods.begin(), kAllDigestMethods.end()};
}

Expected<Policy, Error> parsePolicy(std::string_view text) {
    auto doc = json::parse(text);
    if (!doc) {
        return invalid("policy.json is not valid JSON: " + doc.error().message + " (at byte " +
                       std::to_string(doc.error().offset) + ")");
    }
    Problem problem;
    ObjectReader top(&*doc, "policy", problem, true); // the site's own file: unknown keys are named
    Policy policy;
    if (auto v = top.count("policyVersion", 1000)) {
        if (*v != 1 && *v != 2) {
            problem.set("policy.policyVersion must be 1 or 2 (this program reads version 1 and 2 policies)");
        }
        policy.policyVersion = static_cast<int>(*v);
    }
    // Version 2 requires a current CRL from every issuer unless it says otherwise (R2.4).
    policy.revocation = policy.policyVersion >= 2 ? RevocationMode::Require : RevocationMode::IfAvailable;
    if (auto r = top.string("revocation", policy.policyVersion < 2)) {
        if (*r == "if-available") {
            policy.revocation = RevocationMode::IfAvailable;
        } else if (*r == "require") {
            policy.revocation = RevocationMode::Require;
        } else {
            problem.set(R"(policy.revocation must be "if-available" or "require", not )" + quoteText(*r));
        }
    }
    // "readingSigners" (policy version 2): who may sign readings. A store that approves only readers needs
    // no "models".
    const bool hasReadingSigners = doc->find("readingSigners") != nullptr;
    if (hasReadingSigners && policy.policyVersion < 2 && !problem.any()) {
        problem.set("policy.readingSigners requires policyVersion 2 (typed identities pinned to a CA)");
    }
    if (hasReadingSigners && !problem.any()) {
        policy.readingSigners = readSigners(top, "readingSigners", 2, problem);
    }
    if (const json::Value* models = top.get("models", json::Type::Array, !hasReadingSigners)) {
        std::size_t i = 0;
        for (const auto& m : models->asArray()) {
            if (problem.any()) {
                break;
            }
            const std::string path = "policy.models[" + std::to_string(i++) + "]";
            ObjectReader r(&m, path, problem, true);
            ModelApproval a;
            a.name = r.string("name").value_or("");
            a.version = r.string("version").value_or("");
            a.digest = r.string("digest").value_or("");
            if (!problem.any() && !isSha256Hex(a.digest)) {
                problem.set(path + ".digest must be 64 lowercase hexadecimal characters (a SHA-256 digest)");
            }
            a.modalities = r.strings("modalities", true, true).value_or(std::vector<std::string>{});
            if (auto methods = r.strings("inputDigestMethods", false, true)) {
                for (const auto& name : *methods) {
                    auto method = digestMethodFromName(name);
                    if (!method) {
                        problem.set(path + ".inputDigestMethods names " + quoteText(name) +
                                    ", which is not a digest method of the specification");
                        break;
                    }
                    if (std::find(a.inputDigestMethods.begin(), a.inputDigestMethods.end(), *method) !=
                        a.inputDigestMethods.end()) {
                        problem.set(path + ".inputDigestMethods names " + quoteText(name) + " twice");
                        break;
                    }
                    a.inputDigestMethods.push_back(*method);
                }
            }
            a.modelSigners = readSigners(r, "modelSigners", policy.policyVersion, problem);
            a.findingSigners = readSigners(r, "findingSigners", policy.policyVersion, problem);
            r.rejectUnknown();
            for (const auto& other : policy.models) {
                if (!problem.any() && other.name == a.name && other.version == a.version) {
                    problem.set(path + " approves " + quoteText(a.name) + " " + quoteText(a.version) +
                                " a second time");
                }
            }
            policy.models.push_back(std::move(a));
        }
    }
    top.rejectUnknown();
    if (problem.any()) {
        return invalid(problem.message());
    }
    return policy;
}

std::string spkiSha256(const Certificate& cert) {
    X509_PUBKEY* pub = cert.native() != nullptr ? X509_get_X509_PUBKEY(cert.native()) : nullptr;
    if (pub == nullptr) {
        return {};
    }
    unsigned char* der = nullptr;
    const int n = i2d_X509_PUBKEY(pub, &der);
    if (n <= 0 || der == nullptr) {
        ERR_clear_error();
        return {};
    }
    std::string out =
        sha256Hex(std::string_view(reinterpret_cast<const char*>(der), static_cast<std::size_t>(n)));
    OPENSSL_free(der);
    return out;
}

namespace {

std::string asn1Text(const ASN1_STRING* s) {
    unsigned char* utf8 = nullptr;
    const int n = ASN1_STRING_to_UTF8(&utf8, s);
    if (n < 0 || utf8 == nullptr) {
        ERR_clear_error();
        return {};
    }
    std::string out(reinterpret_cast<char*>(utf8), static_cast<std::size_t>(n));
    OPENSSL_free(utf8);
    return out;
}

/// The subject CN entries of a certificate (a certificate may carry more than one; every one is an identity
/// claim).
std::vector<std::string> commonNames(X509* x) {
    std::vector<std::string> out;
    const X509_NAME* subject = X509_get_subject_name(x);
    for (int i = X509_NAME_get_index_by_NID(subject, NID_commonName, -1); i >= 0;
         i = X509_NAME_get_index_by_NID(subject, NID_commonName, i)) {
        out.push_back(asn1Text(X509_NAME_ENTRY_get_data(X509_NAME_get_entry(subject, i))));
    }
    return out;
}

/// A CN that is a host name (LDH labels, at least two): OpenSSL checks such a CN against DNS name
/// constraints when the leaf has no DNS name; any other CN escapes them.
bool isHostname(std::string_view s) {
    if (s.empty() || s.size() > 253 || s.find('.') == std::string_view::npos) {
        return false;
    }
    std::size_t start = 0;
    while (start <= s.size()) {
        const std::size_t dot = s.find('.', start);
        const std::string_view label = s.substr(start, dot == std::string_view::npos ? s.npos : dot - start);
        if (label.empty() || label.size() > 63 || label.front() == '-' || label.back() == '-') {
            return false;
        }
        for (const char c : label) {
            const bool ok =
                (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-';
            if (!ok) {
                return false;
            }
        }
        if (dot == std::string_view::npos) {
            break;
        }
        start = dot + 1;
    }
    return true;
}

} // namespace

std::vector<std::string> typedIdentities(const Certificate& cert) {
    std::vector<std::string> out;
    X509* x = cert.native();
    if (x == nullptr) {
        return out;
    }
    auto add = [&](std::string id) {
        id = normalizedIdentity(id);
        if (std::find(out.begin(), out.end(), id) == out.end()) {
            out.push_back(std::move(id));
        }
    };
    const int sanIndex = X509_get_ext_by_NID(x, NID_subject_alt_name, -1);
    if (sanIndex >= 0) {
        auto* sans = static_cast<GENERAL_NAMES*>(X509_get_ext_d2i(x, NID_subject_alt_name, nullptr, nullptr));
        for (int i = 0; sans != nullptr && i < sk_GENERAL_NAME_num(sans); ++i) {
            const GENERAL_NAME* gn = sk_GENERAL_NAME_value(sans, i);
            const std::string value = gn->type == GEN_DNS || gn->type == GEN_URI || gn->type == GEN_EMAIL
                                          ? asn1Text(gn->d.ia5)
                                          : std::string();
            if (value.empty()) {
                continue;
            }
            add((gn->type == GEN_DNS ? "dns:" : gn->type == GEN_URI ? "uri:" : "email:") + value);
        }
        GENERAL_NAMES_free(sans);
    } else {
        // The CN names the subject only when there is no Subject Alternative Name at all: beside a SAN it is
        // unchecked text (a name-constrained CA's CA could write another vendor's name there).
        for (const auto& cn : commonNames(x)) {
            if (!cn.empty()) {
                add("cn:" + cn);
            }
        }
    }
    ERR_clear_error();
    return out;
}

std::optional<Authorization> authorizeSigner(const std::vector<SignerRule>& rules, int policyVersion,
                                             const std::vector<std::string>& identities,
                                             const std::vector<std::string>& pathCaSpki) {
    auto has = [&](const std::string& id) {
        return std::find(identities.begin(), identities.end(), id) != identities.end();
    };
    for (std::size_t i = 0; i < rules.size(); ++i) {
        const SignerRule& r = rules[i];
        if (policyVersion < 2 && r.caSpkiSha256.empty()) {
            // Version 1: a DNS name, or the CN of a certificate without SANs; never a URI or e-mail SAN.
            for (const std::string& id : {"dns:" + lower(r.identity), "cn:" + r.identity}) {
                if (has(id)) {
                    return Authorization{i, id};
                }
            }
        } else if (has(normalizedIdentity(r.identity)) &&
                   std::find(pathCaSpki.begin(), pathCaSpki.end(), r.caSpkiSha256) != pathCaSpki.end()) {
            return Authorization{i, normalizedIdentity(r.identity)};
        }
    }
    return std::nullopt;
}

// ---- TrustStore
// ----------------------------------------------------------------------------------------------

struct TrustStore::Impl {
    std::filesystem::path dir;
    Policy policy;
    std::vector<Certificate> anchors;
    std::vector<Certificate> tsaAnchors;
    std::vector<Certificate> knownCas;
    std::vector<X509CrlPtr> crls;
    std::vector<ModelBundleFile> modelBundles;
    X509StorePtr store;
};

Expected<TrustStore, Error> TrustStore::load(const std::filesystem::path& dir) {
    std::error_code ec;
    if (!std::filesystem::is_directory(dir, ec)) {
        return Unexpected{
            Error{ErrorCode::Unreadable, "the trust store '" + dir.string() + "' is not a folder"}};
    }
    auto impl = std::make_shared<Impl>();
    impl->dir = dir;
    impl->store.reset(X509_STORE_new());
    if (!impl->store) {
        return Unexpected{Error{ErrorCode::Crypto, "X509_STORE_new failed"}};
    }

    auto policyText = readFileBounded(dir / "policy.json", kMaxPolicyBytes);
    if (!policyText) {
        return Unexpected{policyText.error()};
    }
    auto policy = parsePolicy(*policyText);
    if (!policy) {
        return Unexpected{Error{policy.error().code,
                                "'" + (dir / "policy.json").string() + "': " + policy.error().message}};
    }
    impl->policy = std::move(*policy);

    auto anchorFiles = filesIn(dir / "anchors", ".pem");
    if (!anchorFiles) {
        return Unexpected{anchorFiles.error()};
    }
    for (const auto& f : *anchorFiles) {
        auto certs = Certificate::loadPem(f);
        if (!certs) {
            return Unexpected{certs.error()};
        }
        for (auto& c : *certs) {
            X509* x = c.native();
            if (X509_self_signed(x, 1) != 1 || X509_check_ca(x) == 0) {
                ERR_clear_error();
                return invalid(
                    "'" + f.string() + "': '" + displayName(x) +
                    "' is not a self-signed CA certificate; anchors/ holds root certificates only");
            }
            if (X509_STORE_add_cert(impl->store.get(), x) != 1) {
                ERR_clear_error(); // the same root twice is harmless
            }
            impl->anchors.push_back(std::move(c));
        }
    }
    if (impl->anchors.empty()) {
        return invalid("the trust store '" + dir.string() + "' has no root certificates in anchors/*.pem");
    }

    auto crlFiles = filesIn(dir / "crls", ".pem");
    if (!crlFiles) {
        return Unexpected{crlFiles.error()};
    }
    for (const auto& f : *crlFiles) {
        auto text = readFileBounded(f, kMaxPemFile);
        if (!text) {
            return Unexpected{text.error()};
        }
        BioPtr bio = memoryBio(*text);
        int count = 0;
        while (true) {
            X509_CRL* crl = PEM_read_bio_X509_CRL(bio.get(), nullptr, nullptr, nullptr);
            if (crl == nullptr) {
                const unsigned long err = ERR_peek_last_error();
                ERR_clear_error();
                if (ERR_GET_REASON(err) != PEM_R_NO_START_LINE) {
                    return invalid("'" + f.string() + "' holds a damaged CRL");
                }
                break;
            }
            // CRLs are not given to OpenSSL: revocation is checked by our own rules (R2.4), below.
            impl->crls.emplace_back(crl);
            ++count;
        }
        if (count == 0) {
            return invalid("'" + f.string() + "' holds no PEM CRL");
        }
    }

    // tsa/: the roots timestamp authorities' certificates chain to (R2.6); cas/: CA certificates that may
    // have signed CRLs after a CA changed keys (R2.4).
    for (const auto& [folder, target, root] :
         {std::tuple<const char*, std::vector<Certificate>*, bool>{"tsa", &impl->tsaAnchors, true},
          {"cas", &impl->knownCas, false}}) {
        auto files = filesIn(dir / folder, ".pem");
        if (!files) {
            return Unexpected{files.error()};
        }
        for (const auto& f : *files) {
            auto certs = Certificate::loadPem(f);
            if (!certs) {
                return Unexpected{certs.error()};
            }
            for (auto& c : *certs) {
                X509* x = c.native();
                if (X509_check_ca(x) == 0 || (root && X509_self_signed(x, 1) != 1)) {
                    ERR_clear_error();
                    return invalid("'" + f.string() + "': '" + displayName(x) + "' is not a " +
                                   (root ? "self-signed CA certificate; tsa/ holds the roots of timestamp "
                                           "authorities only"
                                         : "CA certificate; cas/ holds CA certificates only"));
                }
                ERR_clear_error();
                target->push_back(std::move(c));
            }
        }
    }

    auto modelFiles = filesIn(dir / "models", ".sig");
    if (!modelFiles) {
        return Unexpected{modelFiles.error()};
    }
    for (const auto& f : *modelFiles) {
        auto bytes = readFileBounded(f, kMaxModelBundle);
        if (!bytes) {
            return Unexpected{bytes.error()};
        }
        impl->modelBundles.push_back({f, std::move(*bytes)});
    }

    TrustStore ts;
    ts.m_impl = std::move(impl);
    return ts;
}

const std::filesystem::path& TrustStore::directory() const {
    return m_impl->dir;
}
const Policy& TrustStore::policy() const {
    return m_impl->policy;
}
const std::vector<Certificate>& TrustStore::anchors() const {
    return m_impl->anchors;
}
const std::vector<Certificate>& TrustStore::tsaAnchors() const {
    return m_impl->tsaAnchors;
}
const std::vector<Certificate>& TrustStore::knownCas() const {
    return m_impl->knownCas;
}
std::size_t TrustStore::crlCount() const {
    return m_impl->crls.size();
}

std::pair<TimePoint, TimePoint> TrustStore::crlsCurrent() const {
    TimePoint from = TimePoint::min();
    TimePoint to = TimePoint::max();
    for (const auto& crl : m_impl->crls) {
        const auto last = asn1ToTime(X509_CRL_get0_lastUpdate(crl.get()));
        const auto next = asn1ToTime(X509_CRL_get0_nextUpdate(crl.get()));
        if (!last) {
            return {TimePoint::max(), TimePoint::min()}; // unreadable: never current
        }
        from = std::max(from, *last);
        if (next) {
            to = std::min(to, *next);
        }
    }
    return {from, to};
}
const std::vector<TrustStore::ModelBundleFile>& TrustStore::modelBundles() const {
    return m_impl->modelBundles;
}

const ModelApproval* TrustStore::findModel(std::string_view name, std::string_view version) const {
    for (const auto& m : m_impl->policy.models) {
        if (m.name == name && m.version == version) {
            return &m;
        }
    }
    return nullptr;
}

// ---- chain verification
// --------------------------------------------------------------------------------------

namespace {

struct ChainError {
    int code;
    int depth;
    X509* cert; // owned by the chain or the caller's certificates; valid during verification only
};

struct Collector {
    std::vector<ChainError> errors;
    TimePoint validityAt{};
};

int collectErrors(int ok, X509_STORE_CTX* ctx) {
    if (ok == 1) {
        return 1;
    }
    auto* c = static_cast<Collector*>(X509_STORE_CTX_get_app_data(ctx));
    if (c != nullptr) {
        const int code = X509_STORE_CTX_get_error(ctx);
        X509* cert = X509_STORE_CTX_get_current_cert(ctx);
        // A certificate is valid through its notAfter second inclusive (RFC 5280); OpenSSL counts that very
        // second as expired.
        if (code == X509_V_ERR_CERT_HAS_EXPIRED && cert != nullptr) {
            if (const auto notAfter = asn1ToTime(X509_get0_notAfter(cert));
                notAfter && toUnixSeconds(*notAfter) == toUnixSeconds(c->validityAt)) {
                return 1;
            }
        }
        c->errors.push_back(ChainError{code, X509_STORE_CTX_get_error_depth(ctx), cert});
    }
    // Carry on: every problem of the chain is collected and judged below, so that a verdict lists all of
    // them.
    return 1;
}

enum class ErrorClass { Untrusted, Expired, Weak };

ErrorClass classify(int code) {
    switch (code) {
    case X509_V_ERR_CERT_HAS_EXPIRED:
    case X509_V_ERR_CERT_NOT_YET_VALID:
    case X509_V_ERR_ERROR_IN_CERT_NOT_BEFORE_FIELD:
    case X509_V_ERR_ERROR_IN_CERT_NOT_AFTER_FIELD:
        return ErrorClass::Expired;
    case X509_V_ERR_CA_KEY_TOO_SMALL:
    case X509_V_ERR_EE_KEY_TOO_SMALL:
    case X509_V_ERR_CA_MD_TOO_WEAK:
        return ErrorClass::Weak;
    default:
        return ErrorClass::Untrusted;
    }
}

// ---- revocation (R2.4): our own rules, not OpenSSL's CRL lookup, which ignores a CRL whose authority key
// identifier names another key (so a CRL signed by a CA's new key, or a forged one, would silently not
// count) and judges CRLs at the same time as certificates.

enum class RevocationStatus { Good, NoCrl, Revoked, Unknown };

struct RevocationOutcome {
    RevocationStatus status = RevocationStatus::Good;
    std::string detail;
    std::string note; ///< a fact worth telling even when the outcome is good
};

bool isCompromise(long reason) {
    // keyCompromise (1), cACompromise (2), aACompromise (10): the key itself may have been used by others, so
    // no signature by it is believed, whenever it was timestamped.
    return reason == 1 || reason == 2 || reason == 10;
}

std::string reasonText(long reason) {
    switch (reason) {
    case 0:
        return "unspecified";
    case 1:
        return "key compromise";
    case 2:
        return "CA compromise";
    case 3:
        return "affiliation changed";
    case 4:
        return "superseded";
    case 5:
        return "cessation of operation";
    case 6:
        return "certificate hold";
    case 9:
        return "privilege withdrawn";
    case 10:
        return "AA compromise";
    default:
        return "reason code " + std::to_string(reason);
    }
}

bool hasCriticalExtension(const X509_CRL* crl) {
    for (int i = 0; i < X509_CRL_get_ext_count(crl); ++i) {
        if (X509_EXTENSION_get_critical(X509_CRL_get_ext(crl, i)) != 0) {
            return true;
        }
    }
    return false;
}

bool mayHaveSignedCrls(X509* ca) {
    const uint32_t ku = X509_get_key_usage(ca);
    return ku == UINT32_MAX || (ku & KU_CRL_SIGN) != 0;
}

} // namespace

namespace {

/// Keys other than the path CA's own that are certified for the same CA name under a trusted anchor (a CA
/// that changed keys): anchors of that name, and cas/*.pem of that name whose chain leads to an anchor.
std::vector<X509*> otherKeysOfCa(const TrustStore::Impl& impl, X509* ca, TimePoint at) {
    std::vector<X509*> out;
    auto sameName = [&](X509* x) {
        return X509_NAME_cmp(X509_get_subject_name(x), X509_get_subject_name(ca)) == 0 &&
               X509_cmp(x, ca) != 0;
    };
    for (const auto& a : impl.anchors) {
        if (sameName(a.native())) {
            out.push_back(a.native());
        }
    }
    for (const auto& c : impl.knownCas) {
        if (!sameName(c.native())) {
            continue;
        }
        X509StoreCtxPtr ctx(X509_STORE_CTX_new());
        STACK_OF(X509)* untrusted = sk_X509_new_null();
        for (const auto& k : impl.knownCas) {
            sk_X509_push(untrusted, k.native());
        }
        bool ok = false;
        if (ctx && untrusted != nullptr &&
            X509_STORE_CTX_init(ctx.get(), impl.store.get(), c.native(), untrusted) == 1) {
            X509_VERIFY_PARAM_set_time(X509_STORE_CTX_get0_param(ctx.get()),
                                       static_cast<time_t>(toUnixSeconds(at)));
            ok = X509_verify_cert(ctx.get()) == 1;
        }
        sk_X509_free(untrusted);
        ERR_clear_error();
        if (ok) {
            out.push_back(c.native());
        }
    }
    return out;
}

RevocationOutcome checkRevocation(const TrustStore::Impl& impl, X509* cert, X509* issuer,
                                  const ChainTimes& times) {
    RevocationOutcome out;
    const TimePoint at = times.revocationAt;
    std::vector<const X509_CRL*> crls;
    for (const auto& crl : impl.crls) {
        if (X509_NAME_cmp(X509_CRL_get_issuer(crl.get()), X509_get_subject_name(issuer)) == 0) {
            crls.push_back(crl.get());
        }
    }
    if (crls.empty()) {
        out.status = RevocationStatus::NoCrl;
        return out;
    }
    std::vector<X509*> otherKeys; // looked up only when a CRL does not verify with the CA's own key
    bool lookedUp = false;
    std::string unknown;
    bool anyCurrent = false;
    std::optional<TimePoint> staleUntil;
    std::optional<TimePoint> earlyFrom;
    std::optional<TimePoint> revokedAt;
    long revokedReason = -1;
    for (const X509_CRL* crl : crls) {
        // X509_CRL_verify() takes a non-const X509_CRL* (OpenSSL 3); it only reads the CRL and its signature.
        auto* c = const_cast<X509_CRL*>(crl); // NOLINT(cppcoreguidelines-pro-type-const-cast)
        bool verified = mayHaveSignedCrls(issuer) && X509_CRL_verify(c, X509_get0_pubkey(issuer)) == 1;
        ERR_clear_error();
        if (!verified) {
            if (!lookedUp) {
                otherKeys = otherKeysOfCa(impl, issuer, at);
                lookedUp = true;
            }
            for (X509* k : otherKeys) {
                if (!verified && mayHaveSignedCrls(k) && X509_CRL_verify(c, X509_get0_pubkey(k)) == 1) {
                    verified = true;
                }
                ERR_clear_error();
            }
        }
        if (!verified) {
            // Never ignored (R2.4): a CRL under this CA's name that no key of the CA signed is either forged
            // or from a key the site does not know; either way the certificate's status cannot be known.
            unknown = "a CRL in the trust store names its issuer but does not verify with that CA's key, nor "
                      "with another key certified for that CA under a trusted root";
            continue;
        }
        if (hasCriticalExtension(crl)) {
            unknown = "the CRL of its issuer carries a critical extension this program does not interpret";
            continue;
        }
        X509_REVOKED* entry = nullptr;
        if (X509_CRL_get0_by_serial(c, &entry, X509_get0_serialNumber(cert)) == 1 && entry != nullptr) {
            const STACK_OF(X509_EXTENSION)* exts = X509_REVOKED_get0_extensions(entry);
            for (int i = 0; i < sk_X509_EXTENSION_num(exts); ++i) {
                if (X509_EXTENSION_get_critical(sk_X509_EXTENSION_value(exts, i)) != 0) {
                    unknown =
                        "the CRL of its issuer lists it with a critical extension this program does not "
                        "interpret";
                }
            }
            auto when = asn1ToTime(X509_REVOKED_get0_revocationDate(entry)).value_or(TimePoint::min());
            if (auto* invalid = static_cast<ASN1_GENERALIZEDTIME*>(
                    X509_REVOKED_get_ext_d2i(entry, NID_invalidity_date, nullptr, nullptr))) {
                // The key was no longer to be trusted from this date on, even if revoked only later.
                if (auto t = asn1ToTime(invalid)) {
                    when = std::min(when, *t);
                }
                ASN1_GENERALIZEDTIME_free(invalid);
            }
            long reason = 0;
            if (auto* r = static_cast<ASN1_ENUMERATED*>(
                    X509_REVOKED_get_ext_d2i(entry, NID_crl_reason, nullptr, nullptr))) {
                reason = ASN1_ENUMERATED_get(r);
                ASN1_ENUMERATED_free(r);
            }
            ERR_clear_error();
            if (!revokedAt || when < *revokedAt || isCompromise(reason)) {
                revokedAt = when;
                revokedReason = reason;
            }
        }
        const auto last = asn1ToTime(X509_CRL_get0_lastUpdate(crl));
        const ASN1_TIME* nextField = X509_CRL_get0_nextUpdate(crl);
        const auto next =
            nextField != nullptr ? asn1ToTime(nextField) : std::optional<TimePoint>(TimePoint::max());
        if (!last || !next) {
            unknown = "the CRL of its issuer has an unreadable date";
        } else if (*last > at) {
            earlyFrom = *last;
        } else if (toUnixSeconds(*next) < toUnixSeconds(at)) {
            staleUntil = *next;
        } else {
            anyCurrent = true;
        }
    }
    if (revokedAt) {
        // A revocation is final, also in a list that is out of date.
        const std::string when =
            *revokedAt == TimePoint::min() ? std::string() : " on " + formatRfc3339(*revokedAt);
        if (times.signedAt && *revokedAt > *times.signedAt && !isCompromise(revokedReason)) {
            out.note = "revoked" + when + " (" + reasonText(revokedReason) +
                       "), after its signature was timestamped at " + formatRfc3339(*times.signedAt) +
                       ": the revocation does not reach back to this signature";
        } else {
            out.status = RevocationStatus::Revoked;
            out.detail = "certificate revoked" + when + " (" + reasonText(revokedReason) + ")" +
                         (times.signedAt
                              ? ", before its signature was timestamped at " + formatRfc3339(*times.signedAt)
                              : std::string()) +
                         (isCompromise(revokedReason) && times.signedAt && *revokedAt > *times.signedAt
                              ? std::string(" — a compromised key vouches for nothing it signed")
                              : std::string());
            return out;
        }
    }
    if (!unknown.empty()) {
        out.status = RevocationStatus::Unknown;
        out.detail = "revocation status unknown (" + unknown + ")";
    } else if (!anyCurrent) {
        out.status = RevocationStatus::Unknown;
        out.detail = staleUntil
                         ? "revocation status unknown (the CRL of its issuer is out of date: it was due to "
                           "be replaced at " +
                               formatRfc3339(*staleUntil) + ")"
                         : "revocation status unknown (the CRL of its issuer is not yet valid: it was "
                           "issued for " +
                               formatRfc3339(earlyFrom.value_or(TimePoint{})) + ")";
    }
    return out;
}

enum NameType : unsigned { kDns = 1, kEmail = 2, kUri = 4, kDirName = 8, kOther = 16 };

/// Which name types the name constraints of the path cover; `constrained` tells whether there are any.
unsigned constrainedNameTypes(const std::vector<Certificate>& chain, bool& constrained) {
    unsigned types = 0;
    constrained = false;
    for (const auto& c : chain) {
        auto* nc = static_cast<NAME_CONSTRAINTS*>(
            X509_get_ext_d2i(c.native(), NID_name_constraints, nullptr, nullptr));
        if (nc == nullptr) {
            continue;
        }
        constrained = true;
        for (STACK_OF(GENERAL_SUBTREE) * trees : {nc->permittedSubtrees, nc->excludedSubtrees}) {
            for (int i = 0; trees != nullptr && i < sk_GENERAL_SUBTREE_num(trees); ++i) {
                const GENERAL_NAME* base = sk_GENERAL_SUBTREE_value(trees, i)->base;
                switch (base->type) {
                case GEN_DNS:
                    types |= kDns;
                    break;
                case GEN_EMAIL:
                    types |= kEmail;
                    break;
                case GEN_URI:
                    types |= kUri;
                    break;
                case GEN_DIRNAME:
                    types |= kDirName;
                    break;
                default:
                    types |= kOther;
                    break;
                }
            }
        }
        NAME_CONSTRAINTS_free(nc);
    }
    ERR_clear_error();
    return types;
}

/// The identities that count (R2.3): on a path with name constraints, only those of a type a constraint
/// covers (a CN by a directoryName constraint, or, when it is a host name, by a DNS one).
std::vector<std::string> countingIdentities(const Certificate& leaf, const std::vector<Certificate>& chain,
                                            bool& constrained) {
    const unsigned types = constrainedNameTypes(chain, constrained);
    std::vector<std::string> all = typedIdentities(leaf);
    if (!constrained) {
        return all;
    }
    std::vector<std::string> out;
    for (auto& id : all) {
        bool covered = false;
        if (id.rfind("dns:", 0) == 0) {
            covered = (types & kDns) != 0;
        } else if (id.rfind("email:", 0) == 0) {
            covered = (types & kEmail) != 0;
        } else if (id.rfind("uri:", 0) == 0) {
            covered = (types & kUri) != 0;
        } else if (id.rfind("cn:", 0) == 0) {
            covered = (types & kDirName) != 0 || ((types & kDns) != 0 && isHostname(id.substr(3)));
        }
        if (covered) {
            out.push_back(std::move(id));
        }
    }
    return out;
}

} // namespace

ChainResult TrustStore::verifyChain(const Certificate& leaf, const std::vector<Certificate>& intermediates,
                                    TimePoint at) const {
    return verifyChain(leaf, intermediates, ChainTimes::at(at));
}

ChainResult TrustStore::verifyChain(const Certificate& leaf, const std::vector<Certificate>& intermediates,
                                    const ChainTimes& times) const {
    ChainResult result;
    std::set<Reason> reasons;
    std::vector<std::string> problems;
    std::vector<std::string> notes;
    const bool timestamped = times.signedAt.has_value();

    if (intermediates.size() + 1 > kMaxChainCertificates) {
        result.reasons = {Reason::UntrustedChain};
        result.chain.push_back(leaf);
        result.detail = "The signer's certificate chain is not acceptable (signing certificate SHA-256 " +
                        leaf.info().sha256Fingerprint + "): it holds " +
                        std::to_string(intermediates.size() + 1) + " certificates, more than the " +
                        std::to_string(kMaxChainCertificates) + " accepted.";
        return result;
    }

    // The supplied certificates must be an ordered chain, leaf first, each issued by the next: no extra,
    // repeated or shuffled certificates (two different bundles must never carry the same trust).
    std::optional<std::size_t> misordered;
    for (std::size_t i = 0; i < intermediates.size(); ++i) {
        X509* child = i == 0 ? leaf.native() : intermediates[i - 1].native();
        if (X509_check_issued(intermediates[i].native(), child) != X509_V_OK) {
            misordered = i;
            break;
        }
    }
    ERR_clear_error();

    X509StoreCtxPtr ctx(X509_STORE_CTX_new());
    STACK_OF(X509)* untrusted = sk_X509_new_null();
    for (const auto& c : intermediates) {
        sk_X509_push(untrusted, c.native());
    }
    Collector collector;
    collector.validityAt = times.validityAt;
    int rc = -1;
    if (ctx && untrusted != nullptr &&
        X509_STORE_CTX_init(ctx.get(), m_impl->store.get(), leaf.native(), untrusted) == 1) {
        X509_VERIFY_PARAM* param = X509_STORE_CTX_get0_param(ctx.get());
        X509_VERIFY_PARAM_set_time(param, static_cast<time_t>(toUnixSeconds(times.validityAt)));
        X509_STORE_CTX_set_app_data(ctx.get(), &collector);
        X509_STORE_CTX_set_verify_cb(ctx.get(), collectErrors);
        rc = X509_verify_cert(ctx.get());
        if (STACK_OF(X509)* built = X509_STORE_CTX_get1_chain(ctx.get()); built != nullptr) {
            for (int i = 0; i < sk_X509_num(built); ++i) {
                result.chain.push_back(Certificate::fromNative(sk_X509_value(built, i)));
            }
            sk_X509_pop_free(built, X509_free);
        }
    }
    const std::string sslErrors = openSslErrors();
    if (result.chain.empty()) {
        result.chain.push_back(leaf);
        result.chain.insert(result.chain.end(), intermediates.begin(), intermediates.end());
    }

    // Did the chain end at one of our anchors?
    X509* top = result.chain.back().native();
    auto isAnchor = [&](X509* x) {
        return std::any_of(m_impl->anchors.begin(), m_impl->anchors.end(),
                           [&](const Certificate& a) { return X509_cmp(x, a.native()) == 0; });
    };
    result.reachedAnchor = isAnchor(top);

    // The names in a certificate are the word of its issuer. They can be repeated only when every certificate
    // is vouched for by the one above it up to one of our anchors: the chain was built, in order, to an
    // anchor, and no signature or structural error was found. Otherwise a name is whatever the sender wrote
    // (e.g. a sentence meant to be read as a finding): certificates are then named by their SHA-256
    // fingerprint and position, never by their names.
    bool namesVouched = !misordered && rc == 1 && result.reachedAnchor;
    for (const auto& e : collector.errors) {
        const ErrorClass k = classify(e.code);
        namesVouched = namesVouched && k != ErrorClass::Untrusted && k != ErrorClass::Weak;
    }
    const auto label = [&](X509* x) -> std::string {
        if (x == nullptr) {
            return "a certificate";
        }
        if (isAnchor(x) || namesVouched) {
            return quoteText(displayName(x)); // the anchors are the site's own
        }
        std::string position = "a certificate";
        if (X509_cmp(x, leaf.native()) == 0) {
            position = "certificate 0 of the bundle (the signer's)";
        } else {
            for (std::size_t i = 0; i < intermediates.size(); ++i) {
                if (X509_cmp(x, intermediates[i].native()) == 0) {
                    position = "certificate " + std::to_string(i + 1) + " of the bundle";
                    break;
                }
            }
        }
        return position + " (SHA-256 " + Certificate::fromNative(x).info().sha256Fingerprint + ")";
    };
    const std::string validityWhen =
        formatRfc3339(times.validityAt) + (timestamped ? " (when its signature was timestamped)" : "");

    if (misordered) {
        const std::size_t i = *misordered;
        X509* child = i == 0 ? leaf.native() : intermediates[i - 1].native();
        reasons.insert(Reason::UntrustedChain);
        problems.push_back(label(intermediates[i].native()) + " did not issue " + label(child) +
                           ": the chain must be ordered, leaf first, without extra certificates");
    }
    if (rc != 1) {
        // Every problem is reported through the callback, which lets verification continue; a failure anyway
        // is an internal error (e.g. out of memory), never a pass.
        reasons.insert(Reason::UntrustedChain);
        problems.push_back("the chain could not be checked" +
                           (sslErrors.empty() ? std::string() : ": " + safeText(sslErrors, 300)));
    }
    if (!result.reachedAnchor) {
        reasons.insert(Reason::UntrustedChain);
        problems.push_back(
            "it does not lead to any root certificate of the trust store (last: " + label(top) + ")");
    }
    for (const auto& e : collector.errors) {
        const std::string who = label(e.cert);
        switch (classify(e.code)) {
        case ErrorClass::Untrusted:
            reasons.insert(Reason::UntrustedChain);
            problems.push_back(who + ": " + X509_verify_cert_error_string(e.code));
            break;
        case ErrorClass::Expired: {
            reasons.insert(Reason::CertExpired);
            const auto info = e.cert != nullptr ? Certificate::fromNative(e.cert).info() : CertificateInfo{};
            std::string problem = who;
            problem += " is not valid at ";
            problem += validityWhen;
            problem +=
                " (valid from " + formatRfc3339(info.notBefore) + " to " + formatRfc3339(info.notAfter) + ")";
            problems.push_back(std::move(problem));
            break;
        }
        case ErrorClass::Weak:
            reasons.insert(Reason::WeakAlgorithm);
            problems.push_back(who + ": " + X509_verify_cert_error_string(e.code));
            break;
        }
    }

    // Revocation of every certificate below the anchor, at the verification time. A root is trusted by being
    // in anchors/ (and distrusted by being removed from it), not through a CRL: its own revocation status is
    // never checked.
    if (result.reachedAnchor) {
        for (std::size_t i = 0; i + 1 < result.chain.size(); ++i) {
            X509* cert = result.chain[i].native();
            const RevocationOutcome r = checkRevocation(*m_impl, cert, result.chain[i + 1].native(), times);
            switch (r.status) {
            case RevocationStatus::Good:
                if (!r.note.empty()) {
                    notes.push_back(label(cert) + " was " + r.note);
                }
                break;
            case RevocationStatus::NoCrl:
                if (m_impl->policy.revocation == RevocationMode::Require) {
                    reasons.insert(Reason::CertRevoked);
                    problems.push_back(
                        label(cert) +
                        ": no CRL from its issuer is in the trust store, and the policy requires "
                        "one (revocation: require), so its revocation status is unknown");
                }
                break;
            case RevocationStatus::Revoked:
            case RevocationStatus::Unknown:
                reasons.insert(Reason::CertRevoked);
                problems.push_back(label(cert) + ": " + r.detail);
                break;
            }
        }
    }

    // Key strength of every certificate, and signature algorithms of every certificate below the anchor.
    for (std::size_t i = 0; i < result.chain.size(); ++i) {
        X509* x = result.chain[i].native();
        EVP_PKEY* key = X509_get0_pubkey(x);
        if (!isAcceptableKey(key)) {
            reasons.insert(Reason::WeakAlgorithm);
            problems.push_back(label(x) + " has a " + describeKey(key) +
                               " key (ECDSA P-256/P-384/P-521, Ed25519 or RSA of at least 2048 bits are "
                               "required)");
        }
        const bool anchor = result.reachedAnchor && i + 1 == result.chain.size();
        std::string alg;
        if (!anchor && hasWeakSignatureAlgorithm(x, alg)) {
            reasons.insert(Reason::WeakAlgorithm);
            problems.push_back(label(x) + " is signed with " + alg + ", a broken algorithm");
        }
    }
    ERR_clear_error();

    // The leaf must be an end-entity certificate allowed to make signatures: a CA (basicConstraints CA:TRUE,
    // or a certificate that may sign certificates) signs certificates, not findings or models.
    if (X509_check_ca(leaf.native()) != 0) {
        reasons.insert(Reason::UntrustedChain);
        problems.push_back(label(leaf.native()) +
                           " is a CA certificate (basicConstraints CA:TRUE, or a key usage that signs "
                           "certificates); findings and models must be signed with an end-entity certificate "
                           "(CA:FALSE)");
    }
    const uint32_t ku = X509_get_key_usage(leaf.native());
    if (ku != UINT32_MAX && (ku & KU_DIGITAL_SIGNATURE) == 0) {
        reasons.insert(Reason::UntrustedChain);
        problems.push_back(label(leaf.native()) +
                           " may not be used for digital signatures (its key usage excludes them)");
    }
    // Extended key usage (R2.3): a certificate issued for another purpose (a TLS server, e-mail) does not
    // sign findings or models.
    if ((X509_get_extension_flags(leaf.native()) & EXFLAG_XKUSAGE) != 0) {
        if ((X509_get_extended_key_usage(leaf.native()) & XKU_CODE_SIGN) == 0) {
            reasons.insert(Reason::UntrustedChain);
            problems.push_back(label(leaf.native()) +
                               " is issued for other purposes: its extended key usage does not include code "
                               "signing (id-kp-codeSigning), for which findings and models are signed");
        }
    } else if (m_impl->policy.policyVersion >= 2) {
        reasons.insert(Reason::UntrustedChain);
        problems.push_back(label(leaf.native()) +
                           " has no extended key usage; under policy version 2 a signer's certificate must "
                           "carry one that includes code signing (id-kp-codeSigning)");
    }
    ERR_clear_error();
    if (untrusted != nullptr) {
        sk_X509_free(untrusted);
    }

    if (result.reachedAnchor) {
        result.identities = countingIdentities(leaf, result.chain, result.nameConstrained);
        for (std::size_t i = 1; i < result.chain.size(); ++i) {
            result.pathCaSpki.push_back(spkiSha256(result.chain[i]));
        }
    }

    result.reasons.assign(reasons.begin(), reasons.end());
    std::sort(result.reasons.begin(), result.reasons.end(),
              [](Reason a, Reason b) { return reasonName(a) < reasonName(b); });
    if (result.reasons.empty()) {
        std::string path;
        for (std::size_t i = 0; i < result.chain.size(); ++i) {
            path += (i == 0 ? "" : " → ") + label(result.chain[i].native());
        }
        const char* mode = m_impl->policy.revocation == RevocationMode::Require ? "required and checked"
                                                                                : "checked where present";
        result.detail = "The signer's certificate chains to a trusted root (" + path +
                        "); every certificate is valid at " + validityWhen +
                        ", uses strong keys and algorithms, and revocation lists were " + mode + " at " +
                        formatRfc3339(times.revocationAt) + " (" + std::to_string(m_impl->crls.size()) +
                        " in the trust store).";
        for (const auto& n : notes) {
            result.detail += " Note: " + n + ".";
        }
    } else {
        std::string joined;
        std::set<std::string> unique;
        for (const auto& p : problems) {
            if (unique.insert(p).second) {
                joined += (joined.empty() ? "" : "; ") + p;
            }
        }
        // When names cannot be believed, the signer is identified by fingerprint in any case.
        result.detail = "The signer's certificate chain is not acceptable" +
                        (namesVouched || isAnchor(leaf.native())
                             ? std::string()
                             : " (signing certificate SHA-256 " + leaf.info().sha256Fingerprint + ")") +
                        ": " + joined + ".";
    }
    return result;
}

} // namespace veridicor::verify
