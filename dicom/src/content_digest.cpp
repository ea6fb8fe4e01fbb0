#include <veridicor/dicom/content_digest.h>
#include <veridicor/dicom/load.h>

#include <dcmtk/dcmdata/dcdatset.h>
#include <dcmtk/dcmdata/dcdeftag.h>
#include <dcmtk/dcmdata/dcelem.h>
#include <dcmtk/dcmdata/dcfcache.h>
#include <dcmtk/dcmdata/dcfilefo.h>
#include <dcmtk/dcmdata/dcitem.h>
#include <dcmtk/dcmdata/dcmetinf.h>
#include <dcmtk/dcmdata/dcpixel.h>
#include <dcmtk/dcmdata/dcpixseq.h>
#include <dcmtk/dcmdata/dcpxitem.h>
#include <dcmtk/dcmdata/dcsequen.h>
#include <dcmtk/dcmdata/dcvr.h>
#include <dcmtk/dcmdata/dcxfer.h>

#include <openssl/evp.h>

#include <algorithm>
#include <array>
#include <iterator>
#include <optional>
#include <stdexcept>
#include <string_view>
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
    Context(Context&&) = delete;
    Context& operator=(Context&&) = delete;
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
    static constexpr std::string_view kHex = "0123456789abcdef";
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
    case ContentMethod::WaveformV2:
        return "dicom-waveform-v2";
    case ContentMethod::PixelDataV2:
        return "dicom-pixeldata-v2";
    }
    return "";
}

ContentMethod contentMethod(ContentKind kind, int version) {
    if (kind == ContentKind::Waveform) {
        return version >= 2 ? ContentMethod::WaveformV2 : ContentMethod::WaveformV1;
    }
    return version >= 2 ? ContentMethod::PixelDataV2 : ContentMethod::PixelDataV1;
}

namespace {

ContentKind kindOf(ContentMethod m) {
    return m == ContentMethod::WaveformV1 || m == ContentMethod::WaveformV2 ? ContentKind::Waveform
                                                                            : ContentKind::PixelData;
}

std::string digestByMethod(ContentKind kind, const std::string& v1, const std::string& v2, ContentMethod m) {
    if (kindOf(m) != kind) {
        return {};
    }
    return m == ContentMethod::WaveformV1 || m == ContentMethod::PixelDataV1 ? v1 : v2;
}

} // namespace

std::string ContentDigest::digest(ContentMethod method) const {
    return digestByMethod(kind, sha256, sha256V2, method);
}

std::string ContentIdentity::digest(ContentMethod method) const {
    return digestByMethod(kind, sha256, sha256V2, method);
}

bool ContentIdentity::sameContent(const ContentIdentity& other) const {
    return kind == other.kind && sha256 == other.sha256 && sha256V2 == other.sha256V2 &&
           sopInstanceUID == other.sopInstanceUID && studyInstanceUID == other.studyInstanceUID &&
           seriesInstanceUID == other.seriesInstanceUID && modality == other.modality;
}

