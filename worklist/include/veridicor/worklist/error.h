#pragma once

#include <QString>

namespace veridicor::worklist {

/// Why the worklist database could not do what was asked. The message says it in words a reader understands.
enum class ErrorCode {
    DriverMissing,   ///< Qt's SQLite driver (Debian: libqt6sql6-sqlite) is not installed.
    Unopenable,      ///< The database file or its folder cannot be created, opened or moved aside.
    Query,           ///< SQLite refused a statement (disk full, read-only file, a lock held by someone else).
    InvalidArgument, ///< A value given to the API is not acceptable (e.g. a UID that is not a DICOM UID).
};

struct Error {
    ErrorCode code = ErrorCode::Query;
    QString message;
};

/// A short English name for the code ("database query failed", …).
const char* errorCodeName(ErrorCode code);

} // namespace veridicor::worklist
