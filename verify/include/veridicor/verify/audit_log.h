#pragma once
/// \file
/// A tamper-evident, crash-safe audit log of verifications and displays: JSON lines, hash-chained.
///
/// Each line is one JSON object: `seq` (its line number from 1), `time`, `event`, `user`, `input` (name,
/// digest method, digest, UIDs), `bundle` (path, SHA-256), `verdict`, `reasons`, `detail`, `prev` (the
/// SHA-256 of the previous line's bytes; 64 zeros for the first) and, last, `hash` (the SHA-256 of the line
/// as it would read without its `hash` member). A head record beside the log (`<log>.head`) holds the number
/// of lines and the SHA-256 of the last one, so that lines cut from the end are detected too.
///
/// Appending takes an exclusive lock, writes the line in one append, fsyncs it, then replaces the head record
/// atomically (write, fsync, rename, fsync the folder). A crash leaves at worst a torn last line, or a head
/// record one line behind; both are told apart from tampering. A torn line is never overwritten or hidden:
/// the next append terminates it and records the damage in its own line, so the log stays permanently marked.
///
/// This detects edited, removed, reordered, inserted-in-the-middle and truncated lines. Like any hash chain
/// without a secret key, it cannot stop someone who rewrites the whole log and its head consistently.

#include <veridicor/base/expected.h>
#include <veridicor/verify/error.h>
#include <veridicor/verify/time.h>

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace veridicor::verify {

struct Verdict;

struct AuditEntry {
    std::string event = "verify";  ///< "verify", "display", "show-anyway", …
    std::string user;              ///< empty: the operating-system user running the program
    std::optional<TimePoint> time; ///< empty: now
    std::string inputName;         ///< SOP Instance UID or file name
    std::string inputPath;
    std::string digestMethod;
    std::string inputDigest;
    std::string studyInstanceUID;
    std::string seriesInstanceUID;
    std::string sopInstanceUID;
    std::string bundlePath;
    std::string bundleSha256;
    std::string verdict; ///< "trusted" / "untrusted"
    std::vector<std::string> reasons;
    std::string detail; ///< free text (e.g. which finding was shown)

    /// The entry for a verification: input, bundle digest, verdict and reasons from `verdict`.
    static AuditEntry fromVerdict(const Verdict& verdict, const std::filesystem::path& bundlePath,
                                  std::string event = "verify");
};

/// The outcome of checking a log.
struct AuditReport {
    bool intact = false;
    std::size_t lines = 0;          ///< lines in the file (a torn last line included)
    std::size_t firstBadLine = 0;   ///< 1-based; 0 when intact
    std::string problem;            ///< what is wrong with that line, in plain words
    std::vector<std::string> notes; ///< harmless findings (e.g. the head record lagged after a crash)
};

class AuditLog {
public:
    explicit AuditLog(std::filesystem::path file) : m_file(std::move(file)) {}

    /// Appends one line durably (see the file comment). Errors: Io (cannot open, lock, write or fsync; the
    /// message says which), Invalid (the log's last line is longer than 1 MiB and cannot be chained to).
    [[nodiscard]] Expected<void, Error> append(const AuditEntry& entry) const;

    /// Checks the whole chain and the head record. Errors: Unreadable (the log cannot be read).
    static Expected<AuditReport, Error> verify(const std::filesystem::path& file);

    /// `<file>.head`
    static std::filesystem::path headPath(const std::filesystem::path& file);

    /// The user name of this process (login name, else $USER, else the numeric uid).
    static std::string currentUser();

    [[nodiscard]] const std::filesystem::path& file() const { return m_file; }

private:
    std::filesystem::path m_file;
};

} // namespace veridicor::verify
