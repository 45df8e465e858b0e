#include "PermissionMatrixProxy.h"

namespace Bulwark::Ui {

using Models::PermissionMatrixModel;

PermissionMatrixProxy::PermissionMatrixProxy(Models::PermissionKind kind, QObject *parent)
    : QSortFilterProxyModel(parent)
    , m_kind(kind)
{
    setSortRole(PermissionMatrixModel::SortRole);
    setSortCaseSensitivity(Qt::CaseInsensitive);
    // The staged matrix changes cell by cell; re-sorting under the user's
    // cursor after each click would move the row away.
    setDynamicSortFilter(false);
}

void PermissionMatrixProxy::setSearchText(const QString &text)
{
    const QString trimmed = text.trimmed();
    if (trimmed == m_search)
        return;
#if QT_VERSION >= QT_VERSION_CHECK(6, 10, 0)
    beginFilterChange();
#endif
    m_search = trimmed;
    invalidateRowsFilter();
}

bool PermissionMatrixProxy::filterAcceptsColumn(int sourceColumn, const QModelIndex &) const
{
    if (sourceColumn == PermissionMatrixModel::PrincipalColumn)
        return true;
    if (!PermissionMatrixModel::isPermissionColumn(sourceColumn))
        return false;
    return Models::kindOf(PermissionMatrixModel::permissionAt(sourceColumn)) == m_kind;
}

bool PermissionMatrixProxy::filterAcceptsRow(int sourceRow, const QModelIndex &sourceParent) const
{
    if (m_search.isEmpty())
        return true;
    const QModelIndex index = sourceModel()->index(sourceRow, 0, sourceParent);
    return index.data(PermissionMatrixModel::PrincipalNameRole)
        .toString()
        .contains(m_search, Qt::CaseInsensitive);
}

} // namespace Bulwark::Ui
