#include <veridicor/dicom/content_digest.h>
#include <veridicor/dicom/load.h>

#include <dcmtk/dcmdata/dcdatset.h>
#include <dcmtk/dcmdata/dcdeftag.h>
#include <dcmtk/dcmdata/dcelem.h>
#include <dcmtk/dcmdata/dcfcache.h>
#include <dcmtk/dcmdata/dcitem.h>
#include <dcmtk/dcmdata/dcpixel.h>
#include <dcmtk/dcmdata/dcpixseq.h>
#include <dcmtk/dcmdata/dcpxitem.h>
#include <dcmtk/dcmdata/dcsequen.h>
#include <dcmtk/dcmdata/dcxfer.h>

#include <openssl/evp.h>

#include <algorithm>
#include <stdexcept>
#include <vector>

namespace veridicor::dicom {

// SHA-256.

struct Sha256::Context {
    EVP_MD_CTX* ctx = nullptr;
    Context() : ctx(EVP_MD_CTX_new()) {
        if (ctx == nullptr || EVP_DigestInit_ex(ctx, EVP_sha256(), nullptr) != 1) {
            EVP_MD_CTX_free(ctx);
            throw std::runtime_error("OpenSSL could not start a SHA-256 digest");
        }
    }
    ~Context() { EVP_MD_CTX_free(ctx); }
    Context(const Context&) = delete;
    Context& operator=(const Context&) = delete;
};

Sha256::Sha256() : m_context(std::make_unique<Context>()) {}
Sha256::~Sha256() = default;
Sha256::Sha256(Sha256&&) noexcept = default;
Sha256& Sha256::operator=(Sha256&&) noexcept = default;

void Sha256::update(const void* data, std::size_t size) {
    if (size > 0) {
        EVP_DigestUpdate(m_context->ctx, data, size);
    }
}

Sha256Digest Sha256::finish() {
    Sha256Digest out{};
    unsigned int n = 0;
    EVP_DigestFinal_ex(m_context->ctx, out.data(), &n);
    EVP_DigestInit_ex(m_context->ctx, EVP_sha256(), nullptr);
    return out;
}

Sha256Digest sha256(const void* data, std::size_t size) {
    Sha256 h;
    h.update(data, size);
    return h.finish();
}

std::string toHex(const Sha256Digest& digest) {
    static constexpr char kHex[] = "0123456789abcdef";
    std::string out;
    out.reserve(digest.size() * 2);
    for (const std::uint8_t b : digest) {
        out.push_back(kHex[b >> 4U]);
        out.push_back(kHex[b & 0x0FU]);
    }
    return out;
}

// Content digests.

std::string_view contentMethodName(ContentMethod method) {
    switch (method) {
    case ContentMethod::WaveformV1:
        return "dicom-waveform-v1";
    case ContentMethod::PixelDataV1:
        return "dicom-pixeldata-v1";
    }
    return "";
}

bool ContentIdentity::sameContent(const ContentIdentity& other) const {
    return method == other.method && sha256 == other.sha256 && sopInstanceUID == other.sopInstanceUID &&
           studyInstanceUID == other.studyInstanceUID && seriesInstanceUID == other.seriesInstanceUID &&
           modality == other.modality;
}

namespace {

Unexpected<Error> fail(ErrorCode code, std::string message) {
    return Unexpected{Error{code, std::move(message)}};
}

/// Streams one element's value bytes (16-bit words little-endian) into `hasher`, in pieces, telling the
/// observer. All of the value: an odd-length OW value's last byte included (DCMTK's getPartialValue reads it
/// alone).
Expected<void, Error> hashValue(DcmElement& element, std::size_t part, Sha256& hasher, std::uint64_t& bytes,
                                const DigestOptions& options, DcmFileCache& cache, const std::string& what) {
    const Uint32 length = element.getLengthField();
    if (length == DCM_UndefinedLength) {
        return fail(ErrorCode::Malformed, what + " has an undefined length");
    }
    if (length == 0) {
        return {};
    }
    const std::size_t piece = std::max<std::size_t>(1, std::min<std::size_t>(options.pieceBytes, length));
    std::vector<std::uint8_t> buf(piece);
    for (Uint32 offset = 0; offset < length;) {
        const Uint32 n = static_cast<Uint32>(std::min<std::uint64_t>(piece, length - offset));
        const OFCondition c = element.getPartialValue(buf.data(), offset, n, &cache, EBO_LittleEndian);
        if (c.bad()) {
            return fail(ErrorCode::Truncated, what + " could not be read to its end (at byte " +
                                                  std::to_string(offset) + " of " + std::to_string(length) +
                                                  ": " + c.text() + ")");
        }
        hasher.update(buf.data(), n);
        if (options.observer) {
            options.observer(ValuePiece{part, offset, buf.data(), n});
        }
        bytes += n;
        offset += n;
    }
    return {};
}

} // namespace

Expected<ContentDigest, Error> waveformDigest(DcmItem& dataset, const DigestOptions& options) {
    DcmSequenceOfItems* seq = nullptr;
    if (dataset.findAndGetSequence(DCM_WaveformSequence, seq).bad() || seq == nullptr) {
        return fail(ErrorCode::Malformed, "the DICOM file has no Waveform Sequence (5400,0100)");
    }
    if (seq->card() == 0) {
        return fail(ErrorCode::Malformed, "the Waveform Sequence (5400,0100) is empty");
    }
    DcmFileCache localCache;
    DcmFileCache& cache = options.cache != nullptr ? *options.cache : localCache;
    Sha256 hasher;
    ContentDigest out;
    out.method = ContentMethod::WaveformV1;
    for (unsigned long i = 0; i < seq->card(); ++i) {
        DcmItem* item = seq->getItem(i);
        DcmElement* data = nullptr;
        const std::string what = "the Waveform Data (5400,1010) of waveform item " + std::to_string(i + 1);
        if (item == nullptr || item->findAndGetElement(DCM_WaveformData, data).bad() || data == nullptr) {
            return fail(ErrorCode::Malformed,
                        "waveform item " + std::to_string(i + 1) + " has no Waveform Data (5400,1010)");
        }
        if (auto ok = hashValue(*data, i, hasher, out.hashedBytes, options, cache, what); !ok) {
            return Unexpected{ok.error()};
        }
    }
    out.sha256 = toHex(hasher.finish());
    return out;
}

Expected<ContentDigest, Error> pixelDataDigest(DcmItem& dataset, const DigestOptions& options) {
    DcmElement* element = nullptr;
    if (dataset.findAndGetElement(DCM_PixelData, element).bad() || element == nullptr) {
        return fail(ErrorCode::Malformed, "the DICOM file has no Pixel Data (7FE0,0010)");
    }
    DcmFileCache localCache;
    DcmFileCache& cache = options.cache != nullptr ? *options.cache : localCache;
    Sha256 hasher;
    ContentDigest out;
    out.method = ContentMethod::PixelDataV1;
    auto* pixelData = dynamic_cast<DcmPixelData*>(element);
    // The representation the file had, whatever DCMTK may have converted it to in memory since.
    E_TransferSyntax original = EXS_Unknown;
    const DcmRepresentationParameter* param = nullptr;
    if (pixelData != nullptr) {
        pixelData->getOriginalRepresentationKey(original, param);
    }
    if (pixelData != nullptr && original != EXS_Unknown && DcmXfer(original).isEncapsulated()) {
        DcmPixelSequence* fragments = nullptr;
        if (pixelData->getEncapsulatedRepresentation(original, param, fragments).bad() ||
            fragments == nullptr) {
            return fail(ErrorCode::Malformed, "the encapsulated Pixel Data cannot be read");
        }
        if (fragments->card() == 0) {
            return fail(ErrorCode::Malformed, "the encapsulated Pixel Data has no Basic Offset Table item");
        }
        // Item 0 is the Basic Offset Table; every later item is a fragment.
        for (unsigned long i = 1; i < fragments->card(); ++i) {
            DcmPixelItem* item = nullptr;
            const std::string what = "pixel data fragment " + std::to_string(i);
            if (fragments->getItem(item, i).bad() || item == nullptr) {
                return fail(ErrorCode::Malformed, what + " cannot be read");
            }
            if (auto ok = hashValue(*item, i - 1, hasher, out.hashedBytes, options, cache, what); !ok) {
                return Unexpected{ok.error()};
            }
        }
    } else {
        // A file in an encapsulated transfer syntax holds its Pixel Data in fragments; when DCMTK
        // decompressed it in memory and dropped them (as its JPEG decoder does after a colour conversion),
        // what is left is not the value the file holds.
        if (const auto* ds = dynamic_cast<const DcmDataset*>(&dataset);
            pixelData != nullptr && ds != nullptr && DcmXfer(ds->getOriginalXfer()).isEncapsulated()) {
            return fail(ErrorCode::Malformed,
                        "the Pixel Data was decompressed in memory and its stored fragments are no longer "
                        "held; its digest is taken only from the fragments the file holds");
        }
        if (pixelData != nullptr) {
            E_TransferSyntax current = EXS_Unknown;
            const DcmRepresentationParameter* currentParam = nullptr;
            pixelData->getCurrentRepresentationKey(current, currentParam);
            if (current != EXS_Unknown && DcmXfer(current).isEncapsulated()) {
                return fail(ErrorCode::Malformed,
                            "the Pixel Data was compressed in memory after it was read; its digest is taken "
                            "only from the native value the file holds");
            }
        }
        if (auto ok = hashValue(*element, 0, hasher, out.hashedBytes, options, cache, "the Pixel Data value");
            !ok) {
            return Unexpected{ok.error()};
        }
    }
    out.sha256 = toHex(hasher.finish());
    return out;
}

Expected<ContentIdentity, Error> contentIdentity(DcmItem& dataset, ContentDigest digest) {
    ContentIdentity id;
    id.sopClassUID = getString(&dataset, DCM_SOPClassUID);
    id.sopInstanceUID = getString(&dataset, DCM_SOPInstanceUID);
    id.studyInstanceUID = getString(&dataset, DCM_StudyInstanceUID);
    id.seriesInstanceUID = getString(&dataset, DCM_SeriesInstanceUID);
    id.modality = getString(&dataset, DCM_Modality);
    if (id.sopInstanceUID.empty()) {
        return fail(ErrorCode::Malformed, "the DICOM file has no SOP Instance UID");
    }
    id.method = digest.method;
    id.sha256 = std::move(digest.sha256);
    id.hashedBytes = digest.hashedBytes;
    return id;
}

Expected<ContentIdentity, Error> contentIdentity(DcmItem& dataset, const DigestOptions& options) {
    const bool waveform = dataset.tagExists(DCM_WaveformSequence);
    if (!waveform && !dataset.tagExists(DCM_PixelData)) {
        return fail(ErrorCode::Unsupported,
                    "the DICOM file has neither waveforms nor pixel data: no finding can be bound to it");
    }
    auto digest = waveform ? waveformDigest(dataset, options) : pixelDataDigest(dataset, options);
    if (!digest) {
        return Unexpected{digest.error()};
    }
    return contentIdentity(dataset, std::move(*digest));
}

} // namespace veridicor::dicom
