// Authorization tests through the real server (tests/common/HeadlessServer.h):
// the JSON of principals, rules and the security routes' bodies, requests
// signed in as an ordinary user, set-up through REST that collects what went
// wrong, and the check that a hidden entity's 404 is a missing one's.
#pragma once

#include "HeadlessServer.h"

#include <QJsonArray>
#include <QJsonObject>
#include <QStringList>

#include <functional>
#include <optional>
#include <utility>

namespace BulwarkTest {

// ---- JSON -----------------------------------------------------------------

inline QJsonObject principal(const QString &type, const QString &name)
{
    return {{"type"_L1, type}, {"name"_L1, name}};
}

inline QJsonObject user(const QString &name)
{
    return principal(u"User"_s, name);
}

inline QJsonObject group(const QString &name)
{
    return principal(u"Group"_s, name);
}

inline QList<QJsonObject> users(const QStringList &names)
{
    QList<QJsonObject> list;
    for (const QString &name : names)
        list.append(user(name));
    return list;
}

// A rule as the REST API writes it; member only when given.
inline QJsonObject rule(const QJsonObject &principal, const QString &permission,
                        const QString &effect = u"Allow"_s, const QString &member = {})
{
    QJsonObject result{
        {"principal"_L1, principal}, {"permission"_L1, permission}, {"effect"_L1, effect}};
    if (!member.isEmpty())
        result.insert("member"_L1, member);
    return result;
}

inline QJsonArray jsonArray(const QList<QJsonObject> &objects)
{
    QJsonArray array;
    for (const QJsonObject &object : objects)
        array.append(object);
    return array;
}

// The bodies of PUT …/Permissions, …/Visibility and …/Members.
inline QJsonObject rulesBody(const QList<QJsonObject> &rules)
{
    return {{"rules"_L1, jsonArray(rules)}};
}

inline QJsonObject unitsBody(const QStringList &units)
{
    return {{"units"_L1, QJsonArray::fromStringList(units)}};
}

inline QJsonObject membersBody(const QList<QJsonObject> &members)
{
    return {{"members"_L1, jsonArray(members)}};
}

// {"properties": [{"name": name, "baseType": baseType}]}, for a Thing or template.
inline QJsonObject withProperty(const QString &name, const QString &baseType)
{
    return {
        {"properties"_L1, QJsonArray{QJsonObject{{"name"_L1, name}, {"baseType"_L1, baseType}}}}};
}

// The path of unit "Org/Unit" under /api/Organizations, with what follows.
inline QString unitPath(const QString &unit, const QString &suffix = {})
{
    const QStringList parts = unit.split(u'/');
    return u"/api/Organizations/%1/Units/%2"_s.arg(parts.value(0), parts.value(1)) + suffix;
}

// ---- requests as an ordinary user -------------------------------------------

inline Answer requestAs(const HeadlessServer &server, const Credentials &who,
                        const QByteArray &verb, const QString &path,
                        const std::optional<QJsonObject> &body = std::nullopt)
{
    Request request(verb, path);
    if (body) {
        request.body = jsonBody(*body);
        request.contentType = "application/json";
    }
    return server.request(request.withCredentials(who));
}

// The names GET /api/Things lists for who, in the server's order; a refusal
// as one line that no Thing is called.
inline QStringList thingsListedFor(const HeadlessServer &server, const Credentials &who)
{
    const Answer list = requestAs(server, who, "GET", u"/api/Things"_s);
    if (list.status != 200)
        return {u"(status %1: %2)"_s.arg(list.status).arg(QString::fromUtf8(list.body))};
    QStringList names;
    for (const QJsonValue item : list.json().value("items"_L1).toArray())
        names.append(item.toObject().value("name"_L1).toString());
    return names;
}

// ---- set-up through REST ------------------------------------------------------

// Builds a scene as the Administrator. A call that does not answer as
// expected is recorded rather than fatal, so that one check after the whole
// scene names every step that failed:
//     QVERIFY2(setup.failures().isEmpty(), qPrintable(setup.report()));
class RestSetup final
{
public:
    RestSetup(const HeadlessServer &server, QString password)
        : m_server(server)
        , m_password(std::move(password))
    {}

    void expect(const Answer &answer, int status, const QString &what)
    {
        if (answer.status != status)
            m_failures.append(u"%1: expected %2, got %3 %4%5"_s.arg(what)
                                  .arg(status)
                                  .arg(answer.status)
                                  .arg(QString::fromUtf8(answer.body), answer.networkError));
    }
    void post(const QString &path, const QJsonObject &body)
    {
        expect(m_server.post(path, body), 201, u"POST "_s + path);
    }
    void put(const QString &path, const QJsonObject &body)
    {
        expect(m_server.put(path, body), 200, u"PUT "_s + path);
    }

