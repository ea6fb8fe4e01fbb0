#pragma once
/// \file
/// What a study's report says, gathered and worded without drawing anything (report/README.md): the
/// recording, the clinician's reading with its verdict, the AI findings with theirs, and the side-by-side
/// agreement rows. The PDF writer (pdf_writer.h) only lays these out; the wording rules live here, where
/// they are tested without a display:
///  - "verified" means who made it and that it was not changed since, never that it is clinically right,
///    and the report says so;
///  - the content of an untrusted reading or finding is never worded: the report says it is hidden and why;
///  - without a trust store nothing is verified, and the report says that in words.

#include <veridicor/base/expected.h>
#include <veridicor/cine/image.h>
#include <veridicor/cine/regions.h>
#include <veridicor/dicom/content_digest.h>
#include <veridicor/ecg/filters.h>
#include <veridicor/ecg/recording.h>
#include <veridicor/reading/reading_verifier.h>
#include <veridicor/review/side_by_side.h>
#include <veridicor/verify/finding_discovery.h>
#include <veridicor/verify/time.h>

#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace veridicor::report {

enum class ErrorCode {
    Unreadable,  ///< the recording, the reading or the findings cannot be read
    Unsupported, ///< not a recording the report can draw (not an ECG)
    Invalid,     ///< an option out of its domain
    Unwritable,  ///< the PDF cannot be written
};

struct Error {
    ErrorCode code = ErrorCode::Invalid;
    std::string message;
};

/// One key frame of an echo clip, as the report shows it.
struct EchoFrame {
    int frame = 0;           ///< from 0
    std::string label;       ///< "frame 1 of 120 (first)"
    cine::RgbImage image;    ///< as the viewer shows it (the default window); empty when it could not be decoded
    std::string problem;     ///< why it could not be decoded
    /// The verified findings' heatmaps on this frame, each scaled to the image (width × height relevance
    /// bytes, cine/heatmap.h), with the finding's key.
    std::vector<std::pair<std::string, std::vector<std::uint8_t>>> heatmaps;
};

/// The echo part of a report: the clip's key frames and its calibration.
struct EchoPart {
    cine::ImageInfo info;
    std::vector<EchoFrame> frames;
    /// The first spatially calibrated 2D ultrasound region (cm per pixel): the 1 cm scale bar is drawn from
    /// its Physical Delta X. nullopt: none, and the report says distances cannot be read off the images.
    std::optional<cine::UltrasoundRegion> calibration;
};

/// What to report on (the command line: `veridicor-cli report`).
struct ReportRequest {
    std::filesystem::path recording;
    std::filesystem::path reading;    ///< the reading SR; empty: none
    std::filesystem::path findings;   ///< a finding file or a folder searched for them; empty: none
    std::filesystem::path trustStore; ///< empty: nothing can be verified (the report says so)
    std::optional<verify::TimePoint> at; ///< the verification time; empty: now
    std::string workstationVersion;
    /// Findings already verified against this recording (the workstation's round, bound to what its view
    /// holds): used as they are instead of verifying `findings` again.
    std::optional<std::vector<verify::CheckedFinding>> checkedFindings;
    /// The trust store's state when `checkedFindings` are given (they were verified with it).
    bool checkedTrustStoreLoaded = false;
    std::string checkedTrustStoreProblem;
};

/// The reading's part of the report.
struct ReadingPart {
    std::filesystem::path path;
    /// Present when it was verified; nullopt when there was no trust store (then `document` is still read,
    /// to know it is a reading, but nothing of it is shown).
    std::optional<reading::ReadingVerdict> verdict;
    std::optional<reading::ReadingDocument> unverifiedDocument;
    std::string notVerifiedWhy; ///< why it was not verified (no trust store, or the store's problem)
};

struct ReportData {
    std::filesystem::path recordingPath;
    std::shared_ptr<const ecg::Recording> ecg; ///< an ECG recording; nullptr for an echo clip
    std::optional<EchoPart> echo;              ///< an echo clip (ultrasound cine)
    std::optional<dicom::ContentIdentity> content; ///< the recording's content as read for the report
    std::string workstationVersion;
    verify::TimePoint madeAt{};
    verify::TimePoint verifiedAt{};
    bool trustStoreGiven = false;
    bool trustStoreLoaded = false;
    std::string trustStoreProblem;
    std::optional<ReadingPart> reading;
    bool findingsGiven = false;
    std::vector<verify::CheckedFinding> findings;
    review::SideBySide agreement;
    /// Why there are no agreement rows (no reading, reading not verified); empty when there are.
    std::string agreementWithheld;
    ecg::FilterSettings filters; ///< the display filters the traces went through (none by default)
};

/// Reads the recording — an ECG (once: its samples for the paper and its content digest for the bindings), verifies
/// the reading against it (signature, chain, revocation, readingSigners, and that it is this recording's),
/// verifies the findings (routed as the workstation routes them, against the same read of the recording),
/// and computes the side-by-side rows from the verified ones — or an ultrasound cine (its key frames: the
/// first and three more evenly spread, decoded as the viewer shows them, the verified findings' heatmaps on
/// them, the calibrated region). Errors: Unreadable (the recording, or the reading file is missing or not a
/// DICOM file that can be read; a findings path that does not exist), Unsupported (neither an ECG nor a
/// cine). An untrusted reading or finding is not an error: the report
/// says why it is not verified.
Expected<ReportData, Error> gatherReport(const ReportRequest& request);

/// One line of worded report text.
struct TextLine {
    enum class Style { Body, Strong, Warning, Small };
    std::string text;
    Style style = Style::Body;
    int indent = 0; ///< in steps of the layout's indent
};

/// One titled part of the report after the tracing.
struct Section {
    std::string title;
    std::vector<TextLine> lines;
    /// A table after the lines (the agreement rows); no header: no table.
    std::vector<std::string> tableHeader;
    std::vector<std::vector<std::string>> tableRows;
    std::vector<TextLine> after; ///< lines after the table
};

/// The header lines: patient, study, recording, acquisition date, workstation version, when it was made.
std::vector<std::string> headerLines(const ReportData& data);

/// "Speed 25 mm/s · Gain 10 mm/mV · Display filters: none · Device filters: 0.05–150 Hz".
std::string paperSettingsLine(const ReportData& data);

/// One line for page 1: the reading's state and how many findings are verified ("Clinician's reading:
/// VERIFIED, signed by X.   AI findings: 1 verified, 2 not verified (content hidden).").
std::string summaryLine(const ReportData& data);

/// The sections in order: what "verified" means, the trust store, the reading, the AI findings, the
/// agreement rows.
std::vector<Section> reportSections(const ReportData& data);

/// The verified finding's text as "<bundle file>#<finding id>".
std::string findingKey(const verify::CheckedFinding& finding, const std::string& findingId);

} // namespace veridicor::report
