#pragma once
/// \file
/// The input a finding is bound to, and its digest (finding-bundle-v1 §Statement):
///   dicom-waveform-v1   SHA-256 over the Waveform Data (5400,1010) value of every Waveform Sequence item, in
///                       item order, 16-bit words little-endian;
///   dicom-pixeldata-v1  SHA-256 over the Pixel Data (7FE0,0010) value: native → the value bytes (16-bit
///                       words little-endian); encapsulated → every fragment after the Basic Offset Table, in
///                       order, without item headers;
///   file-v1             SHA-256 over the whole file.
/// The two DICOM methods are computed by dicom/content_digest.h (every value byte, the representation the
/// file holds), the same code the viewers use to say which data they draw.

#include <veridicor/base/expected.h>
#include <veridicor/verify/error.h>

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

class DcmItem;

namespace veridicor::dicom {
struct LoadedFile;
struct ContentIdentity;
} // namespace veridicor::dicom

namespace veridicor::verify {

enum class DigestMethod {
    DicomWaveformV1,  ///< "dicom-waveform-v1"
    DicomPixelDataV1, ///< "dicom-pixeldata-v1"
    FileV1,           ///< "file-v1"
};

std::string_view digestMethodName(DigestMethod method);
std::optional<DigestMethod> digestMethodFromName(std::string_view name);

/// What the workstation opened, as the binding check (step 6) and the model check (step 4) see it.
struct InputData {
    std::filesystem::path path;
    DigestMethod method = DigestMethod::FileV1;
    std::string digest;            ///< SHA-256, lowercase hex
    std::uint64_t hashedBytes = 0; ///< how many bytes went into the digest
    std::string subjectName;       ///< the SOP Instance UID (DICOM) or the file's base name (file-v1)
    std::string modality; ///< DICOM Modality; "ECG" for HL7 aECG, SCP-ECG and WFDB; empty when unknown
    std::string kind;     ///< for people: "DICOM waveform", "DICOM image", "HL7 aECG", "SCP-ECG", …
    std::string studyInstanceUID;  ///< DICOM only
    std::string seriesInstanceUID; ///< DICOM only
    std::string sopInstanceUID;    ///< DICOM only
    std::string sopClassUID;       ///< DICOM only

    [[nodiscard]] bool isDicom() const { return method != DigestMethod::FileV1; }
};

/// Opens `path` and computes its digest, choosing the method by content: a DICOM file (recognised by content,
/// read with DCMTK through dicom::loadFile) with a Waveform Sequence → dicom-waveform-v1, with Pixel Data →
/// dicom-pixeldata-v1; anything else → file-v1 (modality ECG when it is an HL7 aECG, SCP-ECG or WFDB signal
/// file). Errors: Unreadable (missing, not a regular file), TooLarge, Invalid (a DICOM file DCMTK cannot
/// read, or a waveform item without Waveform Data), Unsupported (DICOM with neither waveforms nor pixel
/// data).
Expected<InputData, Error> openInput(const std::filesystem::path& path);

/// As openInput() for a DICOM file that is already loaded (e.g. by a viewer).
Expected<InputData, Error> inputFromDicom(const dicom::LoadedFile& file);

/// The input for DICOM content that is already read and digested (dicom::contentIdentity, e.g. the content a
/// view holds and draws): verification then checks exactly that data, without reading `path` again.
InputData inputFromContent(const dicom::ContentIdentity& content, const std::filesystem::path& path);

/// The dicom-waveform-v1 digest of a dataset (dicom::waveformDigest). `hashedBytes` (optional) receives the
/// number of bytes hashed. Errors: Invalid (no Waveform Sequence, an item without Waveform Data, a value that
/// cannot be read to its end).
Expected<std::string, Error> waveformDigest(DcmItem& dataset, std::uint64_t* hashedBytes = nullptr);

/// The dicom-pixeldata-v1 digest of a dataset (dicom::pixelDataDigest). Errors: Invalid (no Pixel Data, an
/// unreadable fragment).
Expected<std::string, Error> pixelDataDigest(DcmItem& dataset, std::uint64_t* hashedBytes = nullptr);

/// The file-v1 digest (streamed; the file is never held in memory). Errors: Unreadable.
Expected<std::string, Error> fileDigest(const std::filesystem::path& path,
                                        std::uint64_t* hashedBytes = nullptr);

} // namespace veridicor::verify