namespace {

Unexpected<Error> fail(ErrorCode code, std::string message) {
    return Unexpected{Error{code, std::move(message)}};
}

// ---- the attribute lists of the v2 methods (finding-bundle Revision 2, R2.1), in their order

struct AttributeSpec {
    Uint16 group = 0;
    Uint16 element = 0;
    const char* name = "";
    const AttributeSpec* items = nullptr; ///< non-null: a sequence, each of whose items lists these
    std::size_t itemCount = 0;
    [[nodiscard]] bool isSequence() const { return items != nullptr; }
};

template <std::size_t N>
constexpr AttributeSpec sequence(Uint16 g, Uint16 e, const char* name,
                                 const std::array<AttributeSpec, N>& items) {
    return AttributeSpec{g, e, name, items.data(), N};
}

constexpr auto kCodeAndScheme = std::to_array<AttributeSpec>({
    {0x0008, 0x0100, "Code Value"},
    {0x0008, 0x0102, "Coding Scheme Designator"},
});
constexpr auto kCodeOnly = std::to_array<AttributeSpec>({{0x0008, 0x0100, "Code Value"}});

constexpr auto kChannelDefinition = std::to_array<AttributeSpec>({
    {0x003A, 0x0203, "Channel Label"},
    sequence(0x003A, 0x0208, "Channel Source Sequence", kCodeAndScheme),
    sequence(0x003A, 0x0209, "Channel Source Modifiers Sequence", kCodeAndScheme),
    {0x003A, 0x0210, "Channel Sensitivity"},
    sequence(0x003A, 0x0211, "Channel Sensitivity Units Sequence", kCodeOnly),
    {0x003A, 0x0212, "Channel Sensitivity Correction Factor"},
    {0x003A, 0x0213, "Channel Baseline"},
    {0x003A, 0x0214, "Channel Time Skew"},
    {0x003A, 0x0215, "Channel Sample Skew"},
    {0x003A, 0x0218, "Channel Offset"},
    {0x003A, 0x021A, "Waveform Bits Stored"},
    {0x003A, 0x0220, "Filter Low Frequency"},
    {0x003A, 0x0221, "Filter High Frequency"},
    {0x003A, 0x0222, "Notch Filter Frequency"},
    {0x003A, 0x0223, "Notch Filter Bandwidth"},
});

constexpr auto kWaveformItem = std::to_array<AttributeSpec>({
    {0x0018, 0x1068, "Multiplex Group Time Offset"},
    {0x0018, 0x1069, "Trigger Time Offset"},
    {0x003A, 0x0005, "Number of Waveform Channels"},
    {0x003A, 0x0010, "Number of Waveform Samples"},
    {0x003A, 0x001A, "Sampling Frequency"},
    {0x5400, 0x1004, "Waveform Bits Allocated"},
    {0x5400, 0x1006, "Waveform Sample Interpretation"},
    {0x5400, 0x100A, "Waveform Padding Value"},
    sequence(0x003A, 0x0200, "Channel Definition Sequence", kChannelDefinition),
});

constexpr auto kUltrasoundRegion = std::to_array<AttributeSpec>({
    {0x0018, 0x6012, "Region Spatial Format"},
    {0x0018, 0x6014, "Region Data Type"},
    {0x0018, 0x6016, "Region Flags"},
    {0x0018, 0x6018, "Region Location Min X0"},
    {0x0018, 0x601A, "Region Location Min Y0"},
    {0x0018, 0x601C, "Region Location Max X1"},
    {0x0018, 0x601E, "Region Location Max Y1"},
    {0x0018, 0x6020, "Reference Pixel X0"},
    {0x0018, 0x6022, "Reference Pixel Y0"},
    {0x0018, 0x6024, "Physical Units X Direction"},
    {0x0018, 0x6026, "Physical Units Y Direction"},
    {0x0018, 0x6028, "Reference Pixel Physical Value X"},
    {0x0018, 0x602A, "Reference Pixel Physical Value Y"},
    {0x0018, 0x602C, "Physical Delta X"},
    {0x0018, 0x602E, "Physical Delta Y"},
    {0x0018, 0x6030, "Transducer Frequency"},
    {0x0018, 0x6032, "Pulse Repetition Frequency"},
});

#define VERIDICOR_IDENTITY_ATTRIBUTES                                                                        \
    {0x0008, 0x0016, "SOP Class UID"}, {0x0008, 0x0018, "SOP Instance UID"}, {0x0008, 0x0060, "Modality"},   \
        {0x0020, 0x000D, "Study Instance UID"}, {0x0020, 0x000E, "Series Instance UID"},                     \
        {0x0010, 0x0020, "Patient ID"}, {                                                                    \
        0x0010, 0x0021, "Issuer of Patient ID"                                                               \
    }

constexpr auto kWaveformV2 = std::to_array<AttributeSpec>({
    VERIDICOR_IDENTITY_ATTRIBUTES,
    sequence(0x5400, 0x0100, "Waveform Sequence", kWaveformItem),
});

constexpr auto kPixelDataV2 = std::to_array<AttributeSpec>({
    VERIDICOR_IDENTITY_ATTRIBUTES,
    {0x0002, 0x0010, "Transfer Syntax UID"},
    {0x0028, 0x0002, "Samples per Pixel"},
    {0x0028, 0x0004, "Photometric Interpretation"},
    {0x0028, 0x0006, "Planar Configuration"},
    {0x0028, 0x0008, "Number of Frames"},
    {0x0028, 0x0009, "Frame Increment Pointer"},
    {0x0028, 0x0010, "Rows"},
    {0x0028, 0x0011, "Columns"},
    {0x0028, 0x0030, "Pixel Spacing"},
    {0x0028, 0x0100, "Bits Allocated"},
    {0x0028, 0x0101, "Bits Stored"},
    {0x0028, 0x0102, "High Bit"},
    {0x0028, 0x0103, "Pixel Representation"},
    {0x0028, 0x1050, "Window Center"},
    {0x0028, 0x1051, "Window Width"},
    {0x0028, 0x1052, "Rescale Intercept"},
    {0x0028, 0x1053, "Rescale Slope"},
    {0x0028, 0x1101, "Red Palette Color Lookup Table Descriptor"},
    {0x0028, 0x1102, "Green Palette Color Lookup Table Descriptor"},
    {0x0028, 0x1103, "Blue Palette Color Lookup Table Descriptor"},
    {0x0028, 0x1201, "Red Palette Color Lookup Table Data"},
    {0x0028, 0x1202, "Green Palette Color Lookup Table Data"},
    {0x0028, 0x1203, "Blue Palette Color Lookup Table Data"},
    {0x0028, 0x1221, "Segmented Red Palette Color Lookup Table Data"},
    {0x0028, 0x1222, "Segmented Green Palette Color Lookup Table Data"},
    {0x0028, 0x1223, "Segmented Blue Palette Color Lookup Table Data"},
    {0x0018, 0x0040, "Cine Rate"},
    {0x0018, 0x1063, "Frame Time"},
    {0x0018, 0x1065, "Frame Time Vector"},
    {0x0018, 0x1242, "Actual Frame Duration"},
    sequence(0x0018, 0x6011, "Sequence of Ultrasound Regions", kUltrasoundRegion),
});

#undef VERIDICOR_IDENTITY_ATTRIBUTES

/// A header value larger than this is not a header value (a palette is at most 128 KiB, a Frame Time Vector
/// of 100,000 frames under 2 MiB): refused before it is read.
constexpr Uint32 kMaxAttributeBytes = Uint32{16} << 20;

std::string tagText(Uint16 group, Uint16 element) {
    static constexpr std::string_view kHex = "0123456789ABCDEF";
    std::string s(9, ',');
    for (int i = 0; i < 4; ++i) {
        s[static_cast<std::size_t>(3 - i)] = kHex[(group >> (4 * i)) & 0xFU];
        s[static_cast<std::size_t>(8 - i)] = kHex[(element >> (4 * i)) & 0xFU];
    }
    return s;
}

/// A header is small (a few kilobytes; palettes 3 × 128 KiB): more than this, all attributes together, is not
/// a header but a way to make the workstation work, and is refused.
constexpr std::size_t kMaxHeaderEncodingBytes = std::size_t{64} << 20;

/// Writes the v2 encoding of the attribute lists into one buffer and remembers where each attribute's
/// encoding (a sequence's: with all its items) begins and ends, so that every attribute's digest is one
/// SHA-256 over its range afterwards (one context reused, instead of a digest per nesting level fed byte by
/// byte).
class AttributeEncoder {
public:
    explicit AttributeEncoder(DcmFileCache& cache) : m_cache(cache) {}

