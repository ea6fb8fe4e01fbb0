#include <veridicor/dicom/dicom_env.h>

#include <dcmtk/dcmdata/dccodec.h>
#include <dcmtk/dcmdata/dcdict.h>
#include <dcmtk/dcmdata/dcrledrg.h>
#include <dcmtk/dcmdata/dcxfer.h>
#include <dcmtk/dcmimage/diregist.h> // registers colour image support in dcmimage
#include <dcmtk/dcmjpeg/djdecode.h>
#include <dcmtk/dcmjpls/djdecode.h>

#include <dcmtk/oflog/appender.h>
#include <dcmtk/oflog/oflog.h>
#include <dcmtk/oflog/spi/logevent.h>

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <mutex>
#include <vector>

namespace veridicor::dicom {

namespace {
std::once_flag g_once;
std::atomic<bool> g_ok{false};
Error g_error;

thread_local std::vector<std::string>* t_capture = nullptr;

/// Receives DCMTK's log messages. During a DcmtkMessageCapture on the same thread they are collected (so a
/// warning such as "reached end of stream" becomes part of our error); otherwise they are dropped unless
/// VERIDICOR_DCMTK_LOG is set, because every layer already reports DCMTK's failures as values.
class CaptureAppender final : public dcmtk::log4cplus::Appender {
public:
    CaptureAppender() : m_echo(std::getenv("VERIDICOR_DCMTK_LOG") != nullptr) {}
    ~CaptureAppender() override { destructorImpl(); }
    CaptureAppender(const CaptureAppender&) = delete;
    CaptureAppender& operator=(const CaptureAppender&) = delete;
    CaptureAppender(CaptureAppender&&) = delete;
    CaptureAppender& operator=(CaptureAppender&&) = delete;
    void close() override {}

protected:
    void append(const dcmtk::log4cplus::spi::InternalLoggingEvent& event) override {
        if (event.getLogLevel() < dcmtk::log4cplus::WARN_LOG_LEVEL) {
            return;
        }
        if (t_capture != nullptr) {
            t_capture->emplace_back(event.getMessage().c_str());
        }
        if (m_echo) {
            // A diagnostic echo: nothing to do when standard error cannot be written.
            static_cast<void>(std::fprintf(stderr, "DCMTK: %s\n", event.getMessage().c_str()));
        }
    }

private:
    bool m_echo;
};
} // namespace

DcmtkMessageCapture::DcmtkMessageCapture() : m_previous(t_capture) {
    t_capture = &m_messages;
}
DcmtkMessageCapture::~DcmtkMessageCapture() {
    t_capture = m_previous;
}

const char* errorCodeName(ErrorCode code) {
    switch (code) {
    case ErrorCode::Environment:
        return "environment problem";
    case ErrorCode::Unreadable:
        return "unreadable file";
    case ErrorCode::NotDicom:
        return "not a DICOM file";
    case ErrorCode::Truncated:
        return "truncated file";
    case ErrorCode::Malformed:
        return "malformed DICOM";
    case ErrorCode::Unsupported:
        return "unsupported DICOM";
    case ErrorCode::TooLarge:
        return "too large";
    }
    return "unknown error";
}

Expected<void, Error> initializeDicom() {
    std::call_once(g_once, [] {
        if (!dcmDataDict.isDictionaryLoaded()) {
            g_error = {
                ErrorCode::Environment,
                "DCMTK's DICOM data dictionary is not loaded (expected /usr/share/libdcmtk17/dicom.dic or "
                "the file named by DCMDICTPATH). Without it DICOM files cannot be read or written "
                "correctly; install the libdcmtk17 package or set DCMDICTPATH."};
            return;
        }
        OFLog::configure(OFLogger::WARN_LOG_LEVEL);
        auto root = dcmtk::log4cplus::Logger::getRoot();
        root.removeAllAppenders();
        root.addAppender(dcmtk::log4cplus::SharedAppenderPtr(new CaptureAppender()));

        DJDecoderRegistration::registerCodecs();
        DJLSDecoderRegistration::registerCodecs();
        DcmRLEDecoderRegistration::registerCodecs();
        const bool jpeg = DcmCodecList::canChangeCoding(EXS_JPEGProcess1, EXS_LittleEndianExplicit);
        const bool jpegls = DcmCodecList::canChangeCoding(EXS_JPEGLSLossless, EXS_LittleEndianExplicit);
        const bool rle = DcmCodecList::canChangeCoding(EXS_RLELossless, EXS_LittleEndianExplicit);
        if (!jpeg || !jpegls || !rle) {
            std::string missing;
            if (!jpeg)
                missing += " JPEG";
            if (!jpegls)
                missing += " JPEG-LS";
            if (!rle)
                missing += " RLE";
            g_error = {ErrorCode::Environment, "DCMTK decoders could not be registered:" + missing};
            return;
        }
        g_ok = true;
    });
    if (!g_ok) {
        return Unexpected{g_error};
    }
    return {};
}

bool dicomInitialized() {
    return g_ok;
}

} // namespace veridicor::dicom
