#pragma once
// What the main window keeps of the review of the AI beside the clinician (main_window_review.cpp): the
// side-by-side dock, the agreement window, the model monitor's banners and alerts. Private to ui/.

#include "agreement_window.h"

#include <veridicor/reading/reading.h>
#include <veridicor/review/monitor.h>
#include <veridicor/review/reviewed_study.h>
#include <veridicor/ui/main_window.h>

#include <QDockWidget>
#include <QHash>
#include <QPointer>
#include <QSet>
#include <QString>

#include <vector>

namespace veridicor::ui {

class SideBySidePanel;
class ModelAlertBanner;

/// What the main window keeps of the review.
struct ReviewUiState {
    QDockWidget* dock = nullptr;
    SideBySidePanel* panel = nullptr;
    ModelAlertBanner* dockBanner = nullptr;  ///< above the worklist dock's table
    ModelAlertBanner* startBanner = nullptr; ///< above the start screen's worklist
    QPointer<AgreementWindow> agreement;
    MainWindow::ReviewExport exportCsv;
    MainWindow::ReviewExport exportJson;
    review::ReviewSet set;
    std::vector<review::Alert> alerts;
    /// The reading committed or signed in this session, per study: what is compared until a signed one is
    /// verified.
    struct Written {
        QString recording;
        reading::Reading content;
        bool isSigned = false;
    };
    QHash<QString, Written> written;
    /// What recordShownReview() has put into the worklist's reviews table this session ("reading|model|version|
    /// rows"), so that redrawing the dock does not write the same rows again.
    QSet<QString> recorded;
};

} // namespace veridicor::ui
