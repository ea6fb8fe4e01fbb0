// cine_decode [FILE] — JPEG cine decoding speed: our decoder (libjpeg-turbo) against DCMTK's own decoder in
// the same run, frames per second and their ratio. Without FILE it makes the 120-frame 640×480 YBR_FULL_422
// JPEG clip (the synthetic echo) in a temporary folder. First it measures what opening costs: the header
// alone, and ClipReader::open(), which also streams the whole Pixel Data once to digest it (what is shown is
// what was opened) — with the file in the page cache (a second open), so the figure is the CPU cost.
#include "echo_synth.h"

#include <veridicor/cine/clip_reader.h>
#include <veridicor/cine/frame_cache.h>
#include <veridicor/dicom/content_digest.h>
#include <veridicor/dicom/dicom_env.h>
#include <veridicor/dicom/load.h>

#include <dcmtk/dcmdata/dcdeftag.h>
#include <dcmtk/dcmdata/dcfcache.h>
#include <dcmtk/dcmdata/dcfilefo.h>
#include <dcmtk/dcmdata/dcpixel.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <thread>
#include <vector>
#include <unistd.h>

using namespace veridicor;
using Clock = std::chrono::steady_clock;

namespace {
double seconds(Clock::time_point a, Clock::time_point b) {
    return std::chrono::duration<double>(b - a).count();
}
} // namespace

