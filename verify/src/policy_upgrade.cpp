#include "authenticate.h"
#include "bundle.h"
#include "safe_text.h"

#include <veridicor/verify/finding.h>
#include <veridicor/verify/finding_discovery.h>
#include <veridicor/verify/json.h>
#include <veridicor/verify/policy_upgrade.h>

#include <openssl/err.h>
#include <openssl/x509v3.h>

#include <algorithm>
#include <optional>
#include <set>

namespace veridicor::verify {

using namespace detail;

namespace {

constexpr std::size_t kMaxPemEvidence = std::size_t{1} << 20;
/// At most this many sources are named for one pin; the rest are counted.
constexpr std::size_t kSourcesNamed = 3;

std::string lower(std::string s) {
    for (char& c : s) {
        if (c >= 'A' && c <= 'Z') {
            c = static_cast<char>(c - 'A' + 'a');
        }
    }
    return s;
}

/// LDH labels joined by dots, at least two: the form of a DNS name. Only used to guess the type of a name
/// no certificate shows (the guess is said in a note).
bool looksLikeHostname(std::string_view s) {
    if (s.empty() || s.size() > 253 || s.find('.') == std::string_view::npos) {
        return false;
    }
    std::size_t start = 0;
    while (true) {
        const std::size_t dot = s.find('.', start);
        const std::string_view label = s.substr(start, dot == std::string_view::npos ? s.npos : dot - start);
        if (label.empty() || label.size() > 63 || label.front() == '-' || label.back() == '-') {
            return false;
        }
        for (const char c : label) {
            if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-')) {
                return false;
            }
        }
        if (dot == std::string_view::npos) {
            return true;
        }
        start = dot + 1;
    }
}

std::string certificateName(const CertificateInfo& info) {
    return quoteText(!info.commonName.empty() ? info.commonName : info.subject);
}

std::string pathText(const std::filesystem::path& p) {
    return quoteText(p.string(), 200);
}

/// A signer certificate whose chain authenticates under the store: what it is called and who issued it.
struct Seen {
    std::string source; ///< for people: where it was found
    std::string fingerprint;
    std::vector<std::string> identities; ///< typed, those that count (R2.3)
    std::string caSpki;                  ///< its issuer on the built path
    std::string caName;                  ///< quoted
    bool caIsRoot = false;
    std::string rootName; ///< quoted
    bool codeSigningEku = false;
    /// Findings: what the authenticated statement says (for the digest-method notes).
    std::optional<ModelRef> model;
    std::optional<DigestMethod> method;
};

bool hasCodeSigningEku(const Certificate& leaf) {
    X509* x = leaf.native();
    const bool ok = x != nullptr && (X509_get_extension_flags(x) & EXFLAG_XKUSAGE) != 0 &&
                    (X509_get_extended_key_usage(x) & XKU_CODE_SIGN) != 0;
    ERR_clear_error();
    return ok;
}

class EvidenceReader {
public:
    EvidenceReader(const TrustStore& store, TimePoint at) : m_store(store), m_at(at) {}

    std::vector<Seen> seen;
    std::vector<PolicyUpgradeNote> notes;
    std::vector<std::string> rejected; ///< short: for the error message when a name cannot be pinned

    void bundle(const std::string& source, std::string_view bytes, bool model) {
        Authentication a =
            authenticateBundle(bytes, m_store, nullptr, m_at, model, model ? "model signature" : "finding");
        if (!a.authentic()) {
            std::string why;
            for (const auto& c : a.checks) {
                if (c.status == CheckStatus::Failed) {
                    why = c.detail;
                    break;
                }
            }
            reject(source, why.empty() ? "it does not authenticate" : why);
            return;
        }
        const ParsedBundle& b = *a.bundle;
        if (!a.signer || b.chain.empty()) {
            reject(source, "it carries no certificate");
            return;
        }
        Seen s;
        if (!fromSigner(s, *a.signer, b.chain.front(), source)) {
            return;
        }
        if (!model) {
            if (auto st = parseFindingStatement(b.payload)) {
                s.model = st->model;
                s.method = st->input.digestMethod;
            }
        }
        seen.push_back(std::move(s));
    }

