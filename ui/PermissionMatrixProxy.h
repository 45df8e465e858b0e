// One tab of the permission matrix: keeps the principal column and the
// permissions of one kind (design-time or run-time), filters principals by a
// search string and sorts by the model's SortRole.
#pragma once

#include "models/PermissionMatrixModel.h"

#include <QSortFilterProxyModel>

namespace Bulwark::Ui {

class PermissionMatrixProxy final : public QSortFilterProxyModel
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(PermissionMatrixProxy)

public:
    explicit PermissionMatrixProxy(Models::PermissionKind kind, QObject *parent = nullptr);

    [[nodiscard]] Models::PermissionKind kind() const { return m_kind; }
    // Shows principals whose name contains `text` (any case); empty shows all.
    void setSearchText(const QString &text);

protected:
    [[nodiscard]] bool filterAcceptsColumn(int sourceColumn,
                                           const QModelIndex &sourceParent) const override;
    [[nodiscard]] bool filterAcceptsRow(int sourceRow,
                                        const QModelIndex &sourceParent) const override;

private:
    Models::PermissionKind m_kind;
    QString m_search;
};

} // namespace Bulwark::Ui
