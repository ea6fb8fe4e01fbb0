// DCMTK's codecs on one frame: a small dataset holding only that frame's compressed bytes, decoded with
// DcmPixelData::getUncompressedFrame(). Independent datasets make it safe to run on several threads.
#include "decoders.h"

#include <veridicor/dicom/dicom_env.h>

#include <dcmtk/dcmdata/dcdatset.h>
#include <dcmtk/dcmdata/dcdeftag.h>
#include <dcmtk/dcmdata/dcpixel.h>
#include <dcmtk/dcmdata/dcpixseq.h>
#include <dcmtk/dcmdata/dcpxitem.h>
#include <dcmtk/dcmdata/dcvrobow.h>
#include <dcmtk/dcmdata/dcxfer.h>

namespace veridicor::cine::detail {

Expected<DecodedFrame, Error> decodeDcmtk(const ImageInfo& info, const std::vector<std::uint8_t>& data) {
    if (auto env = dicom::initializeDicom(); !env) {
        return Unexpected{Error{ErrorCode::Environment, env.error().message}};
    }
    const E_TransferSyntax xfer = DcmXfer(info.transferSyntaxUID.c_str()).getXfer();
    if (xfer == EXS_Unknown || !DcmXfer(xfer).isEncapsulated()) {
        return Unexpected{Error{ErrorCode::Unsupported,
                                "DCMTK does not know the transfer syntax " + info.transferSyntaxUID}};
    }
    if (data.size() > 0xFFFFFFF0u) {
        return Unexpected{Error{ErrorCode::TooLarge, "the compressed frame is over 4 GiB"}};
    }
    DcmDataset ds;
    ds.putAndInsertUint16(DCM_Rows, static_cast<Uint16>(info.rows));
    ds.putAndInsertUint16(DCM_Columns, static_cast<Uint16>(info.cols));
    ds.putAndInsertUint16(DCM_SamplesPerPixel, static_cast<Uint16>(info.samplesPerPixel));
    ds.putAndInsertUint16(DCM_BitsAllocated, static_cast<Uint16>(info.bitsAllocated));
    ds.putAndInsertUint16(DCM_BitsStored, static_cast<Uint16>(info.bitsStored));
    ds.putAndInsertUint16(DCM_HighBit, static_cast<Uint16>(info.highBit));
    ds.putAndInsertUint16(DCM_PixelRepresentation, info.isSigned ? 1 : 0);
    ds.putAndInsertString(DCM_PhotometricInterpretation, info.photometricText.c_str());
    if (info.samplesPerPixel == 3) {
        ds.putAndInsertUint16(DCM_PlanarConfiguration, static_cast<Uint16>(info.planarConfiguration));
    }
    ds.putAndInsertString(DCM_NumberOfFrames, "1");

    auto* seq = new DcmPixelSequence(DCM_PixelSequenceTag);
    seq->insert(new DcmPixelItem(DCM_PixelItemTag)); // empty Basic Offset Table
    auto* item = new DcmPixelItem(DCM_PixelItemTag);
    // Fragments have even length: pad with a zero byte after the end marker, as the standard does.
    std::vector<std::uint8_t> even(data);
    if (even.size() % 2 != 0) {
        even.push_back(0);
    }
    item->putUint8Array(even.data(), static_cast<unsigned long>(even.size()));
    seq->insert(item);
    auto* pixel = new DcmPixelData(DCM_PixelData);
    pixel->putOriginalRepresentation(xfer, nullptr, seq);
    ds.insert(pixel, true);

    // The decoded frame has every sample (a YBR_FULL_422 JPEG decodes to full-resolution colour): ask DCMTK,
    // and check its answer against the size the header allows.
    Uint32 frameSize = 0;
    const std::uint64_t full = std::uint64_t(static_cast<unsigned>(info.rows)) *
                               std::uint64_t(static_cast<unsigned>(info.cols)) *
                               std::uint64_t(static_cast<unsigned>(info.samplesPerPixel)) *
                               std::uint64_t(static_cast<unsigned>(info.bitsAllocated / 8));
    if (pixel->getUncompressedFrameSize(&ds, frameSize).bad() || frameSize == 0 || frameSize > full + 1) {
        frameSize = static_cast<Uint32>(full);
    }
    std::vector<std::uint8_t> buffer(std::size_t{frameSize} + (frameSize % 2));
    Uint32 startFragment = 0;
    OFString colorModel;
    dicom::DcmtkMessageCapture capture;
    const OFCondition cond = pixel->getUncompressedFrame(
        &ds, 0, startFragment, buffer.data(), static_cast<Uint32>(buffer.size()), colorModel, nullptr);
    if (cond.bad()) {
        std::string msg = std::string("DCMTK could not decode the frame: ") + cond.text();
        for (const auto& m : capture.messages()) {
            msg += "; " + m;
        }
        return Unexpected{Error{ErrorCode::DecodeFailed, msg}};
    }
    // The decoded frame is in `colorModel` (e.g. RGB after a YCbCr JPEG) and, for colour, interleaved unless
    // the codec kept the dataset's planar configuration (DCMTK's RLE decoder writes planes).
    std::optional<Photometric> pi = parsePhotometric(colorModel.c_str());
    if (!pi) {
        pi = info.photometric;
    }
    int planar = 0;
    if (info.samplesPerPixel == 3) {
        Uint16 pc = 0;
        if (ds.findAndGetUint16(DCM_PlanarConfiguration, pc).good()) {
            planar = pc;
        }
    }
    if (*pi == Photometric::YbrFull422 || *pi == Photometric::YbrPartial422) {
        // DCMTK upsamples while decoding: the samples are full-resolution YCbCr.
        pi = *pi == Photometric::YbrFull422 ? Photometric::YbrFull : Photometric::YbrPartial422;
    }
    auto out = fromNativeSamples(info, *pi, planar, buffer.data(), buffer.size());
    if (out) {
        out->decoder = "DCMTK";
    }
    return out;
}

} // namespace veridicor::cine::detail