    void pem(const std::string& source, const std::string& text) {
        auto certs = Certificate::allFromPem(text);
        if (!certs) {
            reject(source, "it holds no readable PEM certificate (" + certs.error().message + ")");
            return;
        }
        if (certs->size() > kMaxChainCertificates) {
            reject(source, "it holds " + std::to_string(certs->size()) + " certificates, more than the " +
                               std::to_string(kMaxChainCertificates) + " a chain may have");
            return;
        }
        const std::vector<Certificate> intermediates(certs->begin() + 1, certs->end());
        const ChainResult chain = m_store.verifyChain(certs->front(), intermediates, m_at);
        if (!chain.ok()) {
            reject(source, chain.detail);
            return;
        }
        Seen s;
        if (fromSigner(s, signerInfoFor(chain), certs->front(), source)) {
            seen.push_back(std::move(s));
        }
    }

    void reject(const std::string& source, const std::string& why) {
        notes.push_back({PolicyUpgradeNote::Severity::Review,
                         "Not evidence: " + source + " does not authenticate under the trust store at " +
                             formatRfc3339(m_at) + ", so it shows nothing about who issues a name. " + why});
        rejected.push_back(source);
    }

private:
    bool fromSigner(Seen& s, const SignerInfo& signer, const Certificate& leaf, const std::string& source) {
        if (signer.chain.size() < 2 || signer.pathCaSpki.empty()) {
            reject(source, "its chain was not built to a root of the trust store");
            return false;
        }
        s.source = source;
        s.fingerprint = signer.chain.front().sha256Fingerprint;
        s.identities = signer.typedIdentities;
        s.caSpki = signer.pathCaSpki.front();
        s.caName = certificateName(signer.chain[1]);
        s.caIsRoot = signer.chain.size() == 2;
        s.rootName = certificateName(signer.chain.back());
        s.codeSigningEku = hasCodeSigningEku(leaf);
        return true;
    }

