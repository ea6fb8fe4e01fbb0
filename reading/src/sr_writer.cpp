#include <veridicor/reading/sr_writer.h>

#include "signature_profile.h"
#include "signer_name.h"
#include "sr_building.h"
#include "sr_codes.h"

#include <veridicor/dicom/content_digest.h>
#include <veridicor/dicom/load.h>
#include <veridicor/verify/keys.h>

#include <dcmtk/config/osconfig.h>
#include <dcmtk/dcmdata/dcdeftag.h>
#include <dcmtk/dcmdata/dcuid.h>
#include <dcmtk/dcmsign/dcsignat.h>
#include <dcmtk/dcmsign/sicert.h>
#include <dcmtk/dcmsign/simdmac.h>
#include <dcmtk/dcmsign/siprivat.h>
#include <dcmtk/dcmsign/sipurpos.h>
#include <dcmtk/dcmsr/dsrdoc.h>
#include <dcmtk/dcmsr/dsrnumvl.h>
#include <dcmtk/dcmsr/dsrcomvl.h>

#include <openssl/evp.h>
#include <openssl/x509.h>

#include <array>
#include <chrono>
#include <ctime>
#include <mutex>
#include <vector>

namespace veridicor::reading {

void initializeSigning() {
    static std::once_flag once;
    std::call_once(once, [] { DcmSignature::initializeLibrary(); });
}

namespace {

Unexpected<Error> fail(ErrorCode code, std::string message) { return Unexpected{Error{code, std::move(message)}}; }

} // namespace

namespace detail {

namespace {

/// The modules copied from the recording: Patient (and its Clinical Trial Subject fields) and General
/// Study. The SR is the same patient's, in the same study.
const std::array kCopiedTags{
    DCM_PatientName,        DCM_PatientID,       DCM_IssuerOfPatientID, DCM_PatientBirthDate,
    DCM_PatientSex,         DCM_OtherPatientIDsSequence, DCM_StudyInstanceUID, DCM_StudyDate,
    DCM_StudyTime,          DCM_ReferringPhysicianName,  DCM_StudyID,          DCM_AccessionNumber,
    DCM_StudyDescription,
};

/// Copies the patient and study attributes into `to`, converted to UTF-8 (the SR's character set) from
/// the recording's Specific Character Set.
} // namespace

Expected<void, Error> copyPatientAndStudy(DcmItem& from, DcmItem& to) {
    DcmItem copy;
    if (DcmElement* cs = nullptr; from.findAndGetElement(DCM_SpecificCharacterSet, cs).good() && cs != nullptr) {
        copy.insert(dynamic_cast<DcmElement*>(cs->clone()), true);
    }
    for (const auto& tag : kCopiedTags) {
        DcmElement* e = nullptr;
        if (from.findAndGetElement(tag, e).good() && e != nullptr) {
            copy.insert(dynamic_cast<DcmElement*>(e->clone()), true);
        }
    }
    if (OFCondition c = copy.convertToUTF8(); c.bad()) {
        return fail(ErrorCode::Invalid, std::string("the recording's patient and study attributes could not be "
                                                    "converted to UTF-8: ") + c.text());
    }
    copy.findAndDeleteElement(DCM_SpecificCharacterSet);
    for (const auto& tag : kCopiedTags) {
        DcmElement* e = nullptr;
        if (copy.findAndGetElement(tag, e).good() && e != nullptr) {
            to.insert(dynamic_cast<DcmElement*>(e->clone()), true);
        }
    }
    return {};
}

std::string nowDicom() {
    const std::time_t t = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
    std::tm tm{};
    gmtime_r(&t, &tm);
    std::array<char, 32> buf{};
    (void)std::strftime(buf.data(), buf.size(), "%Y%m%d%H%M%S", &tm);
    return buf.data();
}

std::string subjectField(const verify::Certificate& cert, int nid) {
    X509_NAME* name = X509_get_subject_name(cert.native());
    std::array<char, 256> buf{};
    const int n = X509_NAME_get_text_by_NID(name, nid, buf.data(), static_cast<int>(buf.size()));
    return n > 0 ? std::string(buf.data(), static_cast<std::size_t>(n)) : std::string();
}

/// Refuses keys below our minimum before anything is signed: DCMTK would sign with any key OpenSSL loads.
Expected<void, Error> checkKey(const verify::PrivateKey& key) {
    EVP_PKEY* k = key.native();
    const int id = EVP_PKEY_get_base_id(k);
    if (id == EVP_PKEY_RSA) {
        const int bits = EVP_PKEY_get_bits(k);
        if (bits < 2048) {
            return fail(ErrorCode::WeakKey, "the signing key is RSA " + std::to_string(bits) +
                                                " bits; readings are signed with RSA of at least 2048 bits or "
                                                "ECDSA P-256/P-384 (smaller RSA keys can be factored)");
        }
        return {};
    }
    if (id == EVP_PKEY_EC) {
        std::array<char, 64> curve{};
        std::size_t len = 0;
        if (EVP_PKEY_get_utf8_string_param(k, "group", curve.data(), curve.size(), &len) == 1) {
            const std::string name(curve.data(), len);
            if (name == "prime256v1" || name == "P-256" || name == "secp384r1" || name == "P-384") {
                return {};
            }
            return fail(ErrorCode::WeakKey, "the signing key is on the curve " + name +
                                                "; readings are signed with ECDSA P-256 or P-384 or RSA of at "
                                                "least 2048 bits");
        }
        return fail(ErrorCode::WeakKey, "the signing key's curve cannot be determined");
    }
    return fail(ErrorCode::WeakKey, "the signing key is " + key.description() +
                                        "; readings are signed with ECDSA P-256/P-384 or RSA of at least 2048 bits "
                                        "(what DICOM's signature profiles and dcmsign support)");
}



Expected<Signer, Error> loadSigner(const SignerFiles& files) {
    auto key = verify::PrivateKey::load(files.key);
    if (!key) {
        return fail(ErrorCode::Invalid, "the signing key " + files.key.string() + ": " + key.error().message);
    }
    if (auto ok = checkKey(*key); !ok) {
        return Unexpected{ok.error()};
    }
    auto chain = verify::Certificate::loadPem(files.chain);
    if (!chain) {
        return fail(ErrorCode::Invalid, "the certificate chain " + files.chain.string() + ": " + chain.error().message);
    }
    if (!chain->front().matches(*key)) {
        return fail(ErrorCode::Invalid, "the signing key does not belong to the chain's first certificate");
    }
    Signer s{*key, chain->front(), {}, {}};
    s.observer = signerName(s.cert);
    s.organization = dicomName(subjectField(s.cert, NID_organizationName));
    if (s.observer.empty()) {
        return fail(ErrorCode::Invalid, "the signing certificate names no person (no subject CN and no e-mail)");
    }
    if (s.organization.empty()) {
        s.organization = "Unknown";
    }
    return s;
}

Expected<void, Error> sign(DcmDataset& dataset, const SignerFiles& files) {
    initializeSigning();
    SiPrivateKey key;
    if (OFCondition c = key.loadPrivateKey(files.key.c_str(), X509_FILETYPE_PEM); c.bad()) {
        return fail(ErrorCode::Invalid, std::string("dcmsign could not load the key: ") + c.text());
    }
    SiCertificate cert;
    if (OFCondition c = cert.loadCertificate(files.chain.c_str(), X509_FILETYPE_PEM); c.bad()) {
        return fail(ErrorCode::Invalid, std::string("dcmsign could not load the certificate: ") + c.text());
    }
    SiMDMAC mac(EMT_SHA256);
    ReadingSignatureProfile profile;
    DcmSignature signature;
    signature.attach(&dataset);
    // No tag list: every signable attribute of the dataset is signed (the whole reading, patient and
    // evidence included), which is more than the SR profile's minimum.
    const OFCondition c = signature.createSignature(key, cert, mac, profile, EXS_LittleEndianExplicit, nullptr,
                                                    nullptr, SiSignaturePurpose::ESP_AuthorsSignature);
    signature.detach();
    if (c.bad()) {
        return fail(ErrorCode::Crypto, std::string("dcmsign could not sign the SR: ") + c.text());
    }
    return {};
}
} // namespace detail

namespace {

using detail::copyPatientAndStudy;
using detail::loadSigner;
using detail::nowDicom;
using detail::sign;
using detail::Signer;
using detail::TreeBuilder;

bool buildContent(TreeBuilder& b, const Reading& r, const dicom::ContentIdentity& evidence,
                  const std::string& observer) {
    const bool echo = evidence.kind == dicom::ContentKind::PixelData;
    if (!b.root(echo ? codes::echoReport() : codes::ecgReport())) {
        return false;
    }
    if (DSRContentItem* o = b.add(DSRTypes::RT_hasObsContext, DSRTypes::VT_PName, codes::personObserverName());
        o == nullptr || o->setStringValue(observer.c_str()).bad()) {
        return false;
    }
    if (DSRContentItem* e = b.add(DSRTypes::RT_contains, DSRTypes::VT_Composite, codes::currentProcedureEvidence());
        e == nullptr ||
        e->setCompositeReference(DSRCompositeReferenceValue(evidence.sopClassUID.c_str(),
                                                            evidence.sopInstanceUID.c_str()))
            .bad()) {
        return false;
    }
    const dicom::ContentMethod method = dicom::contentMethod(evidence.kind, 2);
    if (!b.text(codes::evidenceDigest(),
                std::string(dicom::contentMethodName(method)) + ":" + evidence.digest(method))) {
        return false;
    }
    if (!b.code(codes::blindRead(), r.blind ? codes::yes() : codes::no())) {
        return false;
    }
    if (!r.amends.empty() && !b.text(codes::amends(), r.amends)) {
        return false;
    }
    for (const auto& s : r.statements) {
        const DSRCodedEntryValue value(s.value.c_str(), s.scheme.c_str(), s.meaning.c_str());
        const bool added =
            s.site ? b.codeWithModifier(codes::finding(), value, codes::findingSite(),
                                        DSRCodedEntryValue(s.site->value.c_str(), s.site->scheme.c_str(),
                                                           s.site->meaning.c_str()))
                   : b.code(codes::finding(), value);
        if (!added) {
            return false;
        }
    }
    if (!r.text.empty() && !b.text(codes::comment(), r.text)) {
        return false;
    }
    if (!r.measurements.empty()) {
        if (!b.open(codes::quantitativeAnalysis())) {
            return false;
        }
        for (const auto& m : r.measurements) {
            if (!b.open(codes::measurementGroup()) ||
                !b.num(DSRCodedEntryValue("MEASUREMENT", codes::kPrivateScheme, m.name.c_str()), m.value, m.unit) ||
                (!m.lead.empty() && !b.text(codes::lead(), m.lead)) ||
                (m.start && !b.num(codes::startTime(), *m.start, "s")) ||
                (m.end && !b.num(codes::endTime(), *m.end, "s"))) {
                return false;
            }
            b.close();
        }
        b.close();
    }
    for (const auto& d : r.deviceStatements) {
        if (!b.open(codes::deviceStatementReview()) || !b.text(codes::deviceStatement(), d.text) ||
            !b.code(codes::review(), d.confirmed ? codes::confirmed() : codes::rejected())) {
            return false;
        }
        b.close();
    }
    for (const auto& a : r.assessments) {
        const DSRCodedEntryValue value = a.assessment == Assessment::Agree      ? codes::agree()
                                         : a.assessment == Assessment::Disagree ? codes::disagree()
                                                                                : codes::modified();
        if (!b.open(codes::aiAssessment()) || !b.text(codes::bundleSha256(), a.bundleSha256) ||
            !b.text(codes::findingId(), a.findingId) ||
            (!a.verdict.empty() && !b.text(codes::verdictAtReading(), a.verdict)) ||
            !b.code(codes::assessment(), value) || (!a.reason.empty() && !b.text(codes::reason(), a.reason))) {
            return false;
        }
        b.close();
    }
    b.close();
    return true;
}

} // namespace

Expected<WrittenReading, Error> writeReadingSr(const Reading& input, const std::filesystem::path& recording,
                                               const SrWriteOptions& options, const std::filesystem::path& out) {
    Reading reading = input;
    if (auto ok = validateReading(reading); !ok) {
        return Unexpected{ok.error()};
    }
    std::error_code ec;
    if (std::filesystem::exists(out, ec)) {
        return fail(ErrorCode::Io, out.string() + " exists: a reading is never overwritten (an amendment is a new "
                                                  "file)");
    }
    std::optional<Signer> signer;
    if (options.signer) {
        auto s = loadSigner(*options.signer);
        if (!s) {
            return Unexpected{s.error()};
        }
        signer = std::move(*s);
    }
    // Bulk values (samples, pixels) stay on disk and are streamed into the content digest: a cine of a
    // gigabyte is read once, never held whole.
    dicom::LoadOptions loadOptions;
    loadOptions.lazyValueBytes = std::uint32_t{1} << 20;
    auto rec = dicom::loadFile(recording, loadOptions);
    if (!rec) {
        return fail(ErrorCode::Unreadable, "the recording " + recording.string() + ": " + rec.error().message);
    }
    auto identity = dicom::contentIdentity(*rec->dataset());
    if (!identity) {
        return fail(ErrorCode::Invalid, "the recording " + recording.string() + " holds no waveform or pixel data "
                                        "to read: " + identity.error().message);
    }
    if (identity->studyInstanceUID.empty() || identity->seriesInstanceUID.empty() || identity->sopClassUID.empty()) {
        return fail(ErrorCode::Invalid, "the recording has no Study, Series or SOP Class UID to refer to");
    }

    DSRDocument doc(DSRTypes::DT_ComprehensiveSR);
    doc.setSpecificCharacterSetType(DSRTypes::CS_UTF8);
    if (doc.createNewSeriesInStudy(identity->studyInstanceUID.c_str()).bad()) {
        return fail(ErrorCode::Invalid, "the recording's Study Instance UID is not valid");
    }
    std::optional<dicom::LoadedFile> amended;
    if (options.amendedSr) {
        auto a = dicom::loadFile(*options.amendedSr);
        if (!a) {
            return fail(ErrorCode::Unreadable, "the amended SR " + options.amendedSr->string() + ": " +
                                                   a.error().message);
        }
        const std::string uid = dicom::getString(a->dataset(), DCM_SOPInstanceUID);
        if (reading.amends.empty()) {
            reading.amends = uid;
        } else if (reading.amends != uid) {
            return fail(ErrorCode::Invalid, "reading.amends names another SR than " + options.amendedSr->string());
        }
        if (doc.getPredecessorDocuments()
                .addItem(dicom::getString(a->dataset(), DCM_StudyInstanceUID).c_str(),
                         dicom::getString(a->dataset(), DCM_SeriesInstanceUID).c_str(),
                         dicom::getString(a->dataset(), DCM_SOPClassUID).c_str(), uid.c_str())
                .bad()) {
            return fail(ErrorCode::Invalid, "the amended SR's UIDs are not valid");
        }
        amended = std::move(*a);
    }
    const std::string observer = signer ? signer->observer
                                        : (options.observerName.empty() ? "Unknown" : dicomName(options.observerName));
    doc.getCurrentRequestedProcedureEvidence().addItem(
        identity->studyInstanceUID.c_str(), identity->seriesInstanceUID.c_str(), identity->sopClassUID.c_str(),
        identity->sopInstanceUID.c_str());
    TreeBuilder builder(doc.getTree());
    if (!buildContent(builder, reading, *identity, observer)) {
        return fail(ErrorCode::Invalid, "the SR content could not be built: " + builder.problem());
    }
    const std::string when = options.dateTime.empty() ? nowDicom() : options.dateTime;
    doc.setContentDate(when.substr(0, 8).c_str());
    doc.setContentTime(when.substr(8).c_str());
    doc.setSeriesDescription(signer ? "Signed reading" : "Preliminary reading");
    if (signer) {
        if (doc.completeDocument().bad() ||
            doc.verifyDocument(signer->observer.c_str(), signer->organization.c_str(), when.c_str()).bad()) {
            return fail(ErrorCode::Invalid, "the SR could not be marked complete and verified");
        }
    }
    DcmFileFormat file;
    DcmDataset* ds = file.getDataset();
    if (OFCondition c = doc.write(*ds); c.bad()) {
        return fail(ErrorCode::Invalid, std::string("dcmsr could not write the SR: ") + c.text());
    }
    if (auto ok = copyPatientAndStudy(*rec->dataset(), *ds); !ok) {
        return Unexpected{ok.error()};
    }
    if (signer) {
        if (auto ok = sign(*ds, *options.signer); !ok) {
            return Unexpected{ok.error()};
        }
    }
    WrittenReading result;
    result.sopInstanceUID = dicom::getString(ds, DCM_SOPInstanceUID);
    result.seriesInstanceUID = dicom::getString(ds, DCM_SeriesInstanceUID);
    result.observerName = observer;
    result.isSigned = signer.has_value();
    if (OFCondition c = file.saveFile(out.c_str(), EXS_LittleEndianExplicit); c.bad()) {
        std::filesystem::remove(out, ec);
        return fail(ErrorCode::Io, "writing " + out.string() + " failed: " + c.text());
    }
    return result;
}

} // namespace veridicor::reading
