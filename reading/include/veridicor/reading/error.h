#pragma once
/// \file
/// Why an operation of reading/ could not be carried out (as opposed to a verification that ran and found
/// problems: that is a ReadingVerdict). The message names the problem in plain words.

#include <string>

namespace veridicor::reading {

enum class ErrorCode {
    Invalid,     ///< the input is not what it must be (READING.json, a key, a certificate, the recording)
    Unreadable,  ///< a file cannot be read (missing, not DICOM, truncated)
    TooLarge,    ///< a count or length exceeds its bound
    Malformed,   ///< a DICOM SR that is not a reading of ours (wrong structure, missing items)
    WeakKey,     ///< a signing key below our minimum (RSA < 2048 bits, an EC curve other than P-256/P-384)
    Crypto,      ///< dcmsign or OpenSSL refused to sign
    Io,          ///< writing failed
};

struct Error {
    ErrorCode code = ErrorCode::Invalid;
    std::string message;
};

/// A short English name for the code ("invalid input", …).
const char* errorCodeName(ErrorCode code);

} // namespace veridicor::reading