    const TrustStore& m_store;
    TimePoint m_at;
};

/// Reads one --evidence path. Errors: Unreadable (absent, not a file or folder, a file that cannot be read).
Expected<void, Error> readEvidence(EvidenceReader& reader, const std::filesystem::path& path) {
    std::error_code ec;
    const auto status = std::filesystem::status(path, ec);
    if (ec || !std::filesystem::exists(status)) {
        return Unexpected{Error{ErrorCode::Unreadable, "the evidence " + pathText(path) + " does not exist"}};
    }
    if (std::filesystem::is_directory(status)) {
        bool truncated = false;
        const auto files = findFindingFiles(path, true, kMaxFindingFiles, &truncated);
        if (files.empty()) {
            reader.notes.push_back({PolicyUpgradeNote::Severity::Review,
                                    "The evidence folder " + pathText(path) +
                                        " holds no finding bundle (*.finding.json); certificate files "
                                        "must be named one by one."});
        }
        if (truncated) {
            reader.notes.push_back({PolicyUpgradeNote::Severity::Review,
                                    "The evidence folder " + pathText(path) + " holds more than " +
                                        std::to_string(kMaxFindingFiles) +
                                        " finding bundles; only the first were read."});
        }
        for (const auto& f : files) {
            auto bytes = readFileBounded(f, kMaxBundleBytes);
            if (!bytes) {
                reader.reject(pathText(f), bytes.error().message);
                continue;
            }
            reader.bundle(pathText(f), *bytes, false);
        }
        return {};
    }
    if (!std::filesystem::is_regular_file(status)) {
        return Unexpected{Error{ErrorCode::Unreadable,
                                "the evidence " + pathText(path) + " is neither a file nor a folder"}};
    }
    const bool finding = isFindingFileName(path);
    const bool model = !finding && path.extension() == ".sig";
    auto bytes = readFileBounded(path, finding || model ? kMaxBundleBytes : kMaxPemEvidence);
    if (!bytes) {
        return Unexpected{Error{ErrorCode::Unreadable, "the evidence " + pathText(path) +
                                                           " cannot be read: " + bytes.error().message}};
    }
    if (finding || model) {
        reader.bundle(pathText(path), *bytes, model);
    } else {
        reader.pem(pathText(path), *bytes);
    }
    return {};
}

/// A v1 signer name and where the policy uses it.
struct SignerName {
    std::string name;
    std::vector<std::string> uses; ///< "findingSigners of 'ecg-omi-detector' '2.1.0'"
};

struct Pin {
    SignerRule rule;
    std::string caName;
    bool caIsRoot = false;
    std::string rootName;
    std::vector<const Seen*> from;
};

std::string joinUses(const std::vector<std::string>& uses) {
    std::string s;
    for (std::size_t i = 0; i < uses.size(); ++i) {
        s += (i == 0 ? "" : i + 1 == uses.size() ? " and " : ", ") + uses[i];
    }
    return s;
}

std::string describeCa(const Pin& p) {
    return "the CA " + p.caName + " (sha256:" + p.rule.caSpkiSha256 + ", " +
           (p.caIsRoot ? std::string("a root of the trust store")
                       : "an intermediate under the root " + p.rootName) +
           ")";
}

std::string describeSources(const std::vector<const Seen*>& from) {
    std::set<std::string> certs;
    std::vector<std::string> sources;
    for (const Seen* s : from) {
        certs.insert(s->fingerprint);
        if (std::find(sources.begin(), sources.end(), s->source) == sources.end()) {
            sources.push_back(s->source);
        }
    }
    std::string out =
        std::to_string(certs.size()) + (certs.size() == 1 ? " certificate" : " certificates") + " seen, in ";
    for (std::size_t i = 0; i < sources.size() && i < kSourcesNamed; ++i) {
        out += (i == 0 ? "" : ", ") + sources[i];
    }
    if (sources.size() > kSourcesNamed) {
        out += " and " + std::to_string(sources.size() - kSourcesNamed) + " more";
    }
    return out;
}

json::Value rulesJson(const std::vector<SignerRule>& rules) {
    json::Value list = json::Value::array();
    for (const auto& r : rules) {
        json::Value rule = json::Value::object();
        rule.set("identity", json::Value::string(r.identity));
        rule.set("ca", json::Value::string("sha256:" + r.caSpkiSha256));
        list.push(std::move(rule));
    }
    return list;
}

json::Value stringsJson(const std::vector<std::string>& xs) {
    json::Value list = json::Value::array();
    for (const auto& x : xs) {
        list.push(json::Value::string(x));
    }
    return list;
}

bool isHeaderBlind(DigestMethod m) {
    return m == DigestMethod::DicomWaveformV1 || m == DigestMethod::DicomPixelDataV1;
}

} // namespace

const char* severityName(PolicyUpgradeNote::Severity severity) {
    switch (severity) {
    case PolicyUpgradeNote::Severity::Info:
        return "info";
    case PolicyUpgradeNote::Severity::Review:
        return "review";
    case PolicyUpgradeNote::Severity::Warning:
        return "WARNING";
    }
    return "info";
}

bool PolicyUpgrade::needsDecision() const {
    return std::any_of(notes.begin(), notes.end(), [](const PolicyUpgradeNote& n) {
        return n.severity == PolicyUpgradeNote::Severity::Warning;
    });
}

