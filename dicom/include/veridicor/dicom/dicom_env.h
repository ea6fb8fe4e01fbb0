#pragma once

#include <veridicor/base/expected.h>
#include <veridicor/dicom/error.h>

#include <string>
#include <vector>

namespace veridicor::dicom {

/// Prepares DCMTK for the whole process: checks that the data dictionary is loaded (without it DCMTK writes
/// corrupt files and reports success) and registers the JPEG, JPEG-LS and RLE decoders, then checks that they
/// are registered. Idempotent and thread-safe. Returns ErrorCode::Environment with the reason otherwise.
Expected<void, Error> initializeDicom();

/// While alive, collects the warnings and errors DCMTK logs on this thread (DCMTK reports some problems, such
/// as a file that ends inside a sequence, only as a log message). Nests; requires initializeDicom().
class DcmtkMessageCapture {
public:
    DcmtkMessageCapture();
    ~DcmtkMessageCapture();
    DcmtkMessageCapture(const DcmtkMessageCapture&) = delete;
    DcmtkMessageCapture& operator=(const DcmtkMessageCapture&) = delete;
    DcmtkMessageCapture(DcmtkMessageCapture&&) = delete; ///< it registers itself on this thread's stack
    DcmtkMessageCapture& operator=(DcmtkMessageCapture&&) = delete;
    [[nodiscard]] const std::vector<std::string>& messages() const { return m_messages; }

private:
    std::vector<std::string> m_messages;
    std::vector<std::string>* m_previous;
};

/// The result of the last initializeDicom() call, without side effects; false before the first call.
bool dicomInitialized();

} // namespace veridicor::dicom
