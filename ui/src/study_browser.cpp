#include "study_browser.h"

#include <veridicor/dicom/sop_classes.h>

#include <QHeaderView>

namespace veridicor::ui {

namespace {

QString qs(const std::string& s) {
    return QString::fromStdString(s);
}

QString displayDate(const std::string& da) {
    if (da.size() == 8) {
        return qs(da.substr(0, 4) + "-" + da.substr(4, 2) + "-" + da.substr(6, 2));
    }
    return qs(da);
}

} // namespace

StudyBrowser::StudyBrowser(QWidget* parent) : QTreeWidget(parent) {
    setColumnCount(2);
    setHeaderLabels({tr("Study browser"), tr("Details")});
    header()->setSectionResizeMode(0, QHeaderView::ResizeToContents);
    setUniformRowHeights(true);
    setAlternatingRowColors(true);
    // What is selected is what is shown: moving the current item onto an instance (arrow keys, a click)
    // shows it. Patient, study and series rows cannot be selected, so while the keyboard passes over them
    // the selection stays on the instance on screen. Activating an instance (Enter, a double click) opens
    // it again.
    connect(this, &QTreeWidget::currentItemChanged, this, [this](QTreeWidgetItem* item, QTreeWidgetItem*) {
        const QString path = item != nullptr ? item->data(0, PathRole).toString() : QString();
        if (!path.isEmpty()) {
            emit instanceChosen(path);
        }
    });
    connect(this, &QTreeWidget::itemActivated, this, [this](QTreeWidgetItem* item, int) {
        const QString path = item->data(0, PathRole).toString();
        if (!path.isEmpty()) {
            emit instanceChosen(path);
        }
    });
}

void StudyBrowser::setIndex(const dicom::StudyIndex& index) {
    const QSignalBlocker block(this); // filling the tree chooses nothing
    clear();
    for (const auto& patient : index.patients) {
        auto* p = new QTreeWidgetItem(this);
        p->setFlags(Qt::ItemIsEnabled);
        const QString name = qs(patient.name); // decoded and formatted by dicom/text.h
        p->setText(0, name.isEmpty() ? tr("(no name)") : name);
        QStringList details;
        if (!patient.patientID.empty())
            details << tr("ID %1").arg(qs(patient.patientID));
        if (!patient.sex.empty())
            details << qs(patient.sex);
        if (!patient.birthDate.empty())
            details << tr("born %1").arg(displayDate(patient.birthDate));
        p->setText(1, details.join(QStringLiteral(" · ")));
        for (const auto& study : patient.studies) {
            auto* s = new QTreeWidgetItem(p);
            s->setFlags(Qt::ItemIsEnabled);
            const QString desc = qs(study.description);
            s->setText(0, desc.isEmpty() ? tr("Study") : desc);
            s->setText(1, displayDate(study.date));
            s->setToolTip(0, qs(study.studyInstanceUID));
            for (const auto& series : study.series) {
                auto* se = new QTreeWidgetItem(s);
                se->setFlags(Qt::ItemIsEnabled);
                se->setText(0, tr("%1 series %2").arg(qs(series.modality)).arg(series.number));
                se->setText(1, qs(series.description));
                se->setToolTip(0, qs(series.seriesInstanceUID));
                for (const auto& inst : series.instances) {
                    auto* i = new QTreeWidgetItem(se);
                    i->setText(0, tr("Instance %1").arg(inst.instanceNumber));
                    QString d = qs(dicom::uidDisplayName(inst.sopClassUID));
                    if (inst.numberOfFrames > 1) {
                        d += tr(", %1 frames").arg(inst.numberOfFrames);
                    }
                    i->setText(1, d);
                    i->setToolTip(0, QString::fromStdString(inst.path.string()));
                    i->setData(0, PathRole, QString::fromStdString(inst.path.string()));
                }
            }
        }
    }
    expandAll();
}

QItemSelectionModel::SelectionFlags StudyBrowser::selectionCommand(const QModelIndex& index,
                                                                   const QEvent* event) const {
    if (index.isValid() && !(index.flags() & Qt::ItemIsSelectable)) {
        return QItemSelectionModel::NoUpdate;
    }
    return QTreeWidget::selectionCommand(index, event);
}

void StudyBrowser::selectPath(const QString& path) {
    const QSignalBlocker block(this);
    if (path.isEmpty()) {
        clearSelection();
        return;
    }
    for (QTreeWidgetItemIterator it(this); *it != nullptr; ++it) {
        if ((*it)->data(0, PathRole).toString() == path) {
            setCurrentItem(*it);
            return;
        }
    }
}

} // namespace veridicor::ui
