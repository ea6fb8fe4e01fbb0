#include <veridicor/dicom/sop_classes.h>

#include <dcmtk/dcmdata/dcuid.h>

namespace veridicor::dicom {

std::string uidName(std::string_view uid) {
    const std::string s(uid);
    const char* name = dcmFindNameOfUID(s.c_str(), nullptr);
    return name != nullptr ? std::string(name) : s;
}

std::string uidDisplayName(std::string_view uid) {
    std::string name = uidName(uid);
    if (name == uid) {
        return name;
    }
    auto upper = [](char c) {
        return c >= 'A' && c <= 'Z';
    };
    auto lower = [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
    };
    std::string out;
    for (std::size_t i = 0; i < name.size(); ++i) {
        const char c = name[i];
        if (i > 0 && upper(c)) {
            const bool afterLower = lower(name[i - 1]);
            const bool endOfAcronym = upper(name[i - 1]) && i + 1 < name.size() && lower(name[i + 1]);
            if (afterLower || endOfAcronym) {
                out += ' ';
            }
        }
        out += c;
    }
    return out;
}

} // namespace veridicor::dicom
