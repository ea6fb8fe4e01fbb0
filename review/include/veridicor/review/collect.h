#pragma once
/// \file
/// The review set of files and folders (review/README.md, "Collecting a review set"): each study's
/// recordings, the AI finding bundles verified against them (verify::checkFindings: signature, chain, model,
/// binding to the data), and the reading SRs verified against the recording they name
/// (reading::verifyReadingFile with that recording's content: signature, chain, revocation, readingSigners,
/// binding). What comes out is one ReviewedStudy per (study, domain, model) — the model's verified findings
/// against the reading in force — and, for everything else, a LeftOut with the reason. Never throws; every
/// count is bounded.
///
/// The reading in force of a study's recording kind (ECG or echo) is its latest trusted reading (by its
/// signing time, the Verification DateTime the signature covers) that no other trusted reading of the
/// same study amends; a reading that is amended, or older than the one in force, is left out and says which
/// one replaced it.

#include <veridicor/review/reviewed_study.h>
#include <veridicor/verify/time.h>
#include <veridicor/verify/trust_store.h>

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace veridicor::review {

struct CollectOptions {
    /// Files examined under the given paths, all folders together (dicom::ScanOptions::maxFiles); a larger
    /// tree is cut off and says so in `leftOut`.
    std::size_t maxFiles = 200000;
    /// Finding bundles taken from each given folder (verify::findFindingFiles).
    std::size_t maxFindingFiles = 100000;
    /// Recordings and reading SRs larger than this are not read (reading SRs have their own, smaller bound,
    /// reading::kMaxSrFileBytes).
    std::uint64_t maxRecordingBytes = std::uint64_t{2} << 30;
    /// Stops early (what was collected so far is returned, with a LeftOut saying so); may be null.
    const std::atomic<bool>* cancel = nullptr;
};

/// Collects the review set of `paths` (files and folders, recursively) verified against `store` at `at`.
/// Only verified findings and verified, final (signed) readings are counted; everything else given is in
/// `leftOut`. Adjudication SRs among the files are verified (against their recording and the reading they settle)
/// and a trusted one replaces the clinician's side of its categories; applyAdjudications() adds others.
ReviewSet collectReviewSet(const std::vector<std::filesystem::path>& paths, const verify::TrustStore& store,
                           verify::TimePoint at, const CollectOptions& options = {});

/// What a signed and verified adjudication settled for one study (the adjudication SR and its verification
/// are outside this function: the caller passes only what it verified).
struct StudyAdjudication {
    std::string studyUid{};
    /// The reading it adjudicates; empty: whichever reading is in force. A label given for another reading
    /// than the one in force is not applied (the set's `leftOut` says so).
    std::string readingUid{};
    /// The model whose findings it adjudicates; empty: every model of the study.
    std::string modelName{};
    std::string modelVersion{};
    std::vector<AdjudicatedLabel> labels{};
    std::string adjudicator{};     ///< the signer's display name
    std::string adjudicationUid{}; ///< SOP Instance UID of the adjudication SR
};

/// The hook for adjudications: sets `adjudicated`, `adjudicator` and `adjudicationUid` of each reviewed
/// study an adjudication applies to (same study, reading in force, model when named). Labels of a category
/// the study has no row for are kept but change no statistic. An adjudication that matches no reviewed
/// study is listed in `set.leftOut`.
void applyAdjudications(ReviewSet& set, const std::vector<StudyAdjudication>& adjudications);

/// A DICOM DT ("YYYYMMDDHHMMSS[.F{1,6}][+/-ZZXX]", at least YYYYMMDDHHMM; without an offset: UTC, as
/// reading/'s writer stores it) as seconds since 1970-01-01 UTC; nullopt when it is not one.
std::optional<std::int64_t> dicomDateTimeToUnix(const std::string& dt);

} // namespace veridicor::review