    /// The encoding, and each attribute's digest (in the order the attributes were opened).
    [[nodiscard]] const std::string& encoding() const { return m_out; }
    [[nodiscard]] std::vector<AttributeDigest> attributeDigests() const {
        std::vector<AttributeDigest> out;
        out.reserve(m_ranges.size());
        Sha256 h;
        for (const auto& r : m_ranges) {
            h.update(m_out.data() + r.begin, r.end - r.begin);
            out.push_back(AttributeDigest{r.path, toHex(h.finish())});
        }
        return out;
    }

    /// The listed attributes of `item` (`meta` is the file meta information, for the group-0002 attribute).
    Expected<void, Error> encodeList(DcmItem* item, const AttributeSpec* list, std::size_t count,
                                     const std::string& prefix, DcmItem* meta) {
        for (std::size_t i = 0; i < count; ++i) {
            if (auto ok = encodeAttribute(item, list[i], prefix, meta); !ok) {
                return ok;
            }
        }
        return {};
    }

private:
    struct Range {
        std::string path;
        std::size_t begin = 0;
        std::size_t end = 0;
    };
    DcmFileCache& m_cache;
    std::string m_out;
    std::vector<Range> m_ranges;

    Expected<void, Error> room(std::size_t more, const std::string& path) {
        if (more > kMaxHeaderEncodingBytes - std::min(m_out.size(), kMaxHeaderEncodingBytes)) {
            return fail(ErrorCode::Malformed, "the header attributes are larger than " +
                                                  std::to_string(kMaxHeaderEncodingBytes >> 20) +
                                                  " MiB in all (at " + path + "): that is no header");
        }
        return {};
    }
    void bytes(const void* data, std::size_t size) { m_out.append(static_cast<const char*>(data), size); }
    void u8(std::uint8_t v) { m_out.push_back(static_cast<char>(v)); }
    void u16be(std::uint16_t v) {
        u8(static_cast<std::uint8_t>(v >> 8U));
        u8(static_cast<std::uint8_t>(v & 0xFFU));
    }
    void u64be(std::uint64_t v) {
        for (int shift = 56; shift >= 0; shift -= 8) {
            u8(static_cast<std::uint8_t>((v >> static_cast<unsigned>(shift)) & 0xFFU));
        }
    }

