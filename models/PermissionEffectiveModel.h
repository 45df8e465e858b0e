// What the server resolves for one user on one entity (GET
// /api/Permissions/effective), laid out like PermissionMatrixModel: one row
// (the user), the principal column, then one column per permission, so the
// same views, proxies and delegate show both. A cell holds the decision
// (Allow or Deny) and the level that decided it.
#pragma once

#include "PermissionMatrixModel.h"

#include <QAbstractTableModel>
#include <QJsonObject>

namespace Bulwark::Models {

class PermissionEffectiveModel final : public QAbstractTableModel
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(PermissionEffectiveModel)

public:
    enum Role
    {
        CellStateRole = PermissionMatrixModel::CellStateRole, // int(CellState): Allow/Deny
        ApplicableRole = PermissionMatrixModel::ApplicableRole,
        PrincipalNameRole = PermissionMatrixModel::PrincipalNameRole,
        SortRole = PermissionMatrixModel::SortRole,
        LevelRole = PermissionMatrixModel::SortRole + 1, // "entity", "collection", …
        ResolvedRole,                                    // bool: the server answered this cell
    };

    explicit PermissionEffectiveModel(QObject *parent = nullptr);
    ~PermissionEffectiveModel() override;

    // `answer` is the body of GET /api/Permissions/effective; `member`
    // non-empty picks that member's decisions instead of the entity's.
    void load(const QString &user, const QString &member, const QJsonObject &answer);
    void clear();

    [[nodiscard]] QString user() const { return m_user; }
    [[nodiscard]] bool isLoaded() const { return !m_user.isEmpty(); }
    [[nodiscard]] CellState decision(Permission permission) const;

    [[nodiscard]] int rowCount(const QModelIndex &parent = {}) const override;
    [[nodiscard]] int columnCount(const QModelIndex &parent = {}) const override;
    [[nodiscard]] QVariant data(const QModelIndex &index, int role) const override;
    [[nodiscard]] Qt::ItemFlags flags(const QModelIndex &index) const override;
    [[nodiscard]] QVariant headerData(int section, Qt::Orientation orientation,
                                      int role) const override;

private:
    struct Cell
    {
        bool resolved = false;
        CellState decision = CellState::Inherit;
        QString level;
    };

    QString m_user;
    std::array<Cell, PermissionCount> m_cells{};
};

} // namespace Bulwark::Models
