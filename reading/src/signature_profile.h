#pragma once
// The signature profile readings are signed and verified under.

#include <dcmtk/config/osconfig.h>
#include <dcmtk/dcmsign/sisrpr.h>

namespace veridicor::reading {

/// DICOM's Structured Reporting RSA Digital Signature Profile (PS3.15 C.4, DCMTK's
/// SiStructuredReportingProfile: which attributes must be signed) with ECDSA keys allowed beside RSA, and
/// only SHA-256 or stronger MACs. Why ECDSA: the clinician's certificate is often a P-256 smart-card key;
/// DCMTK 3.6.7 signs and verifies ECDSA, and `dcmsign --verify` checks it, but its SR profile class names
/// RSA only.
class ReadingSignatureProfile : public SiStructuredReportingProfile {
public:
    [[nodiscard]] OFBool isAllowableAlgorithmType(E_KeyType keyType) const override {
        return keyType == EKT_RSA || keyType == EKT_EC;
    }
    [[nodiscard]] OFBool isAllowableMACType(E_MACType macType) const override {
        return macType == EMT_SHA256 || macType == EMT_SHA384 || macType == EMT_SHA512;
    }
};

/// DcmSignature::initializeLibrary(), once per process.
void initializeSigning();

} // namespace veridicor::reading