    Expected<void, Error> encodeAttribute(DcmItem* item, const AttributeSpec& spec, const std::string& prefix,
                                          DcmItem* meta) {
        const std::string path = prefix + tagText(spec.group, spec.element);
        const DcmTagKey key(spec.group, spec.element);
        // The one attribute of the file meta information, Transfer Syntax UID, is read from there.
        DcmItem* holder = spec.group == 0x0002 ? meta : item;
        DcmElement* element = nullptr;
        if (holder != nullptr && holder->findAndGetElement(key, element, OFFalse).bad()) {
            element = nullptr;
        }
        if (auto ok = room(13, path); !ok) {
            return ok;
        }
        const std::size_t index = m_ranges.size();
        m_ranges.push_back(Range{path, m_out.size(), 0});
        u16be(spec.group);
        u16be(spec.element);
        u8(element != nullptr ? 1 : 0);
        if (element != nullptr) {
            if (auto ok = spec.isSequence() ? encodeSequence(*element, spec, path, meta)
                                            : encodeValue(*element, spec, path);
                !ok) {
                return ok;
            }
        }
        m_ranges[index].end = m_out.size();
        return {};
    }

    Expected<void, Error> encodeSequence(DcmElement& element, const AttributeSpec& spec,
                                         const std::string& path, DcmItem* meta) {
        if (element.ident() != EVR_SQ) {
            return fail(ErrorCode::Malformed, std::string(spec.name) + " (" + path + ") is not a sequence");
        }
        // EVR_SQ is DcmSequenceOfItems itself (a pixel sequence, also derived from it, says EVR_pixelSQ), as
        // checked above, so the downcast is exact.
        // NOLINTNEXTLINE(cppcoreguidelines-pro-type-static-cast-downcast)
        auto& seq = static_cast<DcmSequenceOfItems&>(element);
        const unsigned long items = seq.card();
        u64be(items);
        for (unsigned long i = 0; i < items; ++i) {
            if (auto ok = room(8, path); !ok) {
                return ok;
            }
            u64be(i);
            if (auto ok = encodeList(seq.getItem(i), spec.items, spec.itemCount,
                                     path + "[" + std::to_string(i) + "]/", meta);
                !ok) {
                return ok;
            }
        }
        return {};
    }