Expected<PolicyUpgrade, Error>
upgradePolicy(const TrustStore& store, const std::vector<std::filesystem::path>& evidence, TimePoint at) {
    using Severity = PolicyUpgradeNote::Severity;
    const Policy& v1 = store.policy();
    if (v1.policyVersion >= 2) {
        return Unexpected{Error{ErrorCode::Invalid, "the policy of the trust store " +
                                                        pathText(store.directory()) + " is already version " +
                                                        std::to_string(v1.policyVersion) +
                                                        ": nothing to upgrade"}};
    }

    // The evidence: the store's own model signatures, then what the administrator gave.
    EvidenceReader reader(store, at);
    for (const auto& m : store.modelBundles()) {
        reader.bundle(pathText(std::filesystem::path("models") / m.path.filename()), m.bytes, true);
    }
    for (const auto& p : evidence) {
        if (auto r = readEvidence(reader, p); !r) {
            return Unexpected{r.error()};
        }
    }

    // Every signer name, once, in the order the policy first uses it.
    std::vector<SignerName> names;
    auto use = [&](const std::string& name, std::string where) {
        auto it =
            std::find_if(names.begin(), names.end(), [&](const SignerName& n) { return n.name == name; });
        if (it == names.end()) {
            names.push_back({name, {}});
            it = names.end() - 1;
        }
        it->uses.push_back(std::move(where));
    };
    for (const auto& m : v1.models) {
        const std::string model = quoteText(m.name) + " " + quoteText(m.version);
        for (const auto& r : m.modelSigners) {
            use(r.identity, "modelSigners of " + model);
        }
        for (const auto& r : m.findingSigners) {
            use(r.identity, "findingSigners of " + model);
        }
    }

    std::vector<PolicyUpgradeNote> notes;
    std::vector<std::vector<Pin>> pins(names.size());
    std::set<const Seen*> used;
    std::vector<std::string> unpinned;
    for (std::size_t n = 0; n < names.size(); ++n) {
        const std::string& name = names[n].name;
        const std::string who = quoteText(name) + " (" + joinUses(names[n].uses) + ")";
        // Version 1 matched a DNS SAN, else the CN of a certificate without SANs (authorizeSigner()): the
        // type that matched is the type to pin.
        const std::string asDns = "dns:" + lower(name);
        const std::string asCn = "cn:" + name;
        for (const Seen& s : reader.seen) {
            auto has = [&](const std::string& id) {
                return std::find(s.identities.begin(), s.identities.end(), id) != s.identities.end();
            };
            const std::string identity = has(asDns) ? asDns : has(asCn) ? asCn : std::string();
            if (identity.empty()) {
                continue;
            }
            used.insert(&s);
            auto it = std::find_if(pins[n].begin(), pins[n].end(), [&](const Pin& p) {
                return p.rule.identity == identity && p.rule.caSpkiSha256 == s.caSpki;
            });
            if (it == pins[n].end()) {
                pins[n].push_back(Pin{SignerRule{identity, s.caSpki}, s.caName, s.caIsRoot, s.rootName, {}});
                it = pins[n].end() - 1;
            }
            it->from.push_back(&s);
        }

        if (pins[n].empty()) {
            if (store.anchors().size() != 1) {
                unpinned.push_back(who);
                continue;
            }
            // No certificate seen: the only root is on every path this store accepts, so pinning to it keeps
            // whatever verified before verifying (and is the widest pin, hence the note); the type is guessed
            // from the name's form.
            const Certificate& root = store.anchors().front();
            const bool dns = looksLikeHostname(name);
            Pin p{
                SignerRule{dns ? asDns : asCn, spkiSha256(root)}, certificateName(root.info()), true, {}, {}};
            notes.push_back(
                {Severity::Review,
                 who + " → " + quoteText(p.rule.identity) + " under " + describeCa(p) +
                     ": no certificate seen; pinned to the only root — narrow it to the issuing CA "
                     "(give a finding bundle, model signature or certificate chain of this signer "
                     "as evidence). The type was inferred from the name's form (" +
                     (dns ? "a host name, so a DNS Subject Alternative Name"
                          : "not a host name, so the subject CN of a certificate without any Subject "
                            "Alternative Name") +
                     "): check it against the signer's certificate."});
            pins[n].push_back(std::move(p));
            continue;
        }

        for (const Pin& p : pins[n]) {
            const bool dns = p.rule.identity.rfind("dns:", 0) == 0;
            notes.push_back(
                {Severity::Info, who + " → " + quoteText(p.rule.identity) + " under " + describeCa(p) +
                                     ": that CA issued the signer's certificate, which carries the name " +
                                     (dns ? "as a DNS Subject Alternative Name"
                                          : "as its subject CN and has no Subject Alternative Name") +
                                     " (" + describeSources(p.from) + ")."});
        }
        if (pins[n].size() > 1) {
            std::string list;
            for (const Pin& p : pins[n]) {
                list += (list.empty() ? "" : "; ") + quoteText(p.rule.identity) + " by " + p.caName +
                        " (sha256:" + p.rule.caSpkiSha256.substr(0, 16) + "…)";
            }
            std::string warning = who;
            warning += " is issued by " + std::to_string(pins[n].size()) +
                       " different CAs or under different types in the evidence: ";
            warning += list;
            warning += ". One rule is written for each, so each of them may vouch for this name — "
                       "decide which should, and delete the other rules.";
            notes.push_back({Severity::Warning, std::move(warning)});
        }
        std::set<std::string> otherNames;
        std::set<std::string> noEku;
        for (const Pin& p : pins[n]) {
            for (const Seen* s : p.from) {
                for (const auto& id : s->identities) {
                    if (id.rfind("uri:", 0) == 0 || id.rfind("email:", 0) == 0) {
                        otherNames.insert(quoteText(id));
                    }
                }
                if (!s->codeSigningEku && noEku.insert(s->fingerprint).second) {
                    notes.push_back(
                        {Severity::Warning,
                         "The certificate of " + quoteText(name) + " in " + s->source + " (SHA-256 " +
                             s->fingerprint +
                             ") has no extended key usage: version 1 accepts it, but version 2 requires one "
                             "with code signing (R2.3), so what it signs will be UNTRUSTED_CHAIN under the "
                             "upgraded policy. Have it reissued with id-kp-codeSigning before installing the "
                             "policy."});
                }
            }
        }
        if (!otherNames.empty()) {
            std::string list;
            for (const auto& o : otherNames) {
                list += (list.empty() ? "" : ", ") + o;
            }
            notes.push_back({Severity::Info, "The certificates of " + quoteText(name) + " also carry " +
                                                 list +
                                                 ": version 1 never matched URI or e-mail names, so none is "
                                                 "pinned."});
        }
    }

    if (!unpinned.empty()) {
        std::string roots;
        for (const auto& a : store.anchors()) {
            roots += (roots.empty() ? "" : ", ") + certificateName(a.info());
        }
        std::string message = "cannot pin " + joinUses(unpinned) + " to a CA: no certificate carrying " +
                              (unpinned.size() == 1 ? "this name" : "these names") +
                              " authenticates under the trust store, which has " +
                              std::to_string(store.anchors().size()) + " roots (" + roots +
                              "), so which CA issues " + (unpinned.size() == 1 ? "it" : "them") +
                              " is unknown, and version 2 has no unpinned signers. Give evidence of each: a "
                              "finding bundle it signed (*.finding.json, or a folder of them), a model "
                              "signature it made (*.sig) or its certificate chain (PEM, leaf first)";
        if (!reader.rejected.empty()) {
            message += ". Evidence that did not authenticate: ";
            for (std::size_t i = 0; i < reader.rejected.size() && i < kSourcesNamed; ++i) {
                message += (i == 0 ? "" : ", ") + reader.rejected[i];
            }
            if (reader.rejected.size() > kSourcesNamed) {
                message += " and " + std::to_string(reader.rejected.size() - kSourcesNamed) + " more";
            }
        }
        return Unexpected{Error{ErrorCode::Invalid, message + "."}};
    }

    // The version 2 policy: the same models, each name replaced by its pins.
    auto rulesFor = [&](const std::vector<SignerRule>& v1Rules) {
        std::vector<SignerRule> out;
        for (const auto& r : v1Rules) {
            const auto n = static_cast<std::size_t>(
                std::find_if(names.begin(), names.end(),
                             [&](const SignerName& x) { return x.name == r.identity; }) -
                names.begin());
            for (const Pin& p : pins[n]) {
                const bool dup = std::any_of(out.begin(), out.end(), [&](const SignerRule& o) {
                    return o.identity == p.rule.identity && o.caSpkiSha256 == p.rule.caSpkiSha256;
                });
                if (!dup) {
                    out.push_back(p.rule);
                }
            }
        }
        return out;
    };
    json::Value models = json::Value::array();
    std::vector<std::string> defaultMethods; ///< the models that list no inputDigestMethods
    std::vector<PolicyUpgradeNote> blindNotes;
    for (const auto& m : v1.models) {
        json::Value entry = json::Value::object();
        entry.set("name", json::Value::string(m.name));
        entry.set("version", json::Value::string(m.version));
        entry.set("digest", json::Value::string(m.digest));
        entry.set("modalities", stringsJson(m.modalities));
        const std::string model = quoteText(m.name) + " " + quoteText(m.version);
        if (!m.inputDigestMethods.empty()) {
            std::vector<std::string> methods;
            for (const auto method : m.inputDigestMethods) {
                methods.emplace_back(digestMethodName(method));
            }
            entry.set("inputDigestMethods", stringsJson(methods));
        } else {
            defaultMethods.push_back(model);
            std::set<std::string> blind;
            for (const Seen& s : reader.seen) {
                if (s.model && s.model->name == m.name && s.model->version == m.version && s.method &&
                    isHeaderBlind(*s.method)) {
                    blind.insert(s.source);
                }
            }
            if (!blind.empty()) {
                std::string list;
                for (const auto& b : blind) {
                    list += (list.empty() ? "" : ", ") + b;
                }
                std::string warning = "Findings of " + model + " in the evidence (";
                warning += list;
                warning += ") are bound by a version 1 DICOM digest method: "
                           "they will not verify under the upgraded policy.";
                blindNotes.push_back({Severity::Warning, std::move(warning)});
            }
        }
        entry.set("modelSigners", rulesJson(rulesFor(m.modelSigners)));
        entry.set("findingSigners", rulesJson(rulesFor(m.findingSigners)));
        models.push(std::move(entry));
    }
    if (!defaultMethods.empty()) {
        // Version 2's default drops the header-blind v1 DICOM methods (R2.1): a change of behaviour the
        // administrator must accept, or undo for a model by listing them.
        notes.push_back(
            {Severity::Review,
             (defaultMethods.size() == 1 ? "The model " : "The models ") + joinUses(defaultMethods) +
                 (defaultMethods.size() == 1 ? " lists" : " list") +
                 " no inputDigestMethods. Version 1 accepted every digest method; version 2's "
                 "default accepts dicom-waveform-v2, dicom-pixeldata-v2, wfdb-record-v1 and file-v1 "
                 "only, so a finding bound by dicom-waveform-v1 or dicom-pixeldata-v1 (which leave "
                 "the meaning of the samples unsigned) becomes DATA_MISMATCH. List them under "
                 "inputDigestMethods only while the vendor cannot sign with the v2 methods."});
        notes.insert(notes.end(), blindNotes.begin(), blindNotes.end());
    }
    const bool require = v1.revocation == RevocationMode::Require;
    json::Value top = json::Value::object();
    top.set("policyVersion", json::Value::integer(2));
    // Written even though version 2 has a default: the default is "require" (R2.4), which would change what
    // an "if-available" site accepts.
    top.set("revocation", json::Value::string(require ? "require" : "if-available"));
    top.set("models", std::move(models));
    notes.push_back({Severity::Info, std::string("revocation \"") + (require ? "require" : "if-available") +
                                         "\" is kept as it was. Under version 2, leaving the field out means "
                                         "\"require\": a current CRL from every issuer (R2.4)."});

    for (const Seen& s : reader.seen) {
        if (used.count(&s) == 0) {
            std::string ids;
            for (const auto& id : s.identities) {
                ids += (ids.empty() ? "" : ", ") + quoteText(id);
            }
            notes.push_back(
                {Severity::Info, "Not used: the certificate in " + s.source + " (" +
                                     (ids.empty() ? std::string("no identity that counts") : ids) +
                                     ") carries no signer name of the policy."});
        }
    }
    notes.insert(notes.end(), reader.notes.begin(), reader.notes.end());

    PolicyUpgrade out;
    out.policyJson = json::serializeIndented(top, 2) + "\n";
    auto check = parsePolicy(out.policyJson);
    if (!check) {
        // Every value comes from a policy that parsed and from verified certificates: this would be a bug
        // here.
        return Unexpected{
            Error{ErrorCode::Invalid, "the upgraded policy does not read back: " + check.error().message}};
    }
    out.policy = std::move(*check);
    out.notes = std::move(notes);
    return out;
}

} // namespace veridicor::verify
