#include "PrincipalsModel.h"

#include "ApiClient.h"
#include "wire/Wire.h"

#include <QJsonObject>

#include <algorithm>
#include <memory>

namespace Bulwark::Models {

using namespace Qt::StringLiterals;

QString PrincipalEntry::typeName() const
{
    return kind == Kind::User ? u"User"_s : u"Group"_s;
}

QJsonObject PrincipalEntry::toJson() const
{
    return {{u"type"_s, typeName()}, {Wire::Name, name}};
}

PrincipalEntry PrincipalEntry::fromJson(const QJsonObject &object)
{
    PrincipalEntry entry;
    entry.kind = object.value(u"type"_s).toString() == u"Group"_s ? Kind::Group : Kind::User;
    entry.name = object.value(Wire::Name).toString();
    entry.description = object.value(Wire::Description).toString();
    return entry;
}

PrincipalsModel::PrincipalsModel(QObject *parent)
    : QAbstractTableModel(parent)
{}

PrincipalsModel::~PrincipalsModel() = default;

void PrincipalsModel::setIcons(const QIcon &user, const QIcon &group)
{
    m_userIcon = user;
    m_groupIcon = group;
    if (!m_principals.isEmpty())
        Q_EMIT dataChanged(index(0, 0), index(rowCount() - 1, 0), {Qt::DecorationRole});
}

void PrincipalsModel::load(ApiClient *client, Which which)
{
    const quint64 generation = ++m_generation;
    if (!client) {
        clear();
        return;
    }
    // Both lists arrive independently; the model changes once both are in.
    struct Pending
    {
        QList<PrincipalEntry> users;
        QList<PrincipalEntry> groups;
        int outstanding = 2;
        QString error;
        int status = 0;
    };
    auto pending = std::make_shared<Pending>();
    if (which == Which::UsersOnly)
        pending->outstanding = 1;
    auto finish = [this, generation, pending] {
        if (--pending->outstanding > 0 || generation != m_generation)
            return;
        if (!pending->error.isEmpty()) {
            Q_EMIT loadFailed(pending->error, pending->status);
            return;
        }
        setPrincipals(pending->users + pending->groups);
        Q_EMIT loaded();
    };
    auto collect = [pending, finish](PrincipalEntry::Kind kind) {
        return [pending, finish, kind](const ApiResult &result) {
            if (result.isOk()) {
                const QJsonArray items = result.body.object().value(Wire::Items).toArray();
                for (const QJsonValue &item : items) {
                    PrincipalEntry entry = PrincipalEntry::fromJson(item.toObject());
                    entry.kind = kind;
                    if (!entry.name.isEmpty())
                        (kind == PrincipalEntry::Kind::User ? pending->users : pending->groups)
                            .append(entry);
                }
            } else if (pending->error.isEmpty()) {
                pending->error = result.errorMessage;
                pending->status = result.httpStatus;
            }
            finish();
        };
    };
    client->get(Wire::ApiPrefix + Wire::Users, this, collect(PrincipalEntry::Kind::User));
    if (which == Which::UsersAndGroups)
        client->get(Wire::ApiPrefix + Wire::Groups, this, collect(PrincipalEntry::Kind::Group));
}

void PrincipalsModel::setPrincipals(QList<PrincipalEntry> principals)
{
    std::stable_sort(principals.begin(), principals.end(),
                     [](const PrincipalEntry &a, const PrincipalEntry &b) {
                         if (a.kind != b.kind)
                             return a.kind == PrincipalEntry::Kind::User;
                         const int c = QString::compare(a.name, b.name, Qt::CaseInsensitive);
                         return c != 0 ? c < 0 : a.name < b.name;
                     });
    principals.erase(std::unique(principals.begin(), principals.end()), principals.end());
    if (principals.size() == m_principals.size() &&
        std::equal(principals.cbegin(), principals.cend(), m_principals.cbegin(),
                   [](const PrincipalEntry &a, const PrincipalEntry &b) {
                       return a == b && a.description == b.description;
                   }))
        return;
    // Lists are small (hundreds at most): a reset keeps this simple and exact.
    beginResetModel();
    m_principals = std::move(principals);
    endResetModel();
}

int PrincipalsModel::rowOf(const PrincipalEntry &principal) const
{
    return int(m_principals.indexOf(principal));
}

QJsonArray PrincipalsModel::toJson() const
{
    QJsonArray array;
    for (const PrincipalEntry &entry : m_principals)
        array.append(entry.toJson());
    return array;
}

QList<PrincipalEntry> PrincipalsModel::fromJson(const QJsonArray &array)
{
    QList<PrincipalEntry> entries;
    for (const QJsonValue &value : array) {
        const PrincipalEntry entry = PrincipalEntry::fromJson(value.toObject());
        if (!entry.name.isEmpty())
            entries.append(entry);
    }
    return entries;
}

int PrincipalsModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_principals.size());
}

int PrincipalsModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant PrincipalsModel::data(const QModelIndex &index, int role) const
{
    if (!index.isValid() ||
        !checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const PrincipalEntry &entry = m_principals.at(index.row());
    const bool isUser = entry.kind == PrincipalEntry::Kind::User;
    switch (role) {
    case NameRole:
        return entry.name;
    case KindRole:
        return entry.typeName();
    case Qt::DecorationRole:
        if (index.column() == NameColumn)
            return isUser ? m_userIcon : m_groupIcon;
        return {};
    case Qt::DisplayRole:
    case Qt::ToolTipRole:
        switch (Column(index.column())) {
        case NameColumn:
            return entry.name;
        case KindColumn:
            return isUser ? tr("User") : tr("Group");
        case DescriptionColumn:
            return entry.description;
        case ColumnCount:
            break;
        }
        return {};
    default:
        return {};
    }
}

QVariant PrincipalsModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return QAbstractTableModel::headerData(section, orientation, role);
    switch (Column(section)) {
    case NameColumn:
        return tr("Name");
    case KindColumn:
        return tr("Kind");
    case DescriptionColumn:
        return tr("Description");
    case ColumnCount:
        break;
    }
    return {};
}

} // namespace Bulwark::Models