    Expected<void, Error> encodeValue(DcmElement& element, const AttributeSpec& spec,
                                      const std::string& path) {
        if (element.ident() == EVR_SQ) {
            return fail(ErrorCode::Malformed,
                        std::string(spec.name) + " (" + path + ") is a sequence where a value is expected");
        }
        const Uint32 length = element.getLengthField();
        if (length == DCM_UndefinedLength || length > kMaxAttributeBytes) {
            return fail(ErrorCode::Malformed,
                        std::string(spec.name) + " (" + path + ") has a length no header value can have");
        }
        if (auto ok = room(std::size_t{8} + length, path); !ok) {
            return ok;
        }
        const DcmVR vr(element.getVR());
        if (vr.isaString()) {
            // As stored, only DICOM's padding removed: trailing spaces, and for UI trailing NULs as well.
            char* text = nullptr;
            Uint32 size = 0;
            if (length > 0 && (element.getString(text, size).bad() || (text == nullptr && size > 0))) {
                return fail(ErrorCode::Truncated,
                            std::string(spec.name) + " (" + path + ") could not be read");
            }
            std::size_t n = text == nullptr ? 0 : std::min<std::size_t>(size, length);
            const bool uid = element.getVR() == EVR_UI;
            while (n > 0 && (text[n - 1] == ' ' || (uid && text[n - 1] == '\0'))) {
                --n;
            }
            u64be(n);
            bytes(text, n);
            return {};
        }
        // Binary VRs (US, SS, UL, SL, FL, FD, OB, OW, AT, …): the value bytes, little-endian whatever the
        // transfer syntax.
        u64be(length);
        const std::size_t at = m_out.size();
        m_out.resize(at + length);
        if (length > 0 &&
            element.getPartialValue(m_out.data() + at, 0, length, &m_cache, EBO_LittleEndian).bad()) {
            return fail(ErrorCode::Truncated,
                        std::string(spec.name) + " (" + path + ") could not be read to its end");
        }
        return {};
    }
};

/// The file meta information of the file that holds `dataset`, when it is held by one.
DcmItem* metaOf(DcmItem& dataset) {
    auto* file = dynamic_cast<DcmFileFormat*>(dataset.getParent());
    return file != nullptr ? file->getMetaInfo() : nullptr;
}

/// The v1 and the v2 digest side by side: the attributes go into v2 first, then both see the same data.
struct TwoDigests {
    Sha256 v1;
    Sha256 v2;
    void data(const std::uint8_t* p, std::size_t n) {
        v1.update(p, n);
        v2.update(p, n);
    }
};

Expected<void, Error> beginV2(TwoDigests& h, ContentMethod method, DcmItem& dataset,
                              const AttributeSpec* list, std::size_t count, std::uint64_t dataLength,
                              DcmFileCache& cache, std::vector<AttributeDigest>& attributes) {
    const std::string domain = "veridicor:" + std::string(contentMethodName(method));
    h.v2.update(domain.data(), domain.size() + 1); // with its terminating NUL: the 0x00 separator
    AttributeEncoder enc(cache);
    if (auto ok = enc.encodeList(&dataset, list, count, "", metaOf(dataset)); !ok) {
        return ok;
    }
    h.v2.update(enc.encoding().data(), enc.encoding().size());
    attributes = enc.attributeDigests();
    std::array<std::uint8_t, 8> length{};
    for (std::size_t i = 0; i < length.size(); ++i) {
        length.at(i) = static_cast<std::uint8_t>((dataLength >> (56U - 8U * i)) & 0xFFU);
    }
    h.v2.update(length.data(), length.size());
    return {};
}

/// Streams one element's value bytes (16-bit words little-endian) into `h`, in pieces, telling the
/// observer. All of the value: an odd-length OW value's last byte included (DCMTK's getPartialValue reads it
/// alone).
Expected<void, Error> hashValue(DcmElement& element, std::size_t part, TwoDigests& h, std::uint64_t& bytes,
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
        h.data(buf.data(), n);
        if (options.observer) {
            options.observer(ValuePiece{part, offset, buf.data(), n});
        }
        bytes += n;
        offset += n;
    }
    return {};
}

