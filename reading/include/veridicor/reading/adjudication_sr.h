#pragma once
/// \file
/// The adjudication as a signed DICOM Comprehensive SR (DCMTK dcmsr + dcmsign, the reading's signature
/// profile), its reader, and its verification — the reading's checks (structure, signature, chain,
/// revocation, signer authorised by the policy's readingSigners, binding to the recording on screen) and one
/// of its own: the adjudicator is not the signer of the reading adjudicated (ADJUDICATOR_IS_READER). The SR
/// structure is in reading/README.md, "The adjudication SR".

#include <veridicor/base/expected.h>
#include <veridicor/reading/adjudication.h>
#include <veridicor/reading/error.h>
#include <veridicor/reading/reading_verifier.h>
#include <veridicor/reading/sr_writer.h>
#include <veridicor/verify/trust_store.h>

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

class DcmItem;

namespace veridicor::dicom {
struct ContentIdentity;
}

namespace veridicor::reading {

/// At most this many e-mail identities of the reading's signer are recorded.
inline constexpr std::size_t kMaxReadingSignerIdentities = 8;

struct AdjudicationWriteOptions {
    SignerFiles signer{};   ///< the adjudicator's key and chain (an adjudication is always signed)
    std::string dateTime{}; ///< Content Date/Time and Verification DateTime ("YYYYMMDDHHMMSS"); empty: now
};

struct WrittenAdjudication {
    std::string sopInstanceUID{};
    std::string seriesInstanceUID{};
    std::string observerName{};
};

/// Writes and signs the adjudication of the signed reading SR `readingSr` to `out` (a new file). Patient and
/// study are copied from the reading; the evidence is the reading SR and the recording it read (with the
/// reading's evidence digest); the reading's signer (name, certificate SHA-256, e-mail identities) is
/// recorded so that the verifier can refuse an adjudication by the same person.
/// Errors: Invalid (the adjudication fails validateAdjudication(); its `reading` is not the SR's UID; a
/// clinician-side code that the reading does not state; the key, chain or names as for readings; the
/// adjudicator is the reading's signer — same certificate or e-mail), WeakKey, Unreadable / Malformed (the
/// reading SR; one that is not signed, whose signature does not verify or that is not final), Crypto, Io
/// (`out` exists or cannot be written).
Expected<WrittenAdjudication, Error> writeAdjudicationSr(const Adjudication& adjudication,
                                                         const std::filesystem::path& readingSr,
                                                         const AdjudicationWriteOptions& options,
                                                         const std::filesystem::path& out);

struct AdjudicationDocument {
    Adjudication adjudication{};
    std::string sopInstanceUID{};
    std::string seriesInstanceUID{};
    std::string studyInstanceUID{};
    std::string patientId{};
    std::string issuerOfPatientId{};
    std::string patientName{};
    std::string observerName{};
    std::string verifyingObserverName{}; ///< empty when unverified
    bool complete = false;
    bool verified = false;
    /// The reading SR adjudicated (an item of the Current Requested Procedure Evidence Sequence and a
    /// COMPOSITE content item; its SOP Instance UID is adjudication.reading).
    std::string readingStudyUID{};
    std::string readingSeriesUID{};
    std::string readingSopClassUID{};
    /// Its signer as the writer found it in the reading's signature.
    std::string readingSignerName{};
    std::string readingSignerCertSha256{}; ///< SHA-256 of the DER certificate, lowercase hex
    std::vector<std::string> readingSignerIdentities{}; ///< e-mail addresses
    /// The recording the reading read: SOP instance and content digest, as the reading's evidence.
    std::string evidenceSopClassUID{};
    std::string evidenceSopInstanceUID{};
    std::string evidenceDigestMethod{};
    std::string evidenceDigest{};
};

/// Reads an adjudication SR without verifying it. Errors: Unreadable, TooLarge (over kMaxSrFileBytes),
/// Malformed (not an adjudication SR of ours: any other item is an error naming its code).
Expected<AdjudicationDocument, Error> readAdjudicationSr(const std::filesystem::path& path);
Expected<AdjudicationDocument, Error> readAdjudicationDataset(DcmItem& dataset);

struct AdjudicationVerdict : SignedSrVerdict {
    /// The SR as read; its content may be shown and counted only when trusted().
    std::optional<AdjudicationDocument> document;
};

/// Verifies the adjudication SR at `path` at time `at`, as verifyReadingFile() verifies a reading, and that
/// its signer is not the signer of the reading it adjudicates (ADJUDICATOR_IS_READER, in the signer check):
/// against the signer the SR records and, with `readingSr` (the reading SR file), against that reading's own
/// signature. With `displayed`, the patient and the evidence are the recording on screen's; with
/// `readingSr`, that reading is the one referenced (DATA_MISMATCH), of the same patient and study
/// (PATIENT_MISMATCH) and of the same evidence (DATA_MISMATCH). Whether that reading is itself trusted is
/// verifyReadingFile()'s answer, not this one's. Errors: Unreadable / TooLarge (the adjudication file).
Expected<AdjudicationVerdict, Error> verifyAdjudicationFile(const std::filesystem::path& path,
                                                            const verify::TrustStore& store, verify::TimePoint at,
                                                            const dicom::ContentIdentity* displayed = nullptr,
                                                            const std::filesystem::path* readingSr = nullptr);

/// The verdict JSON as readingVerdictToJson() writes it, with "report" and "adjudication" (the
/// ADJUDICATION.json form) only when trusted.
std::string adjudicationVerdictToJson(const AdjudicationVerdict& verdict, int indent = 2);

} // namespace veridicor::reading
