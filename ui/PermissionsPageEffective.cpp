// PermissionsPage, continued: the effective mode (what the server decides
// for one user on the entity shown) and the explanation of a cell.
#include "ExplainPane.h"
#include "PermissionMatrixProxy.h"
#include "PermissionsPage.h"

#include <QCheckBox>
#include <QComboBox>
#include <QLineEdit>
#include <QSortFilterProxyModel>
#include <QUrlQuery>

namespace Bulwark::Ui {

using namespace Qt::StringLiterals;
using Models::ApiResult;
using Models::Permission;
using Models::PermissionMatrixModel;
using Models::PermissionScope;
using Level = Models::PermissionScope::Level;

void PermissionsPage::setEffectiveMode(bool on)
{
    if (m_effectiveMode == on)
        return;
    m_effectiveMode = on;
    {
        const QSignalBlocker blocker(m_effectiveCheck);
        m_effectiveCheck->setChecked(on);
    }
    QAbstractItemModel *source = on ? static_cast<QAbstractItemModel *>(&m_effective)
                                    : static_cast<QAbstractItemModel *>(&m_matrix);
    m_designProxy->setSourceModel(source);
    m_runTimeProxy->setSourceModel(source);
    if (on) {
        if (m_effectiveUserCombo->currentText().trimmed().isEmpty())
            m_effectiveUserCombo->setEditText(m_sessionUser);
        loadEffective();
    } else {
        m_effective.clear();
        m_explain->setPlaceholder(tr("Turn on “Effective for” and select a cell to see why the "
                                     "server decides as it does."));
    }
    updateState();
}

void PermissionsPage::setEffectiveUser(const QString &user)
{
    if (m_effectiveUserCombo->currentText() != user)
        m_effectiveUserCombo->setEditText(user);
    if (m_effectiveMode)
        loadEffective();
}

void PermissionsPage::loadEffective()
{
    const PermissionScope scope = m_matrix.scope();
    const QString user = m_effectiveUserCombo->currentText().trimmed();
    if (!m_client || !m_matrix.isLoaded() || user.isEmpty() ||
        (scope.level != Level::Entity && scope.level != Level::Member)) {
        m_effective.clear();
        m_explain->setPlaceholder(
            tr("Effective mode answers for one user on one entity: choose the level Entity or "
               "Property, service or event, and a user."));
        return;
    }
    QUrlQuery query;
    query.addQueryItem(u"user"_s, user);
    query.addQueryItem(u"entity"_s, scope.entity());
    const quint64 generation = m_generation;
    m_explain->setPlaceholder(tr("Loading what the server decides for %1…").arg(user));
    m_client->get(u"/api/Permissions/effective?"_s + query.toString(QUrl::FullyEncoded), this,
                  [this, generation, user, scope](const ApiResult &result) {
                      if (generation != m_generation || !m_effectiveMode)
                          return;
                      if (!result.isOk()) {
                          m_effective.clear();
                          showMessage(MessageKind::Error,
                                      tr("What the server decides for %1 could not be read: %2")
                                          .arg(user, result.errorMessage));
                          m_explain->setError(result.errorMessage);
                          return;
                      }
                      hideMessage();
                      m_effective.load(user,
                                       scope.level == Level::Member ? scope.member : QString(),
                                       result.body.object());
                      m_explain->setPlaceholder(
                          tr("Select a cell to see why %1 is allowed or denied.").arg(user));
                      updateState();
                      Q_EMIT effectiveLoaded();
                  });
}

void PermissionsPage::explain(const QModelIndex &proxyIndex)
{
    if (!m_client || !proxyIndex.isValid())
        return;
    const auto *proxy = qobject_cast<const QSortFilterProxyModel *>(proxyIndex.model());
    const QModelIndex source = proxy ? proxy->mapToSource(proxyIndex) : proxyIndex;
    if (!PermissionMatrixModel::isPermissionColumn(source.column()) ||
        !source.data(Models::PermissionEffectiveModel::ResolvedRole).toBool())
        return;
    const PermissionScope scope = m_matrix.scope();
    const Permission permission = PermissionMatrixModel::permissionAt(source.column());
    QUrlQuery query;
    query.addQueryItem(u"user"_s, m_effective.user());
    query.addQueryItem(u"entity"_s, scope.entity());
    query.addQueryItem(u"permission"_s, Models::permissionName(permission));
    if (scope.level == Level::Member)
        query.addQueryItem(u"member"_s, scope.member);
    const quint64 generation = m_generation;
    m_explain->setPlaceholder(tr("Asking the server why…"));
    m_client->get(u"/api/Permissions/explain?"_s + query.toString(QUrl::FullyEncoded), this,
                  [this, generation](const ApiResult &result) {
                      if (generation != m_generation)
                          return;
                      if (!result.isOk()) {
                          m_explain->setError(result.errorMessage);
                          return;
                      }
                      m_explain->setExplanation(result.body.object());
                      Q_EMIT explanationShown();
                  });
}

} // namespace Bulwark::Ui
