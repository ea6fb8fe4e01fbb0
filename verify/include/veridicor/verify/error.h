#pragma once

#include <string>

namespace veridicor::verify {

/// Why an operation of verify/ could not be carried out (as opposed to a verification that ran and found
/// problems: that is a Verdict). The message names the problem and the file involved.
enum class ErrorCode {
    Unreadable,  ///< a file or folder is missing or cannot be read
    TooLarge,    ///< a file exceeds the size we accept
    Invalid,     ///< the content is not what it must be (trust store, policy, key, predicate, input data)
    Unsupported, ///< valid, but not something this program handles (key type, digest method, encoding)
    Crypto,      ///< OpenSSL refused an operation (signing, key generation, certificate creation)
    Io,          ///< writing failed (disk full, permissions, fsync)
};

struct Error {
    ErrorCode code = ErrorCode::Invalid;
    std::string message;
};

/// A short English name for the code ("unreadable", "too large", …).
const char* errorCodeName(ErrorCode code);

} // namespace veridicor::verify
