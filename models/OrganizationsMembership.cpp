#include "OrganizationsMembership.h"

#include "ApiClient.h"
#include "wire/Wire.h"

#include <QJsonArray>
#include <QJsonObject>

#include <memory>

namespace Bulwark::Models {

using namespace Qt::StringLiterals;

namespace {

// A member list as (isGroup, name) pairs.
QList<QPair<bool, QString>> membersOf(const QJsonArray &array)
{
    QList<QPair<bool, QString>> members;
    for (const QJsonValue &value : array) {
        const QJsonObject o = value.toObject();
        members.append(
            {o.value(u"type"_s).toString() == u"Group"_s, o.value(Wire::Name).toString()});
    }
    return members;
}

QString unitMembersPath(const QString &unitPath)
{
    const qsizetype slash = unitPath.indexOf(u'/');
    return ApiClient::entityPath(Wire::Organizations, unitPath.left(slash)) + u'/' +
           Wire::UnitsPart + u'/' +
           QString::fromLatin1(QUrl::toPercentEncoding(unitPath.mid(slash + 1))) + u'/' +
           Wire::MembersPart;
}

} // namespace

OrganizationsMembership::OrganizationsMembership(QObject *parent)
    : QObject(parent)
{}

OrganizationsMembership::~OrganizationsMembership() = default;

void OrganizationsMembership::cancel()
{
    ++m_generation;
}

QHash<QString, QString>
OrganizationsMembership::groupsOf(const QString &user,
                                  const QHash<QString, QList<QPair<bool, QString>>> &members)
{
    QHash<QString, QString> chains; // group → "user → … → group"
    bool grew = true;
    while (grew) {
        grew = false;
        for (auto it = members.cbegin(); it != members.cend(); ++it) {
            if (chains.contains(it.key()))
                continue;
            for (const auto &[isGroup, name] : it.value()) {
                if (!isGroup && name == user) {
                    chains.insert(it.key(), user + u" → "_s + it.key());
                } else if (isGroup && chains.contains(name)) {
                    chains.insert(it.key(), chains.value(name) + u" → "_s + it.key());
                } else {
                    continue;
                }
                grew = true;
                break;
            }
        }
    }
    return chains;
}

void OrganizationsMembership::find(ApiClient *client, const QString &user,
                                   const QStringList &unitPaths)
{
    const quint64 generation = ++m_generation;
    if (!client || user.isEmpty())
        return;
    client->get(
        Wire::ApiPrefix + Wire::Groups, this,
        [this, client, generation, user, unitPaths](const ApiResult &groupsResult) {
            if (generation != m_generation)
                return;
            if (!groupsResult.isOk()) {
                Q_EMIT failed(user, groupsResult.errorMessage);
                return;
            }
            QHash<QString, QList<QPair<bool, QString>>> groupMembers;
            for (const QJsonValue &g : groupsResult.body.object().value(Wire::Items).toArray()) {
                const QJsonObject o = g.toObject();
                groupMembers.insert(o.value(Wire::Name).toString(),
                                    membersOf(o.value(Wire::Members).toArray()));
            }
            const QHash<QString, QString> groups = groupsOf(user, groupMembers);
            if (unitPaths.isEmpty()) {
                Q_EMIT found(user, {});
                return;
            }
            struct Pending
            {
                QHash<QString, QString> units;
                qsizetype outstanding = 0;
                QString error;
            };
            auto pending = std::make_shared<Pending>();
            pending->outstanding = unitPaths.size();
            for (const QString &path : unitPaths) {
                client->get(
                    unitMembersPath(path), this,
                    [this, generation, user, groups, path, pending](const ApiResult &result) {
                        if (generation != m_generation)
                            return;
                        // A unit deleted meanwhile (404) simply is not one of them.
                        if (!result.isOk() && result.httpStatus != 404 && pending->error.isEmpty())
                            pending->error = result.errorMessage;
                        const auto members =
                            membersOf(result.body.object().value(Wire::Members).toArray());
                        for (const auto &[isGroup, name] : members) {
                            if (!isGroup && name == user) {
                                pending->units.insert(path,
                                                      tr("%1 is a member of this unit.").arg(user));
                                break;
                            }
                            if (isGroup && groups.contains(name)) {
                                pending->units.insert(path,
                                                      tr("%1 is a member through group %2 (%3).")
                                                          .arg(user, name, groups.value(name)));
                                break;
                            }
                        }
                        if (--pending->outstanding > 0)
                            return;
                        if (!pending->error.isEmpty())
                            Q_EMIT failed(user, pending->error);
                        else
                            Q_EMIT found(user, pending->units);
                    });
            }
        });
}

} // namespace Bulwark::Models
