#include "authenticate.h"
#include "crypto.h"
#include "safe_text.h"
#include "timestamp.h"

#include <veridicor/verify/encoding.h>

#include <openssl/err.h>

#include <algorithm>
#include <atomic>

namespace veridicor::verify::detail {

std::vector<Reason> sortedReasons(const std::set<Reason>& reasons) {
    std::vector<Reason> out(reasons.begin(), reasons.end());
    std::sort(out.begin(), out.end(), [](Reason a, Reason b) { return reasonName(a) < reasonName(b); });
    return out;
}

SignerInfo signerInfoFor(const std::vector<Certificate>& chain, bool trusted) {
    SignerInfo s;
    for (const auto& c : chain) {
        s.chain.push_back(c.info());
    }
    if (!s.chain.empty()) {
        s.identities = s.chain.front().identities;
        s.issuer = s.chain.front().issuer;
        s.notBefore = s.chain.front().notBefore;
        s.notAfter = s.chain.front().notAfter;
    }
    s.chainTrusted = trusted;
    return s;
}

SignerInfo signerInfoFor(const ChainResult& chain) {
    SignerInfo s = signerInfoFor(chain.chain, chain.ok());
    if (chain.reachedAnchor) {
        s.typedIdentities = chain.identities;
        s.pathCaSpki = chain.pathCaSpki;
        s.identities.clear();
        for (const auto& id : chain.identities) {
            s.identities.push_back(id.substr(id.find(':') + 1));
        }
    }
    return s;
}

namespace {
std::atomic<AuthenticationObserver> g_observer{nullptr};

void fail(Authentication& a, std::size_t index, Reason r, std::string detail) {
    Check& c = a.checks[index];
    c.status = CheckStatus::Failed;
    if (std::find(c.reasons.begin(), c.reasons.end(), r) == c.reasons.end()) {
        c.reasons.push_back(r);
    }
    if (!detail.empty()) {
        c.detail = std::move(detail);
    }
    a.reasons.insert(r);
}
} // namespace

void setAuthenticationObserver(AuthenticationObserver observer) {
    g_observer.store(observer);
}

Authentication authenticateBundle(std::string_view bytes, const TrustStore& store, const PublicKey* key,
                                  TimePoint at, bool allowPublicKey, const std::string& what) {
    if (const AuthenticationObserver observer = g_observer.load(std::memory_order_relaxed)) {
        observer(bytes, what);
    }
    Authentication a;
    a.checks[0].id = CheckId::Envelope;
    a.checks[1].id = CheckId::Chain;
    a.checks[2].id = CheckId::Signature;
    for (auto& c : a.checks) {
        c.status = CheckStatus::NotChecked;
    }

    // Step 1: the envelope.
    auto parsed = parseBundle(bytes, allowPublicKey || key != nullptr);
    if (!parsed) {
        fail(a, 0, parsed.error().reason,
             (parsed.error().reason == Reason::Unsigned
                  ? "The " + what + " is not signed: "
                  : "The " + what + " file cannot be read as a signed bundle: ") +
                 parsed.error().detail + ".");
        a.checks[1].detail = "Not checked: the bundle could not be read.";
        a.checks[2].detail = "Not checked: the bundle could not be read.";
        return a;
    }
    a.bundle = std::move(*parsed);
    const ParsedBundle& b = *a.bundle;
    a.checks[0].status = CheckStatus::Passed;
    a.checks[0].detail =
        "A Sigstore bundle (v0.3) with one DSSE signature over an in-toto payload of " +
        std::to_string(b.payload.size()) + " bytes" +
        (b.certificateCount == 0 ? std::string(", signed with a bare public key")
                                 : ", and a chain of " + std::to_string(b.certificateCount) + " certificate" +
                                       (b.certificateCount == 1 ? "" : "s")) +
        ".";

    // Step 2: who signed, and do we trust them.
    EVP_PKEY* verifyKey = nullptr;
    std::string timestampProblem;
    std::string timestampBy;
    if (key != nullptr) {
        a.keyMethod = true;
        verifyKey = key->native();
        const std::string keyHash = sha256Hex(key->pem());
        if (!isAcceptableKey(verifyKey)) {
            fail(a, 1, Reason::WeakAlgorithm,
                 "The given public key is a " + key->description() +
                     " key; ECDSA P-256/P-384/P-521, Ed25519 or RSA of at least 2048 bits are required.");
        } else if (!b.publicKeyHint.empty() && b.publicKeyHint != keyHash) {
            // The hint is unauthenticated: named only when it is what a hint must be (a SHA-256 in hex).
            fail(a, 1, Reason::UntrustedChain,
                 "The bundle names a different public key (" +
                     (isSha256Hex(b.publicKeyHint) ? "hint " + b.publicKeyHint
                                                   : std::string("a hint that is not a SHA-256 digest")) +
                     ") than the one given (" + keyHash + ").");
        } else if (!b.chain.empty() &&
                   EVP_PKEY_eq(X509_get0_pubkey(b.chain.front().native()), verifyKey) != 1) {
            fail(a, 1, Reason::UntrustedChain,
                 "The bundle was signed with a certificate whose key is not the given key.");
        } else {
            a.checks[1].status = CheckStatus::Passed;
            a.checks[1].detail =
                "Key method: the signature is checked with the given " + key->description() +
                " public key (SHA-256 of its PEM: " + keyHash + ")" +
                (b.publicKeyHint.empty() ? "; the bundle names no key." : ", which the bundle names.");
        }
        if (!b.chain.empty()) {
            a.signer = signerInfoFor(b.chain, false);
        }
    } else if (b.tooManyCertificates) {
        fail(a, 1, Reason::UntrustedChain,
             "The bundle's chain lists " + std::to_string(b.certificateCount) +
                 " certificates, more than the " + std::to_string(kMaxChainCertificates) +
                 " accepted; none of them was read, so the signer is unknown.");
    } else if (b.chain.empty()) {
        fail(a, 1, Reason::UntrustedChain,
             "The " + what +
                 " was signed with a bare public key: no certificate leads to a trusted root (give the "
                 "public key explicitly to check it by the key method).");
    } else {
        // RFC 3161 timestamps over the signature (R2.6): when they verify, the chain is judged at the time
        // the signature provably existed, and revocation still at the verification time.
        for (const auto& token : b.timestamps) {
            const TimestampVerification t = verifyTimestampToken(token, b.signature, store.tsaAnchors(), at);
            if (!t.ok) {
                timestampProblem = t.detail;
                break;
            }
            a.timestampStableFrom = std::max(a.timestampStableFrom, t.stableFrom);
            a.timestampStableTo = std::min(a.timestampStableTo, t.stableTo);
            if (!a.signedAt || t.genTime < *a.signedAt) {
                a.signedAt = t.genTime;
                timestampBy = t.tsaName;
            }
        }
        if (!timestampProblem.empty()) {
            a.signedAt.reset();
        }
        const std::vector<Certificate> intermediates(b.chain.begin() + 1, b.chain.end());
        const ChainTimes times = a.signedAt ? ChainTimes{*a.signedAt, at, a.signedAt} : ChainTimes::at(at);
        const ChainResult chain = store.verifyChain(b.chain.front(), intermediates, times);
        a.signer = signerInfoFor(chain);
        verifyKey = X509_get0_pubkey(b.chain.front().native());
        if (chain.ok()) {
            a.checks[1].status = CheckStatus::Passed;
            a.checks[1].detail = chain.detail;
        } else {
            for (const Reason r : chain.reasons) {
                fail(a, 1, r, chain.detail);
            }
        }
    }
    ERR_clear_error();

    // Step 3: the signature over PAE(payloadType, payload).
    if (verifyKey == nullptr) {
        a.checks[2].detail = "Not checked: there is no key to check the signature with.";
        return a;
    }
    switch (verifySignature(verifyKey, pae(b.payloadType, b.payload), b.signature)) {
    case SignatureCheck::Valid:
        a.checks[2].status = CheckStatus::Passed;
        a.checks[2].detail =
            "The signature over the content verifies with the signer's " + describeKey(verifyKey) +
            " key: nothing was changed after signing." +
            (a.signedAt ? " A timestamp authority (" + quoteText(timestampBy) +
                              ") attests that the signature existed at " + formatRfc3339(*a.signedAt) + "."
                        : std::string());
        break;
    case SignatureCheck::Invalid:
        fail(a, 2, Reason::BadSignature,
             "The signature does not match the content: it was changed after signing, or signed with another "
             "key.");
        break;
    case SignatureCheck::UnsupportedKey:
        a.checks[2].status = CheckStatus::Failed;
        a.checks[2].detail =
            "The signer's " + describeKey(verifyKey) + " key is not one signatures are accepted from.";
        if (a.reasons.count(Reason::WeakAlgorithm) == 0) {
            fail(a, 2, Reason::WeakAlgorithm, "");
        }
        break;
    }
    if (!timestampProblem.empty()) {
        // A timestamp is part of what vouches for the signature: one that does not verify fails it.
        const bool wasPassed = a.checks[2].status == CheckStatus::Passed;
        fail(a, 2, Reason::BadSignature,
             (wasPassed ? std::string() : a.checks[2].detail + " ") + "The timestamp does not verify: " +
                 timestampProblem + (timestampProblem.empty() || timestampProblem.back() == '.' ? "" : "."));
    }
    return a;
}

} // namespace veridicor::verify::detail
