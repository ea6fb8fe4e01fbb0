#include <veridicor/dicom/content_digest.h>
#include <veridicor/dicom/load.h>
#include <veridicor/dicom/sniff.h>
#include <veridicor/verify/encoding.h>
#include <veridicor/verify/input_digest.h>

#include "wfdb_record.h"

#include <dcmtk/dcmdata/dcitem.h>

#include <algorithm>
#include <fstream>

namespace veridicor::verify {

std::string_view digestMethodName(DigestMethod method) {
    switch (method) {
    case DigestMethod::DicomWaveformV1:
        return "dicom-waveform-v1";
    case DigestMethod::DicomPixelDataV1:
        return "dicom-pixeldata-v1";
    case DigestMethod::FileV1:
        return "file-v1";
    case DigestMethod::DicomWaveformV2:
        return "dicom-waveform-v2";
    case DigestMethod::DicomPixelDataV2:
        return "dicom-pixeldata-v2";
    case DigestMethod::WfdbRecordV1:
        return "wfdb-record-v1";
    }
    return "";
}

std::optional<DigestMethod> digestMethodFromName(std::string_view name) {
    for (const auto m : kAllDigestMethods) {
        if (digestMethodName(m) == name) {
            return m;
        }
    }
    return std::nullopt;
}

bool isDicomMethod(DigestMethod method) {
    switch (method) {
    case DigestMethod::DicomWaveformV1:
    case DigestMethod::DicomPixelDataV1:
    case DigestMethod::DicomWaveformV2:
    case DigestMethod::DicomPixelDataV2:
        return true;
    case DigestMethod::FileV1:
    case DigestMethod::WfdbRecordV1:
        return false;
    }
    return false;
}

bool isHeaderBlindMethod(DigestMethod method) {
    return method == DigestMethod::DicomWaveformV1 || method == DigestMethod::DicomPixelDataV1;
}

const std::string* InputData::digestFor(DigestMethod m) const {
    for (const auto& [method, digest] : digests) {
        if (method == m) {
            return &digest;
        }
    }
    return nullptr;
}

namespace {

Unexpected<Error> invalid(std::string message) {
    return Unexpected{Error{ErrorCode::Invalid, std::move(message)}};
}

/// A content error of dicom/ as verify's: Unsupported stays, a read cut short or anything else is Invalid.
Error fromDicom(const dicom::Error& e) {
    return Error{e.code == dicom::ErrorCode::Unsupported ? ErrorCode::Unsupported : ErrorCode::Invalid,
                 e.message};
}

DigestMethod methodOf(dicom::ContentKind kind, int version) {
    if (kind == dicom::ContentKind::Waveform) {
        return version >= 2 ? DigestMethod::DicomWaveformV2 : DigestMethod::DicomWaveformV1;
    }
    return version >= 2 ? DigestMethod::DicomPixelDataV2 : DigestMethod::DicomPixelDataV1;
}

} // namespace

bool InputData::sameContent(const dicom::ContentIdentity& content) const {
    const std::string* v1 = digestFor(methodOf(content.kind, 1));
    const std::string* v2 = digestFor(methodOf(content.kind, 2));
    return v1 != nullptr && v2 != nullptr && *v1 == content.sha256 && *v2 == content.sha256V2 &&
           sopInstanceUID == content.sopInstanceUID && studyInstanceUID == content.studyInstanceUID &&
           seriesInstanceUID == content.seriesInstanceUID && modality == content.modality;
}

// The DICOM digests are computed in one place, dicom/content_digest.h, which the viewers use too: the data a
// finding is verified against and the data a view draws are measured by the same code.

Expected<std::string, Error> waveformDigest(DcmItem& dataset, std::uint64_t* hashedBytes) {
    auto d = dicom::waveformDigest(dataset);
    if (!d) {
        return Unexpected{fromDicom(d.error())};
    }
    if (hashedBytes != nullptr) {
        *hashedBytes = d->hashedBytes;
    }
    return std::move(d->sha256);
}

Expected<std::string, Error> pixelDataDigest(DcmItem& dataset, std::uint64_t* hashedBytes) {
    auto d = dicom::pixelDataDigest(dataset);
    if (!d) {
        return Unexpected{fromDicom(d.error())};
    }
    if (hashedBytes != nullptr) {
        *hashedBytes = d->hashedBytes;
    }
    return std::move(d->sha256);
}

Expected<std::string, Error> fileDigest(const std::filesystem::path& path, std::uint64_t* hashedBytes) {
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        return Unexpected{
            Error{ErrorCode::Unreadable, "'" + path.string() + "' cannot be opened for reading"}};
    }
    Sha256 hasher;
    std::vector<char> buf(std::size_t{1} << 20);
    std::uint64_t bytes = 0;
    while (in) {
        in.read(buf.data(), static_cast<std::streamsize>(buf.size()));
        const auto n = static_cast<std::size_t>(in.gcount());
        hasher.update(buf.data(), n);
        bytes += n;
    }
    if (in.bad()) {
        return Unexpected{
            Error{ErrorCode::Unreadable, "'" + path.string() + "' could not be read to the end"}};
    }
    if (hashedBytes != nullptr) {
        *hashedBytes = bytes;
    }
    return hexEncode(hasher.finish());
}

