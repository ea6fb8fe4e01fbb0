#include <veridicor/ecg/dicom_reader.h>
#include <veridicor/ecg/lead_names.h>

#include <veridicor/dicom/content_digest.h>
#include <veridicor/dicom/load.h>
#include <veridicor/dicom/sop_classes.h>
#include <veridicor/dicom/text.h>

#include <dcmtk/dcmdata/dcdeftag.h>
#include <dcmtk/dcmdata/dcelem.h>
#include <dcmtk/dcmdata/dcitem.h>
#include <dcmtk/dcmdata/dcsequen.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <optional>
#include <sstream>

namespace veridicor::ecg {

namespace {

using dicom::Error;
using dicom::ErrorCode;

Unexpected<Error> fail(ErrorCode code, const std::string& message) {
    return Unexpected{Error{code, message}};
}

std::string number(double v) {
    std::ostringstream s;
    s << v;
    return s.str();
}

/// A DS value: nullopt when absent; `bad` set when present but not a finite number.
std::optional<double> decimal(DcmItem* item, const DcmTagKey& tag, bool& bad, unsigned long pos = 0) {
    bad = false;
    if (item == nullptr || !item->tagExistsWithValue(tag)) {
        return std::nullopt;
    }
    Float64 v = 0;
    if (item->findAndGetFloat64(tag, v, pos).bad() || !std::isfinite(v)) {
        bad = true;
        return std::nullopt;
    }
    return v;
}

std::optional<std::uint32_t> unsignedValue(DcmItem* item, const DcmTagKey& tag) {
    if (item == nullptr || !item->tagExistsWithValue(tag)) {
        return std::nullopt;
    }
    Uint16 v16 = 0;
    if (item->findAndGetUint16(tag, v16).good()) {
        return v16;
    }
    Uint32 v32 = 0;
    if (item->findAndGetUint32(tag, v32).good()) {
        return v32;
    }
    // Some writers put IS/DS strings where US/UL belong; accept an integral value.
    Float64 f = 0;
    if (item->findAndGetFloat64(tag, f).good() && f >= 0 && f <= 4294967295.0 && std::floor(f) == f) {
        return static_cast<std::uint32_t>(f);
    }
    return std::nullopt;
}

struct Code {
    std::string value;
    std::string scheme;
    std::string meaning;
};

/// The first item of a code sequence, or nullopt.
std::optional<Code> firstCode(DcmItem* item, const DcmTagKey& sequenceTag) {
    DcmSequenceOfItems* seq = nullptr;
    if (item == nullptr || item->findAndGetSequence(sequenceTag, seq).bad() || seq == nullptr ||
        seq->card() == 0) {
        return std::nullopt;
    }
    DcmItem* code = seq->getItem(0);
    Code c;
    c.value = dicom::getString(code, DCM_CodeValue);
    if (c.value.empty()) {
        c.value = dicom::getString(code, DCM_LongCodeValue);
    }
    c.scheme = dicom::getString(code, DCM_CodingSchemeDesignator);
    c.meaning = dicom::getText(code, DCM_CodeMeaning);
    return c;
}

struct SampleFormat {
    int bits = 16;
    bool isSigned = true;
};

Expected<SampleFormat, Error> sampleFormat(DcmItem* group, const std::string& where) {
    const auto bits = unsignedValue(group, DCM_WaveformBitsAllocated);
    if (!bits) {
        return fail(ErrorCode::Malformed, where + " has no Waveform Bits Allocated (5400,1004)");
    }
    if (*bits != 8 && *bits != 16) {
        return fail(ErrorCode::Unsupported, where + " stores " + std::to_string(*bits) +
                                                "-bit samples (Waveform Bits Allocated); only 8- and 16-bit "
                                                "samples are supported");
    }
    const std::string interp = dicom::getString(group, DCM_WaveformSampleInterpretation);
    if (interp.empty()) {
        return fail(ErrorCode::Malformed, where + " has no Waveform Sample Interpretation (5400,1006)");
    }
    SampleFormat f;
    f.bits = static_cast<int>(*bits);
    if (interp == "SS" || interp == "US") {
        if (f.bits != 16) {
            return fail(ErrorCode::Malformed, where + " declares " + interp +
                                                  " (16-bit) samples with Waveform Bits "
                                                  "Allocated " +
                                                  std::to_string(f.bits));
        }
        f.isSigned = interp == "SS";
    } else if (interp == "SB" || interp == "UB") {
        if (f.bits != 8) {
            return fail(ErrorCode::Malformed, where + " declares " + interp +
                                                  " (8-bit) samples with Waveform Bits "
                                                  "Allocated " +
                                                  std::to_string(f.bits));
        }
        f.isSigned = interp == "SB";
    } else if (interp == "MB" || interp == "AB") {
        return fail(ErrorCode::Unsupported, where + " stores " + (interp == "MB" ? "mu-law" : "A-law") +
                                                " companded samples (" + interp +
                                                "), which ECG reading does not support");
    } else {
        return fail(ErrorCode::Malformed,
                    where + " has an unknown Waveform Sample Interpretation '" + interp + "'");
    }
    return f;
}

/// Byte access to Waveform Data (or a padding value) regardless of whether DCMTK holds it as OB or OW.
/// OW values are in host byte order after loading; they are read back as little-endian byte pairs, which is
/// the order of the stored stream for every little-endian transfer syntax.
struct ByteView {
    const Uint8* bytes = nullptr;
    const Uint16* words = nullptr;
    std::size_t length = 0; // in bytes

