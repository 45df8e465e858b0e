#include "UsersModel.h"

#include "ApiClient.h"
#include "EventStream.h"
#include "wire/Wire.h"

#include <QHash>
#include <QJsonArray>
#include <QLocale>
#include <QSet>

namespace Bulwark::Models {

using namespace Qt::StringLiterals;

namespace {
constexpr int BatchIntervalMs = 250;
const QString LocalSource = u"local"_s;

QDateTime parseTime(const QJsonValue &value)
{
    return QDateTime::fromString(value.toString(), Qt::ISODateWithMs);
}
} // namespace

bool UserSummary::isLocal() const
{
    return authSource.isEmpty() || authSource == LocalSource;
}

UsersModel::UsersModel(QObject *parent)
    : KeyedTableModel(parent)
{
    m_batchTimer.setSingleShot(true);
    m_batchTimer.setInterval(BatchIntervalMs);
    connect(&m_batchTimer, &QTimer::timeout, this, &UsersModel::refresh);
}

UsersModel::~UsersModel() = default;

void UsersModel::setSource(ApiClient *client, EventStream *events)
{
    disconnect(m_eventConnection);
    disconnect(m_resyncConnection);
    ++m_generation;
    m_client = client;
    m_events = events;
    m_requestRunning = false;
    m_refreshAgain = false;
    m_loaded = false;
    m_batchTimer.stop();
    m_groups.clear();
    setUsers({});
    if (events) {
        m_eventConnection = connect(events, &EventStream::eventReceived, this,
                                    [this](const LiveEvent &event) { applyEvent(event); });
        m_resyncConnection =
            connect(events, &EventStream::resynchronized, this, &UsersModel::scheduleRefresh);
    }
    if (client)
        refresh();
}

void UsersModel::applyEvent(const LiveEvent &event)
{
    const bool isEntityEvent = event.type == Wire::EventEntityCreated ||
                               event.type == Wire::EventEntityUpdated ||
                               event.type == Wire::EventEntityDeleted;
    if (isEntityEvent && (event.collection == Wire::Users || event.collection == Wire::Groups))
        scheduleRefresh();
}

void UsersModel::scheduleRefresh()
{
    if (!m_batchTimer.isActive())
        m_batchTimer.start();
}

void UsersModel::refresh()
{
    if (!m_client)
        return;
    if (m_requestRunning) {
        m_refreshAgain = true;
        return;
    }
    m_requestRunning = true;
    m_pendingAnswers = 2;
    m_pendingUsers = {};
    m_pendingGroups = {};
    m_pendingError.clear();
    const quint64 generation = m_generation;
    const auto answer = [this, generation](QJsonDocument *slot) {
        return [this, generation, slot](const ApiResult &result) {
            if (generation != m_generation)
                return;
            if (result.isOk())
                *slot = result.body;
            else if (m_pendingError.isEmpty())
                m_pendingError = result.errorMessage;
            if (--m_pendingAnswers == 0)
                finishLoad(generation);
        };
    };
    m_client->get(Wire::ApiPrefix + Wire::Users, this, answer(&m_pendingUsers));
    m_client->get(Wire::ApiPrefix + Wire::Groups, this, answer(&m_pendingGroups));
}

void UsersModel::finishLoad(quint64 generation)
{
    if (generation != m_generation)
        return;
    m_requestRunning = false;
    if (m_pendingError.isEmpty()) {
        QList<UserSummary> users = parseUsers(m_pendingUsers);
        m_groups = parseGroups(m_pendingGroups);
        assignGroups(users, m_groups);
        setUsers(users);
        m_loaded = true;
        Q_EMIT loaded();
    } else {
        Q_EMIT loadFailed(m_pendingError);
    }
    m_pendingUsers = {};
    m_pendingGroups = {};
    if (m_refreshAgain) {
        m_refreshAgain = false;
        scheduleRefresh();
    }
}

QList<UserSummary> UsersModel::parseUsers(const QJsonDocument &document)
{
    QList<UserSummary> users;
    const QJsonArray items = document.object().value(Wire::Items).toArray();
    users.reserve(items.size());
    for (const QJsonValue &item : items) {
        const QJsonObject object = item.toObject();
        UserSummary user;
        user.name = object.value(Wire::Name).toString();
        if (user.name.isEmpty())
            continue;
        user.description = object.value(Wire::Description).toString();
        user.authSource = object.value(Wire::AuthSource).toString(LocalSource);
        user.enabled = object.value(Wire::Enabled).toBool(true);
        user.locked = object.value(Wire::Locked).toBool(false);
        user.lockedUntil = parseTime(object.value(Wire::LockedUntil));
        user.lastLogin = parseTime(object.value(Wire::LastLogin));
        user.lastLoginAddress = object.value(Wire::LastLoginAddress).toString();
        users.append(user);
    }
    return users;
}

QList<GroupSummary> UsersModel::parseGroups(const QJsonDocument &document)
{
    QList<GroupSummary> groups;
    const QJsonArray items = document.object().value(Wire::Items).toArray();
    groups.reserve(items.size());
    for (const QJsonValue &item : items) {
        const QJsonObject object = item.toObject();
        GroupSummary group;
        group.name = object.value(Wire::Name).toString();
        if (group.name.isEmpty())
            continue;
        group.description = object.value(Wire::Description).toString();
        const QJsonArray members = object.value(Wire::Members).toArray();
        for (const QJsonValue &memberValue : members) {
            const QJsonObject member = memberValue.toObject();
            const QString name = member.value(Wire::Name).toString();
            if (name.isEmpty())
                continue;
            const bool isGroup = member.value(Wire::Type).toString() == "Group"_L1;
            group.members.append(
                {isGroup ? GroupMember::Kind::Group : GroupMember::Kind::User, name});
        }
        groups.append(group);
    }
    return groups;
}

void UsersModel::assignGroups(QList<UserSummary> &users, const QList<GroupSummary> &groups)
{
    QHash<QString, QStringList> groupsOfUser;
    for (const GroupSummary &group : groups) {
        for (const GroupMember &member : group.members) {
            if (member.kind == GroupMember::Kind::User)
                groupsOfUser[member.name].append(group.name);
        }
    }
    for (UserSummary &user : users) {
        user.groups = groupsOfUser.value(user.name);
        user.groups.sort(Qt::CaseInsensitive);
    }
}

void UsersModel::setUsers(const QList<UserSummary> &users)
{
    replaceRows(users);
}

int UsersModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant UsersModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const UserSummary &user = m_rows.at(index.row());
    switch (role) {
    case NameRole:
        return user.name;
    case EnabledRole:
        return user.enabled;
    case LockedRole:
        return user.locked;
    case SortRole:
        switch (Column(index.column())) {
        case LastLoginColumn:
            return user.lastLogin;
        case LockedColumn:
            return user.locked;
        case EnabledColumn:
            return user.enabled;
        default:
            return data(index, Qt::DisplayRole);
        }
    case Qt::DisplayRole:
        break;
    case Qt::ToolTipRole:
        switch (Column(index.column())) {
        case NameColumn:
            return user.description.isEmpty() ? user.name : user.description;
        case LastLoginColumn:
            if (!user.lastLogin.isValid())
                return tr("This user has not signed in yet.");
            return tr("Last signed in at %1 from %2")
                .arg(user.lastLogin.toString(Qt::ISODate), user.lastLoginAddress.isEmpty()
                                                               ? tr("an unknown address")
                                                               : user.lastLoginAddress);
        case LockedColumn:
            if (!user.locked)
                return {};
            return tr("Too many wrong passwords: every sign-in is refused until the lock ends "
                      "or an administrator unlocks the account.");
        default:
            return data(index, Qt::DisplayRole);
        }
    default:
        return {};
    }
    switch (Column(index.column())) {
    case NameColumn:
        return user.name;
    case AuthSourceColumn:
        return user.isLocal() ? tr("Local") : tr("Directory: %1").arg(user.authSource);
    case GroupsColumn:
        return user.groups.join(u", "_s);
    case LastLoginColumn:
        if (!user.lastLogin.isValid())
            return tr("Never");
        return QLocale().toString(user.lastLogin.toLocalTime(), QLocale::ShortFormat);
    case LockedColumn:
        if (!user.locked)
            return QString();
        if (!user.lockedUntil.isValid())
            return tr("Locked");
        return tr("Locked until %1")
            .arg(QLocale().toString(user.lockedUntil.toLocalTime().time(), QLocale::ShortFormat));
    case EnabledColumn:
        return user.enabled ? tr("Enabled") : tr("Disabled");
    case ColumnCount:
        break;
    }
    return {};
}

QVariant UsersModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return QAbstractTableModel::headerData(section, orientation, role);
    switch (Column(section)) {
    case NameColumn:
        return tr("Name");
    case AuthSourceColumn:
        return tr("Authentication");
    case GroupsColumn:
        return tr("Groups");
    case LastLoginColumn:
        return tr("Last login");
    case LockedColumn:
        return tr("Locked");
    case EnabledColumn:
        return tr("State");
    case ColumnCount:
        break;
    }
    return {};
}

} // namespace Bulwark::Models
