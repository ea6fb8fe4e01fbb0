#include <veridicor/worklist/error.h>

namespace veridicor::worklist {

const char* errorCodeName(ErrorCode code) {
    switch (code) {
    case ErrorCode::DriverMissing:
        return "SQLite driver missing";
    case ErrorCode::Unopenable:
        return "database cannot be opened";
    case ErrorCode::Query:
        return "database query failed";
    case ErrorCode::InvalidArgument:
        return "invalid argument";
    }
    return "unknown error";
}

} // namespace veridicor::worklist
