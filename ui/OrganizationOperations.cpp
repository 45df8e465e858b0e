#include "OrganizationOperations.h"

#include "models/ApiClient.h"
#include "wire/Wire.h"

#include <QCoreApplication>
#include <QJsonObject>

#include <memory>

namespace Bulwark::Ui {

using namespace Qt::StringLiterals;
using Models::ApiClient;
using Models::ApiResult;

namespace {

QString encoded(const QString &name)
{
    return QString::fromLatin1(QUrl::toPercentEncoding(name));
}

QString notConnected()
{
    return QCoreApplication::translate("Bulwark::Ui::OrganizationOperations",
                                       "Not connected to a server: connect and try again.");
}

} // namespace

OrganizationOperations::OrganizationOperations(QObject *parent)
    : QObject(parent)
{}

void OrganizationOperations::setClient(Models::ApiClient *client)
{
    m_client = client;
}

QString OrganizationOperations::unitPath(const QString &organization, const QString &unit)
{
    return ApiClient::entityPath(Wire::Organizations, organization) + u'/' + Wire::UnitsPart +
           u'/' + encoded(unit);
}

QString OrganizationOperations::visibilityPath(const QString &holder)
{
    static const auto instanceSuffix = u" (instance)"_s;
    if (holder.endsWith(instanceSuffix)) {
        const QString entity = holder.chopped(instanceSuffix.size());
        const qsizetype slash = entity.indexOf(u'/');
        return Wire::ApiPrefix + entity.left(slash) + u'/' + encoded(entity.mid(slash + 1)) +
               u"/InstanceVisibility"_s;
    }
    const qsizetype slash = holder.indexOf(u'/');
    if (slash < 0)
        return Wire::ApiPrefix + u"Collections/"_s + holder + u"/Visibility"_s;
    return Wire::ApiPrefix + holder.left(slash) + u'/' + encoded(holder.mid(slash + 1)) +
           u"/Visibility"_s;
}

void OrganizationOperations::createOrganization(const QString &name, const QString &description,
                                                const Done &done)
{
    if (!m_client)
        return done(notConnected());
    m_client->post(Wire::ApiPrefix + Wire::Organizations,
                   {{Wire::Name, name}, {Wire::Description, description}}, this,
                   [done, name](const ApiResult &result) {
                       if (!result.isOk())
                           return done(result.errorMessage);
                       if (result.body.object().value(Wire::Name).toString() != name)
                           return done(tr("The server answered with another organization "
                                          "than “%1”; reload and check.")
                                           .arg(name));
                       done({});
                   });
}

void OrganizationOperations::deleteEmptyOrganization(const QString &name, const Done &done)
{
    if (!m_client)
        return done(notConnected());
    m_client->get(ApiClient::entityPath(Wire::Organizations, name), this,
                  [this, done, name](const ApiResult &result) {
                      if (!result.isOk())
                          return done(result.errorMessage);
                      if (result.body.object().value(Wire::Units).toArray().size() > 1)
                          return done(tr("Units were added to “%1” since it was created; it "
                                         "was left as it is.")
                                          .arg(name));
                      deleteOrganization(name, done);
                  });
}

void OrganizationOperations::deleteOrganization(const QString &name, const Done &done)
{
    if (!m_client)
        return done(notConnected());
    m_client->remove(
        ApiClient::entityPath(Wire::Organizations, name), this,
        [done](const ApiResult &result) { done(result.isOk() ? QString() : result.errorMessage); });
}

void OrganizationOperations::createUnit(const QString &organization, const QString &name,
                                        const QString &parent, const QString &description,
                                        const Done &done)
{
    if (!m_client)
        return done(notConnected());
    m_client->post(ApiClient::entityPath(Wire::Organizations, organization) + u'/' +
                       Wire::UnitsPart,
                   {{Wire::Name, name}, {Wire::Parent, parent}, {Wire::Description, description}},
                   this, [done, name, parent](const ApiResult &result) {
                       if (!result.isOk())
                           return done(result.errorMessage);
                       const QJsonObject unit = result.body.object();
                       if (unit.value(Wire::Name).toString() != name ||
                           unit.value(Wire::Parent).toString() != parent)
                           return done(tr("The server did not create unit “%1” below “%2” as "
                                          "asked; reload and check.")
                                           .arg(name, parent));
                       done({});
                   });
}

void OrganizationOperations::renameUnit(const QString &organization, const QString &from,
                                        const QString &to, const Done &done)
{
    if (!m_client)
        return done(notConnected());
    m_client->put(unitPath(organization, from), {{Wire::Name, to}}, this,
                  [done, to](const ApiResult &result) {
                      if (!result.isOk())
                          return done(result.errorMessage);
                      if (result.body.object().value(Wire::Name).toString() != to)
                          return done(tr("The server did not rename the unit to “%1”; reload "
                                         "and check.")
                                          .arg(to));
                      done({});
                  });
}

void OrganizationOperations::moveUnit(const QString &organization, const QString &unit,
                                      const QString &parent, const Done &done)
{
    if (!m_client)
        return done(notConnected());
    m_client->put(unitPath(organization, unit), {{Wire::Parent, parent}}, this,
                  [done, unit, parent](const ApiResult &result) {
                      if (!result.isOk())
                          return done(result.errorMessage);
                      if (result.body.object().value(Wire::Parent).toString() != parent)
                          return done(tr("The server did not move “%1” below “%2”; reload and "
                                         "check.")
                                          .arg(unit, parent));
                      done({});
                  });
}

void OrganizationOperations::deleteUnits(const QString &organization, const QStringList &units,
                                         const Done &done)
{
    QList<Step> steps;
    for (const QString &unit : units) {
        steps.append([this, organization, unit](const Done &next) {
            if (!m_client)
                return next(notConnected());
            m_client->remove(
                unitPath(organization, unit), this, [next, unit](const ApiResult &result) {
                    next(result.isOk() ? QString()
                                       : tr("Unit “%1”: %2").arg(unit, result.errorMessage));
                });
        });
    }
    runSteps(steps, done);
}

void OrganizationOperations::snapshot(const QString &organization, const QList<UnitSnapshot> &units,
                                      const Snapshot &done)
{
    if (!m_client)
        return done(notConnected(), {});
    auto result = std::make_shared<QList<UnitSnapshot>>(units);
    QList<Step> steps;
    for (qsizetype i = 0; i < units.size(); ++i) {
        steps.append([this, organization, result, i](const Done &next) {
            if (!m_client)
                return next(notConnected());
            UnitSnapshot &unit = (*result)[i];
            m_client->get(
                unitPath(organization, unit.name) + u'/' + Wire::MembersPart, this,
                [this, organization, result, i, next](const ApiResult &members) {
                    if (!members.isOk())
                        return next(members.errorMessage);
                    (*result)[i].members = members.body.object().value(Wire::Members).toArray();
                    if (!m_client)
                        return next(notConnected());
                    const QString name = result->at(i).name;
                    m_client->get(unitPath(organization, name) + u'/' + Wire::VisiblePart, this,
                                  [result, i, next, organization, name](const ApiResult &visible) {
                                      if (!visible.isOk())
                                          return next(visible.errorMessage);
                                      // Grants to this unit itself (the list also
                                      // has those to units below it).
                                      const QString path = organization + u'/' + name;
                                      const QJsonArray items =
                                          visible.body.object().value(Wire::Items).toArray();
                                      for (const QJsonValue &item : items) {
                                          const QJsonObject o = item.toObject();
                                          const QString holder =
                                              o.value(Wire::AccessGrantedOn).toString();
                                          if (o.value(Wire::AccessUnit).toString() == path &&
                                              !(*result)[i].grantHolders.contains(holder))
                                              (*result)[i].grantHolders.append(holder);
                                      }
                                      next({});
                                  });
                });
        });
    }
    runSteps(steps, [result, done](const QString &error) { done(error, *result); });
}

void OrganizationOperations::addGrant(const QString &holder, const QString &unitName,
                                      const Done &done)
{
    if (!m_client)
        return done(notConnected());
    const QString path = visibilityPath(holder);
    m_client->get(path, this, [this, path, unitName, done, holder](const ApiResult &list) {
        if (!list.isOk())
            return done(tr("Visibility of %1: %2").arg(holder, list.errorMessage));
        const QJsonObject object = list.body.object();
        QJsonArray units = object.value(Wire::Units).toArray();
        if (units.contains(unitName))
            return done({});
        units.append(unitName);
        if (!m_client)
            return done(notConnected());
        m_client->put(path, {{Wire::Units, units}, {Wire::Version, object.value(Wire::Version)}},
                      this, [done, holder](const ApiResult &written) {
                          done(written.isOk()
                                   ? QString()
                                   : tr("Visibility of %1: %2").arg(holder, written.errorMessage));
                      });
    });
}

void OrganizationOperations::restore(const QString &organization,
                                     const QString &organizationDescription,
                                     const QList<UnitSnapshot> &units, bool withOrganization,
                                     const Done &done)
{
    QList<Step> steps;
    if (withOrganization) {
        steps.append([this, organization, organizationDescription](const Done &next) {
            createOrganization(organization, organizationDescription, next);
        });
    }
    for (const UnitSnapshot &unit : units) {
        if (!unit.parent.isEmpty()) {
            steps.append([this, organization, unit](const Done &next) {
                createUnit(organization, unit.name, unit.parent, unit.description, next);
            });
        }
        if (!unit.members.isEmpty()) {
            steps.append([this, organization, unit](const Done &next) {
                if (!m_client)
                    return next(notConnected());
                m_client->put(unitPath(organization, unit.name) + u'/' + Wire::MembersPart,
                              {{Wire::Members, unit.members}}, this,
                              [next, unit](const ApiResult &result) {
                                  if (!result.isOk())
                                      return next(result.errorMessage);
                                  if (result.body.object().value(Wire::Members).toArray().size() !=
                                      unit.members.size())
                                      return next(tr("Not every member of “%1” could be "
                                                     "restored; check its members.")
                                                      .arg(unit.name));
                                  next({});
                              });
            });
        }
        for (const QString &holder : unit.grantHolders) {
            steps.append([this, holder, name = QString(organization + u'/' + unit.name)](
                             const Done &next) { addGrant(holder, name, next); });
        }
    }
    runSteps(steps, done);
}

void OrganizationOperations::runSteps(QList<Step> steps, const Done &done)
{
    if (steps.isEmpty())
        return done({});
    const Step first = steps.takeFirst();
    first([this, steps = std::move(steps), done](const QString &error) {
        if (!error.isEmpty())
            return done(error);
        runSteps(steps, done);
    });
}

} // namespace Bulwark::Ui
