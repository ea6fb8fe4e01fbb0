#pragma once
/// \file
/// Writes a reading as a DICOM Comprehensive SR (DCMTK dcmsr) for the recording it reads, unsigned
/// (preliminary: Completion Flag PARTIAL, Verification Flag UNVERIFIED) or signed with DCMTK dcmsign
/// (final: COMPLETE, VERIFIED, the Verifying Observer from the signing certificate). The SR structure and
/// its codes are in reading/README.md.

#include <veridicor/base/expected.h>
#include <veridicor/reading/error.h>
#include <veridicor/reading/reading.h>

#include <filesystem>
#include <optional>
#include <string>

namespace veridicor::reading {

/// The clinician's key and certificate chain, PEM files (dcmsign reads keys and certificates only from
/// files). The chain's first certificate is the signer's.
struct SignerFiles {
    std::filesystem::path key;
    std::filesystem::path chain;
};

struct SrWriteOptions {
    /// Signs the SR (final). Without it the SR is preliminary.
    std::optional<SignerFiles> signer;
    /// The Person Observer Name of a preliminary SR (a signed one takes the certificate's name); empty:
    /// "Unknown".
    std::string observerName;
    /// The SR this one amends: its Study, Series, SOP Class and Instance UIDs go into the Predecessor
    /// Documents Sequence, and the reading's `amends` must be its SOP Instance UID (or empty, then it is
    /// set). The original is only read, never written.
    std::optional<std::filesystem::path> amendedSr;
    /// The SR's Content Date/Time and Verification DateTime ("YYYYMMDDHHMMSS"); empty: now.
    std::string dateTime;
};

struct WrittenReading {
    std::string sopInstanceUID;
    std::string seriesInstanceUID;
    std::string observerName;
    bool isSigned = false;
};

/// Writes the SR of `reading` about the DICOM recording `recording` to `out` (a new file; an existing
/// `out` is refused so that nothing is overwritten). Patient and study are copied from the recording, the
/// SR has its own new series; its evidence is the recording's SOP instance and its content digest
/// (dicom/content_digest.h, the v2 method of its kind).
/// Errors: Invalid (the reading fails validateReading(), a key or chain that cannot be read, a key that does
/// not match the certificate, `amends` that is not the amended SR's UID), WeakKey (RSA under 2048 bits, an
/// EC curve other than P-256 or P-384, another key type), Unreadable (the recording or amended SR), Crypto
/// (dcmsign refused), Io (`out` exists or cannot be written).
Expected<WrittenReading, Error> writeReadingSr(const Reading& reading, const std::filesystem::path& recording,
                                               const SrWriteOptions& options, const std::filesystem::path& out);

} // namespace veridicor::reading