void finishDigests(TwoDigests& h, ContentDigest& out) {
    out.sha256 = toHex(h.v1.finish());
    out.sha256V2 = toHex(h.v2.finish());
}

} // namespace

std::string describeAttributePath(std::string_view path) {
    // Walk the path through the lists, naming each step; anything unknown is returned as given.
    struct Step {
        const AttributeSpec* spec;
        std::optional<unsigned long> item;
    };
    std::vector<Step> steps;
    const AttributeSpec* list = nullptr;
    std::size_t count = 0;
    std::string_view rest = path;
    bool first = true;
    while (!rest.empty()) {
        const std::size_t slash = rest.find('/');
        std::string_view part = rest.substr(0, slash);
        rest = slash == std::string_view::npos ? std::string_view() : rest.substr(slash + 1);
        std::optional<unsigned long> item;
        if (const std::size_t bracket = part.find('['); bracket != std::string_view::npos) {
            if (part.back() != ']') {
                return std::string(path);
            }
            const std::string digits(part.substr(bracket + 1, part.size() - bracket - 2));
            if (digits.empty() || digits.size() > 9 ||
                digits.find_first_not_of("0123456789") != std::string::npos) {
                return std::string(path);
            }
            item = std::stoul(digits);
            part = part.substr(0, bracket);
        }
        const AttributeSpec* found = nullptr;
        auto search = [&](const AttributeSpec* l, std::size_t n) {
            for (std::size_t i = 0; i < n && found == nullptr; ++i) {
                if (tagText(l[i].group, l[i].element) == part) {
                    found = &l[i];
                }
            }
        };
        if (first) {
            search(kWaveformV2.data(), kWaveformV2.size());
            search(kPixelDataV2.data(), kPixelDataV2.size());
            first = false;
        } else {
            search(list, count);
        }
        if (found == nullptr || (item && !found->isSequence()) || (!rest.empty() && !item)) {
            return std::string(path);
        }
        steps.push_back(Step{found, item});
        list = found->items;
        count = found->itemCount;
    }
    if (steps.empty()) {
        return std::string(path);
    }
    const AttributeSpec& leaf = *steps.back().spec;
    std::string out = std::string(leaf.name) + " (" + tagText(leaf.group, leaf.element) + ")";
    for (auto it = steps.rbegin() + 1; it != steps.rend(); ++it) {
        const unsigned long n = *it->item + 1;
        const AttributeSpec& s = *it->spec;
        if (s.group == 0x5400 && s.element == 0x0100) {
            out += " of waveform group " + std::to_string(n);
        } else if (s.group == 0x003A && s.element == 0x0200) {
            out += " of channel " + std::to_string(n);
        } else if (s.group == 0x0018 && s.element == 0x6011) {
            out += " of ultrasound region " + std::to_string(n);
        } else {
            out += " in item " + std::to_string(n) + " of the " + s.name;
        }
    }
    return out;
}

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
    std::vector<DcmElement*> values;
    std::uint64_t total = 0;
    for (unsigned long i = 0; i < seq->card(); ++i) {
        DcmItem* item = seq->getItem(i);
        DcmElement* data = nullptr;
        if (item == nullptr || item->findAndGetElement(DCM_WaveformData, data).bad() || data == nullptr) {
            return fail(ErrorCode::Malformed,
                        "waveform item " + std::to_string(i + 1) + " has no Waveform Data (5400,1010)");
        }
        if (data->getLengthField() == DCM_UndefinedLength) {
            return fail(ErrorCode::Malformed, "the Waveform Data (5400,1010) of waveform item " +
                                                  std::to_string(i + 1) + " has an undefined length");
        }
        total += data->getLengthField();
        values.push_back(data);
    }
    TwoDigests h;
    ContentDigest out;
    out.kind = ContentKind::Waveform;
    if (auto ok = beginV2(h, ContentMethod::WaveformV2, dataset, kWaveformV2.data(), kWaveformV2.size(),
                          total, cache, out.attributes);
        !ok) {
        return Unexpected{ok.error()};
    }
    for (std::size_t i = 0; i < values.size(); ++i) {
        const std::string what = "the Waveform Data (5400,1010) of waveform item " + std::to_string(i + 1);
        if (auto ok = hashValue(*values[i], i, h, out.hashedBytes, options, cache, what); !ok) {
            return Unexpected{ok.error()};
        }
    }
    finishDigests(h, out);
    return out;
}

