// The summary shown before staged permission changes are written: one line
// per change in words ("Allow PropertyWrite to group Operators"), with the
// state's icon, and what happens if the rules changed meanwhile.
#pragma once

#include "models/PermissionMatrixModel.h"

#include <QDialog>

namespace Bulwark::Ui {

class PermissionApplyDialog final : public QDialog
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(PermissionApplyDialog)

public:
    PermissionApplyDialog(const QList<Models::PermissionChange> &changes,
                          const QString &scopeDescription, QWidget *parent = nullptr);
};

} // namespace Bulwark::Ui
