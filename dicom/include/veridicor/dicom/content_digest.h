#pragma once
/// \file
/// What a DICOM object holds, as a digest: the one implementation of the finding-bundle input digests of
/// DICOM data, shared by verify/ (which checks findings against it) and the viewers (which say what they
/// draw), so that "the data that was verified" and "the data on screen" are compared with the same ruler.
///
///   dicom-waveform-v1   SHA-256 over the Waveform Data (5400,1010) value bytes of every Waveform Sequence
///                       item, in item order, 16-bit words little-endian;
///   dicom-pixeldata-v1  SHA-256 over the Pixel Data (7FE0,0010) value: native → the value bytes (16-bit
///                       words little-endian); encapsulated → every fragment after the Basic Offset Table, in
///                       order, without item headers;
///   dicom-waveform-v2,  (finding-bundle Revision 2, R2.1) SHA-256 over "veridicor:" method 0x00, then the
///   dicom-pixeldata-v2  method's fixed list of the attributes that give the bytes their meaning (identity,
///                       sampling, channel codes and calibration; geometry, colour, timing and ultrasound
///                       regions), each length-prefixed and marked present or absent, then u64be(length) and
///                       the v1 bytes.
///
/// "The value bytes" are all of them: an odd-length OW value contributes its last byte too. Pixel Data is
/// always taken in the representation it had in the file (its original transfer syntax), never in one DCMTK
/// converted it to in memory. Values are streamed (DcmElement::getPartialValue, in bounded pieces), so a
/// value left on disk by lazy loading is hashed without being held in memory. Both generations are computed
/// in the same single pass over the data bytes.

#include <veridicor/base/expected.h>
#include <veridicor/dicom/error.h>

#include <array>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

class DcmItem;
class DcmFileCache;

namespace veridicor::dicom {

using Sha256Digest = std::array<std::uint8_t, 32>;

/// Incremental SHA-256 (OpenSSL EVP).
class Sha256 {
public:
    Sha256();
    ~Sha256();
    Sha256(const Sha256&) = delete;
    Sha256& operator=(const Sha256&) = delete;
    Sha256(Sha256&&) noexcept;
    Sha256& operator=(Sha256&&) noexcept;
    void update(const void* data, std::size_t size);
    /// Finishes and returns the digest; the object is then reset for reuse.
    Sha256Digest finish();

private:
    struct Context;
    std::unique_ptr<Context> m_context;
};

/// SHA-256 of a byte string.
Sha256Digest sha256(const void* data, std::size_t size);
/// Lowercase hexadecimal.
std::string toHex(const Sha256Digest& digest);

/// What kind of content binds a DICOM object: its waveforms, or — whenever it has Pixel Data, even beside a
/// Waveform Sequence (finding-bundle R2.1) — its pixel data.
enum class ContentKind {
    Waveform,  ///< Waveform Sequence (5400,0100), no Pixel Data
    PixelData, ///< Pixel Data (7FE0,0010)
};

enum class ContentMethod {
    WaveformV1,  ///< "dicom-waveform-v1": the sample bytes
    PixelDataV1, ///< "dicom-pixeldata-v1": the pixel bytes
    WaveformV2,  ///< "dicom-waveform-v2": the meaning-bearing attributes, then the sample bytes
    PixelDataV2, ///< "dicom-pixeldata-v2": the meaning-bearing attributes, then the pixel bytes
};

/// "dicom-waveform-v1", "dicom-pixeldata-v1", "dicom-waveform-v2", "dicom-pixeldata-v2" (the names of
/// finding-bundle `input.digestMethod`).
std::string_view contentMethodName(ContentMethod method);
/// The v1 or v2 method of a kind.
ContentMethod contentMethod(ContentKind kind, int version);

/// One attribute of a v2 method's list, at one position: `path` names it ("0028,0010",
/// "5400,0100[0]/003A,001A", "5400,0100[0]/003A,0200[3]/003A,0208[0]/0008,0100"; a sequence's own path covers
/// all its items), `sha256` is the SHA-256 of its encoding (finding-bundle R2.1), lowercase hex. These are
/// what a signer puts in `input.attributes`, so that a verifier can say which attribute changed.
struct AttributeDigest {
    std::string path;
    std::string sha256;
};

/// The content of a DICOM object, by both generations of methods, computed in one pass over its bytes.
struct ContentDigest {
    ContentKind kind = ContentKind::Waveform;
    std::string sha256;                      ///< v1: the data bytes alone, lowercase hex
    std::string sha256V2;                    ///< v2: attributes + data, lowercase hex
    std::vector<AttributeDigest> attributes; ///< of the v2 encoding, in encoding order
    std::uint64_t hashedBytes = 0;           ///< how many data bytes went into it