    [[nodiscard]] std::uint8_t byte(std::size_t i) const {
        if (bytes != nullptr) {
            return bytes[i];
        }
        const Uint16 w = words[i / 2];
        return static_cast<std::uint8_t>((i % 2 == 0) ? (w & 0xFFu) : (w >> 8));
    }
    [[nodiscard]] std::uint16_t word(std::size_t k) const {
        if (words != nullptr) {
            return words[k];
        }
        return static_cast<std::uint16_t>(bytes[2 * k] | (bytes[2 * k + 1] << 8));
    }
};

std::optional<ByteView> byteView(DcmElement* element) {
    ByteView v;
    v.length = element->getLength();
    if (v.length == 0) {
        return v;
    }
    if (element->getVR() == EVR_OW) {
        Uint16* w = nullptr;
        if (element->getUint16Array(w).bad() || w == nullptr) {
            return std::nullopt;
        }
        v.words = w;
    } else {
        Uint8* b = nullptr;
        if (element->getUint8Array(b).bad() || b == nullptr) {
            return std::nullopt;
        }
        v.bytes = b;
    }
    return v;
}

std::int32_t decodeSample(const ByteView& data, std::size_t index, const SampleFormat& f) {
    if (f.bits == 16) {
        const std::uint16_t w = data.word(index);
        return f.isSigned ? static_cast<std::int32_t>(static_cast<std::int16_t>(w))
                          : static_cast<std::int32_t>(w);
    }
    const std::uint8_t b = data.byte(index);
    return f.isSigned ? static_cast<std::int32_t>(static_cast<std::int8_t>(b)) : static_cast<std::int32_t>(b);
}

Expected<Channel, Error> readChannel(DcmItem* def, std::size_t index, const std::string& where,
                                     std::vector<std::string>& warnings) {
    Channel ch;
    if (const auto source = firstCode(def, DCM_ChannelSourceSequence)) {
        ch.sourceCodeValue = source->value;
        ch.sourceCodingScheme = source->scheme;
        ch.sourceCodeMeaning = source->meaning;
    }
    ch.channelLabel = dicom::getText(def, DCM_ChannelLabel);
    ch.label = deriveLeadLabel(ch.sourceCodingScheme, ch.sourceCodeValue, ch.channelLabel,
                               ch.sourceCodeMeaning, index);
    const std::string chWhere = where + ", channel " + std::to_string(index + 1) + " (" + ch.label + ")";

    bool bad = false;
    const auto sensitivity = decimal(def, DCM_ChannelSensitivity, bad);
    if (bad) {
        return fail(ErrorCode::Malformed, chWhere + " has a Channel Sensitivity that is not a finite number");
    }
    if (const auto units = firstCode(def, DCM_ChannelSensitivityUnitsSequence)) {
        ch.units = units->value.empty() ? units->meaning : units->value;
        ch.unitsToMicrovolts = unitsToMicrovoltsFactor(units->value, units->meaning);
    } else {
        ch.units.clear();
        ch.unitsToMicrovolts = 0.0;
    }
    if (sensitivity) {
        ch.sensitivity = *sensitivity;
        ch.calibrated = true;
        if (*sensitivity == 0.0) {
            warnings.push_back(chWhere + " has Channel Sensitivity 0: every sample scales to the baseline");
        }
        if (ch.units.empty()) {
            warnings.push_back(chWhere + " has a Channel Sensitivity but no units: shown uncalibrated");
            ch.calibrated = false;
        }
    } else {
        // Channel Sensitivity is Type 1C: absent when the samples are not calibrated to a physical quantity.
        ch.sensitivity = 1.0;
        ch.calibrated = false;
        ch.unitsToMicrovolts = 0.0;
        ch.units.clear();
        warnings.push_back(chWhere + " has no Channel Sensitivity: its samples are shown as stored integers, "
                                     "not as a voltage");
    }
    if (const auto v = decimal(def, DCM_ChannelSensitivityCorrectionFactor, bad)) {
        ch.correction = *v;
    } else if (bad) {
        return fail(ErrorCode::Malformed,
                    chWhere + " has a Channel Sensitivity Correction Factor that is not a number");
    }
    if (const auto v = decimal(def, DCM_ChannelBaseline, bad)) {
        ch.baseline = *v;
    } else if (bad) {
        return fail(ErrorCode::Malformed, chWhere + " has a Channel Baseline that is not a number");
    }
    if (const auto v = decimal(def, DCM_ChannelTimeSkew, bad)) {
        ch.timeSkewSeconds = *v;
    }
    // Recorded filter settings are informative only: an unreadable one is dropped with a warning.
    const auto filter = [&](const DcmTagKey& tag, const char* name) -> std::optional<double> {
        bool badFilter = false;
        auto v = decimal(def, tag, badFilter);
        if (badFilter) {
            warnings.push_back(chWhere + ": " + name + " is not a number and is ignored");
        }
        return v;
    };
    ch.filters.lowFrequencyHz = filter(DCM_FilterLowFrequency, "Filter Low Frequency");
    ch.filters.highFrequencyHz = filter(DCM_FilterHighFrequency, "Filter High Frequency");
    ch.filters.notchHz = filter(DCM_NotchFilterFrequency, "Notch Filter Frequency");
    return ch;
}

Expected<WaveformGroup, Error> readGroup(DcmItem* item, std::size_t groupIndex, const std::string& what,
                                         const ReadLimits& limits, std::uint64_t& totalSamples,
                                         std::vector<std::string>& warnings) {
    const std::string where = what + ", waveform group " + std::to_string(groupIndex + 1);
    WaveformGroup g;
    g.label = dicom::getText(item, DCM_MultiplexGroupLabel);
    g.originality = dicom::getString(item, DCM_WaveformOriginality);

    // 1. Declared sizes, bounded before anything is allocated.
    const auto channels = unsignedValue(item, DCM_NumberOfWaveformChannels);
    if (!channels) {
        return fail(ErrorCode::Malformed, where + " has no Number of Waveform Channels (003A,0005)");
    }
    if (*channels == 0) {
        return fail(ErrorCode::Malformed, where + " declares 0 channels (Number of Waveform Channels)");
    }
    if (*channels > limits.maxChannelsPerGroup) {
        return fail(ErrorCode::TooLarge, where + " declares " + std::to_string(*channels) +
                                             " channels (Number of Waveform Channels), over the limit of " +
                                             std::to_string(limits.maxChannelsPerGroup) + " per group");
    }
    const auto samples = unsignedValue(item, DCM_NumberOfWaveformSamples);
    if (!samples) {
        return fail(ErrorCode::Malformed, where + " has no Number of Waveform Samples (003A,0010)");
    }
    if (*samples == 0) {
        return fail(ErrorCode::Malformed,
                    where + " declares 0 samples per channel (Number of Waveform Samples)");
    }
    const std::uint64_t total = std::uint64_t{*channels} * std::uint64_t{*samples};
    if (total > limits.maxSamplesPerGroup) {
        return fail(ErrorCode::TooLarge, where + " declares " + std::to_string(*channels) + " channels × " +
                                             std::to_string(*samples) + " samples, over the limit of " +
                                             std::to_string(limits.maxSamplesPerGroup) +
                                             " samples per group");
    }
    totalSamples += total;
    if (totalSamples > limits.maxTotalSamples) {
        return fail(ErrorCode::TooLarge, where + " brings the recording to " + std::to_string(totalSamples) +
                                             " samples in all, over the limit of " +
                                             std::to_string(limits.maxTotalSamples));
    }
    bool bad = false;
    const auto fs = decimal(item, DCM_SamplingFrequency, bad);
    if (bad) {
        return fail(ErrorCode::Malformed,
                    where + " has a Sampling Frequency (003A,001A) that is not a number");
    }
    if (!fs) {
        return fail(ErrorCode::Malformed, where + " has no Sampling Frequency (003A,001A)");
    }
    if (*fs <= 0.0) {
        return fail(ErrorCode::Malformed,
                    where + " has sampling frequency " + number(*fs) + " Hz; it must be positive");
    }
    if (*fs > limits.maxSamplingHz) {
        return fail(ErrorCode::Malformed, where + " has sampling frequency " + number(*fs) +
                                              " Hz, implausible for a waveform (over " +
                                              number(limits.maxSamplingHz) + " Hz)");
    }
    g.samplingHz = *fs;
    g.samples = *samples;

    auto format = sampleFormat(item, where);
    if (!format) {
        return Unexpected{format.error()};
    }
    g.bitsAllocated = format->bits;
    g.sampleInterpretation = dicom::getString(item, DCM_WaveformSampleInterpretation);

    DcmSequenceOfItems* defs = nullptr;
    if (item->findAndGetSequence(DCM_ChannelDefinitionSequence, defs).bad() || defs == nullptr) {
        return fail(ErrorCode::Malformed, where + " has no Channel Definition Sequence (003A,0200)");
    }
    if (defs->card() != *channels) {
        return fail(ErrorCode::Malformed, where + " declares " + std::to_string(*channels) +
                                              " channels but its " + "Channel Definition Sequence defines " +
                                              std::to_string(defs->card()));
    }

    DcmElement* data = nullptr;
    if (item->findAndGetElement(DCM_WaveformData, data).bad() || data == nullptr) {
        return fail(ErrorCode::Malformed, where + " has no Waveform Data (5400,1010)");
    }
    const auto bytesPerSample = static_cast<std::uint64_t>(format->bits / 8);
    const std::uint64_t expected = total * bytesPerSample;
    const std::uint64_t actual = data->getLength();
    // 8-bit data of odd total length is padded to an even length with one byte.
    if (actual != expected && !(expected % 2 == 1 && actual == expected + 1)) {
        return fail(ErrorCode::Malformed, where + ": Waveform Data holds " + std::to_string(actual) +
                                              " bytes, but " + std::to_string(*channels) + " channels × " +
                                              std::to_string(*samples) + " samples × " +
                                              std::to_string(bytesPerSample) +
                                              " bytes = " + std::to_string(expected));
    }
    const auto view = byteView(data);
    if (!view || (view->bytes == nullptr && view->words == nullptr)) {
        return fail(ErrorCode::Malformed, where + ": its Waveform Data could not be read");
    }

    // Padding value (informative: samples equal to it carry no data).
    DcmElement* padding = nullptr;
    if (item->findAndGetElement(DCM_WaveformPaddingValue, padding).good() && padding != nullptr) {
        if (const auto pv = byteView(padding); pv && pv->length >= bytesPerSample) {
            g.paddingValue = decodeSample(*pv, 0, *format);
        }
    }

    // 2. Channels, then the samples (interleaved: sample-major, channel-minor).
    g.channels.reserve(*channels);
    for (std::size_t c = 0; c < *channels; ++c) {
        auto ch = readChannel(defs->getItem(static_cast<unsigned long>(c)), c, where, warnings);
        if (!ch) {
            return Unexpected{ch.error()};
        }
        g.channels.push_back(std::move(*ch));
    }
    for (auto& ch : g.channels) {
        ch.raw.resize(*samples);
    }
    const std::size_t n = *channels;
    for (std::size_t s = 0; s < *samples; ++s) {
        for (std::size_t c = 0; c < n; ++c) {
            g.channels[c].raw[s] = decodeSample(*view, s * n + c, *format);
        }
    }
    return g;
}

void readAnnotations(DcmItem& ds, Recording& rec, const std::string& what, const ReadLimits& limits,
                     std::vector<std::string>& warnings, std::optional<Error>& error) {
    DcmSequenceOfItems* seq = nullptr;
    if (ds.findAndGetSequence(DCM_WaveformAnnotationSequence, seq).bad() || seq == nullptr) {
        return;
    }
    if (seq->card() > limits.maxAnnotations) {
        error = Error{ErrorCode::TooLarge, what + " has " + std::to_string(seq->card()) +
                                               " waveform annotations, over the limit of " +
                                               std::to_string(limits.maxAnnotations)};
        return;
    }
    for (unsigned long i = 0; i < seq->card(); ++i) {
        DcmItem* item = seq->getItem(i);
        const std::string where = what + ", annotation " + std::to_string(i + 1);
        Annotation a;
        a.text = dicom::getText(item, DCM_UnformattedTextValue);
        if (const auto name = firstCode(item, DCM_ConceptNameCodeSequence)) {
            a.conceptName = name->meaning;
            a.conceptCode = name->value;
            a.codingScheme = name->scheme;
        }
        if (const auto value = firstCode(item, DCM_ConceptCodeSequence); value && a.text.empty()) {
            a.text = value->meaning;
        }
        bool bad = false;
        a.numericValue = decimal(item, DCM_NumericValue, bad);
        if (bad) {
            warnings.push_back(where + ": its Numeric Value is not a number and is ignored");
        }
        if (const auto units = firstCode(item, DCM_MeasurementUnitsCodeSequence)) {
            a.units = units->value.empty() ? units->meaning : units->value;
        }
        a.temporalRangeType = dicom::getString(item, DCM_TemporalRangeType);
        if (const auto groupNumber = unsignedValue(item, DCM_AnnotationGroupNumber)) {
            a.annotationGroupNumber = static_cast<int>(*groupNumber);
        }

        // Referenced Waveform Channels: pairs (multiplex group number, channel number), 1-based; channel 0
        // means every channel of the group. The annotation keeps the channels of the first group it names.
        DcmElement* refs = nullptr;
        if (item->findAndGetElement(DCM_ReferencedWaveformChannels, refs).good() && refs != nullptr) {
            const unsigned long vm = refs->getVM();
            if (vm / 2 > limits.maxReferencesPerAnnotation) {
                error = Error{ErrorCode::TooLarge,
                              where + " references " + std::to_string(vm / 2) + " channels, over the limit"};
                return;
            }
            if (vm % 2 != 0) {
                warnings.push_back(where +
                                   ": Referenced Waveform Channels has an odd number of values; the last "
                                   "is ignored");
            }
            for (unsigned long k = 0; k + 1 < vm; k += 2) {
                Uint16 m = 0;
                Uint16 c = 0;
                if (refs->getUint16(m, k).bad() || refs->getUint16(c, k + 1).bad()) {
                    break;
                }
                if (m == 0 || m > rec.groups.size()) {
                    warnings.push_back(where + " references waveform group " + std::to_string(m) +
                                       ", which does not exist; the reference is ignored");
                    continue;
                }
                const std::size_t g = m - 1u;
                if (a.group && *a.group != g) {
                    continue;
                }
                const std::size_t nch = rec.groups[g].channels.size();
                if (c > nch) {
                    warnings.push_back(where + " references channel " + std::to_string(c) + " of group " +
                                       std::to_string(m) + ", which has " + std::to_string(nch) +
                                       " channels; the reference is ignored");
                    continue;
                }
                a.group = g;
                if (c == 0) {
                    a.channels.clear();
                    for (std::size_t k2 = 0; k2 < nch; ++k2) {
                        a.channels.push_back(k2);
                    }
                } else if (std::find(a.channels.begin(), a.channels.end(), c - 1u) == a.channels.end()) {
                    a.channels.push_back(c - 1u);
                }
            }
        }
        const std::size_t groupSamples = a.group ? rec.groups[*a.group].samples : 0;
        const auto addPosition = [&](std::uint64_t oneBased) {
            if (!a.group) {
                warnings.push_back(where +
                                   " gives sample positions without a waveform group; they are ignored");
                return false;
            }
            if (oneBased == 0 || oneBased > groupSamples) {
                warnings.push_back(where + " references sample " + std::to_string(oneBased) +
                                   " outside its group's " + std::to_string(groupSamples) +
                                   " samples; it is ignored");
                return true;
            }
            a.samplePositions.push_back(static_cast<std::size_t>(oneBased - 1));
            return true;
        };
        DcmElement* positions = nullptr;
        if (item->findAndGetElement(DCM_ReferencedSamplePositions, positions).good() &&
            positions != nullptr) {
            const unsigned long vm = positions->getVM();
            if (vm > limits.maxReferencesPerAnnotation) {
                error = Error{ErrorCode::TooLarge, where + " references " + std::to_string(vm) +
                                                       " sample positions, over the limit"};
                return;
            }
            for (unsigned long k = 0; k < vm; ++k) {
                Uint32 p = 0;
                if (positions->getUint32(p, k).bad() || !addPosition(p)) {
                    break;
                }
            }
        } else if (DcmElement* offsets = nullptr;
                   item->findAndGetElement(DCM_ReferencedTimeOffsets, offsets).good() && offsets != nullptr) {
            // Time offsets (seconds from the group's first sample) → the nearest sample positions.
            const unsigned long vm = offsets->getVM();
            if (vm > limits.maxReferencesPerAnnotation) {
                error = Error{ErrorCode::TooLarge,
                              where + " references " + std::to_string(vm) + " time offsets, over the limit"};
                return;
            }
            for (unsigned long k = 0; k < vm && a.group; ++k) {
                Float64 t = 0;
                if (offsets->getFloat64(t, k).bad() || !std::isfinite(t) || t < 0) {
                    warnings.push_back(where +
                                       ": a Referenced Time Offset is not a valid time; it is ignored");
                    continue;
                }
                const double s = std::round(t * rec.groups[*a.group].samplingHz);
                if (!addPosition(s > 1e15 ? 0 : static_cast<std::uint64_t>(s) + 1)) {
                    break;
                }
            }
        }
        if (!a.samplePositions.empty()) {
            a.firstSample = *std::min_element(a.samplePositions.begin(), a.samplePositions.end());
            a.lastSample = *std::max_element(a.samplePositions.begin(), a.samplePositions.end());
        }
        rec.annotations.push_back(std::move(a));
    }
}

std::string joinDateTime(const std::string& date, const std::string& time) {
    if (date.empty()) {
        return {};
    }
    std::string t = time;
    t.erase(std::remove(t.begin(), t.end(), ':'), t.end()); // ACR-NEMA style HH:MM:SS
    return date + t;
}

} // namespace

bool isEcgSopClass(std::string_view uid) {
    return uid == dicom::sop::TwelveLeadEcg || uid == dicom::sop::GeneralEcg ||
           uid == dicom::sop::AmbulatoryEcg || uid == dicom::sop::HemodynamicWaveform;
}

Expected<Recording, dicom::Error> readEcgDataset(DcmItem& ds, const std::string& transferSyntaxUID,
                                                 const std::string& what, const ReadLimits& limits) {
    Recording rec;
    rec.transferSyntaxUID = transferSyntaxUID;
    // What these samples are, from the dataset the samples are decoded from below, before anything in it is
    // converted: a finding is shown over this recording only when it was verified against exactly this.
    if (auto content = dicom::contentIdentity(ds)) {
        rec.content = std::move(*content);
    }
    // Names, labels and annotation text in UTF-8, whatever Specific Character Set the file declares: each is
    // decoded by dicom/text.h as it is read (the dataset itself is left as stored). What does not decode is
    // shown as its bytes and said once here.
    std::string undecodedText;
    const auto text = [&ds, &undecodedText](const DcmTagKey& tag) {
        dicom::DecodedText t = dicom::readText(&ds, tag);
        if (!t.decoded && undecodedText.empty()) {
            undecodedText = t.problem;
        }
        return std::move(t.utf8);
    };
    rec.sopClassUID = dicom::getString(&ds, DCM_SOPClassUID);
    if (rec.sopClassUID.empty()) {
        return fail(ErrorCode::Malformed, what + " has no SOP Class UID, so it cannot be an ECG");
    }
    if (!isEcgSopClass(rec.sopClassUID)) {
        return fail(
            ErrorCode::Unsupported,
            what + " is a " + dicom::uidDisplayName(rec.sopClassUID) + " object (" + rec.sopClassUID +
                "), not an ECG (12-Lead, General or Ambulatory ECG, or Hemodynamic Waveform Storage)");
    }
    rec.sopInstanceUID = dicom::getString(&ds, DCM_SOPInstanceUID);
    rec.studyInstanceUID = dicom::getString(&ds, DCM_StudyInstanceUID);
    rec.seriesInstanceUID = dicom::getString(&ds, DCM_SeriesInstanceUID);
    rec.modality = dicom::getString(&ds, DCM_Modality);
    rec.studyDescription = text(DCM_StudyDescription);
    rec.seriesDescription = text(DCM_SeriesDescription);

    rec.patient.name = text(DCM_PatientName); // the PN value: dicom::formatPersonName() shows it
    rec.patient.id = text(DCM_PatientID);
    rec.patient.birthDate = dicom::getString(&ds, DCM_PatientBirthDate);
    rec.patient.sex = dicom::getString(&ds, DCM_PatientSex);
    rec.patient.age = dicom::getString(&ds, DCM_PatientAge);

    rec.acquisition.dateTime = dicom::getString(&ds, DCM_AcquisitionDateTime);
    if (rec.acquisition.dateTime.empty()) {
        rec.acquisition.dateTime =
            joinDateTime(dicom::getString(&ds, DCM_ContentDate), dicom::getString(&ds, DCM_ContentTime));
    }
    if (rec.acquisition.dateTime.empty()) {
        rec.acquisition.dateTime =
            joinDateTime(dicom::getString(&ds, DCM_StudyDate), dicom::getString(&ds, DCM_StudyTime));
    }
    rec.acquisition.manufacturer = text(DCM_Manufacturer);
    rec.acquisition.modelName = text(DCM_ManufacturerModelName);
    rec.acquisition.institution = text(DCM_InstitutionName);
    rec.acquisition.stationName = text(DCM_StationName);
    if (!undecodedText.empty()) {
        rec.warnings.push_back(what + ": its text could not be decoded (" + undecodedText +
                               "); shown as its bytes");
    }

    DcmSequenceOfItems* waveforms = nullptr;
    if (ds.findAndGetSequence(DCM_WaveformSequence, waveforms).bad() || waveforms == nullptr) {
        return fail(ErrorCode::Malformed,
                    what + " has no Waveform Sequence (5400,0100): it holds no waveform data");
    }
    if (waveforms->card() == 0) {
        return fail(ErrorCode::Malformed,
                    what + " has an empty Waveform Sequence (5400,0100): it holds no waveform "
                           "data");
    }
    if (waveforms->card() > limits.maxGroups) {
        return fail(ErrorCode::TooLarge, what + " has " + std::to_string(waveforms->card()) +
                                             " waveform groups, over the limit of " +
                                             std::to_string(limits.maxGroups));
    }
    std::vector<std::string> warnings = std::move(rec.warnings);
    std::uint64_t totalSamples = 0;
    for (unsigned long i = 0; i < waveforms->card(); ++i) {
        auto group = readGroup(waveforms->getItem(i), i, what, limits, totalSamples, warnings);
        if (!group) {
            return Unexpected{group.error()};
        }
        rec.groups.push_back(std::move(*group));
    }
    std::optional<Error> annotationError;
    readAnnotations(ds, rec, what, limits, warnings, annotationError);
    if (annotationError) {
        return Unexpected{*annotationError};
    }
    rec.warnings = std::move(warnings);
    return rec;
}

Expected<Recording, dicom::Error> readEcg(const std::filesystem::path& path, const ReadLimits& limits) {
    auto loaded = dicom::loadFile(path);
    if (!loaded) {
        return Unexpected{loaded.error()};
    }
    DcmDataset* ds = loaded->dataset();
    if (ds == nullptr) {
        return fail(ErrorCode::NotDicom, "'" + path.string() + "' holds no DICOM dataset");
    }
    auto rec = readEcgDataset(*ds, loaded->transferSyntaxUID, "'" + path.string() + "'", limits);
    if (rec) {
        for (const auto& w : loaded->warnings) {
            rec->warnings.push_back("DCMTK: " + w);
        }
    }
    return rec;
}

Expected<Recording, dicom::Error> readDicomEcg(const std::filesystem::path& path, const ReadLimits& limits) {
    return readEcg(path, limits);
}

} // namespace veridicor::ecg
