// ClipReader: opens an image object with its Pixel Data left on disk, groups fragments into frames, and reads
// and decodes one frame at a time.
#include "decoders.h"

#include <veridicor/cine/clip_reader.h>
#include <veridicor/dicom/content_digest.h>
#include <veridicor/dicom/dicom_env.h>
#include <veridicor/dicom/load.h>

#include <dcmtk/dcmdata/dcdeftag.h>
#include <dcmtk/dcmdata/dcfcache.h>
#include <dcmtk/dcmdata/dcfilefo.h>
#include <dcmtk/dcmdata/dcpixel.h>
#include <dcmtk/dcmdata/dcpixseq.h>
#include <dcmtk/dcmdata/dcpxitem.h>
#include <dcmtk/dcmdata/dcxfer.h>

#include <algorithm>
#include <array>
#include <mutex>

namespace veridicor::cine {

using detail::Codec;

struct ClipReader::Impl {
    std::unique_ptr<DcmFileFormat> file;
    std::filesystem::path path;
    std::uint64_t fileBytes = 0;
    ImageInfo info;
    Codec codec = Codec::Unsupported;
    DcmElement* pixel = nullptr; ///< owned by `file`
    bool truncatedFile = false;

    // Native pixel data
    std::uint64_t pixelLength = 0;
    std::uint64_t frameBytes = 0;

    // Encapsulated pixel data (the Basic Offset Table item is not in `fragments`)
    std::vector<DcmPixelItem*> fragments;
    std::vector<std::uint32_t> fragmentLengths;
    struct Range {
        int first = 0;
        int count = 0;
    };
    std::vector<Range> ranges;
    std::vector<std::optional<Error>> problems;

    mutable std::mutex io;
    mutable DcmFileCache cache;

    // What was read at open: the content's digest, and the SHA-256 of each native frame or each fragment
    // (nullopt where it could not be read then). Every later read is checked against these.
    std::optional<dicom::ContentIdentity> content;
    std::string contentProblem;
    std::vector<std::optional<dicom::Sha256Digest>> frameDigests;    ///< native
    std::vector<std::optional<dicom::Sha256Digest>> fragmentDigests; ///< encapsulated

