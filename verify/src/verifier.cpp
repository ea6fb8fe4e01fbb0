#include "authenticate.h"
#include "crypto.h"
#include "safe_text.h"

#include <veridicor/verify/encoding.h>
#include <veridicor/verify/oms.h>
#include <veridicor/verify/verifier.h>

#include <algorithm>
#include <chrono>
#include <map>
#include <mutex>

namespace veridicor::verify {

using namespace detail;

struct Verifier::ProvenanceCache {
    struct Entry {
        TimePoint from;
        TimePoint to;
        OmsManifest manifest;
        SignerInfo signer;
    };
    std::mutex mutex;
    std::map<std::size_t, Entry> authentic; ///< by index in TrustStore::modelBundles()
};

Verifier::Verifier(TrustStore store)
    : m_store(std::move(store)), m_cache(std::make_shared<ProvenanceCache>()) {}

bool Verdict::has(Reason r) const {
    return std::find(reasons.begin(), reasons.end(), r) != reasons.end();
}

AttachmentReader attachmentsFromFolder(std::filesystem::path dir, std::size_t maxBytes) {
    return [dir = std::move(dir), maxBytes](const std::string& name,
                                            std::size_t expected) -> Expected<std::string, Error> {
        if (!isValidAttachmentName(name)) {
            return Unexpected{Error{ErrorCode::Invalid, quoteText(name) + " is not an attachment name"}};
        }
        return readFileBounded(dir / name, std::min(maxBytes, expected));
    };
}

namespace {

/// The items quoted, escaped and bounded (see safe_text.h), at most 16 of them.
std::string joinQuoted(const std::vector<std::string>& items) {
    constexpr std::size_t kMaxItems = 16;
    std::string out;
    for (std::size_t i = 0; i < items.size() && i < kMaxItems; ++i) {
        out += (out.empty() ? "" : ", ") + quoteText(items[i]);
    }
    if (items.size() > kMaxItems) {
        out += " and " + std::to_string(items.size() - kMaxItems) + " more";
    }
    return out.empty() ? "(none)" : out;
}

std::string withThousands(std::uint64_t n) {
    const std::string digits = std::to_string(n);
    std::string s;
    for (std::size_t i = 0; i < digits.size(); ++i) {
        if (i > 0 && (digits.size() - i) % 3 == 0) {
            s.push_back(',');
        }
        s.push_back(digits[i]);
    }
    return s;
}

struct Builder {
    Verdict& v;
    std::set<Reason> reasons;

