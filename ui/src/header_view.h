#pragma once

#include <veridicor/dicom/study_index.h>

#include <QWidget>

class QLabel;
class QPlainTextEdit;

namespace veridicor::ui {

/// Shown for DICOM objects no view handles: what the object is, and its header as text.
class HeaderView : public QWidget {
    Q_OBJECT
public:
    explicit HeaderView(QWidget* parent = nullptr);
    void showHeader(const dicom::InstanceHeader& header);

private:
    QLabel* m_title = nullptr;
    QPlainTextEdit* m_text = nullptr;
};

} // namespace veridicor::ui
