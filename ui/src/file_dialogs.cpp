#include "file_dialogs.h"

#include <QFileInfo>

#include <utility>

namespace veridicor::ui {

QFileDialog* openFileDialog(QWidget* parent, const FileDialogRequest& request,
                            std::function<void(const QStringList&)> chosen) {
    auto* dialog = new QFileDialog(parent, request.title);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    dialog->setWindowModality(Qt::WindowModal);
    dialog->setFileMode(request.mode);
    dialog->setAcceptMode(request.accept);
    dialog->setOptions(request.options | (request.mode == QFileDialog::Directory ? QFileDialog::ShowDirsOnly
                                                                                 : QFileDialog::Options{}));
    if (!request.nameFilter.isEmpty()) {
        dialog->setNameFilter(request.nameFilter);
    }
    if (!request.directory.isEmpty()) {
        const QFileInfo start(request.directory);
        if (start.isDir()) {
            dialog->setDirectory(request.directory);
        } else {
            dialog->setDirectory(start.absolutePath());
            dialog->selectFile(start.fileName());
        }
    }
    QObject::connect(dialog, &QFileDialog::filesSelected, dialog,
                     [chosen = std::move(chosen)](const QStringList& files) {
                         if (!files.isEmpty() && chosen) {
                             chosen(files);
                         }
                     });
    dialog->open();
    return dialog;
}

} // namespace veridicor::ui