    Check& at(CheckId id) { return v.checks[static_cast<std::size_t>(id)]; }
    void pass(CheckId id, std::string detail) {
        at(id).status = CheckStatus::Passed;
        at(id).detail = std::move(detail);
    }
    void fail(CheckId id, Reason r, const std::string& problem) {
        Check& c = at(id);
        c.status = CheckStatus::Failed;
        if (std::find(c.reasons.begin(), c.reasons.end(), r) == c.reasons.end()) {
            c.reasons.push_back(r);
        }
        reasons.insert(r);
        c.detail += (c.detail.empty() ? "" : " ") + problem;
    }
    void notChecked(CheckId id, const std::string& why) {
        at(id).status = CheckStatus::NotChecked;
        at(id).detail = "Not checked: " + why;
    }
    void finish() {
        v.reasons = sortedReasons(reasons);
        v.trust = v.reasons.empty() ? Trust::Trusted : Trust::Untrusted;
        // Defence in depth: a verdict is trusted only when every one of the seven checks passed.
        for (const auto& c : v.checks) {
            if (c.status != CheckStatus::Passed) {
                v.trust = Trust::Untrusted;
            }
        }
        if (v.trust == Trust::Untrusted && v.reasons.empty()) {
            v.reasons.push_back(Reason::Malformed); // unreachable by construction; never trusted by default
        }
    }
};

/// authenticateModelSignature() of models/*.sig number `index`, remembered while its outcome cannot change.
OmsAuthentication authenticateCached(const TrustStore& store, std::size_t index, TimePoint at,
                                     Verifier::ProvenanceCache& cache) {
    {
        std::lock_guard lock(cache.mutex);
        auto it = cache.authentic.find(index);
        if (it != cache.authentic.end() && at >= it->second.from && at <= it->second.to) {
            OmsAuthentication a;
            a.manifest = it->second.manifest;
            a.signer = it->second.signer;
            return a;
        }
    }
    OmsAuthentication auth =
        authenticateModelSignature(store.modelBundles()[index].bytes, store, nullptr, at);
    if (auth.authentic() && auth.signer) {
        // The verdict depends on time only through validity periods: of every certificate of the chain and of
        // every CRL. Within their intersection it stays the same (signatures and revocation lists are fixed).
        auto [from, to] = store.crlsCurrent();
        for (const auto& c : auth.signer->chain) {
            from = std::max(from, c.notBefore);
            to = std::min(to, c.notAfter);
        }
        if (from <= at && at <= to) {
            std::lock_guard lock(cache.mutex);
            cache.authentic[index] = {from, to, *auth.manifest, *auth.signer};
        }
    }
    return auth;
}

ModelProvenance checkProvenance(const TrustStore& store, const ModelApproval& approval, TimePoint at,
                                Verifier::ProvenanceCache& cache) {
    ModelProvenance p;
    p.digest = approval.digest;
    std::vector<std::string> notes;
    for (std::size_t index = 0; index < store.modelBundles().size(); ++index) {
        const auto& file = store.modelBundles()[index];
        const std::string name = "models/" + safeText(file.path.filename().string(), 128);
        const OmsAuthentication auth = authenticateCached(store, index, at, cache);
        if (!auth.authentic()) {
            std::string codes;
            for (const Reason r : auth.reasons) {
                codes += (codes.empty() ? "" : ", ") + std::string(reasonName(r));
            }
            notes.push_back(name + " does not verify" + (codes.empty() ? "" : " (" + codes + ")"));
            continue;
        }
        if (auth.manifest->rootDigest != approval.digest) {
            continue; // a signature of another model
        }
        bool authorized = false;
        for (const auto& id : auth.signer->identities) {
            authorized = authorized || std::find(approval.modelSigners.begin(), approval.modelSigners.end(),
                                                 id) != approval.modelSigners.end();
        }
        if (!authorized) {
            notes.push_back(name + " is signed by " + joinQuoted(auth.signer->identities) +
                            ", who is not among the model's signers " + joinQuoted(approval.modelSigners));
            continue;
        }
        p.valid = true;
        p.bundleFile = file.path;
        p.modelSigner = auth.signer;
        p.modelName = auth.manifest->modelName;
        p.detail = "The approved model (digest " + approval.digest +
                   ") carries a valid OMS v1.0 signature (" + name + ", " +
                   std::to_string(auth.manifest->resources.size()) + " signed " +
                   (auth.manifest->method == OmsMethod::Files ? "files" : "shards") + ") by " +
                   joinQuoted(auth.signer->identities) + ", an authorized model signer.";
        return p;
    }
    p.detail = "No valid OMS v1.0 signature by an authorized model signer " +
               joinQuoted(approval.modelSigners) + " vouches for the approved model digest " +
               approval.digest +
               (store.modelBundles().empty() ? std::string(": the trust store has no models/*.sig.") : ": ");
    if (!store.modelBundles().empty()) {
        p.detail += notes.empty() ? std::string("no models/*.sig is about this model.") : [&] {
            std::string s;
            for (const auto& n : notes) {
                s += (s.empty() ? "" : "; ") + n;
            }
            return s + ".";
        }();
    }
    return p;
}

} // namespace

Verdict Verifier::verify(std::string_view bundle, const InputData& input, TimePoint at,
                         const AttachmentReader& attachments) const {
    Verdict v;
    v.at = at;
    v.input = input;
    v.bundleSha256 = sha256Hex(bundle);
    for (std::size_t i = 0; i < kAllChecks.size(); ++i) {
        v.checks[i].id = kAllChecks[i];
    }
    Builder b{v, {}};

    // Steps 1–3.
    Authentication auth = authenticateBundle(bundle, m_store, nullptr, at, false, "finding");
    for (std::size_t i = 0; i < 3; ++i) {
        v.checks[i] = auth.checks[i];
    }
    b.reasons = auth.reasons;
    v.signer = auth.signer;
    const char* laterSteps = "the finding's content is not authenticated, so it is not read at all.";
    if (!auth.authentic()) {
        for (const CheckId id :
             {CheckId::Model, CheckId::Provenance, CheckId::Binding, CheckId::Attachments}) {
            b.notChecked(id, laterSteps);
        }
        b.finish();
        return v;
    }

    // Authentic: now, and only now, the payload is interpreted.
    auto statement = parseFindingStatement(auth.bundle->payload);
    if (!statement) {
        b.fail(CheckId::Signature, Reason::Malformed,
               "The signed content is not a finding statement of the expected form: " + statement.error() +
                   ".");
        for (const CheckId id :
             {CheckId::Model, CheckId::Provenance, CheckId::Binding, CheckId::Attachments}) {
            b.notChecked(id, "the signed content is not a finding statement.");
        }
        b.finish();
        return v;
    }
    v.authenticated = true;
    v.payload = auth.bundle->payload;
    v.statement = std::move(*statement);
    const FindingStatement& st = *v.statement;
    const SignerInfo& signer = *v.signer;

    // Step 4: the model is approved, for this modality, and the signer may sign its findings.
    const ModelApproval* approval = m_store.findModel(st.model.name, st.model.version);
    // Authenticated, but not yet trusted: values from the statement are named only quoted, escaped and
    // bounded; values of the opened data (DICOM strings) likewise.
    const std::string modelText = quoteText(st.model.name) + " version " + quoteText(st.model.version);
    const std::string dataModality = quoteText(input.modality, 16);
    if (approval == nullptr) {
        b.fail(CheckId::Model, Reason::ModelNotApproved,
               "The model " + modelText + " is not approved in the trust policy.");
        b.notChecked(CheckId::Provenance, "the model is not approved.");
    } else {
        v.approval = *approval;
        if (st.model.digest != approval->digest) {
            b.fail(CheckId::Model, Reason::ModelDigestMismatch,
                   "The finding names model digest " + st.model.digest + ", but the approved build of " +
                       modelText + " has digest " + approval->digest + ".");
        }
        if (input.modality.empty()) {
            b.fail(
                CheckId::Model, Reason::ModalityNotApproved,
                "The modality of the opened data could not be determined, so no model is approved for it.");
        } else if (std::find(approval->modalities.begin(), approval->modalities.end(), input.modality) ==
                   approval->modalities.end()) {
            b.fail(CheckId::Model, Reason::ModalityNotApproved,
                   "The model is approved for " + joinQuoted(approval->modalities) + ", not for " +
                       dataModality + " data.");
        }
        bool authorized = false;
        for (const auto& id : signer.identities) {
            authorized = authorized ||
                         std::find(approval->findingSigners.begin(), approval->findingSigners.end(), id) !=
                             approval->findingSigners.end();
        }
        if (!authorized) {
            b.fail(CheckId::Model, Reason::SignerNotAuthorized,
                   "The signer " + joinQuoted(signer.identities) +
                       " is not among those allowed to sign this model's "
                       "findings (" +
                       joinQuoted(approval->findingSigners) + ").");
        }
        if (b.at(CheckId::Model).status != CheckStatus::Failed) {
            b.pass(CheckId::Model, "The model " + modelText + " is approved for " + dataModality +
                                       " data, the finding names its approved build, and the signer " +
                                       joinQuoted(signer.identities) + " may sign its findings.");
        }

        // Step 5: the approved model's provenance.
        ModelProvenance prov = checkProvenance(m_store, *approval, at, *m_cache);
        if (prov.valid) {
            b.pass(CheckId::Provenance, prov.detail);
        } else {
            b.fail(CheckId::Provenance, Reason::ModelProvenanceInvalid, prov.detail);
        }
        v.provenance = std::move(prov);
    }

    // Step 6: the finding is bound to exactly this data.
    {
        const std::string method(digestMethodName(input.method));
        if (st.input.digestMethod != input.method) {
            b.fail(CheckId::Binding, Reason::DataMismatch,
                   "The finding was made for " + std::string(digestMethodName(st.input.digestMethod)) +
                       " input, but the opened data is a " + safeText(input.kind) + " (" + method + ").");
        } else if (st.subjectDigest != input.digest) {
            b.fail(CheckId::Binding, Reason::DataMismatch,
                   "The recording's content does not match the one the finding was made for (SHA-256 " +
                       input.digest + " by " + method + ", the finding names " + st.subjectDigest + ").");
        }
        if (input.isDicom()) {
            struct Uid {
                const char* name;
                const std::string& signedValue;
                const std::string& dataValue;
            };
            for (const Uid& u : {Uid{"study", st.input.studyInstanceUID, input.studyInstanceUID},
                                 Uid{"series", st.input.seriesInstanceUID, input.seriesInstanceUID},
                                 Uid{"instance (SOP)", st.input.sopInstanceUID, input.sopInstanceUID}}) {
                if (u.signedValue != u.dataValue) {
                    b.fail(CheckId::Binding, Reason::DataMismatch,
                           std::string("The ") + u.name + " UID of the opened data (" +
                               quoteText(u.dataValue) + ") is not the finding's (" +
                               quoteText(u.signedValue) + ").");
                }
            }
            if (st.subjectName != input.sopInstanceUID) {
                b.fail(CheckId::Binding, Reason::DataMismatch,
                       "The finding's subject is " + quoteText(st.subjectName) + ", not this instance (" +
                           quoteText(input.sopInstanceUID) + ").");
            }
        }
        if (!input.modality.empty() && st.input.modality != input.modality) {
            b.fail(CheckId::Binding, Reason::DataMismatch,
                   "The finding was made for " + st.input.modality + " data, but the opened data is " +
                       dataModality + ".");
        }
        if (b.at(CheckId::Binding).status != CheckStatus::Failed) {
            std::string what = input.method == DigestMethod::DicomWaveformV1    ? "waveform samples"
                               : input.method == DigestMethod::DicomPixelDataV1 ? "pixel data"
                                                                                : "file";
            b.pass(
                CheckId::Binding,
                "The finding is bound to this recording: the SHA-256 of its " + what + " (" + method + ", " +
                    withThousands(input.hashedBytes) + " bytes) matches" +
                    (input.isDicom() ? ", and the study, series and instance UIDs are this file's." : "."));
        }
    }

    // Step 7: attachments, and the time the finding was produced.
    {
        std::size_t good = 0;
        for (const auto& ref : st.attachments) {
            // Read no more than the declared size (bounded by the statement parser), plus one byte to tell a
            // larger file: a large file is refused after reading that much, not after reading it whole.
            const std::uint64_t expected = ref.expectedBytes();
            auto bytes =
                attachments
                    ? attachments(ref.name, static_cast<std::size_t>(expected))
                    : Expected<std::string, Error>(Unexpected{Error{ErrorCode::Unreadable, "no reader"}});
            if (!bytes && bytes.error().code == ErrorCode::TooLarge) {
                b.fail(CheckId::Attachments, Reason::AttachmentMismatch,
                       "The attachment '" + ref.name + "' is larger than the " + std::to_string(expected) +
                           " bytes its description declares.");
                continue;
            }
            if (!bytes) {
                b.fail(CheckId::Attachments, Reason::AttachmentMismatch,
                       "The attachment '" + ref.name + "' cannot be read (" +
                           toValidUtf8(bytes.error().message) + ").");
                continue;
            }
            if (sha256Hex(*bytes) != ref.digest) {
                b.fail(CheckId::Attachments, Reason::AttachmentMismatch,
                       "The attachment '" + ref.name + "' was changed after signing (its SHA-256 differs).");
                continue;
            }
            if (bytes->size() != ref.expectedBytes()) {
                b.fail(CheckId::Attachments, Reason::AttachmentMismatch,
                       "The attachment '" + ref.name + "' holds " + std::to_string(bytes->size()) +
                           " bytes, not the " + std::to_string(ref.expectedBytes()) +
                           " its description declares.");
                continue;
            }
            v.attachments.push_back(VerifiedAttachment{ref, std::move(*bytes)});
            ++good;
        }
        const auto tolerance = std::chrono::minutes(5);
        if (st.producedAt < signer.notBefore || st.producedAt > signer.notAfter) {
            b.fail(CheckId::Attachments, Reason::TimeInvalid,
                   "The finding says it was produced at " + safeText(st.producedAtText) +
                       ", outside the signer's certificate validity (" + formatRfc3339(signer.notBefore) +
                       " to " + formatRfc3339(signer.notAfter) + ").");
        }
        if (st.producedAt > at + tolerance) {
            b.fail(CheckId::Attachments, Reason::TimeInvalid,
                   "The finding says it was produced at " + safeText(st.producedAtText) +
                       ", later than the time of checking (" + formatRfc3339(at) + ") plus 5 minutes.");
        }
        if (b.at(CheckId::Attachments).status != CheckStatus::Failed) {
            b.pass(CheckId::Attachments,
                   std::to_string(good) + " attachment" + (good == 1 ? "" : "s") +
                       " present and unchanged; produced at " + safeText(st.producedAtText) +
                       ", within the signer's certificate validity and not in the future.");
        }
    }

    b.finish();
    return v;
}

Expected<Verdict, Error> Verifier::verifyFile(const std::filesystem::path& bundle, const InputData& input,
                                              TimePoint at) const {
    auto bytes = readFileBounded(bundle, kMaxBundleBytes);
    if (!bytes) {
        if (bytes.error().code != ErrorCode::TooLarge) {
            return Unexpected{bytes.error()};
        }
        // Too large to be a bundle: that is a verdict (MALFORMED), not an unreadable file.
        Verdict v;
        v.at = at;
        v.input = input;
        if (auto d = fileDigest(bundle)) {
            v.bundleSha256 = *d;
        }
        for (std::size_t i = 0; i < kAllChecks.size(); ++i) {
            v.checks[i].id = kAllChecks[i];
        }
        Builder b{v, {}};
        b.fail(CheckId::Envelope, Reason::Malformed,
               "The finding file cannot be read as a signed bundle: it is larger than the 64 MiB limit.");
        for (const CheckId id : {CheckId::Chain, CheckId::Signature, CheckId::Model, CheckId::Provenance,
                                 CheckId::Binding, CheckId::Attachments}) {
            b.notChecked(id, "the bundle could not be read.");
        }
        b.finish();
        return v;
    }
    return verify(*bytes, input, at,
                  attachmentsFromFolder(bundle.parent_path().empty() ? "." : bundle.parent_path()));
}

} // namespace veridicor::verify
