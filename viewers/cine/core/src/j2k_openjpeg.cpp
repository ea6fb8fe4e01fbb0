// JPEG 2000 frames (J2K codestreams or JP2 files) through OpenJPEG, with the SIZ marker checked first.
#include "decoders.h"

#include <openjpeg.h>

#include <algorithm>
#include <array>
#include <cstring>
#include <memory>

namespace veridicor::cine::detail {

namespace {

struct MemoryStream {
    const std::uint8_t* data;
    std::size_t size;
    std::size_t pos;
};

OPJ_SIZE_T readFn(void* buffer, OPJ_SIZE_T n, void* user) {
    auto* s = static_cast<MemoryStream*>(user);
    if (s->pos >= s->size) {
        return static_cast<OPJ_SIZE_T>(-1);
    }
    const std::size_t k = std::min<std::size_t>(n, s->size - s->pos);
    std::memcpy(buffer, s->data + s->pos, k);
    s->pos += k;
    return k;
}

OPJ_OFF_T skipFn(OPJ_OFF_T n, void* user) {
    auto* s = static_cast<MemoryStream*>(user);
    if (n < 0) {
        const auto back = static_cast<std::size_t>(-n);
        s->pos = back > s->pos ? 0 : s->pos - back;
        return n;
    }
    const std::size_t k = std::min<std::size_t>(static_cast<std::size_t>(n), s->size - s->pos);
    s->pos += k;
    return static_cast<OPJ_OFF_T>(k);
}

OPJ_BOOL seekFn(OPJ_OFF_T n, void* user) {
    auto* s = static_cast<MemoryStream*>(user);
    if (n < 0 || static_cast<std::size_t>(n) > s->size) {
        return OPJ_FALSE;
    }
    s->pos = static_cast<std::size_t>(n);
    return OPJ_TRUE;
}

void collect(const char* msg, void* user) {
    auto* s = static_cast<std::string*>(user);
    if (s->size() < 400) {
        std::string m(msg);
        while (!m.empty() && (m.back() == '\n' || m.back() == '\r'))
            m.pop_back();
        if (!s->empty())
            *s += "; ";
        *s += m;
    }
}

std::uint32_t be32(const std::uint8_t* p) {
    return (std::uint32_t(p[0]) << 24) | (std::uint32_t(p[1]) << 16) | (std::uint32_t(p[2]) << 8) | p[3];
}

/// Finds the codestream in `d`: itself (J2K), or the contents of the jp2c box (JP2). Returns its offset or
/// npos.
std::size_t codestreamOffset(const std::uint8_t* d, std::size_t n, bool& jp2) {
    jp2 = false;
    if (n >= 4 && d[0] == 0xFF && d[1] == 0x4F && d[2] == 0xFF && d[3] == 0x51) {
        return 0;
    }
    static constexpr std::array<std::uint8_t, 12> sig = {0,   0,   0,    0x0C, 'j',  'P',
                                                         ' ', ' ', 0x0D, 0x0A, 0x87, 0x0A};
    if (n < sig.size() || std::memcmp(d, sig.data(), sig.size()) != 0) {
        return std::string::npos;
    }
    jp2 = true;
    std::size_t pos = 12;
    while (pos + 8 <= n) {
        std::uint64_t len = be32(d + pos);
        std::size_t header = 8;
        if (len == 1 && pos + 16 <= n) {
            len = (std::uint64_t(be32(d + pos + 8)) << 32) | be32(d + pos + 12);
            header = 16;
        } else if (len == 0) {
            len = n - pos;
        }
        if (std::memcmp(d + pos + 4, "jp2c", 4) == 0) {
            return pos + header;
        }
        if (len < header || len > n - pos) {
            return std::string::npos;
        }
        pos += static_cast<std::size_t>(len);
    }
    return std::string::npos;
}

Error corrupt(const std::string& what) {
    return {ErrorCode::DecodeFailed, "JPEG 2000 data is corrupt: " + what};
}

} // namespace

Expected<DecodedFrame, Error> decodeOpenJpeg(const ImageInfo& info, const std::vector<std::uint8_t>& data) {
    bool jp2 = false;
    const std::size_t cs = codestreamOffset(data.data(), data.size(), jp2);
    if (cs == std::string::npos || data.size() - cs < 42) {
        return Unexpected{corrupt("the frame is neither a J2K codestream nor a JP2 file")};
    }
    // SIZ: check the image and tile sizes before OpenJPEG allocates anything for them.
    const std::uint8_t* siz = data.data() + cs + 4;
    if (!(data[cs + 2] == 0xFF && data[cs + 3] == 0x51)) {
        return Unexpected{corrupt("the codestream has no SIZ marker")};
    }
    const std::uint32_t xsiz = be32(siz + 4), ysiz = be32(siz + 8), xo = be32(siz + 12), yo = be32(siz + 16);
    const std::uint32_t xt = be32(siz + 20), yt = be32(siz + 24);
    const int csiz = (siz[36] << 8) | siz[37];
    if (xsiz <= xo || ysiz <= yo || xsiz - xo != static_cast<std::uint32_t>(info.cols) ||
        ysiz - yo != static_cast<std::uint32_t>(info.rows)) {
        return Unexpected{
            Error{ErrorCode::DecodeFailed, "the JPEG 2000 image is " + std::to_string(xsiz - xo) + "×" +
                                               std::to_string(ysiz - yo) + ", the header says " +
                                               std::to_string(info.cols) + "×" + std::to_string(info.rows)}};
    }
    if (csiz != info.samplesPerPixel) {
        return Unexpected{Error{ErrorCode::DecodeFailed, "the JPEG 2000 image has " + std::to_string(csiz) +
                                                             " components, the header says " +
                                                             std::to_string(info.samplesPerPixel)}};
    }
    if (xt == 0 || yt == 0 || (std::uint64_t(xsiz) / xt + 1) * (std::uint64_t(ysiz) / yt + 1) > 65535) {
        return Unexpected{corrupt("unusable tile size")};
    }

    std::unique_ptr<opj_codec_t, void (*)(opj_codec_t*)> codec(
        opj_create_decompress(jp2 ? OPJ_CODEC_JP2 : OPJ_CODEC_J2K), opj_destroy_codec);
    if (!codec) {
        return Unexpected{Error{ErrorCode::Environment, "OpenJPEG could not be initialised"}};
    }
    std::string errors;
    opj_set_error_handler(codec.get(), collect, &errors);
    opj_set_warning_handler(
        codec.get(), [](const char*, void*) {}, nullptr);
    opj_set_info_handler(
        codec.get(), [](const char*, void*) {}, nullptr);
    opj_dparameters_t params;
    opj_set_default_decoder_parameters(&params);
    if (!opj_setup_decoder(codec.get(), &params)) {
        return Unexpected{Error{ErrorCode::Environment, "OpenJPEG decoder setup failed"}};
    }
    MemoryStream ms{data.data(), data.size(), 0};
    std::unique_ptr<opj_stream_t, void (*)(opj_stream_t*)> stream(opj_stream_create(1 << 16, OPJ_TRUE),
                                                                  opj_stream_destroy);
    opj_stream_set_user_data(stream.get(), &ms, nullptr);
    opj_stream_set_user_data_length(stream.get(), data.size());
    opj_stream_set_read_function(stream.get(), readFn);
    opj_stream_set_skip_function(stream.get(), skipFn);
    opj_stream_set_seek_function(stream.get(), seekFn);

    opj_image_t* raw = nullptr;
    if (!opj_read_header(stream.get(), codec.get(), &raw)) {
        opj_image_destroy(raw);
        return Unexpected{corrupt(errors.empty() ? "header not readable" : errors)};
    }
    std::unique_ptr<opj_image_t, void (*)(opj_image_t*)> image(raw, opj_image_destroy);
    if (!opj_decode(codec.get(), stream.get(), image.get()) ||
        !opj_end_decompress(codec.get(), stream.get())) {
        return Unexpected{corrupt(errors.empty() ? "decoding failed" : errors)};
    }
    if (image->numcomps != static_cast<OPJ_UINT32>(info.samplesPerPixel)) {
        return Unexpected{corrupt("component count changed while decoding")};
    }
    const auto w = static_cast<std::size_t>(info.cols);
    const auto h = static_cast<std::size_t>(info.rows);
    for (OPJ_UINT32 c = 0; c < image->numcomps; ++c) {
        const opj_image_comp_t& comp = image->comps[c];
        if (comp.data == nullptr || comp.dx == 0 || comp.dy == 0 || comp.w == 0 || comp.h == 0 ||
            comp.prec > 16 || std::size_t{comp.w} * comp.dx < w || std::size_t{comp.h} * comp.dy < h) {
            return Unexpected{
                corrupt("component " + std::to_string(c) + " has an unusable size or precision")};
        }
    }
    DecodedFrame out;
    out.rows = info.rows;
    out.cols = info.cols;
    out.decoder = "OpenJPEG";
    auto at = [&](OPJ_UINT32 c, std::size_t x, std::size_t y) -> int {
        const opj_image_comp_t& comp = image->comps[c];
        const std::size_t sx = std::min<std::size_t>(x / comp.dx, comp.w - 1);
        const std::size_t sy = std::min<std::size_t>(y / comp.dy, comp.h - 1);
        return comp.data[sy * comp.w + sx];
    };
    if (info.samplesPerPixel == 1) {
        out.kind = DecodedFrame::Kind::Values;
        out.values.resize(w * h);
        for (std::size_t y = 0; y < h; ++y) {
            for (std::size_t x = 0; x < w; ++x) {
                out.values[y * w + x] = at(0, x, y);
            }
        }
        return out;
    }
    // Colour: OpenJPEG has undone RCT/ICT when the codestream used it; reduce to 8 bits per sample.
    out.kind = DecodedFrame::Kind::Rgb8;
    out.rgb.resize(w * h * 3);
    const int shift = std::max(0, static_cast<int>(image->comps[0].prec) - 8);
    // YBR_FULL(_422) labels a codestream holding YCbCr without a multi-component transform; a JP2 colour box
    // may say the same (sYCC). Both are converted here; RCT/ICT were undone by OpenJPEG.
    const bool ybr = image->color_space == OPJ_CLRSPC_SYCC || info.photometric == Photometric::YbrFull ||
                     info.photometric == Photometric::YbrFull422;
    for (std::size_t y = 0; y < h; ++y) {
        for (std::size_t x = 0; x < w; ++x) {
            std::uint8_t* p = out.rgb.data() + 3 * (y * w + x);
            int c0 = at(0, x, y) >> shift, c1 = at(1, x, y) >> shift, c2 = at(2, x, y) >> shift;
            if (ybr) {
                ybrFullToRgb(std::clamp(c0, 0, 255), std::clamp(c1, 0, 255), std::clamp(c2, 0, 255), p);
            } else {
                p[0] = static_cast<std::uint8_t>(std::clamp(c0, 0, 255));
                p[1] = static_cast<std::uint8_t>(std::clamp(c1, 0, 255));
                p[2] = static_cast<std::uint8_t>(std::clamp(c2, 0, 255));
            }
        }
    }
    return out;
}

} // namespace veridicor::cine::detail
