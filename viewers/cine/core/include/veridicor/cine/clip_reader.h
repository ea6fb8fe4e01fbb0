#pragma once

#include <veridicor/base/expected.h>
#include <veridicor/cine/error.h>
#include <veridicor/cine/image.h>
#include <veridicor/dicom/content_digest.h>

#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

class DcmItem;

namespace veridicor::cine {

/// Reads and checks the image attributes, timing, regions and patient/study text of a dataset.
/// Errors: Malformed (a required attribute is missing or inconsistent), Unsupported (bit depth, photometric
/// interpretation, transfer syntax we cannot show), TooLarge (rows × columns × frames beyond `limits`).
Expected<ImageInfo, Error> readImageInfo(DcmItem* dataset, const std::string& transferSyntaxUID,
                                         const ImageLimits& limits = {});

/// Which decoder to use for JPEG frames.
enum class JpegDecoder {
    Auto,  ///< libjpeg-turbo for 8-bit JPEG; DCMTK's IJG codec for what it cannot decode (12-bit, lossless)
    Dcmtk, ///< DCMTK's IJG codec only (for comparisons and benchmarks)
};

struct OpenOptions {
    ImageLimits limits;
    /// Values longer than this stay on disk until a frame needs them (Pixel Data, each fragment).
    std::uint32_t lazyValueBytes = 4096;
};

/// An opened image object: its header, and where each frame's bytes are. Pixel Data stays on disk; frames are
/// read and decoded on demand, from any thread (reads are serialised, decoding runs in parallel).
///
/// What is shown is what was opened: open() streams the whole Pixel Data value once (never holding more than
/// one frame or a 1 MiB piece of it) to compute its dicom-pixeldata-v1 digest (content()), and keeps the
/// SHA-256 of each native frame, or of each fragment, it hashed. Every later read of a frame's bytes is
/// checked against those: bytes that differ (the file changed on disk since it was opened) are never decoded
/// — the frame is bad (ErrorCode::ChangedOnDisk).
class ClipReader {
public:
    /// Opens a file. Errors: those of dicom::loadFile (Unreadable, NotDicom, Truncated — unless only the
    /// Pixel Data is cut short: then the frames that are complete are shown and the others are MissingFrame),
    /// those of readImageInfo, Malformed when Pixel Data is missing or cannot be split into frames. Pixel
    /// Data that cannot be read to its end is not an error here (the frames before the cut are shown):
    /// content() is then nullopt.
    static Expected<std::shared_ptr<ClipReader>, Error> open(const std::filesystem::path& path,
                                                             const OpenOptions& options = {});
    ~ClipReader();
    ClipReader(const ClipReader&) = delete;
    ClipReader& operator=(const ClipReader&) = delete;
    ClipReader(ClipReader&&) = delete;
    ClipReader& operator=(ClipReader&&) = delete;

    [[nodiscard]] const ImageInfo& info() const;
    [[nodiscard]] const std::filesystem::path& path() const;
    /// Exactly which pixel data this reader shows: the dicom-pixeldata-v1 digest of every Pixel Data byte as
    /// read at open, with the file's UIDs and Modality; nullopt when it could not be computed (the Pixel Data
    /// cannot be read to its end, no SOP Instance UID, …: contentProblem() says why).
    [[nodiscard]] const std::optional<dicom::ContentIdentity>& content() const;
    [[nodiscard]] const std::string& contentProblem() const;
    [[nodiscard]] bool isEncapsulated() const;
    /// Number of Pixel Data fragments (0 for native pixel data).
    [[nodiscard]] int fragmentCount() const;
    /// The first fragment of each frame (encapsulated), as grouped by the offset table or by scanning.
    [[nodiscard]] std::vector<int> frameFirstFragments() const;
    /// A problem known before decoding (frame missing from the Pixel Data, file truncated inside it), or
    /// nullopt.
    [[nodiscard]] std::optional<Error> frameProblem(int frame) const;

    /// The frame's bytes as stored (native: the frame's samples; encapsulated: its fragments joined), checked
    /// against the digests taken at open. Errors: MissingFrame, Truncated, TooLarge, Unreadable,
    /// ChangedOnDisk (the bytes read now are not the ones hashed at open, or were not readable then).
    [[nodiscard]] Expected<std::vector<std::uint8_t>, Error> frameBytes(int frame) const;

    /// Decodes one frame (0-based) to RGB (colour) or values (monochrome, palette indices).
    /// Errors: those of frameBytes(), DecodeFailed (corrupt data: the message says what the decoder found),
    /// Unsupported (an encoding no decoder here handles).
    [[nodiscard]] Expected<DecodedFrame, Error> decode(int frame, JpegDecoder jpeg = JpegDecoder::Auto) const;

    /// decode() then toDisplay() with `window`.
    [[nodiscard]] Expected<RgbImage, Error> decodeForDisplay(int frame, const WindowLevel& window) const;

private:
    struct Impl;
    explicit ClipReader(std::unique_ptr<Impl> impl);
    std::unique_ptr<Impl> m_impl;
};

} // namespace veridicor::cine
