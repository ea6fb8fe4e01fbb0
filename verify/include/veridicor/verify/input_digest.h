#pragma once
/// \file
/// The input a finding is bound to, and its digests (finding-bundle-v1 §Statement and Revision 2):
///   dicom-waveform-v1   SHA-256 over the Waveform Data (5400,1010) value of every Waveform Sequence item, in
///                       item order, 16-bit words little-endian;
///   dicom-pixeldata-v1  SHA-256 over the Pixel Data (7FE0,0010) value: native → the value bytes (16-bit
///                       words little-endian); encapsulated → every fragment after the Basic Offset Table, in
///                       order, without item headers;
///   dicom-waveform-v2,  the same bytes after the attributes that give them their meaning (R2.1);
///   dicom-pixeldata-v2
///   wfdb-record-v1      a WFDB record: its header and every signal file it names (R2.2);
///   file-v1             SHA-256 over the whole file (any other file).
/// The DICOM methods are computed by dicom/content_digest.h (every value byte, the representation the file
/// holds), the same code the viewers use to say which data they draw. An object with Pixel Data is bound only
/// by a pixel-data method, a WFDB record only by wfdb-record-v1.

#include <veridicor/base/expected.h>
#include <veridicor/dicom/content_digest.h>
#include <veridicor/verify/error.h>

#include <array>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

class DcmItem;

namespace veridicor::dicom {
struct LoadedFile;
} // namespace veridicor::dicom

namespace veridicor::verify {

enum class DigestMethod {
    DicomWaveformV1,  ///< "dicom-waveform-v1"
    DicomPixelDataV1, ///< "dicom-pixeldata-v1"
    FileV1,           ///< "file-v1"
    DicomWaveformV2,  ///< "dicom-waveform-v2"
    DicomPixelDataV2, ///< "dicom-pixeldata-v2"
    WfdbRecordV1,     ///< "wfdb-record-v1"
};

inline constexpr std::array kAllDigestMethods{DigestMethod::DicomWaveformV1,  DigestMethod::DicomPixelDataV1,
                                              DigestMethod::FileV1,           DigestMethod::DicomWaveformV2,
                                              DigestMethod::DicomPixelDataV2, DigestMethod::WfdbRecordV1};

std::string_view digestMethodName(DigestMethod method);
std::optional<DigestMethod> digestMethodFromName(std::string_view name);
/// One of the four DICOM methods.
bool isDicomMethod(DigestMethod method);
/// dicom-waveform-v1 or dicom-pixeldata-v1: they cover the sample or pixel bytes, not the header that gives
/// them their meaning.
bool isHeaderBlindMethod(DigestMethod method);

/// What the workstation opened, as the binding check (step 6) and the model check (step 4) see it.
struct InputData {
    std::filesystem::path path;
    /// The method that binds this input best, and the one sign-finding uses unless told otherwise:
    /// dicom-*-v2 for DICOM, wfdb-record-v1 for a WFDB record, else file-v1.
    DigestMethod method = DigestMethod::FileV1;
    std::string digest; ///< SHA-256 of `method`, lowercase hex
    /// Every method that can bind this input, with its digest (`method` first). Empty when none can (e.g. a
    /// WFDB record of a form wfdb-record-v1 does not define: `unboundReason` says why).
    std::vector<std::pair<DigestMethod, std::string>> digests;
    /// The digests of each attribute of the v2 encoding (DICOM only): what a signer puts in
    /// `input.attributes`, and what a verifier compares with it to say which attribute changed.
    std::vector<dicom::AttributeDigest> attributes;
    std::string unboundReason;
    std::uint64_t hashedBytes = 0; ///< how many data bytes went into the digest
    std::string subjectName; ///< the SOP Instance UID (DICOM), the record name (WFDB), else the base name
    std::string modality;    ///< DICOM Modality; "ECG" for HL7 aECG, SCP-ECG and WFDB; empty when unknown
    std::string kind;        ///< for people: "DICOM waveform", "DICOM image", "HL7 aECG", "WFDB record", …
    bool hasPixelData = false;     ///< DICOM with Pixel Data: bound only by a pixel-data method
    bool isWfdbRecord = false;     ///< a WFDB record: bound only by wfdb-record-v1
    std::string studyInstanceUID;  ///< DICOM only
    std::string seriesInstanceUID; ///< DICOM only
    std::string sopInstanceUID;    ///< DICOM only
    std::string sopClassUID;       ///< DICOM only

