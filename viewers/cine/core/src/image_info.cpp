// readImageInfo(): the image attributes of a dataset, checked before anything sized by them is allocated.
#include "decoders.h"

#include <veridicor/cine/clip_reader.h>

#include <veridicor/dicom/load.h>
#include <veridicor/dicom/text.h>

#include <dcmtk/dcmdata/dcdeftag.h>
#include <dcmtk/dcmdata/dcelem.h>
#include <dcmtk/dcmdata/dcitem.h>
#include <dcmtk/dcmdata/dcxfer.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>

namespace veridicor::cine {

namespace {

Error malformed(std::string m) {
    return {ErrorCode::Malformed, std::move(m)};
}
Error unsupported(std::string m) {
    return {ErrorCode::Unsupported, std::move(m)};
}

std::optional<long> getUS(DcmItem* ds, const DcmTagKey& tag, unsigned long pos = 0) {
    Uint16 v = 0;
    if (ds->findAndGetUint16(tag, v, pos).good()) {
        return v;
    }
    Sint16 s = 0;
    if (ds->findAndGetSint16(tag, s, pos).good()) {
        return s;
    }
    return std::nullopt;
}

std::optional<double> getDS(DcmItem* ds, const DcmTagKey& tag, unsigned long pos = 0) {
    return detail::numberValue(ds, tag, pos);
}

/// Reads one channel of a Palette Color LUT (plain or segmented) into `out`. Returns an error message or "".
std::string readPaletteChannel(DcmItem* ds, const DcmTagKey& descriptorTag, const DcmTagKey& dataTag,
                               const DcmTagKey& segmentedTag, const char* name,
                               std::vector<std::uint16_t>& out, int& firstMapped, int& bits,
                               std::vector<std::string>& notes) {
    const auto count0 = getUS(ds, descriptorTag, 0);
    const auto first = getUS(ds, descriptorTag, 1);
    const auto nbits = getUS(ds, descriptorTag, 2);
    if (!count0 || !first || !nbits) {
        return std::string(name) + " Palette Color Lookup Table Descriptor is missing or incomplete";
    }
    // A count of 0 means 65536 entries; the descriptor is US (or SS when signed): read the raw 16 bits.
    const std::size_t count = (*count0 & 0xFFFF) == 0 ? 65536u : static_cast<std::size_t>(*count0 & 0xFFFF);
    firstMapped = static_cast<int>(*first);
    bits = static_cast<int>(*nbits);
    if (bits != 8 && bits != 16) {
        return std::string(name) + " palette has " + std::to_string(bits) +
               " bits per entry (8 or 16 expected)";
    }
    DcmElement* el = nullptr;
    if (ds->findAndGetElement(dataTag, el).good() && el != nullptr && el->getLength() > 0) {
        const std::size_t bytes = el->getLength();
        Uint8* raw = nullptr;
        if (el->getUint8Array(raw).bad() || raw == nullptr) {
            // OW data: DCMTK may only offer it as words
            Uint16* words = nullptr;
            if (el->getUint16Array(words).bad() || words == nullptr) {
                return std::string(name) + " Palette Color Lookup Table Data cannot be read";
            }
            raw = reinterpret_cast<Uint8*>(words);
        }
        out.resize(count);
        if (bits == 16 || bytes >= count * 2) {
            if (bytes < count * 2) {
                return std::string(name) + " Palette Color Lookup Table Data holds " +
                       std::to_string(bytes / 2) + " entries, the descriptor says " + std::to_string(count);
            }
            const auto* w = reinterpret_cast<const Uint16*>(raw);
            bool highByteOnly = bits == 8;
            for (std::size_t i = 0; i < count && highByteOnly; ++i) {
                highByteOnly = (w[i] & 0xFF) == 0;
            }
            for (std::size_t i = 0; i < count; ++i) {
                out[i] = bits == 16 ? w[i]
                                    : static_cast<std::uint16_t>(highByteOnly ? (w[i] >> 8) : (w[i] & 0xFF));
            }
            if (bits == 8) {
                notes.emplace_back(std::string(name) + " palette stores its 8-bit entries in 16-bit words");
            }
        } else {
            if (bytes < count) {
                return std::string(name) + " Palette Color Lookup Table Data holds " + std::to_string(bytes) +
                       " entries, the descriptor says " + std::to_string(count);
            }
            for (std::size_t i = 0; i < count; ++i) {
                out[i] = raw[i]; // 8-bit entries packed two per word, in file byte order
            }
        }
        return {};
    }
    if (ds->findAndGetElement(segmentedTag, el).good() && el != nullptr && el->getLength() > 0) {
        if (bits != 16 && bits != 8) {
            return std::string(name) + " segmented palette has an unusable entry size";
        }
        Uint16* words = nullptr;
        if (el->getUint16Array(words).bad() || words == nullptr) {
            Uint8* raw = nullptr;
            if (el->getUint8Array(raw).bad() || raw == nullptr) {
                return std::string(name) + " Segmented Palette Color Lookup Table Data cannot be read";
            }
            words = reinterpret_cast<Uint16*>(raw);
        }
        const std::size_t n = el->getLength() / 2;
        std::string err;
        out = detail::expandSegmentedLut(std::vector<std::uint16_t>(words, words + n), count, err);
        if (!err.empty()) {
            return std::string(name) + " Segmented Palette Color Lookup Table Data: " + err;
        }
        notes.emplace_back("segmented palette expanded to " + std::to_string(count) + " entries");
        return {};
    }
    return std::string(name) + " Palette Color Lookup Table Data is missing";
}

} // namespace

Expected<ImageInfo, Error> readImageInfo(DcmItem* ds, const std::string& transferSyntaxUID,
                                         const ImageLimits& limits) {
    if (ds == nullptr) {
        return Unexpected{malformed("no dataset")};
    }
    ImageInfo info;
    info.transferSyntaxUID = transferSyntaxUID;
    info.sopClassUID = dicom::getString(ds, DCM_SOPClassUID);
    info.sopInstanceUID = dicom::getString(ds, DCM_SOPInstanceUID);
    info.modality = dicom::getString(ds, DCM_Modality);

    const auto rows = getUS(ds, DCM_Rows);
    const auto cols = getUS(ds, DCM_Columns);
    if (!rows || !cols) {
        return Unexpected{malformed("the image has no Rows or Columns")};
    }
    info.rows = static_cast<int>(*rows & 0xFFFF);
    info.cols = static_cast<int>(*cols & 0xFFFF);
    if (info.rows == 0 || info.cols == 0) {
        return Unexpected{malformed("the image is empty (Rows " + std::to_string(info.rows) + ", Columns " +
                                    std::to_string(info.cols) + ")")};
    }
    if (info.rows > limits.maxRows || info.cols > limits.maxCols) {
        return Unexpected{Error{ErrorCode::TooLarge,
                                "the image is " + std::to_string(info.cols) + "×" +
                                    std::to_string(info.rows) + " pixels, over the limit of " +
                                    std::to_string(limits.maxCols) + "×" + std::to_string(limits.maxRows)}};
    }
    info.samplesPerPixel = static_cast<int>(getUS(ds, DCM_SamplesPerPixel).value_or(-1));
    if (info.samplesPerPixel != 1 && info.samplesPerPixel != 3) {
        return Unexpected{info.samplesPerPixel < 0
                              ? malformed("Samples per Pixel is missing")
                              : unsupported("Samples per Pixel is " + std::to_string(info.samplesPerPixel) +
                                            " (1 or 3 expected)")};
    }
    info.photometricText = dicom::getString(ds, DCM_PhotometricInterpretation);
    const auto pi = parsePhotometric(info.photometricText);
    if (!pi) {
        return Unexpected{
            info.photometricText.empty()
                ? malformed("Photometric Interpretation is missing")
                : unsupported("Photometric Interpretation '" + info.photometricText + "' is not supported")};
    }
    info.photometric = *pi;
    const bool oneSample = isMonochrome(*pi) || *pi == Photometric::PaletteColor;
    if (oneSample != (info.samplesPerPixel == 1)) {
        return Unexpected{malformed("Photometric Interpretation " + info.photometricText +
                                    " does not go with " + std::to_string(info.samplesPerPixel) +
                                    " samples per pixel")};
    }
    info.bitsAllocated = static_cast<int>(getUS(ds, DCM_BitsAllocated).value_or(-1));
    info.bitsStored = static_cast<int>(getUS(ds, DCM_BitsStored).value_or(info.bitsAllocated));
    info.highBit = static_cast<int>(getUS(ds, DCM_HighBit).value_or(info.bitsStored - 1));
    const auto pixelRep = getUS(ds, DCM_PixelRepresentation).value_or(0);
    info.isSigned = pixelRep == 1;
    if (info.bitsAllocated != 8 && info.bitsAllocated != 16) {
        return Unexpected{info.bitsAllocated < 0
                              ? malformed("Bits Allocated is missing")
                              : unsupported("Bits Allocated is " + std::to_string(info.bitsAllocated) +
                                            " (8 or 16 supported)")};
    }
    if (info.bitsStored < 1 || info.bitsStored > info.bitsAllocated || info.highBit < info.bitsStored - 1 ||
        info.highBit >= info.bitsAllocated) {
        return Unexpected{malformed("Bits Stored " + std::to_string(info.bitsStored) + " / High Bit " +
                                    std::to_string(info.highBit) + " do not fit Bits Allocated " +
                                    std::to_string(info.bitsAllocated))};
    }
    if (info.samplesPerPixel == 3) {
        info.planarConfiguration = static_cast<int>(getUS(ds, DCM_PlanarConfiguration).value_or(0));
        if (info.planarConfiguration != 0 && info.planarConfiguration != 1) {
            return Unexpected{
                malformed("Planar Configuration is " + std::to_string(info.planarConfiguration))};
        }
    }

    // Number of Frames is an IS string: check it before trusting it.
    long frames = 1;
    const std::string nf = dicom::getString(ds, DCM_NumberOfFrames);
    if (!nf.empty()) {
        char* end = nullptr;
        frames = std::strtol(nf.c_str(), &end, 10);
        if (end == nf.c_str() || *end != '\0' || frames < 1) {
            return Unexpected{malformed("Number of Frames '" + nf + "' is not a positive number")};
        }
    }
    if (frames > limits.maxFrames) {
        return Unexpected{Error{ErrorCode::TooLarge, "the header claims " + nf +
                                                         " frames, over the limit of " +
                                                         std::to_string(limits.maxFrames)}};
    }
    info.frames = static_cast<int>(frames);
    const std::uint64_t rgbBytes = std::uint64_t(static_cast<unsigned>(info.rows)) *
                                   std::uint64_t(static_cast<unsigned>(info.cols)) * 4u;
    if (info.nativeFrameBytes() > limits.maxFrameBytes || rgbBytes > limits.maxFrameBytes) {
        return Unexpected{
            Error{ErrorCode::TooLarge, "one frame of " + std::to_string(info.cols) + "×" +
                                           std::to_string(info.rows) + " pixels is over the limit of " +
                                           std::to_string(limits.maxFrameBytes >> 20) + " MiB"}};
    }

    if (auto slope = getDS(ds, DCM_RescaleSlope); slope && *slope != 0.0) {
        info.rescaleSlope = *slope;
    }
    info.rescaleIntercept = getDS(ds, DCM_RescaleIntercept).value_or(0.0);
    if (isMonochrome(info.photometric)) {
        const auto c = getDS(ds, DCM_WindowCenter);
        const auto w = getDS(ds, DCM_WindowWidth);
        if (c && w && *w >= 1.0) {
            info.headerWindow = WindowLevel{*c, *w};
        }
    }
    {
        const auto v = getDS(ds, DCM_PixelAspectRatio, 0);
        const auto h = getDS(ds, DCM_PixelAspectRatio, 1);
        if (!v || !h) {
            Sint32 iv = 0, ih = 0; // IS in the standard; some files use integers
            if (ds->findAndGetSint32(DCM_PixelAspectRatio, iv, 0).good() &&
                ds->findAndGetSint32(DCM_PixelAspectRatio, ih, 1).good() && iv > 0 && ih > 0) {
                info.pixelAspectRatio = double(iv) / double(ih);
            }
        } else if (*v > 0 && *h > 0) {
            info.pixelAspectRatio = std::clamp(*v / *h, 0.1, 10.0);
        }
    }

    if (info.photometric == Photometric::PaletteColor) {
        if (info.bitsAllocated != 8 && info.bitsAllocated != 16) {
            return Unexpected{
                unsupported("PALETTE COLOR with " + std::to_string(info.bitsAllocated) + " bits")};
        }
        auto lut = std::make_shared<PaletteLut>();
        int firstR = 0, firstG = 0, firstB = 0, bitsR = 8, bitsG = 8, bitsB = 8;
        std::string err = readPaletteChannel(
            ds, DCM_RedPaletteColorLookupTableDescriptor, DCM_RedPaletteColorLookupTableData,
            DCM_SegmentedRedPaletteColorLookupTableData, "Red", lut->red, firstR, bitsR, info.notes);
        if (err.empty()) {
            err = readPaletteChannel(ds, DCM_GreenPaletteColorLookupTableDescriptor,
                                     DCM_GreenPaletteColorLookupTableData,
                                     DCM_SegmentedGreenPaletteColorLookupTableData, "Green", lut->green,
                                     firstG, bitsG, info.notes);
        }
        if (err.empty()) {
            err = readPaletteChannel(
                ds, DCM_BluePaletteColorLookupTableDescriptor, DCM_BluePaletteColorLookupTableData,
                DCM_SegmentedBluePaletteColorLookupTableData, "Blue", lut->blue, firstB, bitsB, info.notes);
        }
        if (!err.empty()) {
            return Unexpected{malformed(err)};
        }
        if (lut->red.size() != lut->green.size() || lut->red.size() != lut->blue.size() || firstR != firstG ||
            firstR != firstB || bitsR != bitsG || bitsR != bitsB) {
            return Unexpected{malformed("the red, green and blue palettes have different descriptors")};
        }
        lut->firstMapped = info.isSigned ? firstR : (firstR & 0xFFFF);
        lut->bits = bitsR;
        info.palette = std::move(lut);
        // Several notes per channel say the same thing: keep one.
        std::sort(info.notes.begin(), info.notes.end());
        info.notes.erase(std::unique(info.notes.begin(), info.notes.end()), info.notes.end());
    }

    info.timing = readFrameTiming(ds, info.frames);
    for (const auto& n : info.timing.notes) {
        info.notes.push_back(n);
    }
    info.regions = readUltrasoundRegions(ds, &info.notes);
    if (auto hr = getDS(ds, DCM_HeartRate); hr && *hr > 0 && *hr < 1000) {
        info.heartRate = *hr;
    }
    if (auto s = getDS(ds, DCM_StartTrim); s && *s >= 1 && *s <= info.frames) {
        info.startTrim = static_cast<int>(*s);
    }
    if (auto s = getDS(ds, DCM_StopTrim); s && *s >= 1 && *s <= info.frames) {
        info.stopTrim = static_cast<int>(*s);
    }
    info.patientName = dicom::getPersonName(ds, DCM_PatientName);
    info.patientID = dicom::getText(ds, DCM_PatientID);
    info.patientBirthDate = dicom::getString(ds, DCM_PatientBirthDate);
    info.patientSex = dicom::getString(ds, DCM_PatientSex);
    info.studyDate = dicom::getString(ds, DCM_StudyDate);
    info.studyTime = dicom::getString(ds, DCM_StudyTime);
    info.studyDescription = dicom::getText(ds, DCM_StudyDescription);
    info.seriesDescription = dicom::getText(ds, DCM_SeriesDescription);
    info.institution = dicom::getText(ds, DCM_InstitutionName);
    info.manufacturer = dicom::getText(ds, DCM_Manufacturer);
    return info;
}

std::vector<std::uint16_t> detail::expandSegmentedLut(const std::vector<std::uint16_t>& words,
                                                      std::size_t count, std::string& error) {
    // PS3.3 C.7.9.2: discrete (0), linear (1) and indirect (2) segments. Output is bounded by `count`; the
    // work is bounded too. Indirect segments re-use earlier segments, so a hostile table can make a few
    // kilobytes of segments that copy each other expand forever without producing an entry (80
    // indirect segments per level, 5 levels, zero-length segments at the bottom → 80^5 visits). Therefore:
    //  - a segment that can produce nothing (a discrete or linear segment of length 0, an indirect segment
    //    copying 0 segments) is refused: it has no meaning in the table and is what such a table is made of;
    //  - indirect segments nest at most 4 levels deep;
    //  - every segment visited and every entry produced costs a step, and the steps are bounded by what a
    //  real
    //    table needs: each top-level segment once, and per entry produced at most one discrete/linear segment
    //    and the indirect segments above it (≤ 5), i.e. words + 6 × count (+ a margin).
    std::vector<std::uint16_t> out;
    out.reserve(count);
    struct Expander {
        const std::vector<std::uint16_t>& w;
        std::vector<std::uint16_t>& out;
        std::size_t count;
        std::string& error;
        std::size_t steps;
        bool step() {
            if (steps == 0) {
                error = "the segments need more work to expand than a table of this size can (indirect "
                        "segments copying each other)";
                return false;
            }
            --steps;
            return true;
        }
        bool run(std::size_t pos, std::size_t maxSegments, int depth) {
            std::size_t segments = 0;
            while (pos + 1 < w.size() && segments < maxSegments && out.size() < count) {
                if (!step()) {
                    return false;
                }
                const std::uint16_t op = w[pos];
                const std::size_t len = w[pos + 1];
                if (len == 0 && op <= 2) {
                    error = op == 2
                                ? "an indirect segment copies no segments"
                                : std::string(op == 0 ? "a discrete" : "a linear") + " segment has length 0";
                    return false;
                }
                if (op == 0) {
                    if (pos + 2 + len > w.size()) {
                        error = "a discrete segment runs past the end of the data";
                        return false;
                    }
                    for (std::size_t i = 0; i < len && out.size() < count; ++i) {
                        if (!step()) {
                            return false;
                        }
                        out.push_back(w[pos + 2 + i]);
                    }
                    pos += 2 + len;
                } else if (op == 1) {
                    if (out.empty() || pos + 2 >= w.size()) {
                        error = out.empty() ? "the first segment is linear (no start value)"
                                            : "a linear segment runs past the end of the data";
                        return false;
                    }
                    const double y0 = out.back();
                    const double y1 = w[pos + 2];
                    for (std::size_t j = 1; j <= len && out.size() < count; ++j) {
                        if (!step()) {
                            return false;
                        }
                        out.push_back(static_cast<std::uint16_t>(
                            std::lround(y0 + (y1 - y0) * double(j) / double(len))));
                    }
                    pos += 3;
                } else if (op == 2) {
                    if (out.empty() || pos + 3 >= w.size() || depth > 4) {
                        error = depth > 4 ? "indirect segments nest too deeply"
                                          : "an indirect segment is incomplete or comes first";
                        return false;
                    }
                    // The offset is a byte offset from the start of the data (two words, least significant
                    // first).
                    const std::size_t byteOffset = std::size_t{w[pos + 2]} | (std::size_t{w[pos + 3]} << 16);
                    if (byteOffset % 2 != 0 || byteOffset / 2 >= w.size()) {
                        error = "an indirect segment points outside the data";
                        return false;
                    }
                    if (!run(byteOffset / 2, len, depth + 1)) {
                        return false;
                    }
                    pos += 4;
                } else {
                    error = "unknown segment type " + std::to_string(op);
                    return false;
                }
                ++segments;
            }
            return true;
        }
    } ex{words, out, count, error, words.size() + 6 * count + 64};
    if (!ex.run(0, static_cast<std::size_t>(-1), 0)) {
        return {};
    }
    if (out.size() != count) {
        error = "expands to " + std::to_string(out.size()) + " entries, the descriptor says " +
                std::to_string(count);
        return {};
    }
    return out;
}

} // namespace veridicor::cine
