#include "header_view.h"

#include "display_text.h"

#include <veridicor/dicom/load.h>
#include <veridicor/dicom/sop_classes.h>

#include <QFontDatabase>
#include <QFutureWatcher>
#include <QtConcurrent/QtConcurrentRun>
#include <QLabel>
#include <QPlainTextEdit>
#include <QVBoxLayout>

namespace veridicor::ui {

HeaderView::HeaderView(QWidget* parent) : QWidget(parent) {
    auto* layout = new QVBoxLayout(this);
    m_title = new QLabel(this);
    m_title->setWordWrap(true);
    m_text = new QPlainTextEdit(this);
    m_text->setReadOnly(true);
    m_text->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    m_text->setLineWrapMode(QPlainTextEdit::NoWrap);
    layout->addWidget(m_title);
    layout->addWidget(m_text, 1);
}

void HeaderView::showHeader(const dicom::InstanceHeader& header) {
    QString title =
        tr("<b>%1</b> — Veridicor has no viewer for this kind of object; its header is listed below.")
            .arg(QString::fromStdString(dicom::uidDisplayName(header.sopClassUID)).toHtmlEscaped());
    // The name as the study browser shows it (decoded by dicom/text.h when the folder was indexed).
    if (!header.patientName.empty()) {
        title += QStringLiteral("<br>") +
                 tr("Patient: %1").arg(boundedText(header.patientName, kMaxNameChars).toHtmlEscaped());
    }
    m_title->setText(title);
    m_text->setPlainText(tr("Reading the header…"));
    m_reading = true;
    const unsigned long long request = ++m_request;
    // The worker holds no pointer to the widget; a listing that arrives after a newer showHeader() is dropped.
    using Dump = Expected<std::string, dicom::Error>;
    auto* watcher = new QFutureWatcher<Dump>(this);
    connect(watcher, &QFutureWatcher<Dump>::finished, this, [this, watcher, request] {
        watcher->deleteLater();
        if (request != m_request) {
            return;
        }
        m_reading = false;
        const Dump dump = watcher->result();
        m_text->setPlainText(dump ? QString::fromStdString(*dump)
                                  : tr("The header cannot be read: %1").arg(QString::fromStdString(dump.error().message)));
        emit headerListed();
    });
    watcher->setFuture(QtConcurrent::run([path = header.path] { return dicom::dumpHeader(path); }));
}

} // namespace veridicor::ui