InputData inputFromContent(const dicom::ContentIdentity& content, const std::filesystem::path& path) {
    InputData in;
    in.path = path;
    in.method = methodOf(content.kind, 2);
    in.kind = content.kind == dicom::ContentKind::Waveform ? "DICOM waveform" : "DICOM image";
    in.digest = content.sha256V2;
    in.digests = {{in.method, content.sha256V2}, {methodOf(content.kind, 1), content.sha256}};
    in.attributes = content.attributes;
    in.hasPixelData = content.kind == dicom::ContentKind::PixelData;
    in.hashedBytes = content.hashedBytes;
    in.studyInstanceUID = content.studyInstanceUID;
    in.seriesInstanceUID = content.seriesInstanceUID;
    in.sopInstanceUID = content.sopInstanceUID;
    in.sopClassUID = content.sopClassUID;
    in.modality = content.modality;
    in.subjectName = content.sopInstanceUID;
    return in;
}

Expected<InputData, Error> inputFromDicom(const dicom::LoadedFile& file) {
    DcmDataset* ds = file.dataset();
    if (ds == nullptr) {
        return invalid("the DICOM file holds no dataset");
    }
    auto content = dicom::contentIdentity(*ds);
    if (!content) {
        return Unexpected{fromDicom(content.error())};
    }
    return inputFromContent(*content, file.path);
}

namespace {

/// "HL7 aECG", "SCP-ECG", "WFDB signal" or empty, by content (and for WFDB, the header file beside it).
std::string recogniseEcgFile(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    std::string head(4096, '\0');
    in.read(head.data(), static_cast<std::streamsize>(head.size()));
    head.resize(static_cast<std::size_t>(in.gcount()));
    if (head.find("<AnnotatedECG") != std::string::npos && head.find("urn:hl7-org:v3") != std::string::npos) {
        return "HL7 aECG";
    }
    // SCP-ECG (EN 1064): section 0's header carries "SCPECG" at bytes 16–21 of the record.
    if (head.size() >= 22 && head.compare(16, 6, "SCPECG") == 0) {
        return "SCP-ECG";
    }
    return {};
}

} // namespace

