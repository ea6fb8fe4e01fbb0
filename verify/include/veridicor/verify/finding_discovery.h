#pragma once
/// \file
/// Finding discovery and routing: which `*.finding.json` files belong to an opened study, and which opened
/// recording each one is verified against. No GUI; the workstation runs checkFindings() on a worker thread.
///
/// Routing rule (the same in ui/README.md and docs/finding-bundle.md), first match wins:
///  (a) by file name: a bundle named `<B>.finding.json` or `<B>.<anything>.finding.json`, where `<B>` is the
///  file
///      name of an opened recording in the same folder, or that name without its last extension
///      (`ecg.dcm` → `ecg`); the longest such name wins. A bundle named so after a DICOM file beside it that
///      is not open belongs to that file and is not verified against anything else;
///  (b) else, when the bundle authenticates (steps 1–3 of finding-bundle-v1 pass and the payload is a finding
///      statement), the opened recording whose SOP Instance UID is the signed subject name;
///  (c) else the recording on screen.
/// A bundle that does not authenticate is never interpreted, not even its subject: only (a) or (c) route it.

#include <veridicor/verify/time.h>
#include <veridicor/verify/verdict.h>

#include <atomic>
#include <cstddef>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace veridicor::verify {

inline constexpr std::string_view kFindingFileSuffix = ".finding.json";
/// At most this many finding files are taken from one folder tree (a runaway folder is cut off, and says so).
inline constexpr std::size_t kMaxFindingFiles = 10000;

/// True for a file name ending in ".finding.json" with something before it.
bool isFindingFileName(const std::filesystem::path& path);

/// The finding files under `path`: `path` itself when it is a finding file, else the finding files in that
/// folder (its whole tree when `recursive`), sorted, at most `max`. Symbolic links to folders are not
/// followed. `truncated` (optional) is set when more than `max` were there.
std::vector<std::filesystem::path> findFindingFiles(const std::filesystem::path& path, bool recursive,
                                                    std::size_t max = kMaxFindingFiles,
                                                    bool* truncated = nullptr);

/// An opened recording a finding can be verified against.
struct Recording {
    std::filesystem::path path;
    std::string sopInstanceUID;
};

enum class FindingRoute {
    FileName,       ///< (a) named after the recording
    SignedSubject,  ///< (b) its authenticated subject is the recording's SOP Instance UID
    ShownRecording, ///< (c) the recording on screen
    UnopenedFile,   ///< named after a DICOM file beside it that is not open: not verified
    NoRecording,    ///< nothing is open to verify it against
};

/// For people: "named after the recording", "its signed subject is this recording", …
std::string_view routeDescription(FindingRoute route);

/// Rule (a): the index in `recordings` of the recording `bundle` is named after, or nullopt.
std::optional<std::size_t> recordingNamedBy(const std::filesystem::path& bundle,
                                            const std::vector<Recording>& recordings);

/// The DICOM file beside `bundle` (not among `recordings`) that the bundle is named after, or nullopt.
std::optional<std::filesystem::path> unopenedFileNamedBy(const std::filesystem::path& bundle,
                                                         const std::vector<Recording>& recordings);

/// What to verify, against what.
struct FindingCheckRequest {
    std::vector<std::filesystem::path> bundles;
    std::vector<Recording> recordings;    ///< every opened recording
    std::filesystem::path shownRecording; ///< the recording on screen (rule c); may be empty
    /// Recordings already read and digested (e.g. the one on screen, from the data its view holds and
    /// draws): a bundle routed to one of these paths is verified against this input as given, and the file
    /// is not read again — so what is verified is what is displayed.
    std::vector<InputData> inputs;
    std::filesystem::path trustStore; ///< the trust store folder
    std::optional<TimePoint> at;      ///< the verification time; empty: now
    const std::atomic<bool>* cancel = nullptr;
    /// The verified payload and attachment bytes kept in memory for display, all bundles together, are
    /// bounded: a bundle that would take the total over this is not checked (its `problem` says so).
    std::size_t maxTotalBytes = std::size_t{1} << 30;
};

/// One bundle after routing and verification.
struct CheckedFinding {
    std::filesystem::path bundle;
    FindingRoute route = FindingRoute::NoRecording;
    std::filesystem::path recording; ///< the recording it was verified against (or, for UnopenedFile, the
                                     ///< file it is named after); empty for NoRecording
    std::optional<Verdict> verdict;  ///< present when verification ran
    /// Why it could not be verified (no trust store, the bundle or the recording unreadable, nothing open),
    /// in plain words; the finding is then untrusted and nothing of it is read. Empty when `verdict` is
    /// present.
    std::string problem;

    [[nodiscard]] bool trusted() const { return verdict.has_value() && verdict->trusted(); }
    /// Steps 1–3 passed: the content is authentic (it may still be untrusted for other reasons).
    [[nodiscard]] bool authenticated() const { return verdict.has_value() && verdict->authenticated; }
};

/// The outcome of checkFindings().
struct FindingCheckResult {
    std::vector<CheckedFinding> findings; ///< in the order of the request's bundles
    bool trustStoreLoaded = false;
    std::string trustStoreProblem; ///< why the trust store could not be loaded (then nothing is trusted)
    TimePoint at{};                ///< the verification time used
    std::string trustStoreSummary; ///< "1 anchor, 2 CRLs, 2 approved models", when loaded
};

/// Loads the trust store, routes every bundle (rules a–c above) and verifies it against its recording (the
/// request's `inputs` for the recordings it gives, else read once from the file), reading each bundle file
/// once (at most 64 MiB) and its attachments once; every verdict holds the verified
/// payload and attachment bytes, so nothing needs to be read again for display. Never fails: a missing or
/// invalid trust store, an unreadable bundle or recording makes that finding untrusted with a `problem`.
FindingCheckResult checkFindings(const FindingCheckRequest& request);

} // namespace veridicor::verify
