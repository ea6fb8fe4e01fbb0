#pragma once
/// \file
/// Verifies a signed reading SR when it is shown, like an AI finding: every DICOM signature verifies
/// (dcmsign) and covers the whole content, the signer's certificate chains to the trust store's anchors
/// (intermediates from its cas/), is not revoked (the trust store's CRLs, the rules of finding-bundle
/// R2.4), and may sign readings (policy `readingSigners`, typed and pinned to a CA as in R2.3); and, when the
/// recording on screen is given, the reading is that patient's and its evidence is that recording's
/// content. The verdict never is a bool: each check has its status and plain-language detail.

#include <veridicor/base/expected.h>
#include <veridicor/reading/error.h>
#include <veridicor/reading/sr_reader.h>
#include <veridicor/verify/trust_store.h>
#include <veridicor/verify/verdict.h>

#include <array>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace veridicor::dicom {
struct ContentIdentity;
}

namespace veridicor::reading {

/// Why a reading is untrusted. The codes shared with findings are spelt as finding-bundle-v1 spells them;
/// PATIENT_MISMATCH and SIGNATURE_INCOMPLETE are the reading's own, ADJUDICATOR_IS_READER the adjudication's
/// (adjudication_sr.h). Alphabetical, the order verdicts list them in.
enum class ReadingReason {
    AdjudicatorIsReader, ///< ADJUDICATOR_IS_READER: an adjudication signed by the reader it adjudicates
    BadSignature,        ///< BAD_SIGNATURE: a signature does not verify (the SR changed after signing)
    CertExpired,         ///< CERT_EXPIRED
    CertRevoked,         ///< CERT_REVOKED (also: revocation status unknown)
    DataMismatch,        ///< DATA_MISMATCH: the evidence is not the recording on screen
    Malformed,           ///< MALFORMED: not a reading SR, or signed but not final
    PatientMismatch,     ///< PATIENT_MISMATCH: another patient's (or another study's) reading
    SignatureIncomplete, ///< SIGNATURE_INCOMPLETE: a signature covers only part of the content
    SignerNotAuthorized, ///< SIGNER_NOT_AUTHORIZED: not in the policy's readingSigners
    Unsigned,            ///< UNSIGNED: a preliminary reading
    UntrustedChain,      ///< UNTRUSTED_CHAIN
    WeakAlgorithm,       ///< WEAK_ALGORITHM
};

std::string_view readingReasonName(ReadingReason reason);
/// One sentence for a clinician.
std::string_view readingReasonExplanation(ReadingReason reason);

enum class ReadingCheckId { Structure, Signature, Chain, Signer, Binding };
inline constexpr std::array kAllReadingChecks{ReadingCheckId::Structure, ReadingCheckId::Signature,
                                              ReadingCheckId::Chain, ReadingCheckId::Signer,
                                              ReadingCheckId::Binding};
/// "structure", "signature", "chain", "signer", "binding".
std::string_view readingCheckName(ReadingCheckId id);

struct ReadingCheck {
    ReadingCheckId id = ReadingCheckId::Structure;
    verify::CheckStatus status = verify::CheckStatus::NotChecked;
    std::string detail;
    std::vector<ReadingReason> reasons;
    [[nodiscard]] bool ok() const { return status == verify::CheckStatus::Passed; }
};

/// What every signed SR of reading/ (a reading, an adjudication) is verified for: the checks, the reasons,
/// the signer. ReadingVerdict and AdjudicationVerdict (adjudication_sr.h) add the document read.
struct SignedSrVerdict {
    verify::Trust trust = verify::Trust::Untrusted;
    std::vector<ReadingReason> reasons; ///< sorted, unique; empty exactly when trusted
    std::array<ReadingCheck, 5> checks{};
    std::optional<verify::SignerInfo> signer;
    /// Whether the SR was compared with the recording on screen (binding passed or failed).
    bool bound = false;
    verify::TimePoint at{};

    [[nodiscard]] bool trusted() const { return trust == verify::Trust::Trusted; }
    [[nodiscard]] bool has(ReadingReason r) const;
    [[nodiscard]] const ReadingCheck& check(ReadingCheckId id) const {
        return checks[static_cast<std::size_t>(id)];
    }
};

struct ReadingVerdict : SignedSrVerdict {
    /// The SR as read (present whenever it was a readable reading SR). Its content may be shown only when
    /// trusted(); readingVerdictToJson() leaves it out otherwise.
    std::optional<ReadingDocument> document;
};

/// Verifies the reading SR at `path` at time `at`. With `displayed` (the recording on screen, as its view
/// holds it: StudyView::displayedContent()), the reading must be that recording's patient and study and its
/// evidence digest must equal the displayed content; without it the binding is not checked (the CLI) and
/// says so. Errors: Unreadable / TooLarge (not a DICOM file that can be read): nothing to give a verdict on.
Expected<ReadingVerdict, Error> verifyReadingFile(const std::filesystem::path& path, const verify::TrustStore& store,
                                                  verify::TimePoint at,
                                                  const dicom::ContentIdentity* displayed = nullptr);

/// The verdict JSON, shaped as the findings' (verdict, reasons, signer, checks with name/ok/detail), plus
/// "explanations" (code → sentence) and "reading" in the READING.json form only when trusted.
std::string readingVerdictToJson(const ReadingVerdict& verdict, int indent = 2);

/// `reading-show`: the content as JSON with "verified": false — no verification ran, nothing is vouched for.
std::string unverifiedReadingToJson(const ReadingDocument& document, int indent = 2);

} // namespace veridicor::reading
