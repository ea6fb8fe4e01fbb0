#pragma once
/// \file
/// Reads a reading SR (as sr_writer.h writes it) back into a Reading, with what the SR says about itself.
/// The SR is untrusted input: every count and length is bounded, and an SR that is not a reading of ours is
/// an error, never a crash. Reading an SR does not verify it (reading_verifier.h does).

#include <veridicor/base/expected.h>
#include <veridicor/reading/error.h>
#include <veridicor/reading/reading.h>

#include <cstddef>
#include <filesystem>
#include <string>

class DcmItem;

namespace veridicor::reading {

/// An SR of more content items than this is not a reading (a reading has at most a few thousand).
inline constexpr std::size_t kMaxContentItems = 8192;
/// A reading SR file larger than this is refused before it is read.
inline constexpr std::uint64_t kMaxSrFileBytes = std::uint64_t{16} << 20;

struct ReadingDocument {
    Reading reading;
    std::string kind; ///< "ecg" (TID 3700 ECG Report) or "echo" (TID 5200 Adult Echocardiography Report)
    std::string sopInstanceUID;
    std::string seriesInstanceUID;
    std::string studyInstanceUID;
    std::string patientId;
    std::string issuerOfPatientId;
    std::string patientName; ///< UTF-8, as stored (the SR's character set is ISO_IR 192)
    std::string observerName;
    std::string verifyingObserverName; ///< empty when unverified
    /// The Verification DateTime of that observer (DICOM DT as stored, e.g. "20261201101500"): when the
    /// reading was signed as final. Empty when unverified.
    std::string verificationDateTime{};
    bool complete = false;             ///< Completion Flag COMPLETE
    bool verified = false;             ///< Verification Flag VERIFIED
    /// The evidence: the recording's SOP instance (Current Requested Procedure Evidence Sequence) and its
    /// content digest ("dicom-waveform-v2" and the hex digest).
    std::string evidenceStudyUID;
    std::string evidenceSeriesUID;
    std::string evidenceSopClassUID;
    std::string evidenceSopInstanceUID;
    std::string evidenceDigestMethod;
    std::string evidenceDigest;
    /// Predecessor Documents Sequence: the SOP Instance UID of the SR this one amends; empty: none.
    std::string predecessorSopInstanceUID;
};

/// Reads a reading SR file. Errors: Unreadable (missing, not DICOM, truncated; over kMaxSrFileBytes:
/// TooLarge), Malformed (not a Comprehensive SR, not a reading, items missing or out of their bounds).
Expected<ReadingDocument, Error> readReadingSr(const std::filesystem::path& path);

/// The same from a dataset in memory.
Expected<ReadingDocument, Error> readReadingDataset(DcmItem& dataset);

} // namespace veridicor::reading