    [[nodiscard]] bool isDicom() const { return isDicomMethod(method); }
    /// The digest of `method` for this input, or nullptr when that method cannot bind it.
    [[nodiscard]] const std::string* digestFor(DigestMethod method) const;
    /// True when `content` (what a view holds and draws) is exactly the data this input stands for: same
    /// kind, v1 and v2 digests, UIDs and modality.
    [[nodiscard]] bool sameContent(const dicom::ContentIdentity& content) const;
};

/// Opens `path` and computes its digests, choosing the methods by content: a DICOM file (recognised by
/// content, read with DCMTK through dicom::loadFile) with Pixel Data → dicom-pixeldata-v2 and -v1, else with
/// a Waveform Sequence → dicom-waveform-v2 and -v1; a WFDB header or signal file → wfdb-record-v1 over its
/// record; anything else → file-v1 (modality ECG when it is an HL7 aECG or SCP-ECG file). Errors: Unreadable
/// (missing, not a regular file), TooLarge, Invalid (a DICOM file DCMTK cannot read, or a waveform item
/// without Waveform Data), Unsupported (DICOM with neither waveforms nor pixel data).
Expected<InputData, Error> openInput(const std::filesystem::path& path);

/// As openInput() for a DICOM file that is already loaded (e.g. by a viewer).
Expected<InputData, Error> inputFromDicom(const dicom::LoadedFile& file);

/// The input for DICOM content that is already read and digested (dicom::contentIdentity, e.g. the content a
/// view holds and draws): verification then checks exactly that data, without reading `path` again.
InputData inputFromContent(const dicom::ContentIdentity& content, const std::filesystem::path& path);

/// The dicom-waveform-v1 digest of a dataset (dicom::waveformDigest; use it for the v2 digest). `hashedBytes`
/// (optional) receives the number of bytes hashed. Errors: Invalid (no Waveform Sequence, an item without
/// Waveform Data, a value that cannot be read to its end).
Expected<std::string, Error> waveformDigest(DcmItem& dataset, std::uint64_t* hashedBytes = nullptr);

/// The dicom-pixeldata-v1 digest of a dataset (dicom::pixelDataDigest). Errors: Invalid (no Pixel Data, an
/// unreadable fragment).
Expected<std::string, Error> pixelDataDigest(DcmItem& dataset, std::uint64_t* hashedBytes = nullptr);

/// A digest of a file by a method named by the caller, whether or not that method would bind the file in a
/// verification (e.g. dicom-waveform-v2 of an echo that also holds waveforms, or file-v1 of a DICOM file):
/// for checking other implementations against ours (`veridicor-cli input-digest`).
struct MethodDigest {
    std::string sha256;                             ///< lowercase hex
    std::vector<dicom::AttributeDigest> attributes; ///< v2 DICOM methods only
    std::uint64_t hashedBytes = 0;
};
/// Errors: Unreadable, TooLarge, Invalid (not DICOM for a DICOM method, no Waveform Sequence / Pixel Data,
/// not part of a WFDB record for wfdb-record-v1), Unsupported (a WFDB record wfdb-record-v1 does not define).
Expected<MethodDigest, Error> digestByMethod(const std::filesystem::path& path, DigestMethod method);

/// The file-v1 digest (streamed; the file is never held in memory). Errors: Unreadable.
Expected<std::string, Error> fileDigest(const std::filesystem::path& path,
                                        std::uint64_t* hashedBytes = nullptr);

} // namespace veridicor::verify
