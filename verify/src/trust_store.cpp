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
#include <set>

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
        if (*v != 1) {
            problem.set("policy.policyVersion must be 1 (this program reads version 1 policies)");
        }
        policy.policyVersion = static_cast<int>(*v);
    }
    if (auto r = top.string("revocation")) {
        if (*r == "if-available") {
            policy.revocation = RevocationMode::IfAvailable;
        } else if (*r == "require") {
            policy.revocation = RevocationMode::Require;
        } else {
            problem.set("policy.revocation must be \"if-available\" or \"require\", not " + quoteText(*r));
        }
    }
    if (const json::Value* models = top.get("models", json::Type::Array)) {
        std::size_t i = 0;
        for (const auto& m : models->asArray()) {
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
            a.modelSigners = r.strings("modelSigners", true, true).value_or(std::vector<std::string>{});
            a.findingSigners = r.strings("findingSigners", true, true).value_or(std::vector<std::string>{});
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

// ---- TrustStore
// ----------------------------------------------------------------------------------------------

struct TrustStore::Impl {
    std::filesystem::path dir;
    Policy policy;
    std::vector<Certificate> anchors;
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
            X509_STORE_add_crl(impl->store.get(), crl);
            ERR_clear_error();
            impl->crls.emplace_back(crl);
            ++count;
        }
        if (count == 0) {
            return invalid("'" + f.string() + "' holds no PEM CRL");
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
    std::optional<TimePoint> crlLastUpdate; ///< for CRL errors: the CRL in question
    std::optional<TimePoint> crlNextUpdate;
};

struct Collector {
    std::vector<ChainError> errors;
};

int collectErrors(int ok, X509_STORE_CTX* ctx) {
    if (ok == 1) {
        return 1;
    }
    auto* c = static_cast<Collector*>(X509_STORE_CTX_get_app_data(ctx));
    if (c != nullptr) {
        ChainError e{X509_STORE_CTX_get_error(ctx), X509_STORE_CTX_get_error_depth(ctx),
                     X509_STORE_CTX_get_current_cert(ctx), std::nullopt, std::nullopt};
        if (const X509_CRL* crl = X509_STORE_CTX_get0_current_crl(ctx); crl != nullptr) {
            e.crlLastUpdate = asn1ToTime(X509_CRL_get0_lastUpdate(crl));
            if (const ASN1_TIME* next = X509_CRL_get0_nextUpdate(crl); next != nullptr) {
                e.crlNextUpdate = asn1ToTime(next);
            }
        }
        c->errors.push_back(e);
    }
    // Carry on: every problem of the chain is collected and judged below, so that a verdict lists all of
    // them.
    return 1;
}

enum class ErrorClass { Untrusted, Expired, Revoked, RevocationUnknown, MissingCrl, Weak };

ErrorClass classify(int code) {
    switch (code) {
    case X509_V_ERR_CERT_HAS_EXPIRED:
    case X509_V_ERR_CERT_NOT_YET_VALID:
    case X509_V_ERR_ERROR_IN_CERT_NOT_BEFORE_FIELD:
    case X509_V_ERR_ERROR_IN_CERT_NOT_AFTER_FIELD:
        return ErrorClass::Expired;
    case X509_V_ERR_UNABLE_TO_GET_CRL:
        return ErrorClass::MissingCrl;
    case X509_V_ERR_CERT_REVOKED:
        return ErrorClass::Revoked;
    case X509_V_ERR_CRL_HAS_EXPIRED:
    case X509_V_ERR_CRL_NOT_YET_VALID:
    case X509_V_ERR_CRL_SIGNATURE_FAILURE:
    case X509_V_ERR_UNABLE_TO_DECRYPT_CRL_SIGNATURE:
    case X509_V_ERR_ERROR_IN_CRL_LAST_UPDATE_FIELD:
    case X509_V_ERR_ERROR_IN_CRL_NEXT_UPDATE_FIELD:
    case X509_V_ERR_UNABLE_TO_GET_CRL_ISSUER:
    case X509_V_ERR_KEYUSAGE_NO_CRL_SIGN:
    case X509_V_ERR_DIFFERENT_CRL_SCOPE:
    case X509_V_ERR_UNHANDLED_CRITICAL_CRL_EXTENSION:
    case X509_V_ERR_CRL_PATH_VALIDATION_ERROR:
        return ErrorClass::RevocationUnknown;
    case X509_V_ERR_CA_KEY_TOO_SMALL:
    case X509_V_ERR_EE_KEY_TOO_SMALL:
    case X509_V_ERR_CA_MD_TOO_WEAK:
        return ErrorClass::Weak;
    default:
        return ErrorClass::Untrusted;
    }
}

/// Why the revocation status of a certificate could not be established, in words.
std::string revocationUnknown(const ChainError& e) {
    std::string why;
    switch (e.code) {
    case X509_V_ERR_CRL_HAS_EXPIRED:
        why = "the CRL of its issuer is out of date: it was due to be replaced" +
              (e.crlNextUpdate ? " at " + formatRfc3339(*e.crlNextUpdate) : std::string());
        break;
    case X509_V_ERR_CRL_NOT_YET_VALID:
        why = "the CRL of its issuer is not yet valid" +
              (e.crlLastUpdate ? ": it was issued for " + formatRfc3339(*e.crlLastUpdate) : std::string());
        break;
    default:
        why = std::string("the CRL of its issuer cannot be used: ") + X509_verify_cert_error_string(e.code);
        break;
    }
    return "revocation status unknown (" + why + ")";
}

} // namespace

ChainResult TrustStore::verifyChain(const Certificate& leaf, const std::vector<Certificate>& intermediates,
                                    TimePoint at) const {
    ChainResult result;
    std::set<Reason> reasons;
    std::vector<std::string> problems;

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
    int rc = -1;
    if (ctx && untrusted != nullptr &&
        X509_STORE_CTX_init(ctx.get(), m_impl->store.get(), leaf.native(), untrusted) == 1) {
        X509_VERIFY_PARAM* param = X509_STORE_CTX_get0_param(ctx.get());
        X509_VERIFY_PARAM_set_time(param, static_cast<time_t>(toUnixSeconds(at)));
        X509_VERIFY_PARAM_set_flags(param, X509_V_FLAG_CRL_CHECK | X509_V_FLAG_CRL_CHECK_ALL);
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
        // A root is trusted by being in anchors/ (and distrusted by being removed from it), not through a
        // CRL: its own revocation status is never checked, whether its CRL is missing, out of date or lists
        // it.
        const bool atAnchor = result.reachedAnchor && e.depth == static_cast<int>(result.chain.size()) - 1;
        switch (classify(e.code)) {
        case ErrorClass::Untrusted:
            reasons.insert(Reason::UntrustedChain);
            problems.push_back(who + ": " + X509_verify_cert_error_string(e.code));
            break;
        case ErrorClass::Expired: {
            reasons.insert(Reason::CertExpired);
            const auto info = e.cert != nullptr ? Certificate::fromNative(e.cert).info() : CertificateInfo{};
            problems.push_back(who + " is not valid at " + formatRfc3339(at) + " (valid from " +
                               formatRfc3339(info.notBefore) + " to " + formatRfc3339(info.notAfter) + ")");
            break;
        }
        case ErrorClass::Revoked:
            if (!result.reachedAnchor || atAnchor) {
                break; // without a trusted issuer no CRL can be checked; the chain is already untrusted
            }
            reasons.insert(Reason::CertRevoked);
            problems.push_back(who + ": " + X509_verify_cert_error_string(e.code));
            break;
        case ErrorClass::RevocationUnknown:
            // A CRL that is present but out of date, not yet valid or unusable fails closed, under either
            // policy: the site asked for that issuer's revocations to be checked, and they cannot be.
            if (!result.reachedAnchor || atAnchor) {
                break;
            }
            reasons.insert(Reason::CertRevoked);
            problems.push_back(who + ": " + revocationUnknown(e));
            break;
        case ErrorClass::MissingCrl:
            if (m_impl->policy.revocation == RevocationMode::Require && !atAnchor && result.reachedAnchor) {
                reasons.insert(Reason::CertRevoked);
                problems.push_back(who +
                                   ": no CRL from its issuer is in the trust store, and the policy requires "
                                   "one (revocation: require), so its revocation status is unknown");
            }
            break;
        case ErrorClass::Weak:
            reasons.insert(Reason::WeakAlgorithm);
            problems.push_back(who + ": " + X509_verify_cert_error_string(e.code));
            break;
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
    ERR_clear_error();
    if (untrusted != nullptr) {
        sk_X509_free(untrusted);
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
                        "); every certificate is valid at " + formatRfc3339(at) +
                        ", uses strong keys and algorithms, and revocation lists were " + mode + " (" +
                        std::to_string(m_impl->crls.size()) + " in the trust store).";
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
