#pragma once
/// \file
/// Reads DICOM waveform storage objects (12-Lead ECG, General ECG, Ambulatory ECG, Hemodynamic Waveform) into
/// the shared `Recording` model: every Waveform Sequence item, 8- and 16-bit samples, scaling, lead names,
/// recorded filters, patient/acquisition data and the Waveform Annotation Sequence. Any transfer syntax DCMTK
/// reads works (the file goes through dicom::loadFile), Deflated included. No Qt.

#include <veridicor/base/expected.h>
#include <veridicor/dicom/error.h>
#include <veridicor/ecg/recording.h>

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>

class DcmItem;

namespace veridicor::ecg {

/// Bounds checked on the declared sizes before any sample buffer is allocated.
struct ReadLimits {
    std::size_t maxGroups = 64;           ///< Waveform Sequence items
    std::size_t maxChannelsPerGroup = 64; ///< Number of Waveform Channels
    /// channels × samples of one group (1 Gi samples: 24 h × 12 leads × 1 kHz fits, 4 GiB of int32).
    std::uint64_t maxSamplesPerGroup = std::uint64_t{1} << 30;
    /// channels × samples of all groups together (2 Gi samples, 8 GiB of int32).
    std::uint64_t maxTotalSamples = std::uint64_t{1} << 31;
    double maxSamplingHz = 100000.0;      ///< over this the Sampling Frequency is taken as corrupt
    std::size_t maxAnnotations = 1000000; ///< Waveform Annotation Sequence items
    std::size_t maxReferencesPerAnnotation = 1000000; ///< channel pairs / sample positions per annotation
};

/// True for the SOP classes this reader accepts.
bool isEcgSopClass(std::string_view sopClassUID);

/// Reads an ECG waveform file.
/// Errors (each message names the file and the problem):
///  - Unreadable, NotDicom, Truncated, TooLarge (file size), Environment: from dicom::loadFile;
///  - Unsupported: not one of the four waveform SOP classes; a bit depth other than 8/16; mu-law/A-law
///  samples;
///  - Malformed: no SOP Class UID, no (or an empty) Waveform Sequence, a missing or zero channel/sample
///  count,
///    a missing, non-numeric, zero, negative or implausible (> maxSamplingHz) Sampling Frequency, a Channel
///    Definition Sequence whose length differs from the channel count, a sample interpretation that
///    contradicts the bit depth, no Waveform Data, or Waveform Data whose length differs from channels ×
///    samples × bytes;
///  - TooLarge: more groups, channels per group or channels × samples (per group or in all) than `limits`
///  allow.
/// Text (names, labels, annotations) is converted to UTF-8 from the file's Specific Character Set; when DCMTK
/// cannot convert it, the text is kept as stored and a warning says so.
/// A channel without Channel Sensitivity is not an error: it is read uncalibrated (Channel::calibrated false,
/// unitsToMicrovolts 0) and a warning is added to Recording::warnings.
Expected<Recording, dicom::Error> readEcg(const std::filesystem::path& path, const ReadLimits& limits = {});

/// Same as readEcg (the name the view uses).
Expected<Recording, dicom::Error> readDicomEcg(const std::filesystem::path& path,
                                               const ReadLimits& limits = {});

/// Reads an already loaded dataset; `what` names it in messages (e.g. "'file.dcm'").
Expected<Recording, dicom::Error> readEcgDataset(DcmItem& dataset, const std::string& transferSyntaxUID,
                                                 const std::string& what, const ReadLimits& limits = {});

} // namespace veridicor::ecg
