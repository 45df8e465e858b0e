#include "PermissionEffectiveModel.h"

#include <QJsonArray>

namespace Bulwark::Models {

using namespace Qt::StringLiterals;

PermissionEffectiveModel::PermissionEffectiveModel(QObject *parent)
    : QAbstractTableModel(parent)
{}

PermissionEffectiveModel::~PermissionEffectiveModel() = default;

void PermissionEffectiveModel::load(const QString &user, const QString &member,
                                    const QJsonObject &answer)
{
    QJsonArray decisions = answer.value("permissions"_L1).toArray();
    if (!member.isEmpty()) {
        decisions = {};
        const QJsonArray members = answer.value("members"_L1).toArray();
        for (const QJsonValue &value : members) {
            const QJsonObject entry = value.toObject();
            if (entry.value("member"_L1).toString() == member) {
                decisions = entry.value("permissions"_L1).toArray();
                break;
            }
        }
    }
    const bool hadRow = !m_user.isEmpty();
    if (!hadRow)
        beginInsertRows({}, 0, 0);
    m_user = user;
    m_cells = {};
    for (const QJsonValue &value : std::as_const(decisions)) {
        const QJsonObject entry = value.toObject();
        Permission permission{};
        if (!permissionFromName(entry.value("permission"_L1).toString(), &permission))
            continue;
        Cell &cell = m_cells[std::size_t(permission)];
        cell.resolved = true;
        cell.decision =
            entry.value("decision"_L1).toString() == u"allow" ? CellState::Allow : CellState::Deny;
        cell.level = entry.value("resolution"_L1).toObject().value("level"_L1).toString();
    }
    if (hadRow)
        Q_EMIT dataChanged(index(0, 0), index(0, PermissionMatrixModel::ColumnCount - 1));
    else
        endInsertRows();
}

void PermissionEffectiveModel::clear()
{
    if (m_user.isEmpty())
        return;
    beginRemoveRows({}, 0, 0);
    m_user.clear();
    m_cells = {};
    endRemoveRows();
}

CellState PermissionEffectiveModel::decision(Permission permission) const
{
    return m_cells.at(std::size_t(permission)).decision;
}

int PermissionEffectiveModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() || m_user.isEmpty() ? 0 : 1;
}

int PermissionEffectiveModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : PermissionMatrixModel::ColumnCount;
}

QVariant PermissionEffectiveModel::data(const QModelIndex &index, int role) const
{
    if (!index.isValid() || !checkIndex(index, CheckIndexOption::ParentIsInvalid))
        return {};
    if (role == PrincipalNameRole)
        return m_user;
    if (index.column() == PermissionMatrixModel::PrincipalColumn) {
        switch (role) {
        case Qt::DisplayRole:
        case SortRole:
            return m_user;
        case Qt::ToolTipRole:
            return tr("What the server decides for user %1").arg(m_user);
        default:
            return {};
        }
    }
    const Cell &cell = m_cells.at(std::size_t(index.column() - 1));
    switch (role) {
    case Qt::DisplayRole:
        if (!cell.resolved)
            return u"—"_s;
        if (cell.decision == CellState::Allow)
            return tr("Allowed");
        return cell.level == u"none" ? tr("Denied (no rule)") : tr("Denied");
    case CellStateRole:
    case SortRole:
        return int(cell.resolved ? cell.decision : CellState::Inherit);
    case ApplicableRole:
    case ResolvedRole:
        return cell.resolved;
    case LevelRole:
        return cell.level;
    case Qt::TextAlignmentRole:
        return int(Qt::AlignCenter);
    case Qt::ToolTipRole:
        if (!cell.resolved)
            return tr("This permission does not apply here.");
        return tr("%1 for %2, decided at level “%3”. Select the cell to see why.")
            .arg(cell.decision == CellState::Allow ? tr("Allowed") : tr("Denied"), m_user,
                 cell.level);
    default:
        return {};
    }
}

Qt::ItemFlags PermissionEffectiveModel::flags(const QModelIndex &index) const
{
    if (!index.isValid() || !checkIndex(index, CheckIndexOption::ParentIsInvalid))
        return Qt::NoItemFlags;
    return Qt::ItemIsEnabled | Qt::ItemIsSelectable;
}

QVariant PermissionEffectiveModel::headerData(int section, Qt::Orientation orientation,
                                              int role) const
{
    if (orientation != Qt::Horizontal || section < 0 ||
        section >= PermissionMatrixModel::ColumnCount || role != Qt::DisplayRole)
        return QAbstractTableModel::headerData(section, orientation, role);
    return section == PermissionMatrixModel::PrincipalColumn
               ? tr("User")
               : permissionName(PermissionMatrixModel::permissionAt(section));
}

} // namespace Bulwark::Models
