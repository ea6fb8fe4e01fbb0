#pragma once

#include <veridicor/dicom/study_index.h>

#include <QTreeWidget>

namespace veridicor::ui {

/// Patient → study → series → instance tree. Instances carry their path; making one current (arrow keys, a
/// click) or activating it emits instanceChosen. Only instance rows can be selected.
class StudyBrowser : public QTreeWidget {
    Q_OBJECT
public:
    explicit StudyBrowser(QWidget* parent = nullptr);
    void setIndex(const dicom::StudyIndex& index);
    /// Selects the instance item for `path` without emitting instanceChosen.
    void selectPath(const QString& path);

    static constexpr int PathRole = Qt::UserRole + 1;

signals:
    void instanceChosen(const QString& path);

protected:
    /// Moving onto a patient, study or series row leaves the selection where it is (Qt would clear it).
    [[nodiscard]] QItemSelectionModel::SelectionFlags selectionCommand(const QModelIndex& index,
                                                                       const QEvent* event) const override;
};

} // namespace veridicor::ui