    void makeUser(const QString &name, const QString &password)
    {
        post(u"/api/Users"_s, {{"name"_L1, name}, {"password"_L1, password}});
    }
    // With the password given to the constructor.
    void makeUsers(const QStringList &names)
    {
        for (const QString &name : names)
            makeUser(name, m_password);
    }
    void makeGroup(const QString &name, const QList<QJsonObject> &members)
    {
        QJsonObject body = membersBody(members);
        body.insert("name"_L1, name);
        post(u"/api/Groups"_s, body);
    }
    // units: (unit, parent), parents first; the root comes with the organization.
    void makeOrganization(const QString &name, const QList<std::pair<QString, QString>> &units)
    {
        QJsonArray list;
        for (const auto &[unit, parent] : units)
            list.append(QJsonObject{{"name"_L1, unit}, {"parent"_L1, parent}});
        post(u"/api/Organizations"_s, {{"name"_L1, name}, {"units"_L1, list}});
    }
    // unit: "Org/Unit".
    void setUnitMembers(const QString &unit, const QList<QJsonObject> &members)
    {
        put(unitPath(unit, u"/Members"_s), membersBody(members));
    }
    // holderPath below /api/: "Things/Boiler1/Permissions",
    // "ThingTemplates/Pump/InstancePermissions", "Collections/Things/Permissions".
    void setRules(const QString &holderPath, const QList<QJsonObject> &rules)
    {
        put(u"/api/"_s + holderPath, rulesBody(rules));
    }
    // holderPath below /api/: "Things/Boiler1/Visibility", ….
    void setVisibility(const QString &holderPath, const QStringList &units)
    {
        put(u"/api/"_s + holderPath, unitsBody(units));
    }
    // members: the rest of the definition (properties, services, …).
    void makeTemplate(const QString &name, const QString &base = {},
                      const QJsonObject &members = {})
    {
        post(u"/api/ThingTemplates"_s, definition(name, "baseTemplate"_L1, base, members));
    }
    void makeThing(const QString &name, const QString &templateName = {},
                   const QJsonObject &members = {})
    {
        post(u"/api/Things"_s, definition(name, "template"_L1, templateName, members));
    }

    [[nodiscard]] const QStringList &failures() const { return m_failures; }
    [[nodiscard]] QString report() const { return m_failures.join(u'\n'); }
    void clear() { m_failures.clear(); }

private:
    static QJsonObject definition(const QString &name, QLatin1StringView baseKey,
                                  const QString &base, const QJsonObject &members)
    {
        QJsonObject body = members;
        body.insert("name"_L1, name);
        if (!base.isEmpty())
            body.insert(baseKey, base);
        return body;
    }

    const HeadlessServer &m_server;
    QString m_password;
    QStringList m_failures;
};

// ---- a hidden entity answers as a missing one --------------------------------

// The name a missing entity is probed with: a prefix the real name lacks, so
// that putting the real name back into the answer gives what it should get.
inline QString missingName(const QString &name)
{
    return u"Zq9"_s + name;
}

// Empty when hidden (the answer about name, which the asker may not see) is
// absent (the answer about missing, which does not exist) but for the name:
// both 404, the same body and Content-Length. Otherwise what differs.
[[nodiscard]] inline QString differsFromMissing(const Answer &hidden, const QString &name,
                                                const Answer &absent, const QString &missing)
{
    if (absent.status != 404)
        return u"the missing name answered %1 %2%3"_s.arg(absent.status)
            .arg(QString::fromUtf8(absent.body), absent.networkError);
    if (!absent.body.contains(missing.toUtf8()))
        return u"the answer for a missing name should name it: "_s + QString::fromUtf8(absent.body);
    if (hidden.status != 404)
        return u"answered %1 %2%3"_s.arg(hidden.status)
            .arg(QString::fromUtf8(hidden.body), hidden.networkError);
    const QByteArray expected = QByteArray(absent.body).replace(missing.toUtf8(), name.toUtf8());
    if (hidden.body != expected)
        return u"answered %1\n  a missing name gets %2"_s.arg(QString::fromUtf8(hidden.body),
                                                              QString::fromUtf8(expected));
    // Headers too: nothing but the name may tell the two apart.
    if (hidden.header("Content-Length") != QByteArray::number(expected.size()))
        return u"Content-Length %1, expected %2"_s.arg(
            QString::fromLatin1(hidden.header("Content-Length")), QString::number(expected.size()));
    return {};
}

// Asks the same question about name and about missingName(name); see differsFromMissing.
[[nodiscard]] inline QString
answersAsIfMissing(const std::function<Answer(const QString &name)> &ask, const QString &name)
{
    const QString missing = missingName(name);
    const Answer absent = ask(missing);
    return differsFromMissing(ask(name), name, absent, missing);
}

} // namespace BulwarkTest
