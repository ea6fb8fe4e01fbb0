#pragma once
// File choosers that are opened, not run: QFileDialog's static getters (getOpenFileNames & co.) spin a nested
// event loop until the reader answers, in which a finished verification round or an open could run in the
// middle of a caller that does not expect it. These open a window-modal QFileDialog and hand the answer to a
// callback.

#include <QFileDialog>
#include <QString>
#include <QStringList>

#include <functional>

class QWidget;

namespace veridicor::ui {

struct FileDialogRequest {
    QString title;
    QFileDialog::FileMode mode = QFileDialog::ExistingFiles;
    QFileDialog::AcceptMode accept = QFileDialog::AcceptOpen;
    QString directory; ///< start here (a file name selects it); empty: the dialog's default
    QString nameFilter;
    QFileDialog::Options options;
};

/// Opens the chooser (window-modal, deleted when closed) and returns at once; `chosen` is called with the
/// selection when the reader accepts, never when they cancel.
QFileDialog* openFileDialog(QWidget* parent, const FileDialogRequest& request,
                            std::function<void(const QStringList&)> chosen);

} // namespace veridicor::ui
