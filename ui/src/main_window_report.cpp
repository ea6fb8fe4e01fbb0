// File › Export Report…: the study on screen as a PDF (report/), with its reading in force and its findings as
// this window verified them.
#include <veridicor/ui/main_window.h>

#include "file_dialogs.h"
#include "finding_presenter.h"
#include "finding_session.h"
#include "reading_state.h"

#include <veridicor/report/pdf_writer.h>
#include <veridicor/report/report.h>

#include <QAction>
#include <QCoreApplication>
#include <QFileInfo>
#include <QFutureWatcher>
#include <QMenu>
#include <QStatusBar>
#include <QtConcurrent/QtConcurrentRun>

namespace veridicor::ui {

namespace {

struct ReportJobResult {
    QString path;
    bool ok = false;
    QString message;
};

} // namespace

void MainWindow::addReportActions(QMenu* file) {
    QAction* action = file->addAction(tr("Export &Report…"), this, [this] { openExportReportDialog(); });
    action->setObjectName(QStringLiteral("exportReport"));
}

void MainWindow::openExportReportDialog() {
    if (m_shownPath.isEmpty()) {
        statusBar()->showMessage(tr("Open a recording first: the report is of the recording on screen"));
        return;
    }
    FileDialogRequest r;
    r.title = tr("Export the report as PDF");
    r.mode = QFileDialog::AnyFile;
    r.accept = QFileDialog::AcceptSave;
    r.nameFilter = tr("PDF (*.pdf)");
    r.directory = QFileInfo(m_shownPath).completeBaseName() + QStringLiteral(".report.pdf");
    ui::openFileDialog(this, r, [this](const QStringList& files) {
        if (!files.isEmpty()) {
            exportReport(files.front());
        }
    });
}

bool MainWindow::exportReport(const QString& pdfPath) {
    if (m_shownPath.isEmpty() || currentView() == nullptr) {
        statusBar()->showMessage(tr("Open a recording first: the report is of the recording on screen"));
        return false;
    }
    if (aiResultsHidden()) {
        // Blind read: a report would show what the screen does not.
        statusBar()->showMessage(tr("Commit your reading first: AI results are hidden until you do, and so is the "
                                    "report"));
        return false;
    }
    report::ReportRequest request;
    request.recording = m_shownPath.toStdString();
    request.trustStore = m_trustStore.toStdString();
    request.at = m_at;
    request.workstationVersion = QCoreApplication::applicationVersion().toStdString();
    // The findings as this window verified them (bound to what the view holds: a changed file is
    // DATA_MISMATCH there and here).
    std::vector<verify::CheckedFinding> findings;
    for (const FindingEntry* e : m_session->entriesFor(m_shownPath)) {
        findings.push_back(e->checked);
    }
    request.checkedFindings = std::move(findings);
    request.checkedTrustStoreLoaded = m_session->hasResult() && m_session->result().trustStoreLoaded;
    request.checkedTrustStoreProblem =
        m_session->hasResult() ? m_session->result().trustStoreProblem : std::string("the findings are not verified yet");
    // The reading in force: the latest signed and verified one, else the latest found (reported untrusted).
    if (!m_reading->amendTarget.isEmpty()) {
        request.reading = m_reading->amendTarget.toStdString();
    } else if (!m_reading->checked.empty()) {
        request.reading = m_reading->checked.back().shown.path.toStdString();
    }
    auto* watcher = new QFutureWatcher<ReportJobResult>(this);
    connect(watcher, &QFutureWatcher<ReportJobResult>::finished, this, [this, watcher] {
        const ReportJobResult r = watcher->result();
        watcher->deleteLater();
        statusBar()->showMessage(r.ok ? tr("Report written: %1").arg(r.path)
                                      : tr("The report could not be written: %1").arg(r.message));
        emit reportExported(r.path, r.ok, r.message);
    });
    // Reading the recording and writing the PDF happen on a worker: the GUI thread reads no files.
    watcher->setFuture(QtConcurrent::run([request, pdfPath]() {
        ReportJobResult out;
        out.path = pdfPath;
        auto data = report::gatherReport(request);
        if (!data) {
            out.message = QString::fromStdString(data.error().message);
            return out;
        }
        auto written = report::writeReportPdf(*data, pdfPath.toStdString());
        if (!written) {
            out.message = QString::fromStdString(written.error().message);
            return out;
        }
        out.ok = true;
        return out;
    }));
    return true;
}

} // namespace veridicor::ui
