#pragma once
// The name a reading's signer goes by in the SR (Person Observer Name, Verifying Observer Name): written by
// sr_writer.cpp from the signing certificate and compared with it by reading_verifier.cpp.

#include <veridicor/verify/keys.h>

#include <string>

namespace veridicor::reading {

/// A DICOM PN/LO value from certificate text: no backslash, caret or '=' (one component group of one
/// component), no control characters, at most 64 characters.
inline std::string dicomName(std::string s) {
    for (char& c : s) {
        const auto u = static_cast<unsigned char>(c);
        if (c == '\\' || c == '^' || c == '=' || u < 0x20 || u == 0x7F) {
            c = ' ';
        }
    }
    if (s.size() > 64) {
        s.resize(64);
    }
    return s;
}

/// The certificate's subject CN, else its first e-mail address; empty when it names no one.
inline std::string signerName(const verify::Certificate& cert) {
    const verify::CertificateInfo info = cert.info();
    if (!info.commonName.empty()) {
        return dicomName(info.commonName);
    }
    for (const auto& id : info.identities) {
        if (id.find('@') != std::string::npos) {
            return dicomName(id);
        }
    }
    return {};
}

} // namespace veridicor::reading