    /// The digest of `method` (empty when the method is of the other kind).
    [[nodiscard]] std::string digest(ContentMethod method) const;
};

/// Exactly which data a DICOM object holds: its content digests and the identifiers and modality a finding is
/// bound to. Two objects with equal identities hold the same samples or pixels, meaning the same (the v2
/// attributes), under the same UIDs.
struct ContentIdentity {
    ContentKind kind = ContentKind::Waveform;
    std::string sha256;   ///< v1
    std::string sha256V2; ///< v2
    std::vector<AttributeDigest> attributes;
    std::uint64_t hashedBytes = 0;
    std::string sopClassUID;
    std::string sopInstanceUID;
    std::string studyInstanceUID;
    std::string seriesInstanceUID;
    std::string modality;

    [[nodiscard]] std::string digest(ContentMethod method) const;
    /// Same kind, both digests, SOP Instance, Study and Series UIDs and Modality.
    [[nodiscard]] bool sameContent(const ContentIdentity& other) const;
};

/// For people: the attribute a path names, e.g. "5400,0100[0]/003A,001A" → "Sampling Frequency (003A,001A)
/// of waveform group 1"; "0028,0010" → "Rows (0028,0010)". Paths not of the v2 lists are returned as given.
std::string describeAttributePath(std::string_view path);

/// One piece of a hashed value, in order. `part` is the fragment index (0 = the first fragment after the
/// Basic Offset Table) for encapsulated Pixel Data, 0 for a native value; `offset` counts bytes from the
/// start of that part. The bytes are those that went into the digest.
struct ValuePiece {
    std::size_t part = 0;
    std::uint64_t offset = 0;
    const std::uint8_t* data = nullptr;
    std::size_t size = 0;
};
using ValueObserver = std::function<void(const ValuePiece&)>;

/// How a value is streamed.
struct DigestOptions {
    /// Values are read in pieces of at most this many bytes (at least 1); a native Pixel Data value whose
    /// frames are read one by one later may be read in pieces of one frame, so each piece is a whole frame.
    std::size_t pieceBytes = std::size_t{1} << 20;
    /// Sees every piece as it is hashed (e.g. to keep a digest per frame or fragment). May be empty.
    ValueObserver observer;
    /// Keeps the file open between pieces of values left on disk (may be null).
    DcmFileCache* cache = nullptr;
};

/// The dicom-waveform-v1 and -v2 digests of a dataset (one read of the samples).
/// Errors: Malformed (no or an empty Waveform Sequence, an item without Waveform Data, a listed sequence
/// attribute that is not a sequence or the reverse, a header value over 16 MiB), Truncated (a value left on
/// disk could not be read to its end).
Expected<ContentDigest, Error> waveformDigest(DcmItem& dataset, const DigestOptions& options = {});

/// The dicom-pixeldata-v1 and -v2 digests of a dataset (one read of the pixels). The Transfer Syntax UID of
/// the v2 list is taken from the file meta information of the DcmFileFormat that holds `dataset`, when it
/// has one (else it is absent).
/// Errors: Malformed (no Pixel Data, encapsulated Pixel Data without its offset table item, a native value of
/// undefined length, or Pixel Data converted in memory away from the representation the file holds — e.g.
/// decompressed with its fragments dropped),
/// Truncated (a value or fragment could not be read to its end: pieces before it were still observed).
Expected<ContentDigest, Error> pixelDataDigest(DcmItem& dataset, const DigestOptions& options = {});

/// The identity of a dataset's content: Pixel Data → the pixel-data digests (also when a Waveform Sequence
/// is beside it: an object with Pixel Data is bound only by a pixel-data method), else a Waveform Sequence →
/// the waveform digests; the UIDs and Modality as stored (trimmed, not converted).
/// Errors: those of the digest functions; Unsupported (neither waveforms nor pixel data); Malformed (no SOP
/// Instance UID).
Expected<ContentIdentity, Error> contentIdentity(DcmItem& dataset, const DigestOptions& options = {});

/// The identity of a dataset's content whose digest is already computed (e.g. a reader that streamed the
/// Pixel Data itself through pixelDataDigest()). Errors: Malformed (no SOP Instance UID).
Expected<ContentIdentity, Error> contentIdentity(DcmItem& dataset, ContentDigest digest);

} // namespace veridicor::dicom
