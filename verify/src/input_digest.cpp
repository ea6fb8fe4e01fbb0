#include <veridicor/dicom/load.h>
#include <veridicor/dicom/sniff.h>
#include <veridicor/verify/encoding.h>
#include <veridicor/verify/input_digest.h>

#include <dcmtk/dcmdata/dcdeftag.h>
#include <dcmtk/dcmdata/dcitem.h>
#include <dcmtk/dcmdata/dcpixel.h>
#include <dcmtk/dcmdata/dcpixseq.h>
#include <dcmtk/dcmdata/dcpxitem.h>
#include <dcmtk/dcmdata/dcsequen.h>
#include <dcmtk/dcmdata/dcxfer.h>

#include <algorithm>
#include <array>
#include <bit>
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
    }
    return "";
}

std::optional<DigestMethod> digestMethodFromName(std::string_view name) {
    for (const auto m :
         {DigestMethod::DicomWaveformV1, DigestMethod::DicomPixelDataV1, DigestMethod::FileV1}) {
        if (digestMethodName(m) == name) {
            return m;
        }
    }
    return std::nullopt;
}

namespace {

Unexpected<Error> invalid(std::string message) {
    return Unexpected{Error{ErrorCode::Invalid, std::move(message)}};
}

/// Hashes the value of an OB/OW element as little-endian bytes. DCMTK keeps OW values as host-order 16-bit
/// words.
bool hashElementValue(DcmElement& element, Sha256& hasher, std::uint64_t& bytes) {
    const Uint32 length = element.getLength();
    if (length == 0) {
        return true;
    }
    const DcmEVR vr = element.getVR();
    if (vr == EVR_OW || vr == EVR_ox || vr == EVR_xs || vr == EVR_lt) {
        Uint16* words = nullptr;
        if (element.getUint16Array(words).good() && words != nullptr) {
            const std::size_t count = length / 2;
            if constexpr (std::endian::native == std::endian::little) {
                hasher.update(words, count * 2);
            } else {
                std::array<std::uint8_t, 8192> buf{};
                std::size_t i = 0;
                while (i < count) {
                    const std::size_t n = std::min<std::size_t>(buf.size() / 2, count - i);
                    for (std::size_t k = 0; k < n; ++k) {
                        buf[2 * k] = static_cast<std::uint8_t>(words[i + k] & 0xFFU);
                        buf[2 * k + 1] = static_cast<std::uint8_t>(words[i + k] >> 8U);
                    }
                    hasher.update(buf.data(), n * 2);
                    i += n;
                }
            }
            bytes += count * 2;
            return true;
        }
    }
    Uint8* data = nullptr;
    if (element.getUint8Array(data).bad() || data == nullptr) {
        return false;
    }
    hasher.update(data, length);
    bytes += length;
    return true;
}

} // namespace

Expected<std::string, Error> waveformDigest(DcmItem& dataset, std::uint64_t* hashedBytes) {
    DcmSequenceOfItems* seq = nullptr;
    if (dataset.findAndGetSequence(DCM_WaveformSequence, seq).bad() || seq == nullptr) {
        return invalid("the DICOM file has no Waveform Sequence (5400,0100)");
    }
    if (seq->card() == 0) {
        return invalid("the Waveform Sequence (5400,0100) is empty");
    }
    Sha256 hasher;
    std::uint64_t bytes = 0;
    for (unsigned long i = 0; i < seq->card(); ++i) {
        DcmItem* item = seq->getItem(i);
        DcmElement* data = nullptr;
        if (item == nullptr || item->findAndGetElement(DCM_WaveformData, data).bad() || data == nullptr) {
            return invalid("waveform item " + std::to_string(i + 1) + " has no Waveform Data (5400,1010)");
        }
        if (!hashElementValue(*data, hasher, bytes)) {
            return invalid("the Waveform Data of item " + std::to_string(i + 1) + " cannot be read");
        }
    }
    if (hashedBytes != nullptr) {
        *hashedBytes = bytes;
    }
    return hexEncode(hasher.finish());
}

