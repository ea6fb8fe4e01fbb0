#pragma once

#include <veridicor/dicom/study_index.h>

#include <QWidget>

class QLabel;
class QPlainTextEdit;

namespace veridicor::ui {

/// Shown for DICOM objects no view handles: what the object is, and its header as text.
/// The header is read and listed on a worker thread (a large or slow file must not freeze the window);
/// showHeader() returns at once with the title shown and the listing marked as being read.
class HeaderView : public QWidget {
    Q_OBJECT
public:
    explicit HeaderView(QWidget* parent = nullptr);
    void showHeader(const dicom::InstanceHeader& header);
    /// True from showHeader() until its listing is shown (or superseded by another showHeader()).
    [[nodiscard]] bool isReading() const { return m_reading; }

signals:
    /// The listing of the header last asked for is shown.
    void headerListed();

private:
    QLabel* m_title = nullptr;
    QPlainTextEdit* m_text = nullptr;
    unsigned long long m_request = 0; ///< the showHeader() call whose listing may still be shown
    bool m_reading = false;
};

} // namespace veridicor::ui
