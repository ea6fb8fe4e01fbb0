#pragma once
// A WFDB record as finding-bundle-v1 R2.2 binds it: its header and every signal file the header names, under
// one `wfdb-record-v1` digest, so that a changed header (which rescales every signal) or any changed signal
// file voids the finding. The header is read as PhysioNet's WFDB library reads it (header(5)).

#include <veridicor/base/expected.h>
#include <veridicor/verify/error.h>

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

namespace veridicor::verify::detail {

/// Bounds on what is read: real headers are a few hundred bytes with at most tens of signals.
constexpr std::size_t kMaxWfdbHeaderBytes = std::size_t{1} << 20;
constexpr std::size_t kMaxWfdbSignals = 4096;
constexpr std::size_t kMaxWfdbFileNameBytes = 255;

struct WfdbRecord {
    std::string recordName;       ///< the header's file name without ".hea" (= its record line's name)
    std::filesystem::path header; ///< the .hea file
    std::vector<std::string> signalFiles; ///< in order of first mention, each once; in the header's folder
};

/// The signal file names of a header (its bytes), in order of first mention, each once.
/// Comment lines (first token starting with '#') and blank lines are skipped, tokens are separated by
/// spaces, tabs and carriage returns (as the WFDB library's strtok does). The record line must name
/// `recordName`; exactly its number of signals of signal lines must follow.
/// Errors (all Unsupported: the header is one of a WFDB record, but not one this method binds): a
/// multi-segment record (`name/n`), a record line naming another record, no or a malformed number of
/// signals, more than kMaxWfdbSignals, fewer or more signal lines than declared, a signal file `-`
/// (standard input), a name with '/', '\' or "..", a control character, or longer than
/// kMaxWfdbFileNameBytes.
Expected<std::vector<std::string>, Error> parseWfdbHeader(std::string_view header,
                                                          std::string_view recordName);

/// The WFDB record `path` belongs to: `path` is its header (`*.hea`) or one of its signal files (then the
/// header is the `.hea` beside it with the same base name, and it must name the file).
/// Errors:
///  - Invalid only when `path` is not part of a WFDB record — no header beside it, or a header that does not
///    name it (e.g. an annotation file) — so that a caller can fall back to another method;
///  - Unreadable: `path`, the header or a signal file is missing, not a regular file or cannot be read;
///  - TooLarge: the header is larger than kMaxWfdbHeaderBytes;
///  - Unsupported: those of parseWfdbHeader().
/// A record refused for any reason but Invalid must not be bound by `file-v1` instead (R2.2).
Expected<WfdbRecord, Error> findWfdbRecord(const std::filesystem::path& path);

/// The wfdb-record-v1 digest (lowercase hex) of a record found by findWfdbRecord():
///   SHA-256("veridicor:wfdb-record-v1" 0x00 u64be(len(header)) header
///           (u64be(len(name)) name u64be(len(bytes)) bytes)* for each signal file, in record.signalFiles
///           order)
/// The header is read again and must still name the same signal files; signal files are streamed in
/// bounded pieces, never held whole. `hashedBytes` (optional) receives the header's and the signal files'
/// sizes together. Errors: Unreadable (a file missing or unreadable, or one that changed size, or a header
/// that changed, while it was read), TooLarge, Unsupported (as findWfdbRecord()).
Expected<std::string, Error> wfdbRecordDigest(const WfdbRecord& record, std::uint64_t* hashedBytes = nullptr);

} // namespace veridicor::verify::detail