Expected<std::string, Error> pixelDataDigest(DcmItem& dataset, std::uint64_t* hashedBytes) {
    DcmElement* element = nullptr;
    if (dataset.findAndGetElement(DCM_PixelData, element).bad() || element == nullptr) {
        return invalid("the DICOM file has no Pixel Data (7FE0,0010)");
    }
    Sha256 hasher;
    std::uint64_t bytes = 0;
    auto* pixelData = dynamic_cast<DcmPixelData*>(element);
    E_TransferSyntax xfer = EXS_Unknown;
    const DcmRepresentationParameter* param = nullptr;
    if (pixelData != nullptr) {
        pixelData->getCurrentRepresentationKey(xfer, param);
    }
    if (pixelData != nullptr && xfer != EXS_Unknown && DcmXfer(xfer).isEncapsulated()) {
        DcmPixelSequence* fragments = nullptr;
        if (pixelData->getEncapsulatedRepresentation(xfer, param, fragments).bad() || fragments == nullptr) {
            return invalid("the encapsulated Pixel Data cannot be read");
        }
        if (fragments->card() == 0) {
            return invalid("the encapsulated Pixel Data has no Basic Offset Table item");
        }
        // Item 0 is the Basic Offset Table; every later item is a fragment.
        for (unsigned long i = 1; i < fragments->card(); ++i) {
            DcmPixelItem* item = nullptr;
            if (fragments->getItem(item, i).bad() || item == nullptr) {
                return invalid("pixel data fragment " + std::to_string(i) + " cannot be read");
            }
            if (item->getLength() == 0) {
                continue;
            }
            Uint8* p = nullptr;
            if (item->getUint8Array(p).bad() || p == nullptr) {
                return invalid("pixel data fragment " + std::to_string(i) + " cannot be read");
            }
            hasher.update(p, item->getLength());
            bytes += item->getLength();
        }
    } else if (!hashElementValue(*element, hasher, bytes)) {
        return invalid("the Pixel Data value cannot be read");
    }
    if (hashedBytes != nullptr) {
        *hashedBytes = bytes;
    }
    return hexEncode(hasher.finish());
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

Expected<InputData, Error> inputFromDicom(const dicom::LoadedFile& file) {
    DcmDataset* ds = file.dataset();
    if (ds == nullptr) {
        return invalid("the DICOM file holds no dataset");
    }
    InputData in;
    in.path = file.path;
    in.studyInstanceUID = dicom::getString(ds, DCM_StudyInstanceUID);
    in.seriesInstanceUID = dicom::getString(ds, DCM_SeriesInstanceUID);
    in.sopInstanceUID = dicom::getString(ds, DCM_SOPInstanceUID);
    in.sopClassUID = dicom::getString(ds, DCM_SOPClassUID);
    in.modality = dicom::getString(ds, DCM_Modality);
    in.subjectName = in.sopInstanceUID;
    if (ds->tagExists(DCM_WaveformSequence)) {
        in.method = DigestMethod::DicomWaveformV1;
        in.kind = "DICOM waveform";
        auto d = waveformDigest(*ds, &in.hashedBytes);
        if (!d) {
            return Unexpected{d.error()};
        }
        in.digest = std::move(*d);
    } else if (ds->tagExists(DCM_PixelData)) {
        in.method = DigestMethod::DicomPixelDataV1;
        in.kind = "DICOM image";
        auto d = pixelDataDigest(*ds, &in.hashedBytes);
        if (!d) {
            return Unexpected{d.error()};
        }
        in.digest = std::move(*d);
    } else {
        return Unexpected{
            Error{ErrorCode::Unsupported,
                  "the DICOM file has neither waveforms nor pixel data: no finding can be bound to it"}};
    }
    if (in.sopInstanceUID.empty()) {
        return invalid("the DICOM file has no SOP Instance UID");
    }
    return in;
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
    // WFDB: a signal file whose header (same base name, .hea) names it.
    std::error_code ec;
    auto header = path;
    header.replace_extension(".hea");
    if (path.extension() != ".hea" && std::filesystem::is_regular_file(header, ec)) {
        std::ifstream h(header);
        std::string line;
        const std::string name = path.filename().string();
        int lines = 0;
        while (std::getline(h, line) && ++lines < 1000) {
            if (line.rfind(name + " ", 0) == 0) {
                return "WFDB signal";
            }
        }
    }
    return {};
}

} // namespace

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
    return in;
}

} // namespace veridicor::verify
