#pragma once

#include <string>

namespace veridicor::cine {

/// Why a clip, or one frame of it, cannot be shown. The message names the problem in words a reader
/// understands.
enum class ErrorCode {
    Environment, ///< DCMTK or a codec is not usable in this installation.
    Unreadable,  ///< The file cannot be opened or read.
    NotDicom,    ///< The content is not DICOM.
    Truncated,   ///< The file (or its Pixel Data) ends before the declared content does.
    Malformed,   ///< DICOM, but the image attributes are missing, inconsistent or invalid.
    Unsupported, ///< A valid image this viewer cannot show (bit depth, encoding, photometric interpretation).
    TooLarge,    ///< A size (rows × columns × frames, a frame, a fragment) exceeds what we allocate for.
    MissingFrame,  ///< The Pixel Data holds no data for this frame (fewer fragments than frames, say).
    DecodeFailed,  ///< The compressed data of this frame is corrupt and could not be decoded.
    ChangedOnDisk, ///< The frame's bytes on disk are not those read when the clip was opened: not decoded.
};

struct Error {
    ErrorCode code = ErrorCode::Malformed;
    std::string message;
};

/// A short English name for the code ("truncated", "corrupt frame", …).
const char* errorCodeName(ErrorCode code);

} // namespace veridicor::cine
