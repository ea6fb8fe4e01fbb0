#pragma once
// What the main window keeps of the clinician's reading of the study on screen (main_window_reading.cpp):
// the SR writes and verifications under way, the readings verified, the blind read's state and the signing
// key. Private to ui/.

#include <veridicor/ui/reading_panel.h>

#include <veridicor/base/expected.h>
#include <veridicor/dicom/content_digest.h>
#include <veridicor/reading/error.h>
#include <veridicor/reading/sr_writer.h>
#include <veridicor/worklist/database.h>

#include <QDockWidget>
#include <QFutureWatcher>
#include <QSet>
#include <QString>

#include <optional>
#include <vector>

namespace veridicor::ui {

/// One reading SR of the study, as its verification found it.
struct CheckedReading {
    ShownReading shown;
    std::optional<worklist::Reading> record; ///< for the worklist: trusted readings only
    bool isSigned = false;                   ///< trusted and signed: Amend may reference it
    QString observer;
};

struct ReadingCheckResult {
    int generation = 0;
    std::vector<CheckedReading> readings;
};

struct ReadingWriteResult {
    Expected<reading::WrittenReading, reading::Error> written = Unexpected(reading::Error{});
    reading::Reading content;
    QString recording;
    std::optional<dicom::ContentIdentity> shown; ///< what the view held when the reader committed
    QString studyUid;
    QString out;
    QString srSha256; ///< of the file written
    bool sign = false;
    bool amending = false;
    QString amendsUid;
    bool hiddenWhenWritten = false; ///< AI results were hidden when the reader committed it
};

struct ReadingState {
    ReadingPanel* panel = nullptr;
    QDockWidget* dock = nullptr;
    bool blindRead = true;
    QString readerKey;
    QString readerChain;
    QString study;                  ///< the study whose reading the panel holds
    QSet<QString> revealed;         ///< studies whose reading was committed in this session
    std::optional<reading::Reading> blindContent; ///< what was committed while AI results were hidden
    QString amendsPath;             ///< the signed SR the reading under way amends (empty: none)
    QString amendTarget;            ///< the latest trusted signed SR of the study (what Amend references)
    QString amendTargetLabel;
    std::optional<reading::Reading> amendTargetContent;
    QStringList written;            ///< SR files written in this session (verified with the study's)
    std::vector<CheckedReading> checked;
    QFutureWatcher<ReadingCheckResult> check;
    QFutureWatcher<ReadingWriteResult> write;
    int generation = 0;
    bool checkAgain = false;
    /// A write is started and its result not yet handled (not QFuture::isRunning(): a future can be finished
    /// while its watcher's signal is still queued, and a second write must not replace one whose result —
    /// its audit line, its worklist row, the reveal — has not been handled).
    bool writing = false;
};

} // namespace veridicor::ui
