#pragma once
// What the main window keeps of adjudication (main_window_adjudication.cpp): the panel and its dock, the
// case on screen (the reading in force and the AI bundles it is set against), and the write under way.
// Private to ui/.

#include "adjudication_panel.h"

#include <veridicor/base/expected.h>
#include <veridicor/dicom/content_digest.h>
#include <veridicor/reading/adjudication_sr.h>
#include <veridicor/reading/error.h>

#include <QAction>
#include <QDockWidget>
#include <QFutureWatcher>
#include <QString>

#include <optional>
#include <string>
#include <vector>

namespace veridicor::ui {

/// The discordance of the study on screen: its signed, verified reading in force against its verified AI
/// findings (review::sideBySide), the categories that do not agree.
struct AdjudicationCase {
    QString studyUid;
    QString readingPath;
    QString readingUid;
    QString reader;
    std::vector<std::string> bundles; ///< SHA-256 of the trusted bundles displayed
    std::vector<DiscordantCategory> categories;
};

struct AdjudicationWriteResult {
    Expected<reading::WrittenAdjudication, reading::Error> written = Unexpected(reading::Error{});
    std::optional<reading::AdjudicationVerdict> verdict; ///< of the file written, against the reading and the screen
    QString verifyProblem;                               ///< why it could not be verified
    QString out;
    QString recording;
    std::optional<dicom::ContentIdentity> shown;
    QString studyUid;
    QString readingUid;
    QString srSha256;
};

struct AdjudicationState {
    AdjudicationPanel* panel = nullptr;
    QDockWidget* dock = nullptr;
    QAction* toAdjudicate = nullptr; ///< the worklist filter "to adjudicate" (checkable)
    std::optional<AdjudicationCase> shownCase; ///< what the panel holds
    QFutureWatcher<AdjudicationWriteResult> write;
    bool writing = false;
};

} // namespace veridicor::ui
