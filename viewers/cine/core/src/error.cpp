#include <veridicor/cine/error.h>

namespace veridicor::cine {

const char* errorCodeName(ErrorCode code) {
    switch (code) {
    case ErrorCode::Environment:
        return "environment problem";
    case ErrorCode::Unreadable:
        return "unreadable file";
    case ErrorCode::NotDicom:
        return "not a DICOM file";
    case ErrorCode::Truncated:
        return "truncated";
    case ErrorCode::Malformed:
        return "malformed image";
    case ErrorCode::Unsupported:
        return "unsupported image";
    case ErrorCode::TooLarge:
        return "too large";
    case ErrorCode::MissingFrame:
        return "missing frame";
    case ErrorCode::DecodeFailed:
        return "corrupt frame";
    case ErrorCode::ChangedOnDisk:
        return "file changed on disk";
    }
    return "unknown error";
}

} // namespace veridicor::cine
