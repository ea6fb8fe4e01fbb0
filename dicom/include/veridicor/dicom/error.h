#pragma once

#include <string>

namespace veridicor::dicom {

/// Why a DICOM file could not be used. The message names the problem in words a reader understands.
enum class ErrorCode {
    Environment, ///< DCMTK is not usable (data dictionary missing, codecs not registered).
    Unreadable,  ///< The file cannot be opened or read (missing, permissions, a folder).
    NotDicom,    ///< The content is not DICOM.
    Truncated,   ///< The file ends before its declared content does.
    Malformed,   ///< DICOM, but its content is inconsistent or required attributes are missing/invalid.
    Unsupported, ///< Valid DICOM that this program cannot handle (SOP class, bit depth, encoding).
    TooLarge,    ///< A size exceeds the limits we allocate for.
};

struct Error {
    ErrorCode code = ErrorCode::Malformed;
    std::string message;
};

/// A short English name for the code ("truncated file", …).
const char* errorCodeName(ErrorCode code);

} // namespace veridicor::dicom
