#include <veridicor/ecg/dicom_writer.h>
#include <veridicor/ecg/lead_names.h>

#include <veridicor/dicom/dicom_env.h>
#include <veridicor/dicom/sop_classes.h>

#include <dcmtk/dcmdata/dcdeftag.h>
#include <dcmtk/dcmdata/dcfilefo.h>
#include <dcmtk/dcmdata/dcitem.h>
#include <dcmtk/dcmdata/dcsequen.h>
#include <dcmtk/dcmdata/dcvrobow.h>

#include <algorithm>
#include <array>
#include <charconv>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <limits>
#include <memory>
#include <random>

namespace veridicor::ecg {

namespace {

using dicom::Error;
using dicom::ErrorCode;

std::uint64_t mix(std::uint64_t z) {
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

/// A DS value (at most 16 characters): the shortest round-trip form, or fewer digits when that is too long.
std::string decimalString(double v) {
    std::array<char, 64> buf{};
    const auto [end, ec] = std::to_chars(buf.data(), buf.data() + buf.size(), v);
    std::string s = ec == std::errc{} ? std::string(buf.data(), end) : std::string("0");
    for (int precision = 15; s.size() > 16 && precision > 1; --precision) {
        if (std::snprintf(buf.data(), buf.size(), "%.*g", precision, v) < 0) {
            break;
        }
        s = buf.data();
    }
    return s;
}

bool isAscii(const std::string& s) {
    return std::all_of(s.begin(), s.end(), [](char c) { return static_cast<unsigned char>(c) < 0x80; });
}

void putString(DcmItem& item, const DcmTagKey& tag, const std::string& value) {
    item.putAndInsertString(tag, value.c_str());
}

void putCode(DcmItem& parent, const DcmTagKey& sequence, const std::string& value, const std::string& scheme,
             const std::string& meaning, const char* version = nullptr) {
    DcmItem* code = nullptr;
    if (parent.findOrCreateSequenceItem(sequence, code, -2).bad() || code == nullptr) {
        return;
    }
    putString(*code, DCM_CodeValue, value);
    putString(*code, DCM_CodingSchemeDesignator, scheme);
    if (version != nullptr) {
        putString(*code, DCM_CodingSchemeVersion, version);
    }
    putString(*code, DCM_CodeMeaning, meaning);
}

std::string unitsMeaning(const std::string& ucum) {
    if (ucum == "uV") {
        return "microvolt";
    }
    if (ucum == "mV") {
        return "millivolt";
    }
    if (ucum == "ms") {
        return "millisecond";
    }
    if (ucum == "deg") {
        return "degree";
    }
    if (ucum == "{H.B.}/min" || ucum == "/min" || ucum == "{beats}/min") {
        return "Heart beat per minute";
    }
    if (ucum == "mm[Hg]") {
        return "millimeter of mercury";
    }
    return ucum;
}

Expected<void, Error> check(const Recording& rec) {
    const auto bad = [](const std::string& m) {
        return Unexpected{Error{ErrorCode::Malformed, m}};
    };
    if (rec.groups.empty()) {
        return bad("the recording has no waveform group to write");
    }
    for (std::size_t g = 0; g < rec.groups.size(); ++g) {
        const auto& group = rec.groups[g];
        const std::string where = "waveform group " + std::to_string(g + 1);
        if (group.channels.empty() || group.channels.size() > 64) {
            return bad(where + " has " + std::to_string(group.channels.size()) +
                       " channels (1–64 can be written)");
        }
        if (group.samples == 0 || group.samples > std::numeric_limits<std::uint32_t>::max() ||
            group.samples * group.channels.size() * 2 > 0xFFFFFFFEull) {
            return bad(where + " has " + std::to_string(group.samples) + " samples, which DICOM cannot hold");
        }
        if (!(group.samplingHz > 0) || !std::isfinite(group.samplingHz)) {
            return bad(where + " has no positive sampling rate");
        }
        for (const auto& ch : group.channels) {
            if (ch.raw.size() != group.samples) {
                return bad(where + ", channel " + ch.label + " has " + std::to_string(ch.raw.size()) +
                           " samples, its group " + std::to_string(group.samples));
            }
            const auto [lo, hi] = std::minmax_element(ch.raw.begin(), ch.raw.end());
            if (*lo < -32768 || *hi > 32767) {
                return bad(where + ", channel " + ch.label + " has samples outside the 16-bit range");
            }
        }
    }
    return {};
}

std::uint64_t randomSeed() {
    std::random_device device;
    const auto now = static_cast<std::uint64_t>(std::chrono::steady_clock::now().time_since_epoch().count());
    return (static_cast<std::uint64_t>(device()) << 32) ^ device() ^ mix(now);
}

void writeGroup(DcmItem& item, const WaveformGroup& g) {
    putString(item, DCM_MultiplexGroupLabel, g.label);
    putString(item, DCM_WaveformOriginality, g.originality.empty() ? std::string("ORIGINAL") : g.originality);
    item.putAndInsertUint16(DCM_NumberOfWaveformChannels, static_cast<Uint16>(g.channels.size()));
    item.putAndInsertUint32(DCM_NumberOfWaveformSamples, static_cast<Uint32>(g.samples));
    putString(item, DCM_SamplingFrequency, decimalString(g.samplingHz));
    for (const Channel& ch : g.channels) {
        DcmItem* def = nullptr;
        if (item.findOrCreateSequenceItem(DCM_ChannelDefinitionSequence, def, -2).bad() || def == nullptr) {
            continue;
        }
        if (!ch.channelLabel.empty()) {
            putString(*def, DCM_ChannelLabel, ch.channelLabel);
        }
        std::string codeValue = ch.sourceCodeValue;
        std::string scheme = ch.sourceCodingScheme;
        std::string meaning = ch.sourceCodeMeaning;
        if (codeValue.empty()) {
            if (auto code = scpEcgCodeForLead(ch.label)) {
                codeValue = *code;
                scheme = "SCPECG";
                meaning = "Lead " + ch.label;
            } else {
                codeValue = "0";
                scheme = "99VRDC";
                meaning = ch.label;
            }
        }
        putCode(*def, DCM_ChannelSourceSequence, codeValue, scheme, meaning.empty() ? ch.label : meaning,
                scheme == "SCPECG" ? "1.3" : nullptr);
        if (ch.calibrated) {
            putString(*def, DCM_ChannelSensitivity, decimalString(ch.sensitivity));
            putCode(*def, DCM_ChannelSensitivityUnitsSequence, ch.units, "UCUM", unitsMeaning(ch.units),
                    "1.4");
            putString(*def, DCM_ChannelSensitivityCorrectionFactor, decimalString(ch.correction));
            putString(*def, DCM_ChannelBaseline, decimalString(ch.baseline));
        }
        putString(*def, DCM_ChannelTimeSkew, decimalString(ch.timeSkewSeconds));
        def->putAndInsertUint16(DCM_WaveformBitsStored, 16);
        if (ch.filters.lowFrequencyHz) {
            putString(*def, DCM_FilterLowFrequency, decimalString(*ch.filters.lowFrequencyHz));
        }
        if (ch.filters.highFrequencyHz) {
            putString(*def, DCM_FilterHighFrequency, decimalString(*ch.filters.highFrequencyHz));
        }
        if (ch.filters.notchHz) {
            putString(*def, DCM_NotchFilterFrequency, decimalString(*ch.filters.notchHz));
        }
    }
    item.putAndInsertUint16(DCM_WaveformBitsAllocated, 16);
    putString(item, DCM_WaveformSampleInterpretation, "SS");
    // Interleaved, sample-major; created explicitly as OW (DCMTK would otherwise pick OB for an "ox" tag).
    const std::size_t n = g.channels.size();
    std::vector<Uint16> words(g.samples * n);
    for (std::size_t s = 0; s < g.samples; ++s) {
        for (std::size_t c = 0; c < n; ++c) {
            words[s * n + c] = static_cast<Uint16>(static_cast<std::int16_t>(g.channels[c].raw[s]));
        }
    }
    auto data = std::make_unique<DcmOtherByteOtherWord>(DcmTag(DCM_WaveformData, EVR_OW));
    data->putUint16Array(words.data(), static_cast<unsigned long>(words.size()));
    item.insert(data.release(), true);
}

void writeAnnotation(DcmItem& item, const Annotation& a, const Recording& rec) {
    if (!a.text.empty()) {
        putString(item, DCM_UnformattedTextValue, a.text);
    }
    if (!a.conceptCode.empty() || !a.conceptName.empty()) {
        putCode(item, DCM_ConceptNameCodeSequence, a.conceptCode.empty() ? a.conceptName : a.conceptCode,
                a.codingScheme.empty() ? std::string("99VRDC") : a.codingScheme,
                a.conceptName.empty() ? a.conceptCode : a.conceptName);
    }
    if (a.numericValue) {
        putString(item, DCM_NumericValue, decimalString(*a.numericValue));
        if (!a.units.empty()) {
            putCode(item, DCM_MeasurementUnitsCodeSequence, a.units, "UCUM", unitsMeaning(a.units), "1.4");
        }
    }
    if (a.group && *a.group < rec.groups.size()) {
        const auto multiplex = static_cast<Uint16>(*a.group + 1);
        const std::size_t nch = rec.groups[*a.group].channels.size();
        std::vector<Uint16> pairs;
        if (a.channels.empty() || a.channels.size() == nch) {
            pairs = {multiplex, 0}; // channel 0: every channel of the group
        } else {
            for (const std::size_t c : a.channels) {
                pairs.push_back(multiplex);
                pairs.push_back(static_cast<Uint16>(c + 1));
            }
        }
        item.putAndInsertUint16Array(DCM_ReferencedWaveformChannels, pairs.data(),
                                     static_cast<unsigned long>(pairs.size()));
        if (!a.samplePositions.empty()) {
            putString(item, DCM_TemporalRangeType,
                      a.temporalRangeType.empty()
                          ? std::string(a.samplePositions.size() == 1 ? "POINT" : "MULTIPOINT")
                          : a.temporalRangeType);
            std::vector<Uint32> positions;
            for (const std::size_t p : a.samplePositions) {
                positions.push_back(static_cast<Uint32>(p + 1)); // 1-based in DICOM
            }
            item.putAndInsertUint32Array(DCM_ReferencedSamplePositions, positions.data(),
                                         static_cast<unsigned long>(positions.size()));
        }
    }
    if (a.annotationGroupNumber) {
        item.putAndInsertUint16(DCM_AnnotationGroupNumber, static_cast<Uint16>(*a.annotationGroupNumber));
    }
}

} // namespace

std::string deterministicUid(std::uint64_t seed, std::string_view purpose) {
    std::uint64_t h = mix(seed ^ 0x5EED5EED5EED5EEDull);
    for (const char c : purpose) {
        h = mix(h ^ static_cast<unsigned char>(c));
    }
    std::uint64_t hi = mix(h + 0x9E3779B97F4A7C15ull);
    std::uint64_t lo = mix(h + 2 * 0x9E3779B97F4A7C15ull);
    hi = (hi & ~0xF000ull) | 0x4000ull;                           // version 4
    lo = (lo & ~(0xC000000000000000ull)) | 0x8000000000000000ull; // RFC 4122 variant
    __extension__ using U128 = unsigned __int128;
    U128 v = (static_cast<U128>(hi) << 64) | lo;
    std::string digits;
    while (v > 0) {
        digits.push_back(static_cast<char>('0' + static_cast<int>(v % 10)));
        v /= 10;
    }
    std::reverse(digits.begin(), digits.end());
    return "2.25." + digits;
}

Expected<void, dicom::Error> writeDicomEcg(const Recording& rec, const std::filesystem::path& path) {
    if (auto env = dicom::initializeDicom(); !env) {
        return Unexpected{env.error()};
    }
    if (auto ok = check(rec); !ok) {
        return ok;
    }
    const std::uint64_t seed = randomSeed();
    const auto uid = [&](const std::string& given, const char* purpose) {
        return given.empty() ? deterministicUid(seed, purpose) : given;
    };

    DcmFileFormat file;
    DcmDataset& ds = *file.getDataset();
    const bool utf8 = !isAscii(rec.patient.name) || !isAscii(rec.patient.id) ||
                      !isAscii(rec.acquisition.institution) || !isAscii(rec.acquisition.manufacturer);
    if (utf8) {
        putString(ds, DCM_SpecificCharacterSet, "ISO_IR 192");
    }
    const std::string sopClass =
        rec.sopClassUID.empty() ? std::string(dicom::sop::TwelveLeadEcg) : rec.sopClassUID;
    putString(ds, DCM_SOPClassUID, sopClass);
    putString(ds, DCM_SOPInstanceUID, uid(rec.sopInstanceUID, "sop"));
    // Patient
    putString(ds, DCM_PatientName, rec.patient.name);
    putString(ds, DCM_PatientID, rec.patient.id);
    putString(ds, DCM_PatientBirthDate, rec.patient.birthDate);
    putString(ds, DCM_PatientSex, rec.patient.sex);
    if (!rec.patient.age.empty()) {
        putString(ds, DCM_PatientAge, rec.patient.age);
    }
    // Study / series / equipment / waveform identification
    const std::string& dt = rec.acquisition.dateTime;
    const std::string date = dt.size() >= 8 ? dt.substr(0, 8) : std::string();
    const std::string time = dt.size() > 8 ? dt.substr(8) : std::string();
    putString(ds, DCM_StudyInstanceUID, uid(rec.studyInstanceUID, "study"));
    putString(ds, DCM_StudyDate, date);
    putString(ds, DCM_StudyTime, time);
    putString(ds, DCM_ReferringPhysicianName, "");
    putString(ds, DCM_StudyID, "1");
    putString(ds, DCM_AccessionNumber, "");
    if (!rec.studyDescription.empty()) {
        putString(ds, DCM_StudyDescription, rec.studyDescription);
    }
    if (!rec.seriesDescription.empty()) {
        putString(ds, DCM_SeriesDescription, rec.seriesDescription);
    }
    putString(ds, DCM_Modality, rec.modality.empty() ? std::string("ECG") : rec.modality);
    putString(ds, DCM_SeriesInstanceUID, uid(rec.seriesInstanceUID, "series"));
    ds.putAndInsertString(DCM_SeriesNumber, "1");
    putString(ds, DCM_Manufacturer, rec.acquisition.manufacturer);
    if (!rec.acquisition.modelName.empty()) {
        putString(ds, DCM_ManufacturerModelName, rec.acquisition.modelName);
    }
    if (!rec.acquisition.institution.empty()) {
        putString(ds, DCM_InstitutionName, rec.acquisition.institution);
    }
    if (!rec.acquisition.stationName.empty()) {
        putString(ds, DCM_StationName, rec.acquisition.stationName);
    }
    ds.putAndInsertString(DCM_InstanceNumber, "1");
    putString(ds, DCM_ContentDate, date);
    putString(ds, DCM_ContentTime, time);
    putString(ds, DCM_AcquisitionDateTime, dt);
    ds.insertEmptyElement(DCM_AcquisitionContextSequence); // Type 2: present, empty

    for (const auto& g : rec.groups) {
        DcmItem* item = nullptr;
        if (ds.findOrCreateSequenceItem(DCM_WaveformSequence, item, -2).bad() || item == nullptr) {
            return Unexpected{
                Error{ErrorCode::Environment, "DCMTK could not create a Waveform Sequence item"}};
        }
        writeGroup(*item, g);
    }
    for (const auto& a : rec.annotations) {
        DcmItem* item = nullptr;
        if (ds.findOrCreateSequenceItem(DCM_WaveformAnnotationSequence, item, -2).bad() || item == nullptr) {
            return Unexpected{Error{ErrorCode::Environment, "DCMTK could not create an annotation item"}};
        }
        writeAnnotation(*item, a, rec);
    }

    std::error_code ec;
    if (path.has_parent_path()) {
        std::filesystem::create_directories(path.parent_path(), ec);
    }
    const OFCondition c = file.saveFile(OFFilename(path.c_str()), EXS_LittleEndianExplicit);
    if (c.bad()) {
        return Unexpected{
            Error{ErrorCode::Unreadable, "could not write '" + path.string() + "': " + c.text()}};
    }
    return {};
}

} // namespace veridicor::ecg