Expected<MethodDigest, Error> digestByMethod(const std::filesystem::path& path, DigestMethod method) {
    MethodDigest out;
    switch (method) {
    case DigestMethod::FileV1: {
        auto d = fileDigest(path, &out.hashedBytes);
        if (!d) {
            return Unexpected{d.error()};
        }
        out.sha256 = std::move(*d);
        return out;
    }
    case DigestMethod::WfdbRecordV1: {
        auto record = detail::findWfdbRecord(path);
        if (!record) {
            return Unexpected{record.error()};
        }
        auto d = detail::wfdbRecordDigest(*record, &out.hashedBytes);
        if (!d) {
            return Unexpected{d.error()};
        }
        out.sha256 = std::move(*d);
        return out;
    }
    case DigestMethod::DicomWaveformV1:
    case DigestMethod::DicomWaveformV2:
    case DigestMethod::DicomPixelDataV1:
    case DigestMethod::DicomPixelDataV2:
        break;
    }
    if (!dicom::looksLikeDicomFile(path)) {
        return invalid("'" + path.string() + "' is not a DICOM file");
    }
    auto loaded = dicom::loadFile(path);
    if (!loaded) {
        return Unexpected{Error{loaded.error().code == dicom::ErrorCode::TooLarge     ? ErrorCode::TooLarge
                                : loaded.error().code == dicom::ErrorCode::Unreadable ? ErrorCode::Unreadable
                                                                                      : ErrorCode::Invalid,
                                loaded.error().message}};
    }
    const bool waveform = method == DigestMethod::DicomWaveformV1 || method == DigestMethod::DicomWaveformV2;
    auto d =
        waveform ? dicom::waveformDigest(*loaded->dataset()) : dicom::pixelDataDigest(*loaded->dataset());
    if (!d) {
        return Unexpected{fromDicom(d.error())};
    }
    const bool v2 = method == DigestMethod::DicomWaveformV2 || method == DigestMethod::DicomPixelDataV2;
    out.sha256 = v2 ? d->sha256V2 : d->sha256;
    if (v2) {
        out.attributes = std::move(d->attributes);
    }
    out.hashedBytes = d->hashedBytes;
    return out;
}

Expected<InputData, Error> openInput(const std::filesystem::path& path) {
    std::error_code ec;
    const auto status = std::filesystem::status(path, ec);
    if (ec || !std::filesystem::exists(status)) {
        return Unexpected{Error{ErrorCode::Unreadable, "'" + path.string() + "' does not exist"}};
    }
    if (!std::filesystem::is_regular_file(status)) {
        return Unexpected{Error{ErrorCode::Unreadable, "'" + path.string() + "' is not a regular file"}};
    }
    if (dicom::looksLikeDicomFile(path)) {
        auto loaded = dicom::loadFile(path);
        if (!loaded) {
            const ErrorCode code = loaded.error().code == dicom::ErrorCode::TooLarge ? ErrorCode::TooLarge
                                   : loaded.error().code == dicom::ErrorCode::Unreadable
                                       ? ErrorCode::Unreadable
                                       : ErrorCode::Invalid;
            return Unexpected{Error{code, loaded.error().message}};
        }
        return inputFromDicom(*loaded);
    }
    // A WFDB header or signal file: bound as its whole record (R2.2), never as one file.
    if (auto record = detail::findWfdbRecord(path)) {
        InputData in;
        in.path = path;
        in.method = DigestMethod::WfdbRecordV1;
        in.isWfdbRecord = true;
        in.kind = "WFDB record";
        in.modality = "ECG";
        in.subjectName = record->recordName;
        auto d = detail::wfdbRecordDigest(*record, &in.hashedBytes);
        if (!d) {
            return Unexpected{d.error()};
        }
        in.digest = std::move(*d);
        in.digests = {{DigestMethod::WfdbRecordV1, in.digest}};
        return in;
    } else if (record.error().code == ErrorCode::Unsupported) {
        // Part of a WFDB record of a form wfdb-record-v1 does not define (e.g. multi-segment): nothing binds
        // it, and file-v1 must not stand in for the record.
        InputData in;
        in.path = path;
        in.method = DigestMethod::WfdbRecordV1;
        in.isWfdbRecord = true;
        in.kind = "WFDB record";
        in.modality = "ECG";
        in.subjectName = path.stem().string();
        in.unboundReason = record.error().message;
        return in;
    } else if (record.error().code != ErrorCode::Invalid) {
        return Unexpected{record.error()};
    }
    InputData in;
    in.path = path;
    in.method = DigestMethod::FileV1;
    in.subjectName = path.filename().string();
    in.kind = recogniseEcgFile(path);
    in.modality = in.kind.empty() ? std::string() : std::string("ECG");
    if (in.kind.empty()) {
        in.kind = "file";
    }
    auto d = fileDigest(path, &in.hashedBytes);
    if (!d) {
        return Unexpected{d.error()};
    }
    in.digest = std::move(*d);
    in.digests = {{DigestMethod::FileV1, in.digest}};
    return in;
}

} // namespace veridicor::verify
