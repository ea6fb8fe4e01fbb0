#include <veridicor/dicom/sniff.h>

#include <array>
#include <cstdint>
#include <cstring>
#include <fstream>

namespace veridicor::dicom {

namespace {
std::uint16_t le16(const unsigned char* p) {
    return static_cast<std::uint16_t>(p[0] | (p[1] << 8));
}

bool isUpperAlpha(unsigned char c) {
    return c >= 'A' && c <= 'Z';
}

bool plausibleBareDataset(const unsigned char* b, std::size_t n) {
    if (n < 8) {
        return false;
    }
    const std::uint16_t group = le16(b);
    const std::uint16_t element = le16(b + 2);
    if (group != 0x0002 && group != 0x0008) {
        return false;
    }
    // Group length (gggg,0000) or a low element number, as the first element of a dataset normally is.
    if (element > 0x0020) {
        return false;
    }
    // Explicit VR: two upper-case letters. Implicit VR: a 32-bit length that is small for a header element.
    if (isUpperAlpha(b[4]) && isUpperAlpha(b[5])) {
        return true;
    }
    const std::uint32_t len = static_cast<std::uint32_t>(b[4]) | (static_cast<std::uint32_t>(b[5]) << 8) |
                              (static_cast<std::uint32_t>(b[6]) << 16) |
                              (static_cast<std::uint32_t>(b[7]) << 24);
    return len <= 1024;
}
} // namespace

bool looksLikeDicom(const unsigned char* bytes, std::size_t size) {
    if (size >= 132 && std::memcmp(bytes + 128, "DICM", 4) == 0) {
        return true;
    }
    return plausibleBareDataset(bytes, size);
}

bool looksLikeDicomFile(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        return false;
    }
    std::array<unsigned char, 256> buf{};
    in.read(reinterpret_cast<char*>(buf.data()), static_cast<std::streamsize>(buf.size()));
    return looksLikeDicom(buf.data(), static_cast<std::size_t>(in.gcount()));
}

} // namespace veridicor::dicom
