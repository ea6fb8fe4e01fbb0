#pragma once
/// \file
/// The ECG data model every ECG module shares: a recording (from DICOM waveform storage, or generated) with
/// its waveform groups (rhythm, median beat, …), channels in physical units, and the annotations/measurements
/// the file carries. Readers fill it; filters, renderers and exporters read it. No Qt, no GUI.

#include <veridicor/dicom/content_digest.h>

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace veridicor::ecg {

/// The filter settings the acquisition device recorded for a channel (shown to the reader, never re-applied).
struct RecordedFilters {
    std::optional<double> lowFrequencyHz;  ///< Filter Low Frequency (003A,0220): the high-pass corner
    std::optional<double> highFrequencyHz; ///< Filter High Frequency (003A,0221): the low-pass corner
    std::optional<double> notchHz;         ///< Notch Filter Frequency (003A,0222)
};

/// One channel (lead) of a waveform group.
struct Channel {
    /// Standard short name derived from the channel source code (SCP-ECG or MDC): I, II, III, aVR, aVL, aVF,
    /// V1–V6, V7–V9, V3R–V6R, X, Y, Z, …; otherwise the Channel Label, else the code meaning.
    std::string label;
    std::string channelLabel;       ///< Channel Label (003A,0203) as recorded; may be empty
    std::string sourceCodeValue;    ///< Channel Source Sequence code value
    std::string sourceCodingScheme; ///< e.g. "SCPECG", "MDC"
    std::string sourceCodeMeaning;
    std::string units;        ///< UCUM code of the sensitivity units as recorded ("uV", "mV", "mmHg", …)
    double sensitivity = 1.0; ///< Channel Sensitivity (003A,0210), in `units` per stored integer
    double correction = 1.0;  ///< Channel Sensitivity Correction Factor (003A,0212)
    double baseline = 0.0;    ///< Channel Baseline (003A,0213), in `units`
    double unitsToMicrovolts = 1.0; ///< factor from `units` to µV (1000 for mV); 0 when not a voltage
    RecordedFilters filters;
    std::vector<std::int32_t> raw; ///< stored integers, one per sample
    /// False when the file gave no Channel Sensitivity: the channel is then uncalibrated, `sensitivity` is 1,
    /// `units` empty and `unitsToMicrovolts` 0, so physical() is the stored integer and nothing is shown as
    /// µV.
    bool calibrated = true;
    double timeSkewSeconds = 0.0; ///< Channel Time Skew (003A,0214), when recorded

    /// raw × sensitivity × correction + baseline, in `units` (full double precision).
    [[nodiscard]] double physical(std::size_t i) const {
        return static_cast<double>(raw[i]) * sensitivity * correction + baseline;
    }
    /// physical(i) in microvolts (voltage channels only).
    [[nodiscard]] double microvolts(std::size_t i) const { return physical(i) * unitsToMicrovolts; }
};

/// One Waveform Sequence item: channels sampled together.
struct WaveformGroup {
    std::string label;                ///< Multiplex Group Label (003A,0020), e.g. "RHYTHM", "MEDIAN BEAT"
    std::string originality;          ///< Waveform Originality (003A,0004): ORIGINAL or DERIVED
    double samplingHz = 0.0;          ///< Sampling Frequency (003A,001A)
    std::size_t samples = 0;          ///< Number of Waveform Samples (003A,0010), per channel
    int bitsAllocated = 16;           ///< 8 or 16
    std::string sampleInterpretation; ///< Waveform Sample Interpretation (5400,1006): SS, SB, US, UB, …
    /// Waveform Padding Value (5400,100A) as a stored integer, when recorded: samples equal to it hold no
    /// data.
    std::optional<std::int32_t> paddingValue;
    std::vector<Channel> channels;

    [[nodiscard]] double durationSeconds() const { return samplingHz > 0 ? samples / samplingHz : 0.0; }
    /// True for a representative (median/average) beat rather than a rhythm recording.
    [[nodiscard]] bool isMedianBeat() const;
};

/// A waveform annotation or measurement (Waveform Annotation Sequence (0040,B020)).
struct Annotation {
    std::string text;         ///< Unformatted Text Value, or the concept name/value as text
    std::string conceptName;  ///< Concept Name Code Sequence meaning, e.g. "QT interval"
    std::string conceptCode;  ///< code value
    std::string codingScheme; ///< coding scheme designator
    std::optional<double> numericValue;
    std::string units; ///< Measurement Units Code Sequence code value (UCUM), e.g. "ms", "/min", "deg"
    /// Where it applies, when referenced: the group (index into groups), channels (indices) and sample range.
    std::optional<std::size_t> group;
    std::vector<std::size_t> channels;
    std::optional<std::size_t> firstSample;
    std::optional<std::size_t> lastSample;
    /// Temporal Range Type (0040,A130): POINT, MULTIPOINT, SEGMENT, MULTISEGMENT, BEGIN, END; empty if none.
    std::string temporalRangeType;
    /// Every Referenced Sample Position (0040,A132), converted to 0-based sample indices of `group`.
    std::vector<std::size_t> samplePositions;
    std::optional<int> annotationGroupNumber; ///< Annotation Group Number (0040,A180)

    /// What a reader sees in the measurement panel: "Heart rate: 69 /min", "Sinus rhythm", "QT interval: 398
    /// ms".
    [[nodiscard]] std::string displayText() const;
};

struct PatientInfo {
    std::string name; ///< as recorded (DICOM PN with ^ separators)
    std::string id;
    std::string birthDate; ///< YYYYMMDD
    std::string sex;       ///< M, F, O or empty
    std::string age;       ///< Patient's Age, e.g. "063Y", when recorded
};

struct AcquisitionInfo {
    std::string dateTime; ///< Acquisition DateTime (or Content/Study date + time), YYYYMMDDHHMMSS…
    std::string manufacturer;
    std::string modelName;
    std::string institution;
    std::string stationName;
};

/// A whole ECG recording.
struct Recording {
    std::string sopClassUID;
    std::string sopInstanceUID;
    std::string studyInstanceUID;
    std::string seriesInstanceUID;
    std::string modality; ///< "ECG" (or "HD" for hemodynamic)
    std::string transferSyntaxUID;
    std::string studyDescription;  ///< Study Description (0008,1030), e.g. "Resting 12-lead ECG"
    std::string seriesDescription; ///< Series Description (0008,103E)
    PatientInfo patient;
    AcquisitionInfo acquisition;
    std::vector<WaveformGroup> groups;   ///< in Waveform Sequence item order
    std::vector<Annotation> annotations; ///< measurements and statements
    /// What the reader tolerated and the user should know (e.g. a channel without sensitivity, an annotation
    /// referencing a channel that does not exist). Empty for a clean file.
    std::vector<std::string> warnings;
    /// Exactly which samples these are: the dicom-waveform-v1 digest of the Waveform Data the reader decoded
    /// (every byte, from the same dataset in memory), with the file's UIDs and Modality as stored. nullopt
    /// for a recording made in code, or when it could not be computed (e.g. no SOP Instance UID).
    std::optional<dicom::ContentIdentity> content;

    /// The first group that is not a median beat (the rhythm), or nullptr.
    [[nodiscard]] const WaveformGroup* rhythm() const;
    /// The first median-beat group, or nullptr.
    [[nodiscard]] const WaveformGroup* medianBeat() const;
};

} // namespace veridicor::ecg
