#include "PermissionApplyDialog.h"

#include <QDialogButtonBox>
#include <QLabel>
#include <QListWidget>
#include <QPushButton>
#include <QVBoxLayout>

namespace Bulwark::Ui {

using namespace Qt::StringLiterals;
using Models::CellState;
using Models::PermissionChange;

PermissionApplyDialog::PermissionApplyDialog(const QList<PermissionChange> &changes,
                                             const QString &scopeDescription, QWidget *parent)
    : QDialog(parent)
{
    setObjectName(u"permissionApplyDialog"_s);
    setWindowTitle(tr("Apply permission changes"));
    auto *intro = new QLabel(
        tr("These %n change(s) will be written to the rules of %1:", nullptr, int(changes.size()))
            .arg(scopeDescription),
        this);
    intro->setWordWrap(true);
    auto *list = new QListWidget(this);
    list->setObjectName(u"permissionChangesList"_s);
    for (const PermissionChange &change : changes) {
        auto *item = new QListWidgetItem(change.describe(), list);
        item->setIcon(QIcon(change.to == CellState::Allow  ? u":/icons/allow.svg"_s
                            : change.to == CellState::Deny ? u":/icons/deny.svg"_s
                                                           : u":/icons/inherit.svg"_s));
    }
    auto *note = new QLabel(tr("If someone changed these rules since you loaded them, nothing is "
                               "written and you will see what changed."),
                            this);
    note->setWordWrap(true);
    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Cancel, this);
    QPushButton *apply = buttons->addButton(tr("&Apply changes"), QDialogButtonBox::AcceptRole);
    apply->setObjectName(u"permissionApplyConfirmButton"_s);
    apply->setDefault(true);
    auto *layout = new QVBoxLayout(this);
    layout->addWidget(intro);
    layout->addWidget(list, 1);
    layout->addWidget(note);
    layout->addWidget(buttons);
    resize(480, 360);
    connect(buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
}

} // namespace Bulwark::Ui