    Expected<void, Error> locateNative();
    Expected<void, Error> locateEncapsulated();
    bool groupByOffsets(const std::vector<std::uint64_t>& offsets, const char* what);
    void groupByScanning();
    std::optional<std::array<std::uint8_t, 4>> head(int fragment) const;
    std::optional<std::array<std::uint8_t, 8>> tail(int fragment) const;
    void hashContent();
};

namespace {

Error fromDicom(const dicom::Error& e) {
    switch (e.code) {
    case dicom::ErrorCode::Environment:
        return {ErrorCode::Environment, e.message};
    case dicom::ErrorCode::Unreadable:
        return {ErrorCode::Unreadable, e.message};
    case dicom::ErrorCode::NotDicom:
        return {ErrorCode::NotDicom, e.message};
    case dicom::ErrorCode::Truncated:
        return {ErrorCode::Truncated, e.message};
    case dicom::ErrorCode::Malformed:
        return {ErrorCode::Malformed, e.message};
    case dicom::ErrorCode::Unsupported:
        return {ErrorCode::Unsupported, e.message};
    case dicom::ErrorCode::TooLarge:
        return {ErrorCode::TooLarge, e.message};
    }
    return {ErrorCode::Malformed, e.message};
}

std::string frameLabel(int frame) {
    return "frame " + std::to_string(frame + 1);
}

/// A frame whose bytes on disk are not the ones read at open: never decoded.
Unexpected<Error> changedOnDisk(int frame, bool hashedAtOpen) {
    return Unexpected{Error{
        ErrorCode::ChangedOnDisk,
        frameLabel(frame) + ": " +
            (hashedAtOpen ? std::string("the file changed on disk since it was opened (its bytes are not the "
                                        "ones read then), so this frame is not shown")
                          : std::string("its bytes could not be read when the file was opened, but can now: "
                                        "the file changed on disk since it was opened, so this frame is not "
                                        "shown"))}};
}

std::string rangeText(int first, int last) {
    return first == last ? std::to_string(first + 1)
                         : std::to_string(first + 1) + "–" + std::to_string(last + 1);
}

} // namespace

Expected<std::shared_ptr<ClipReader>, Error> ClipReader::open(const std::filesystem::path& path,
                                                              const OpenOptions& options) {
    auto impl = std::make_unique<Impl>();
    impl->path = path;
    dicom::LoadOptions lo;
    lo.lazyValueBytes = std::max<std::uint32_t>(options.lazyValueBytes, 16);
    auto loaded = dicom::loadFile(path, lo);
    if (loaded) {
        impl->file = std::move(loaded->file);
        impl->fileBytes = loaded->fileBytes;
        impl->info.transferSyntaxUID = loaded->transferSyntaxUID;
    } else if (loaded.error().code == dicom::ErrorCode::Truncated) {
        // A file cut short inside its Pixel Data (an interrupted copy, say) still has every frame before the
        // cut: read it again accepting the truncation, and only if the header up to Pixel Data is complete.
        auto ff = std::make_unique<DcmFileFormat>();
        dicom::DcmtkMessageCapture capture;
        (void)ff->loadFile(OFFilename(path.c_str()), EXS_Unknown, EGL_noChange, lo.lazyValueBytes,
                           ERM_autoDetect);
        DcmElement* pd = nullptr;
        if (ff->getDataset() == nullptr || ff->getDataset()->findAndGetElement(DCM_PixelData, pd).bad() ||
            pd == nullptr) {
            return Unexpected{fromDicom(loaded.error())};
        }
        std::error_code ec;
        impl->fileBytes = std::filesystem::file_size(path, ec);
        impl->info.transferSyntaxUID = DcmXfer(ff->getDataset()->getOriginalXfer()).getXferID();
        impl->file = std::move(ff);
        impl->truncatedFile = true;
    } else {
        return Unexpected{fromDicom(loaded.error())};
    }
    DcmDataset* ds = impl->file->getDataset();
    auto info = readImageInfo(ds, impl->info.transferSyntaxUID, options.limits);
    if (!info) {
        return Unexpected{info.error()};
    }
    impl->info = std::move(*info);
    if (impl->truncatedFile) {
        impl->info.notes.insert(
            impl->info.notes.begin(),
            "the file is truncated inside its Pixel Data: frames past the cut cannot be shown");
    }
    impl->codec = detail::codecFor(impl->info.transferSyntaxUID);
    if (impl->codec == Codec::Unsupported) {
        return Unexpected{
            Error{ErrorCode::Unsupported, "the transfer syntax " + impl->info.transferSyntaxUID + " (" +
                                              DcmXfer(impl->info.transferSyntaxUID.c_str()).getXferName() +
                                              ") is not supported"}};
    }
    if (ds->findAndGetElement(DCM_PixelData, impl->pixel).bad() || impl->pixel == nullptr) {
        if (ds->tagExists(DCM_FloatPixelData) || ds->tagExists(DCM_DoubleFloatPixelData)) {
            return Unexpected{Error{ErrorCode::Unsupported, "floating-point pixel data is not a cine image"}};
        }
        return Unexpected{Error{ErrorCode::Malformed, "the object has no Pixel Data"}};
    }
    impl->problems.assign(static_cast<std::size_t>(impl->info.frames), std::nullopt);
    const auto located = impl->codec == Codec::Native ? impl->locateNative() : impl->locateEncapsulated();
    if (!located) {
        return Unexpected{located.error()};
    }
    impl->hashContent();
    return std::shared_ptr<ClipReader>(new ClipReader(std::move(impl)));
}

void ClipReader::Impl::hashContent() {
    // One pass over the whole Pixel Data value (I/O bound): the dicom-pixeldata-v1 digest, and on the way the
    // SHA-256 of every native frame (read one frame per piece) or of every fragment.
    dicom::DigestOptions o;
    o.cache = &cache;
    dicom::Sha256 running;
    if (codec == Codec::Native) {
        frameDigests.assign(static_cast<std::size_t>(info.frames), std::nullopt);
        constexpr std::uint64_t kMaxPiece = std::uint64_t{64} << 20;
        o.pieceBytes =
            static_cast<std::size_t>(frameBytes <= kMaxPiece ? frameBytes : std::uint64_t{1} << 20);
        o.observer = [this, &running](const dicom::ValuePiece& p) {
            std::uint64_t offset = p.offset;
            const std::uint8_t* data = p.data;
            std::size_t left = p.size;
            while (left > 0) {
                const std::uint64_t f = offset / frameBytes;
                const std::uint64_t end = (f + 1) * frameBytes;
                const auto n = static_cast<std::size_t>(std::min<std::uint64_t>(left, end - offset));
                if (f < frameDigests.size()) {
                    running.update(data, n);
                    if (offset + n == end) {
                        frameDigests[static_cast<std::size_t>(f)] = running.finish();
                    }
                }
                offset += n;
                data += n;
                left -= n;
            }
        };
    } else {
        fragmentDigests.assign(fragments.size(), std::nullopt);
        o.observer = [this, &running](const dicom::ValuePiece& p) {
            if (p.part >= fragmentDigests.size()) {
                return;
            }
            if (p.offset == 0) {
                (void)running.finish(); // a fresh digest for each fragment
            }
            running.update(p.data, p.size);
            if (p.offset + p.size == fragmentLengths[p.part]) {
                fragmentDigests[p.part] = running.finish();
            }
        };
    }
    DcmDataset* ds = file->getDataset();
    auto digest = dicom::pixelDataDigest(*ds, o);
    if (!digest) {
        contentProblem =
            "its Pixel Data could not be read to its end when it was opened (" + digest.error().message + ")";
        return;
    }
    // A Waveform Sequence beside the Pixel Data changes nothing: an object with Pixel Data is bound only by
    // its pixel data (finding-bundle R2.1), which is what this view draws.
    auto id = dicom::contentIdentity(*ds, std::move(*digest));
    if (!id) {
        contentProblem = id.error().message;
        return;
    }
    content = std::move(*id);
}

Expected<void, Error> ClipReader::Impl::locateNative() {
    pixelLength = pixel->getLength();
    frameBytes = info.nativeFrameBytes();
    if (frameBytes == 0) {
        return Unexpected{Error{ErrorCode::Malformed, "frames have no size"}};
    }
    if (pixelLength == 0 || pixelLength == 0xFFFFFFFFu) {
        return Unexpected{Error{ErrorCode::Malformed,
                                "the Pixel Data is empty or encapsulated in an uncompressed "
                                "transfer syntax"}};
    }
    const std::uint64_t whole = pixelLength / frameBytes;
    if (whole == 0) {
        return Unexpected{Error{ErrorCode::Truncated, "the Pixel Data holds " + std::to_string(pixelLength) +
                                                          " bytes, less than one frame of " +
                                                          std::to_string(frameBytes) + " bytes"}};
    }
    if (whole < static_cast<std::uint64_t>(info.frames)) {
        const int have = static_cast<int>(whole);
        const std::string msg = "the Pixel Data holds " + std::to_string(pixelLength) +
                                " bytes, enough for " + std::to_string(have) + " of " +
                                std::to_string(info.frames) + " frames";
        for (int f = have; f < info.frames; ++f) {
            problems[static_cast<std::size_t>(f)] = Error{ErrorCode::Truncated, msg};
        }
        info.notes.push_back(msg + ": frames " + rangeText(have, info.frames - 1) + " cannot be shown");
    }
    return {};
}

std::optional<std::array<std::uint8_t, 4>> ClipReader::Impl::head(int k) const {
    std::array<std::uint8_t, 4> b{};
    const auto len = fragmentLengths[static_cast<std::size_t>(k)];
    if (len < 4 || fragments[static_cast<std::size_t>(k)]->getPartialValue(b.data(), 0, 4, &cache).bad()) {
        return std::nullopt;
    }
    return b;
}

std::optional<std::array<std::uint8_t, 8>> ClipReader::Impl::tail(int k) const {
    std::array<std::uint8_t, 8> b{};
    const auto len = fragmentLengths[static_cast<std::size_t>(k)];
    if (len < 8 ||
        fragments[static_cast<std::size_t>(k)]->getPartialValue(b.data(), len - 8, 8, &cache).bad()) {
        return std::nullopt;
    }
    return b;
}

bool ClipReader::Impl::groupByOffsets(const std::vector<std::uint64_t>& offsets, const char* what) {
    // Offsets count bytes from the first fragment's item tag; they must land on item starts, in order.
    if (offsets.size() != static_cast<std::size_t>(info.frames) || offsets.empty() || offsets[0] != 0) {
        info.notes.push_back(std::string(what) + " has " + std::to_string(offsets.size()) + " entries for " +
                             std::to_string(info.frames) + " frames; frames are found by scanning instead");
        return false;
    }
    std::vector<Range> out(offsets.size());
    std::uint64_t pos = 0;
    std::size_t next = 0;
    for (std::size_t k = 0; k < fragments.size() && next < offsets.size(); ++k) {
        if (pos == offsets[next]) {
            out[next].first = static_cast<int>(k);
            ++next;
        } else if (pos > offsets[next]) {
            break;
        }
        pos += 8 + std::uint64_t{fragmentLengths[k]};
    }
    if (next != offsets.size()) {
        info.notes.push_back(std::string(what) +
                             " does not match the fragments; frames are found by scanning instead");
        return false;
    }
    for (std::size_t f = 0; f < out.size(); ++f) {
        const int end = f + 1 < out.size() ? out[f + 1].first : static_cast<int>(fragments.size());
        out[f].count = end - out[f].first;
        if (out[f].count <= 0) {
            info.notes.push_back(std::string(what) +
                                 " is not increasing; frames are found by scanning instead");
            return false;
        }
    }
    ranges = std::move(out);
    return true;
}

void ClipReader::Impl::groupByScanning() {
    const int nFrag = static_cast<int>(fragments.size());
    const int frames = info.frames;
    std::vector<int> starts;
    if (nFrag == frames) {
        for (int k = 0; k < nFrag; ++k)
            starts.push_back(k);
    } else if (frames == 1) {
        starts.push_back(0);
    } else if (codec == Codec::Rle || nFrag < frames) {
        // RLE has exactly one fragment per frame; with fewer fragments than frames, at most one frame each.
        for (int k = 0; k < nFrag; ++k)
            starts.push_back(k);
    } else {
        // A frame starts with the codec's start marker (JPEG SOI, J2K SOC+SIZ or the JP2 signature) right
        // after a fragment that ended with an end marker (FF D9), possibly followed by zero padding.
        const bool j2k = codec == Codec::Jpeg2000;
        std::vector<bool> startsHere(static_cast<std::size_t>(nFrag)),
            endsHere(static_cast<std::size_t>(nFrag));
        for (int k = 0; k < nFrag; ++k) {
            if (auto h = head(k)) {
                const auto& b = *h;
                startsHere[static_cast<std::size_t>(k)] =
                    j2k ? ((b[0] == 0xFF && b[1] == 0x4F && b[2] == 0xFF && b[3] == 0x51) ||
                           (b[0] == 0 && b[1] == 0 && b[2] == 0 && b[3] == 0x0C))
                        : (b[0] == 0xFF && b[1] == 0xD8 && b[2] == 0xFF);
            }
            if (auto t = tail(k)) {
                int i = 7;
                while (i > 1 && (*t)[static_cast<std::size_t>(i)] == 0x00 && 7 - i < 4)
                    --i;
                endsHere[static_cast<std::size_t>(k)] = (*t)[static_cast<std::size_t>(i - 1)] == 0xFF &&
                                                        (*t)[static_cast<std::size_t>(i)] == 0xD9;
            }
        }
        std::vector<int> strict, loose;
        for (int k = 0; k < nFrag; ++k) {
            if (startsHere[static_cast<std::size_t>(k)]) {
                loose.push_back(k);
                if (k == 0 || endsHere[static_cast<std::size_t>(k - 1)])
                    strict.push_back(k);
            }
        }
        starts = strict.size() == static_cast<std::size_t>(frames) ||
                         loose.size() != static_cast<std::size_t>(frames)
                     ? strict
                     : loose;
        if (starts.empty() || starts[0] != 0) {
            starts.insert(starts.begin(), 0);
        }
    }
    if (starts.size() > static_cast<std::size_t>(frames)) {
        info.notes.push_back("the Pixel Data holds " + std::to_string(starts.size()) +
                             " frames, the header says " + std::to_string(frames) +
                             "; the extra frames are ignored");
        starts.resize(static_cast<std::size_t>(frames));
    }
    ranges.assign(static_cast<std::size_t>(frames), Range{});
    for (std::size_t f = 0; f < starts.size(); ++f) {
        const int end = f + 1 < starts.size() ? starts[f + 1] : nFrag;
        ranges[f] = Range{starts[f], end - starts[f]};
    }
    if (starts.size() < static_cast<std::size_t>(frames)) {
        const int have = static_cast<int>(starts.size());
        const std::string msg = "the Pixel Data holds " + std::to_string(nFrag) + " fragments, enough for " +
                                std::to_string(have) + " of " + std::to_string(frames) + " frames";
        for (int f = have; f < frames; ++f) {
            problems[static_cast<std::size_t>(f)] = Error{ErrorCode::MissingFrame, msg};
        }
        info.notes.push_back(msg + ": frames " + rangeText(have, frames - 1) + " cannot be shown");
    }
}

Expected<void, Error> ClipReader::Impl::locateEncapsulated() {
    auto* pd = dynamic_cast<DcmPixelData*>(pixel);
    if (pd == nullptr) {
        return Unexpected{Error{ErrorCode::Malformed, "the Pixel Data is not a pixel data element"}};
    }
    E_TransferSyntax xfer = EXS_Unknown;
    const DcmRepresentationParameter* param = nullptr;
    pd->getOriginalRepresentationKey(xfer, param);
    DcmPixelSequence* seq = nullptr;
    if (pd->getEncapsulatedRepresentation(xfer, param, seq).bad() || seq == nullptr) {
        return Unexpected{Error{ErrorCode::Malformed,
                                "the transfer syntax is compressed but the Pixel Data is not "
                                "encapsulated in fragments"}};
    }
    const unsigned long items = seq->card();
    if (items < 2) {
        return Unexpected{
            Error{ErrorCode::MissingFrame, "the Pixel Data holds no fragments: no frame can be shown"}};
    }
    std::uint64_t total = 0;
    for (unsigned long i = 1; i < items; ++i) {
        DcmPixelItem* item = nullptr;
        if (seq->getItem(item, i).bad() || item == nullptr) {
            return Unexpected{
                Error{ErrorCode::Malformed, "fragment " + std::to_string(i) + " cannot be read"}};
        }
        fragments.push_back(item);
        fragmentLengths.push_back(item->getLength());
        total += item->getLength();
    }
    if (!truncatedFile && info.transferSyntaxUID != "1.2.840.10008.1.2.1.99" && total > fileBytes) {
        return Unexpected{Error{ErrorCode::Malformed, "the fragments claim more bytes than the file holds"}};
    }
    bool grouped = false;
    // Extended Offset Table (7FE0,0001) first, then the Basic Offset Table (first item).
    DcmElement* eot = nullptr;
    if (file->getDataset()->findAndGetElement(DcmTagKey(0x7FE0, 0x0001), eot).good() && eot != nullptr &&
        eot->getLength() % 8 == 0 && eot->getLength() / 8 == static_cast<Uint32>(info.frames)) {
        std::vector<std::uint64_t> offsets(eot->getLength() / 8);
        if (eot->getPartialValue(offsets.data(), 0, eot->getLength(), &cache).good()) {
            grouped = groupByOffsets(offsets, "the Extended Offset Table");
        }
    }
    DcmPixelItem* bot = nullptr;
    if (!grouped && seq->getItem(bot, 0).good() && bot != nullptr && bot->getLength() > 0) {
        const Uint32 len = bot->getLength();
        if (len % 4 != 0 || len / 4 > static_cast<Uint32>(info.frames) * 2 + 16) {
            info.notes.emplace_back(
                "the Basic Offset Table is malformed; frames are found by scanning instead");
        } else {
            std::vector<std::uint32_t> raw(len / 4);
            if (bot->getPartialValue(raw.data(), 0, len, &cache).good()) {
                grouped = groupByOffsets(std::vector<std::uint64_t>(raw.begin(), raw.end()),
                                         "the Basic Offset Table");
            }
        }
    }
    if (!grouped) {
        groupByScanning();
    }
    return {};
}

ClipReader::ClipReader(std::unique_ptr<Impl> impl) : m_impl(std::move(impl)) {}
ClipReader::~ClipReader() = default;

const ImageInfo& ClipReader::info() const {
    return m_impl->info;
}
const std::filesystem::path& ClipReader::path() const {
    return m_impl->path;
}
const std::optional<dicom::ContentIdentity>& ClipReader::content() const {
    return m_impl->content;
}
const std::string& ClipReader::contentProblem() const {
    return m_impl->contentProblem;
}
bool ClipReader::isEncapsulated() const {
    return m_impl->codec != Codec::Native;
}
int ClipReader::fragmentCount() const {
    return static_cast<int>(m_impl->fragments.size());
}

std::vector<int> ClipReader::frameFirstFragments() const {
    std::vector<int> out;
    for (const auto& r : m_impl->ranges) {
        out.push_back(r.count > 0 ? r.first : -1);
    }
    return out;
}

std::optional<Error> ClipReader::frameProblem(int frame) const {
    if (frame < 0 || frame >= m_impl->info.frames) {
        return Error{ErrorCode::MissingFrame, "there is no " + frameLabel(frame) + " in a clip of " +
                                                  std::to_string(m_impl->info.frames) + " frames"};
    }
    return m_impl->problems[static_cast<std::size_t>(frame)];
}

Expected<std::vector<std::uint8_t>, Error> ClipReader::frameBytes(int frame) const {
    if (auto p = frameProblem(frame)) {
        return Unexpected{Error{p->code, frameLabel(frame) + ": " + p->message}};
    }
    const Impl& d = *m_impl;
    auto readFailed = [&](const OFCondition& c) {
        const bool beyond = d.truncatedFile || c == EC_InvalidStream || c == EC_StreamNotifyClient;
        return Unexpected{Error{beyond ? ErrorCode::Truncated : ErrorCode::Unreadable,
                                frameLabel(frame) + ": " +
                                    (beyond ? std::string("its bytes are missing (the file is truncated)")
                                            : std::string("could not be read: ") + c.text())}};
    };
    if (d.codec == Codec::Native) {
        const std::uint64_t offset = d.frameBytes * static_cast<std::uint64_t>(frame);
        if (offset + d.frameBytes > d.pixelLength) {
            return Unexpected{
                Error{ErrorCode::Truncated, frameLabel(frame) + " lies past the end of the Pixel Data"}};
        }
        std::vector<std::uint8_t> buf(static_cast<std::size_t>(d.frameBytes));
        {
            std::lock_guard lock(d.io);
            const OFCondition c =
                d.pixel->getPartialValue(buf.data(), static_cast<Uint32>(offset),
                                         static_cast<Uint32>(d.frameBytes), &d.cache, EBO_LittleEndian);
            if (c.bad()) {
                return readFailed(c);
            }
        }
        const auto& want = d.frameDigests[static_cast<std::size_t>(frame)];
        if (!want || *want != dicom::sha256(buf.data(), buf.size())) {
            return changedOnDisk(frame, want.has_value());
        }
        return buf;
    }
    const auto& r = d.ranges[static_cast<std::size_t>(frame)];
    if (r.count <= 0) {
        return Unexpected{Error{ErrorCode::MissingFrame, frameLabel(frame) + " has no fragments"}};
    }
    std::uint64_t total = 0;
    for (int k = r.first; k < r.first + r.count; ++k) {
        total += d.fragmentLengths[static_cast<std::size_t>(k)];
    }
    const std::uint64_t bound =
        std::max<std::uint64_t>(d.fileBytes, d.info.nativeFrameBytes() * 2 + (1u << 20));
    if (total > bound) {
        return Unexpected{Error{ErrorCode::TooLarge, frameLabel(frame) + ": its fragments claim " +
                                                         std::to_string(total) + " bytes"}};
    }
    std::vector<std::uint8_t> buf(static_cast<std::size_t>(total));
    std::size_t pos = 0;
    std::lock_guard lock(d.io);
    for (int k = r.first; k < r.first + r.count; ++k) {
        const Uint32 len = d.fragmentLengths[static_cast<std::size_t>(k)];
        if (len == 0)
            continue;
        const OFCondition c = d.fragments[static_cast<std::size_t>(k)]->getPartialValue(
            buf.data() + pos, 0, len, &d.cache, EBO_LittleEndian);
        if (c.bad()) {
            return readFailed(c);
        }
        const auto& want = d.fragmentDigests[static_cast<std::size_t>(k)];
        if (!want || *want != dicom::sha256(buf.data() + pos, len)) {
            return changedOnDisk(frame, want.has_value());
        }
        pos += len;
    }
    return buf;
}

Expected<DecodedFrame, Error> ClipReader::decode(int frame, JpegDecoder jpeg) const {
    auto bytes = frameBytes(frame);
    if (!bytes) {
        return Unexpected{bytes.error()};
    }
    const ImageInfo& info = m_impl->info;
    auto decoded = [&]() -> Expected<DecodedFrame, Error> {
        switch (m_impl->codec) {
        case Codec::Native: {
            auto out = detail::fromNativeSamples(info, info.photometric, info.planarConfiguration,
                                                 bytes->data(), bytes->size());
            if (out)
                out->decoder = "native";
            return out;
        }
        case Codec::JpegLossy: {
            if (jpeg == JpegDecoder::Dcmtk) {
                return detail::decodeDcmtk(info, *bytes);
            }
            bool fallback = false;
            auto out = detail::decodeTurboJpeg(info, *bytes, fallback);
            if (!out && fallback) {
                return detail::decodeDcmtk(info, *bytes);
            }
            return out;
        }
        case Codec::JpegLossless:
        case Codec::JpegLs:
        case Codec::Rle:
            return detail::decodeDcmtk(info, *bytes);
        case Codec::Jpeg2000:
            return detail::decodeOpenJpeg(info, *bytes);
        case Codec::Unsupported:
            break;
        }
        return Unexpected{Error{ErrorCode::Unsupported, "no decoder for " + info.transferSyntaxUID}};
    }();
    if (!decoded) {
        return Unexpected{Error{decoded.error().code, frameLabel(frame) + ": " + decoded.error().message}};
    }
    return decoded;
}

Expected<RgbImage, Error> ClipReader::decodeForDisplay(int frame, const WindowLevel& window) const {
    auto d = decode(frame);
    if (!d) {
        return Unexpected{d.error()};
    }
    auto out = toDisplay(m_impl->info, std::move(*d), window);
    if (!out) {
        return Unexpected{Error{out.error().code, frameLabel(frame) + ": " + out.error().message}};
    }
    return out;
}

} // namespace veridicor::cine