int main(int argc, char** argv) {
    if (auto env = dicom::initializeDicom(); !env) {
        static_cast<void>(std::fprintf(stderr, "cine_decode: %s\n", env.error().message.c_str()));
        return 2;
    }
    std::filesystem::path file;
    std::filesystem::path tmp;
    if (argc > 1) {
        file = argv[1];
    } else {
        tmp =
            std::filesystem::temp_directory_path() / ("veridicor_cine_decode_" + std::to_string(::getpid()));
        file = tmp / "clip.dcm";
        demo::EchoClipSpec spec; // 640×480, 120 frames, 60 fps, JPEG Baseline YBR_FULL_422
        const auto t0 = Clock::now();
        const std::string err = demo::writeEchoClip(spec, file);
        if (!err.empty()) {
            static_cast<void>(std::fprintf(stderr, "cine_decode: %s\n", err.c_str()));
            return 2;
        }
        std::printf("made %s (%d frames %dx%d YBR_FULL_422 JPEG) in %.2f s\n", file.c_str(), spec.frames,
                    spec.width, spec.height, seconds(t0, Clock::now()));
    }
    // Opening: the header alone (Pixel Data left on disk) against ClipReader::open() (header + one pass over
    // the Pixel Data: its digest and a SHA-256 per frame or fragment). Median of 7, page cache warm.
    {
        auto median = [](std::vector<double> v) {
            std::sort(v.begin(), v.end());
            return v[v.size() / 2];
        };
        std::vector<double> header, open;
        for (int i = 0; i < 7; ++i) {
            dicom::LoadOptions lo;
            lo.lazyValueBytes = 4096;
            auto t = Clock::now();
            auto loaded = dicom::loadFile(file, lo);
            header.push_back(seconds(t, Clock::now()));
            t = Clock::now();
            auto r = cine::ClipReader::open(file);
            open.push_back(seconds(t, Clock::now()));
            if (!loaded || !r || !(*r)->content()) {
                static_cast<void>(std::fprintf(stderr, "cine_decode: cannot open %s\n", file.c_str()));
                return 2;
            }
        }
        auto r = cine::ClipReader::open(file);
        const double mb = double((*r)->content()->hashedBytes) / 1e6;
        std::vector<std::uint8_t> bytes(std::size_t(64) << 20, 0x5A);
        auto t = Clock::now();
        const auto d = dicom::sha256(bytes.data(), bytes.size());
        const double sha = double(bytes.size()) / 1e6 / seconds(t, Clock::now());
        (void)d;
        std::printf("open (median of 7, page cache warm):\n");
        std::printf("  header only (Pixel Data on disk)   %8.2f ms\n", 1000.0 * median(header));
        std::printf("  ClipReader::open (+ digest)        %8.2f ms  (%.1f MB of pixel data, %.0f MB/s)\n",
                    1000.0 * median(open), mb, mb / median(open));
        std::printf("  SHA-256 alone on this CPU          %8.0f MB/s\n", sha);
        std::printf("  digest %s\n", (*r)->content()->sha256.c_str());
    }

    auto reader = cine::ClipReader::open(file);
    if (!reader) {
        static_cast<void>(std::fprintf(stderr, "cine_decode: %s\n", reader.error().message.c_str()));
        return 2;
    }
    const cine::ImageInfo& info = (*reader)->info();
    std::printf("file: %s\n  %d frames %dx%d %s, transfer syntax %s, %.1f MB\n", file.c_str(), info.frames,
                info.cols, info.rows, info.photometricText.c_str(), info.transferSyntaxUID.c_str(),
                double(std::filesystem::file_size(file)) / 1e6);
    const int rounds = std::max(1, 360 / std::max(1, info.frames)); // ≥ 360 frames per measurement

    // Ours: read the frame's fragments from disk, libjpeg-turbo, colour conversion to RGB. One thread.
    (void)(*reader)->decode(0);
    auto t0 = Clock::now();
    int ok = 0;
    for (int r = 0; r < rounds; ++r)
        for (int f = 0; f < info.frames; ++f)
            ok += (*reader)->decode(f).hasValue() ? 1 : 0;
    const double ours = ok / seconds(t0, Clock::now());
    // Of which: reading the frame's fragments and checking their SHA-256 (display binding), no decoding.
    t0 = Clock::now();
    int okRead = 0;
    for (int r = 0; r < rounds; ++r)
        for (int f = 0; f < info.frames; ++f)
            okRead += (*reader)->frameBytes(f).hasValue() ? 1 : 0;
    const double readMs = 1000.0 * seconds(t0, Clock::now()) / std::max(1, okRead);

    // DCMTK's own decoder, as DCMTK users decode frames: getUncompressedFrame() on the loaded dataset (IJG
    // 6b, colour converted to RGB by the codec). One thread.
    DcmFileFormat ff;
    if (ff.loadFile(OFFilename(file.c_str())).bad()) {
        static_cast<void>(std::fprintf(stderr, "cine_decode: DCMTK cannot load the file\n"));
        return 2;
    }
    DcmDataset* ds = ff.getDataset();
    DcmElement* el = nullptr;
    ds->findAndGetElement(DCM_PixelData, el);
    auto* pixel = dynamic_cast<DcmPixelData*>(el);
    Uint32 frameSize = 0;
    pixel->getUncompressedFrameSize(ds, frameSize);
    std::vector<Uint8> buffer(frameSize + 1);
    DcmFileCache cache;
    t0 = Clock::now();
    int okD = 0;
    for (int r = 0; r < rounds; ++r) {
        Uint32 start = 0;
        for (int f = 0; f < info.frames; ++f) {
            OFString model;
            okD += pixel->getUncompressedFrame(ds, static_cast<Uint32>(f), start, buffer.data(), frameSize,
                                               model, &cache)
                           .good()
                       ? 1
                       : 0;
        }
    }
    const double dcmtk = okD / seconds(t0, Clock::now());

    // Agreement on frame 0.
    auto ref = (*reader)->decode(0, cine::JpegDecoder::Dcmtk);
    auto mine = (*reader)->decode(0);
    int maxDiff = -1;
    if (ref && mine && ref->rgb.size() == mine->rgb.size()) {
        maxDiff = 0;
        for (std::size_t i = 0; i < ref->rgb.size(); ++i)
            maxDiff = std::max(maxDiff, std::abs(int(ref->rgb[i]) - int(mine->rgb[i])));
    }

    // Ours through the frame cache with its worker threads (what playback gets), display conversion included.
    const int hw = static_cast<int>(std::thread::hardware_concurrency());
    cine::FrameCache::Settings s;
    s.memoryBytes = std::size_t{4} << 30;
    cine::FrameCache fc(
        info.frames, std::size_t(info.rows) * info.cols * 3,
        [r = *reader](int f, const cine::WindowLevel& w) { return r->decodeForDisplay(f, w); }, s,
        info.defaultWindow());
    std::vector<int> all(static_cast<std::size_t>(info.frames));
    for (int f = 0; f < info.frames; ++f)
        all[static_cast<std::size_t>(f)] = f;
    t0 = Clock::now();
    fc.setWanted(all);
    fc.waitFor(info.frames - 1, std::chrono::seconds(60));
    for (int f = 0; f < info.frames; ++f)
        fc.waitFor(f, std::chrono::seconds(60));
    const double cached = info.frames / seconds(t0, Clock::now());

    std::printf("decode, one thread (%d frames × %d):\n", info.frames, rounds);
    std::printf("  ours (libjpeg-turbo)        %8.1f frames/s  (%.2f ms/frame, %d ok)\n", ours, 1000.0 / ours,
                ok);
    std::printf("    of which read + SHA-256 check %6.3f ms/frame (%d ok)\n", readMs, okRead);
    std::printf("  DCMTK getUncompressedFrame  %8.1f frames/s  (%.2f ms/frame, %d ok)\n", dcmtk,
                1000.0 / dcmtk, okD);
    std::printf("  ratio ours / DCMTK          %8.2f×  (goal ≥ 2× on JPEG baseline)\n", ours / dcmtk);
    std::printf("  frame 0 max difference ours vs DCMTK: %d\n", maxDiff);
    std::printf("frame cache, %d worker(s) on %d core(s), to display RGB: %.1f frames/s\n",
                fc.stats().workers, hw, cached);
    if (!tmp.empty()) {
        std::error_code ec;
        std::filesystem::remove_all(tmp, ec);
    }
    return 0;
}
