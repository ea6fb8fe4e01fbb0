#include <veridicor/dicom/dicom_env.h>
#include <veridicor/dicom/load.h>
#include <veridicor/dicom/sniff.h>
#include <veridicor/dicom/text.h>

#include <dcmtk/dcmdata/dcdeftag.h>
#include <dcmtk/dcmdata/dcistrmb.h>
#include <dcmtk/dcmdata/dcxfer.h>

#include <fstream>
#include <sstream>
#include <system_error>

namespace veridicor::dicom {

namespace {

Error conditionToError(const OFCondition& cond, const std::string& what) {
    // DCMTK reports a stream that ends inside an element as "Invalid stream" (the file itself was opened and
    // read before this point) or as a pending read; an unterminated sequence ends as EC_SequEnd.
    if (cond == EC_InvalidStream || cond == EC_StreamNotifyClient ||
        cond == EC_PrematureSequDelimitationItem || cond == EC_SequDelimitationItemMissing ||
        cond == EC_ItemDelimitationItemMissing || cond == EC_SequEnd) {
        return {ErrorCode::Truncated, what + " ends before its declared content does (truncated file): " +
                                          std::string(cond.text())};
    }
    return {ErrorCode::Malformed, what + " is not valid DICOM: " + std::string(cond.text())};
}

bool isEndOfStreamMessage(const std::string& m) {
    return m.find("end of stream") != std::string::npos || m.find("remaining bytes") != std::string::npos ||
           m.find("premature end") != std::string::npos;
}

Expected<LoadedFile, Error> finish(std::unique_ptr<DcmFileFormat> ff, const std::string& what,
                                   const std::vector<std::string>& dcmtkMessages) {
    // DCMTK accepts a file that ends inside an undefined-length sequence with only a warning: never for us.
    for (const auto& m : dcmtkMessages) {
        if (isEndOfStreamMessage(m)) {
            std::string message = what;
            message += " ends before its declared content does (truncated file): ";
            message += m;
            return Unexpected{Error{ErrorCode::Truncated, std::move(message)}};
        }
    }
    DcmDataset* ds = ff->getDataset();
    if (ds == nullptr || ds->card() == 0) {
        return Unexpected{Error{ErrorCode::NotDicom, what + " holds no DICOM dataset"}};
    }
    LoadedFile out;
    const E_TransferSyntax xfer = ds->getOriginalXfer();
    out.transferSyntaxUID = DcmXfer(xfer).getXferID();
    out.file = std::move(ff);
    out.warnings = dcmtkMessages;
    return out;
}

} // namespace

std::string getString(DcmItem* item, const DcmTagKey& tag) {
    if (item == nullptr) {
        return {};
    }
    OFString value;
    if (item->findAndGetOFStringArray(tag, value).bad()) {
        return {};
    }
    std::string s(value.c_str());
    const auto first = s.find_first_not_of(" \0", 0, 2);
    if (first == std::string::npos) {
        return {};
    }
    const auto last = s.find_last_not_of(" \0", std::string::npos, 2);
    return s.substr(first, last - first + 1);
}

Expected<LoadedFile, Error> loadFile(const std::filesystem::path& path, const LoadOptions& options) {
    if (auto env = initializeDicom(); !env) {
        return Unexpected{env.error()};
    }
    const std::string what = "'" + path.string() + "'";
    std::error_code ec;
    const auto status = std::filesystem::status(path, ec);
    if (ec || !std::filesystem::exists(status)) {
        return Unexpected{Error{ErrorCode::Unreadable, what + " does not exist"}};
    }
    if (!std::filesystem::is_regular_file(status)) {
        return Unexpected{Error{ErrorCode::Unreadable, what + " is not a regular file"}};
    }
    const auto size = std::filesystem::file_size(path, ec);
    if (ec) {
        return Unexpected{Error{ErrorCode::Unreadable, what + " could not be read: " + ec.message()}};
    }
    if (size > options.maxFileBytes) {
        return Unexpected{Error{ErrorCode::TooLarge, what + " is " + std::to_string(size) +
                                                         " bytes, over the limit of " +
                                                         std::to_string(options.maxFileBytes)}};
    }
    {
        std::ifstream probe(path, std::ios::binary);
        if (!probe) {
            return Unexpected{Error{ErrorCode::Unreadable, what + " could not be opened for reading"}};
        }
    }
    if (!looksLikeDicomFile(path)) {
        return Unexpected{
            Error{ErrorCode::NotDicom,
                  what + " is not a DICOM file (no DICM preamble and no DICOM dataset at its start)"}};
    }
    auto ff = std::make_unique<DcmFileFormat>();
    const Uint32 lazy = options.lazyValueBytes == 0 ? Uint32{0xFFFFFFFFu} : Uint32{options.lazyValueBytes};
    DcmtkMessageCapture capture;
    const OFCondition cond =
        ff->loadFile(OFFilename(path.c_str()), EXS_Unknown, EGL_noChange, lazy, ERM_autoDetect);
    if (cond.bad()) {
        return Unexpected{conditionToError(cond, what)};
    }
    auto out = finish(std::move(ff), what, capture.messages());
    if (out) {
        out->path = path;
        out->fileBytes = size;
    }
    return out;
}

Expected<LoadedFile, Error> loadBuffer(const void* data, std::size_t size, const LoadOptions& options) {
    if (auto env = initializeDicom(); !env) {
        return Unexpected{env.error()};
    }
    const std::string what = "the DICOM buffer";
    if (size > options.maxFileBytes) {
        return Unexpected{Error{ErrorCode::TooLarge, what + " is over the size limit"}};
    }
    if (!looksLikeDicom(static_cast<const unsigned char*>(data), size)) {
        return Unexpected{Error{ErrorCode::NotDicom, what + " is not DICOM"}};
    }
    DcmInputBufferStream stream;
    stream.setBuffer(data, static_cast<offile_off_t>(size));
    stream.setEos();
    auto ff = std::make_unique<DcmFileFormat>();
    ff->transferInit();
    const Uint32 lazy = options.lazyValueBytes == 0 ? Uint32{0xFFFFFFFFu} : Uint32{options.lazyValueBytes};
    DcmtkMessageCapture capture;
    OFCondition cond = ff->read(stream, EXS_Unknown, EGL_noChange, lazy);
    ff->transferEnd();
    if (cond.bad()) {
        return Unexpected{conditionToError(cond, what)};
    }
    auto out = finish(std::move(ff), what, capture.messages());
    if (out) {
        out->fileBytes = size;
    }
    return out;
}

Expected<std::string, Error> dumpHeader(const std::filesystem::path& path) {
    LoadOptions opts;
    opts.lazyValueBytes = 256;
    auto loaded = loadFile(path, opts);
    if (!loaded) {
        return Unexpected{loaded.error()};
    }
    // The listing is read by people: its names and texts in UTF-8 like everywhere else (text.h), undecodable
    // bytes made visible. Only this copy, which is printed and dropped, is converted.
    convertForDisplay(*loaded->dataset());
    std::ostringstream out;
    loaded->file->print(out, DCMTypes::PF_shortenLongTagValues);
    return out.str();
}

} // namespace veridicor::dicom
