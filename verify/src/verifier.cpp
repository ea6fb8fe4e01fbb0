#include "authenticate.h"
#include "crypto.h"
#include "safe_text.h"

#include <veridicor/verify/encoding.h>
#include <veridicor/verify/oms.h>
#include <veridicor/verify/verifier.h>

#include <algorithm>
#include <chrono>
#include <map>
#include <veridicor/dicom/content_digest.h>
#include <mutex>

namespace veridicor::verify {

using namespace detail;

struct Verifier::ProvenanceCache {
    struct Entry {
        TimePoint from;
        TimePoint to;
        OmsManifest manifest;
        SignerInfo signer;
        std::optional<TimePoint> signedAt;
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

std::string rulesText(const std::vector<SignerRule>& rules) {
    std::vector<std::string> items;
    items.reserve(rules.size());
    for (const auto& r : rules) {
        items.push_back(r.describe());
    }
    std::string out;
    for (std::size_t i = 0; i < items.size() && i < 16; ++i) {
        out += (out.empty() ? "" : ", ") + items[i];
    }
    return out.empty() ? "(none)" : out;
}

/// "among <what> (…)", and why a name the policy lists did not count: another CA, or a type the path's name
/// constraints do not cover.
std::string signerRulesText(const std::vector<SignerRule>& rules, const SignerInfo& signer,
                            const char* what) {
    std::string out = std::string("among ") + what + " (" + rulesText(rules) + ")";
    for (const auto& r : rules) {
        if (r.caSpkiSha256.empty()) {
            continue;
        }
        const bool named = std::find(signer.typedIdentities.begin(), signer.typedIdentities.end(),
                                     r.identity) != signer.typedIdentities.end();
        if (named) {
            out += "; " + quoteText(r.identity) + " is allowed only under the CA sha256:" + r.caSpkiSha256 +
                   ", which is not on this signer's certificate path";
            break;
        }
    }
    if (signer.typedIdentities.empty()) {
        out += "; its certificate has no identity that counts (a CN counts only when there is no Subject "
               "Alternative Name, and a name of a type its CA's name constraints do not cover never counts)";
    }
    return out;
}

/// Names what differs between the attributes signed in `input.attributes` and those of the opened data: each
/// changed attribute (the innermost), each sequence item added or removed.
std::vector<std::string>
attributeDifferences(const std::vector<std::pair<std::string, std::string>>& signedAttrs,
                     const std::vector<dicom::AttributeDigest>& data) {
    std::map<std::string, std::string> s(signedAttrs.begin(), signedAttrs.end());
    std::map<std::string, std::string> d;
    for (const auto& a : data) {
        d.emplace(a.path, a.sha256);
    }
    // The item of `path` that the other side does not have at all ("X[i]"), or empty.
    auto missingItem = [](const std::string& path, const std::map<std::string, std::string>& other) {
        std::size_t pos = 0;
        while ((pos = path.find(']', pos)) != std::string::npos) {
            std::string item = path.substr(0, pos + 1);
            const auto it = other.lower_bound(item + "/");
            if (it == other.end() || it->first.rfind(item + "/", 0) != 0) {
                return item;
            }
            ++pos;
        }
        return std::string();
    };
    std::map<std::string, std::string> found; // path → what happened to it
    for (const auto& [path, digest] : d) {
        auto it = s.find(path);
        if (it == s.end()) {
            if (const std::string item = missingItem(path, s); !item.empty()) {
                found.emplace(item, "added");
            }
        } else if (it->second != digest) {
            found.emplace(path, "changed");
        }
    }
    for (const auto& [path, digest] : s) {
        if (d.count(path) == 0) {
            if (const std::string item = missingItem(path, d); !item.empty()) {
                found.emplace(item, "removed");
            }
        }
    }
    // Whether something inside `path` (a path it begins, then '/' or '[') is among the differences: those
    // follow one another in the sorted map from where "path/" or "path[" would be (one look-up each, where
    // comparing every pair cost 20,000² for a signed list of 20,000 attributes).
    auto hasInnerDifference = [&found](const std::string& path) {
        for (const char separator : {'/', '['}) {
            const std::string prefix = path + separator;
            const auto it = found.lower_bound(prefix);
            if (it != found.end() && it->first.compare(0, prefix.size(), prefix) == 0) {
                return true;
            }
        }
        return false;
    };
    std::vector<std::string> out;
    for (const auto& [path, what] : found) {
        // Only the innermost: a sequence differs whenever anything in it does.
        if (hasInnerDifference(path)) {
            continue;
        }
        if (what == "changed") {
            out.push_back(dicom::describeAttributePath(path) + " differs from the signed value");
        } else {
            const std::size_t open = path.rfind('[');
            const std::string index = path.substr(open + 1, path.size() - open - 2);
            out.push_back("item " + std::to_string(std::stoul(index) + 1) + " of " +
                          dicom::describeAttributePath(path.substr(0, open)) +
                          (what == "added" ? " was added after signing" : " was removed after signing"));
        }
    }
    return out;
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
            a.signedAt = it->second.signedAt;
            return a;
        }
    }
    OmsAuthentication auth =
        authenticateModelSignature(store.modelBundles()[index].bytes, store, nullptr, at);
    if (auth.authentic() && auth.signer) {
        // The verdict depends on time only through validity periods: of every CRL, and of every certificate
        // of the chain — or, for a timestamped signature, whose chain is judged at the fixed genTime, of the
        // TSA's chain instead. Within their intersection it stays the same (signatures and revocation lists
        // are fixed).
        auto [from, to] = store.crlsCurrent();
        if (auth.signedAt) {
            from = std::max(from, auth.timestampStableFrom);
            to = std::min(to, auth.timestampStableTo);
        } else {
            for (const auto& c : auth.signer->chain) {
                from = std::max(from, c.notBefore);
                to = std::min(to, c.notAfter);
            }
        }
        if (from <= at && at <= to) {
            std::lock_guard lock(cache.mutex);
            cache.authentic[index] = {from, to, *auth.manifest, *auth.signer, auth.signedAt};
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
        const auto authorized = authorizeSigner(approval.modelSigners, store.policy().policyVersion,
                                                auth.signer->typedIdentities, auth.signer->pathCaSpki);
        if (!authorized) {
            notes.push_back(name + " is signed by " + joinQuoted(auth.signer->typedIdentities) +
                            ", who is not " +
                            signerRulesText(approval.modelSigners, *auth.signer, "the model's signers"));
            continue;
        }
        p.valid = true;
        p.bundleFile = file.path;
        p.modelSigner = auth.signer;
        p.modelSigner->authorizedAs = authorized->identity;
        p.modelName = auth.manifest->modelName;
        p.detail = "The approved model (digest " + approval.digest +
                   ") carries a valid OMS v1.0 signature (" + name + ", " +
                   std::to_string(auth.manifest->resources.size()) + " signed " +
                   (auth.manifest->method == OmsMethod::Files ? "files" : "shards") + ") by " +
                   quoteText(authorized->identity) + ", an authorized model signer.";
        return p;
    }
    p.detail = "No valid OMS v1.0 signature by an authorized model signer " +
               rulesText(approval.modelSigners) + " vouches for the approved model digest " +
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

struct AuthenticatedBundle::State {
    /// The ProvenanceCache of the Verifier that authenticated it, shared by its copies: who may finish it.
    const void* verifier = nullptr;
    TimePoint at{};
    std::string bundleSha256;
    Authentication auth;
    /// The statement read from the payload, when steps 1–3 passed.
    std::optional<Expected<FindingStatement, std::string>> statement;
};

AuthenticatedBundle::AuthenticatedBundle(std::unique_ptr<State> state) : m_state(std::move(state)) {}
AuthenticatedBundle::AuthenticatedBundle(AuthenticatedBundle&&) noexcept = default;
AuthenticatedBundle& AuthenticatedBundle::operator=(AuthenticatedBundle&&) noexcept = default;
AuthenticatedBundle::~AuthenticatedBundle() = default;

bool AuthenticatedBundle::authentic() const {
    return m_state && m_state->statement && m_state->statement->hasValue();
}
const std::string* AuthenticatedBundle::subjectName() const {
    return authentic() ? &(*m_state->statement)->subjectName : nullptr;
}
TimePoint AuthenticatedBundle::at() const {
    return m_state ? m_state->at : TimePoint{};
}

AuthenticatedBundle Verifier::authenticate(std::string_view bundle, TimePoint at) const {
    auto state = std::make_unique<AuthenticatedBundle::State>();
    state->verifier = m_cache.get();
    state->at = at;
    state->bundleSha256 = sha256Hex(bundle);
    state->auth = authenticateBundle(bundle, m_store, nullptr, at, false, "finding");
    if (state->auth.authentic()) {
        // Authentic: now, and only now, the payload is interpreted.
        state->statement = parseFindingStatement(state->auth.bundle->payload);
    }
    return AuthenticatedBundle(std::move(state));
}

Verdict Verifier::verify(std::string_view bundle, const InputData& input, TimePoint at,
                         const AttachmentReader& attachments) const {
    return verify(authenticate(bundle, at), input, attachments);
}

Verdict Verifier::verify(AuthenticatedBundle bundle, const InputData& input,
                         const AttachmentReader& attachments) const {
    Verdict v;
    v.input = input;
    for (std::size_t i = 0; i < kAllChecks.size(); ++i) {
        v.checks[i].id = kAllChecks[i];
    }
    Builder b{v, {}};
    if (!bundle.m_state || bundle.m_state->verifier != m_cache.get()) {
        // Judged against another trust store (or moved from): nothing of it counts here. Unreachable from
        // checkFindings(), which authenticates with the Verifier it verifies with.
        if (bundle.m_state) {
            v.at = bundle.m_state->at;
            v.bundleSha256 = bundle.m_state->bundleSha256;
        }
        b.fail(CheckId::Chain, Reason::UntrustedChain,
               "The bundle was authenticated against another trust store, not this one.");
        for (const CheckId id : {CheckId::Envelope, CheckId::Signature, CheckId::Model, CheckId::Provenance,
                                 CheckId::Binding, CheckId::Attachments}) {
            b.notChecked(id, "the bundle was authenticated against another trust store.");
        }
        b.finish();
        return v;
    }
    AuthenticatedBundle::State& state = *bundle.m_state;
    const TimePoint at = state.at;
    v.at = at;
    v.bundleSha256 = std::move(state.bundleSha256);

    // Steps 1–3, as authenticate() found them.
    Authentication& auth = state.auth;
    for (std::size_t i = 0; i < 3; ++i) {
        v.checks[i] = std::move(auth.checks[i]);
    }
    b.reasons = auth.reasons;
    v.signer = std::move(auth.signer);
    v.signedAt = auth.signedAt;
    const char* laterSteps = "the finding's content is not authenticated, so it is not read at all.";
    if (!auth.authentic()) {
        for (const CheckId id :
             {CheckId::Model, CheckId::Provenance, CheckId::Binding, CheckId::Attachments}) {
            b.notChecked(id, laterSteps);
        }
        b.finish();
        return v;
    }

    auto& statement = *state.statement;
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
    v.payload = std::move(auth.bundle->payload);
    v.statement = std::move(*statement);
    const FindingStatement& st = *v.statement;
    SignerInfo& signer = *v.signer;
    const int policyVersion = m_store.policy().policyVersion;

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
        const auto authorized = authorizeSigner(approval->findingSigners, policyVersion,
                                                signer.typedIdentities, signer.pathCaSpki);
        if (!authorized) {
            b.fail(CheckId::Model, Reason::SignerNotAuthorized,
                   "The signer " + joinQuoted(signer.typedIdentities) + " is not " +
                       signerRulesText(approval->findingSigners, signer,
                                       "those allowed to sign this model's findings") +
                       ".");
        } else {
            signer.authorizedAs = authorized->identity;
        }
        if (b.at(CheckId::Model).status != CheckStatus::Failed) {
            b.pass(CheckId::Model, "The model " + modelText + " is approved for " + dataModality +
                                       " data, the finding names its approved build, and the signer " +
                                       quoteText(signer.authorizedAs) + " may sign its findings" +
                                       (policyVersion >= 2 ? " under the CA the policy pins for it." : "."));
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

    // Step 6: the finding is bound to exactly this data, by a method the policy accepts.
    {
        const DigestMethod bound = st.input.digestMethod;
        const std::string boundName(digestMethodName(bound));
        v.boundMethod = bound;
        v.headerCovered = !isHeaderBlindMethod(bound);
        const std::vector<DigestMethod> accepted = m_store.policy().acceptedMethods(approval);
        std::string acceptedText;
        for (const DigestMethod m : accepted) {
            acceptedText += (acceptedText.empty() ? "" : ", ") + std::string(digestMethodName(m));
        }
        if (std::find(accepted.begin(), accepted.end(), bound) == accepted.end()) {
            b.fail(CheckId::Binding, Reason::DataMismatch,
                   "The finding is bound by " + boundName +
                       ", which the trust policy does not accept for this model (it accepts " + acceptedText +
                       ")" +
                       (isHeaderBlindMethod(bound)
                            ? ": that method covers the samples or pixels but not the header that gives them "
                              "their meaning."
                            : "."));
        }
        const std::string* dataDigest = input.digestFor(bound);
        const bool waveformMethod =
            bound == DigestMethod::DicomWaveformV1 || bound == DigestMethod::DicomWaveformV2;
        if (dataDigest == nullptr) {
            if (input.hasPixelData && waveformMethod) {
                b.fail(CheckId::Binding, Reason::DataMismatch,
                       "The finding is bound by " + boundName +
                           ", but the opened data holds Pixel Data: such an object is bound only by a "
                           "pixel-data method, so that its frames cannot change under a finding.");
            } else if (input.isWfdbRecord && bound == DigestMethod::FileV1) {
                b.fail(CheckId::Binding, Reason::DataMismatch,
                       "The finding is bound by file-v1 to one file, but the opened data is a WFDB record: a "
                       "record is bound only by wfdb-record-v1 (its header and every signal file together, "
                       "since a changed header rescales every signal).");
            } else if (input.digests.empty() && !input.unboundReason.empty()) {
                b.fail(CheckId::Binding, Reason::DataMismatch,
                       "No finding can be bound to the opened data: " + safeText(input.unboundReason, 300) +
                           ".");
            } else {
                std::string methods;
                for (const auto& [m, d] : input.digests) {
                    methods += (methods.empty() ? "" : ", ") + std::string(digestMethodName(m));
                }
                b.fail(CheckId::Binding, Reason::DataMismatch,
                       "The finding was made for " + boundName + " input, but the opened data is a " +
                           safeText(input.kind) + " (" + methods + ").");
            }
        } else if (st.subjectDigest != *dataDigest) {
            std::string why;
            if (!isHeaderBlindMethod(bound) && isDicomMethod(bound) && !st.input.attributes.empty()) {
                const auto diffs = attributeDifferences(st.input.attributes, input.attributes);
                if (diffs.empty()) {
                    why = ": every attribute the signature covers is as signed, so the " +
                          std::string(waveformMethod ? "samples" : "pixels") + " themselves differ";
                } else {
                    why = ": ";
                    for (std::size_t i = 0; i < diffs.size() && i < 8; ++i) {
                        why += (i == 0 ? "" : "; ") + diffs[i];
                    }
                    if (diffs.size() > 8) {
                        why += "; and " + std::to_string(diffs.size() - 8) + " more";
                    }
                }
            }
            b.fail(CheckId::Binding, Reason::DataMismatch,
                   "The recording's content does not match the one the finding was made for (SHA-256 " +
                       *dataDigest + " by " + boundName + ", the finding names " + st.subjectDigest + ")" +
                       why + ".");
        }
        if (isDicomMethod(bound) && input.isDicom()) {
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
        } else if (bound == DigestMethod::WfdbRecordV1 && dataDigest != nullptr &&
                   st.subjectName != input.subjectName) {
            b.fail(CheckId::Binding, Reason::DataMismatch,
                   "The finding's subject is the record " + quoteText(st.subjectName) +
                       ", not this record (" + quoteText(input.subjectName) + ").");
        }
        if (!input.modality.empty() && st.input.modality != input.modality) {
            b.fail(CheckId::Binding, Reason::DataMismatch,
                   "The finding was made for " + st.input.modality + " data, but the opened data is " +
                       dataModality + ".");
        }
        if (b.at(CheckId::Binding).status != CheckStatus::Failed) {
            const std::string what = waveformMethod         ? "waveform samples"
                                     : isDicomMethod(bound) ? "pixel data"
                                     : bound == DigestMethod::WfdbRecordV1
                                         ? "record (header and signal files)"
                                         : "file";
            std::string detail =
                "The finding is bound to this recording: the SHA-256 of its " + what + " (" + boundName +
                ", " + withThousands(input.hashedBytes) + " bytes" +
                (isDicomMethod(bound) && !isHeaderBlindMethod(bound)
                     ? ", with the " + std::to_string(input.attributes.size()) +
                           " attributes that give them their meaning"
                     : std::string()) +
                ") matches" +
                (input.isDicom() ? ", and the study, series and instance UIDs are this file's." : ".");
            if (isHeaderBlindMethod(bound)) {
                const std::string warning =
                    std::string("Its header is not covered: ") + boundName + " binds the " +
                    (waveformMethod
                         ? "samples only, so the sampling frequency, lead codes and calibration"
                         : "pixels only, so the image geometry, colours, frame timing and calibration") +
                    " could have been changed after the finding was made without this check noticing.";
                detail += " " + warning;
                v.warnings.push_back(warning);
            }
            b.pass(CheckId::Binding, detail);
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
        const auto seconds = [](TimePoint t) {
            return std::chrono::floor<std::chrono::seconds>(t);
        };
        // Inside the certificate's validity, its notAfter second included (RFC 5280).
        if (seconds(st.producedAt) < seconds(signer.notBefore) ||
            seconds(st.producedAt) > seconds(signer.notAfter)) {
            b.fail(CheckId::Attachments, Reason::TimeInvalid,
                   "The finding says it was produced at " + safeText(st.producedAtText) +
                       ", outside the signer's certificate validity (" + formatRfc3339(signer.notBefore) +
                       " to " + formatRfc3339(signer.notAfter) + ").");
        }
        if (v.signedAt && st.producedAt > *v.signedAt + tolerance) {
            b.fail(CheckId::Attachments, Reason::TimeInvalid,
                   "The finding says it was produced at " + safeText(st.producedAtText) +
                       ", later than its signature was timestamped (" + formatRfc3339(*v.signedAt) +
                       ") plus 5 minutes.");
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
                       ", within the signer's certificate validity" +
                       (v.signedAt ? ", before its signature was timestamped" : std::string()) +
                       " and not in the future.");
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
