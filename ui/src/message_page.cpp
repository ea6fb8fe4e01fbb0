#include "message_page.h"

#include <QLabel>
#include <QVBoxLayout>

namespace veridicor::ui {

MessagePage::MessagePage(QWidget* parent) : QWidget(parent) {
    auto* layout = new QVBoxLayout(this);
    layout->addStretch(1);
    m_title = new QLabel(this);
    m_title->setAlignment(Qt::AlignCenter);
    m_title->setWordWrap(true);
    QFont f = m_title->font();
    f.setPointSizeF(f.pointSizeF() * 1.4);
    f.setBold(true);
    m_title->setFont(f);
    m_detail = new QLabel(this);
    m_detail->setAlignment(Qt::AlignCenter);
    m_detail->setWordWrap(true);
    m_detail->setTextInteractionFlags(Qt::TextSelectableByMouse);
    layout->addWidget(m_title);
    layout->addWidget(m_detail);
    layout->addStretch(2);
    showWelcome();
}

void MessagePage::showWelcome() {
    m_title->setStyleSheet(QString());
    m_title->setText(tr("Veridicor"));
    m_detail->setText(
        tr("Open a DICOM file or a folder of studies (File › Open). ECGs and echo cine loops are "
           "shown in their own views; AI findings are shown only after they verify."));
}

void MessagePage::showError(const QString& title, const QString& detail) {
    m_title->setStyleSheet(QStringLiteral("color: #b00020;"));
    m_title->setText(title);
    m_detail->setText(detail);
}

} // namespace veridicor::ui