Expected<ContentDigest, Error> pixelDataDigest(DcmItem& dataset, const DigestOptions& options) {
    DcmElement* element = nullptr;
    if (dataset.findAndGetElement(DCM_PixelData, element).bad() || element == nullptr) {
        return fail(ErrorCode::Malformed, "the DICOM file has no Pixel Data (7FE0,0010)");
    }
    DcmFileCache localCache;
    DcmFileCache& cache = options.cache != nullptr ? *options.cache : localCache;
    TwoDigests h;
    ContentDigest out;
    out.kind = ContentKind::PixelData;
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
        std::vector<DcmPixelItem*> items;
        std::uint64_t total = 0;
        for (unsigned long i = 1; i < fragments->card(); ++i) {
            DcmPixelItem* item = nullptr;
            if (fragments->getItem(item, i).bad() || item == nullptr) {
                return fail(ErrorCode::Malformed,
                            "pixel data fragment " + std::to_string(i) + " cannot be read");
            }
            if (item->getLengthField() == DCM_UndefinedLength) {
                return fail(ErrorCode::Malformed,
                            "pixel data fragment " + std::to_string(i) + " has an undefined length");
            }
            total += item->getLengthField();
            items.push_back(item);
        }
        if (auto ok = beginV2(h, ContentMethod::PixelDataV2, dataset, kPixelDataV2.data(),
                              kPixelDataV2.size(), total, cache, out.attributes);
            !ok) {
            return Unexpected{ok.error()};
        }
        for (std::size_t i = 0; i < items.size(); ++i) {
            const std::string what = "pixel data fragment " + std::to_string(i + 1);
            if (auto ok = hashValue(*items[i], i, h, out.hashedBytes, options, cache, what); !ok) {
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
        const Uint32 length = element->getLengthField();
        if (length == DCM_UndefinedLength) {
            return fail(ErrorCode::Malformed, "the Pixel Data value has an undefined length");
        }
        if (auto ok = beginV2(h, ContentMethod::PixelDataV2, dataset, kPixelDataV2.data(),
                              kPixelDataV2.size(), length, cache, out.attributes);
            !ok) {
            return Unexpected{ok.error()};
        }
        if (auto ok = hashValue(*element, 0, h, out.hashedBytes, options, cache, "the Pixel Data value");
            !ok) {
            return Unexpected{ok.error()};
        }
    }
    finishDigests(h, out);
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
    id.kind = digest.kind;
    id.sha256 = std::move(digest.sha256);
    id.sha256V2 = std::move(digest.sha256V2);
    id.attributes = std::move(digest.attributes);
    id.hashedBytes = digest.hashedBytes;
    return id;
}

Expected<ContentIdentity, Error> contentIdentity(DcmItem& dataset, const DigestOptions& options) {
    // An object with Pixel Data is bound only by its pixel data (finding-bundle R2.1), also when it carries
    // a Waveform Sequence beside it: otherwise its frames could be reordered under a finding bound to the
    // waveforms.
    const bool pixels = dataset.tagExists(DCM_PixelData);
    if (!pixels && !dataset.tagExists(DCM_WaveformSequence)) {
        return fail(ErrorCode::Unsupported,
                    "the DICOM file has neither waveforms nor pixel data: no finding can be bound to it");
    }
    auto digest = pixels ? pixelDataDigest(dataset, options) : waveformDigest(dataset, options);
    if (!digest) {
        return Unexpected{digest.error()};
    }
    return contentIdentity(dataset, std::move(*digest));
}

} // namespace veridicor::dicom
