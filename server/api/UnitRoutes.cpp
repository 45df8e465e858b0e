// The REST routes for the organizational units of an organization, their
// members and what they see, and the members of groups (docs/rest-api.md,
// "Permissions and visibility"). As in SecurityRoutes.cpp, what exists is
// checked in the storage work, inside the request's transaction.
#include "SecurityRoutes.h"

#include "SecurityRoutes_p.h"
#include "core/Names.h"
#include "storage/AccessStore.h"

#include <QJsonArray>

#include <algorithm>

namespace Bulwark::Routes {

using namespace Authz;

namespace {

// Members of a unit or group: duplicates collapse into one.
Result<QList<Principal>> principalsFromJson(const QJsonArray &array)
{
    QList<Principal> principals;
    for (qsizetype i = 0; i < array.size(); ++i) {
        auto p = principalFromJson(array.at(i), QStringLiteral("members[%1]").arg(i));
        if (!p)
            return p.error();
        if (!principals.contains(*p))
            principals.append(*p);
    }
    return principals;
}

// ---- Units ------------------------------------------------------------------

QJsonObject unitToJson(const OrganizationalUnit &u)
{
    QJsonObject o{{W::Name, u.name}, {W::Description, u.description}};
    o.insert(W::Parent, u.parent.isEmpty() ? QJsonValue() : QJsonValue(u.parent));
    return o;
}

// The organization exists and, for a non-administrator, is visible (404);
// everything under its Units is for administrators only (403).
Status checkOrganization(EntityStore &store, const AccessModel &model, const Caller &caller,
                         const QString &organization, const QString &what)
{
    return checkEntity(store, model, caller, {QString(W::Organizations), organization},
                       Need::Administrator, what);
}

// Storage work under the request's organization, run once checkOrganization
// passed; action completes "Only members of the Administrators group may …".
RoutePlan underOrganization(const ApiRequest &request, const AccessModel *model,
                            const QString &action, const StorageWork &work)
{
    return RoutePlan{{},
                     [caller = callerOf(request), model, org = request.arguments.at(0), action,
                      work](EntityStore &store) {
                         if (auto s = checkOrganization(store, *model, caller, org, action); !s)
                             return ApiResponse::fromError(s.error());
                         return work(store);
                     }};
}

Error unitExistsAlready(const QString &organization, const QString &unit)
{
    return makeError(ErrorCode::Conflict,
                     QStringLiteral("Unit '%1/%2' exists already.").arg(organization, unit));
}

Result<QString> optionalUnitName(const QJsonObject &body, QLatin1StringView field)
{
    const QJsonValue v = body.value(field);
    if (v.isUndefined() || v.isNull())
        return QString();
    if (!v.isString())
        return badRequest(QStringLiteral("'%1' must be the name of a unit.").arg(field));
    if (auto s = Names::validate(QStringLiteral("organizational unit"), v.toString()); !s)
        return s.error();
    return v.toString();
}

// What POST creates and PUT changes; empty or absent fields were left out.
struct UnitFields
{
    QString name;
    QString parent;
    std::optional<QString> description;
};

Result<UnitFields> unitFieldsFromJson(const QJsonObject &body, const QString &what)
{
    if (auto s = checkFields(body, what, {W::Name, W::Parent, W::Description}); !s)
        return s.error();
    auto name = optionalUnitName(body, W::Name);
    if (!name)
        return name.error();
    auto parent = optionalUnitName(body, W::Parent);
    if (!parent)
        return parent.error();
    const QJsonValue description = body.value(W::Description);
    if (description.isUndefined())
        return UnitFields{*name, *parent, std::nullopt};
    if (!description.isString() && !description.isNull())
        return badRequest(QStringLiteral("'description' must be a string."));
    if (description.toString().size() > 4096)
        return badRequest(QStringLiteral("'description' is longer than 4096 characters."));
    return UnitFields{*name, *parent, description.toString()};
}

ApiResponse organizationChanged(ApiResponse r, const QString &organization)
{
    r.accessChanges << AccessChange::of(AccessChange::Kind::Organizations);
    r.events << entityEvent(W::EventEntityUpdated, W::Organizations, organization);
    return r;
}

Result<RoutePlan> unitList(const ApiRequest &request, const AccessModel *model)
{
    const QString org = request.arguments.at(0);
    if (request.method == HttpMethod::Get) {
        return underOrganization(
            request, model, QStringLiteral("read units"), [org](EntityStore &store) {
                auto units = UnitDirectory(store).unitsOf(org);
                if (!units)
                    return ApiResponse::fromError(units.error());
                QJsonArray items;
                for (const OrganizationalUnit &u : *units)
                    items.append(unitToJson(u));
                return ApiResponse::json({{W::AccessOrganization, org}, {W::Items, items}});
            });
    }
    if (request.method != HttpMethod::Post)
        return methodNotAllowed(request, "GET, POST");
    auto fields = unitFieldsFromJson(request.json, QStringLiteral("The new unit"));
    if (!fields)
        return fields.error();
    if (fields->name.isEmpty() || fields->parent.isEmpty())
        return badRequest(QStringLiteral("A new unit needs a 'name' and a 'parent' (the root "
                                         "unit bears the organization's name, '%1').")
                              .arg(org));
    const OrganizationalUnit unit{fields->name, fields->description.value_or(QString()),
                                  fields->parent};
    return underOrganization(
        request, model, QStringLiteral("create units"), [org, unit](EntityStore &store) {
            UnitDirectory directory(store);
            if (auto s = directory.exists({org, unit.parent}); !s)
                return ApiResponse::fromError(s.error());
            if (directory.exists({org, unit.name}))
                return ApiResponse::fromError(unitExistsAlready(org, unit.name));
            if (auto s = AccessStore(store.database()).createUnit(org, unit); !s)
                return ApiResponse::fromError(s.error());
            ApiResponse r = ApiResponse::json(unitToJson(unit), 201);
            r.headers.append({QByteArray("Location"), QByteArray("/api/Organizations/") +
                                                          org.toUtf8() + "/Units/" +
                                                          unit.name.toUtf8()});
            return organizationChanged(r, org);
        });
}

// Renames, moves and describes a unit; what the change leaves is the answer.
ApiResponse changeUnit(EntityStore &store, const UnitRef &ref, const UnitFields &change)
{
    UnitDirectory directory(store);
    auto unit = directory.unit(ref);
    if (!unit)
        return ApiResponse::fromError(unit.error());
    const bool rename = !change.name.isEmpty() && change.name != unit->name;
    const bool move = !change.parent.isEmpty() && change.parent != unit->parent;
    if (unit->parent.isEmpty() && (rename || move))
        return ApiResponse::fromError(
            makeError(ErrorCode::Conflict,
                      QStringLiteral("'%1' is the root unit: it bears the organization's name and "
                                     "cannot be renamed or moved.")
                          .arg(ref.toString())));
    AccessStore accessStore(store.database());
    if (change.description && *change.description != unit->description) {
        if (auto s = accessStore.describeUnit(ref, *change.description); !s)
            return ApiResponse::fromError(s.error());
        unit->description = *change.description;
    }
    if (move) {
        if (auto s = directory.exists({ref.organization, change.parent}); !s)
            return ApiResponse::fromError(s.error());
        if (auto s = accessStore.moveUnit(ref, change.parent); !s)
            return ApiResponse::fromError(s.error());
        unit->parent = change.parent;
    }
    if (rename) {
        if (directory.exists({ref.organization, change.name}))
            return ApiResponse::fromError(unitExistsAlready(ref.organization, change.name));
        if (auto s = accessStore.renameUnit(ref, change.name); !s)
            return ApiResponse::fromError(s.error());
        unit->name = change.name;
    }
    // Organizations covers the grants that followed a rename.
    return organizationChanged(ApiResponse::json(unitToJson(*unit)), ref.organization);
}

Result<RoutePlan> unitItem(const ApiRequest &request, const AccessModel *model)
{
    const QString org = request.arguments.at(0);
    const UnitRef ref{org, request.arguments.at(2)};
    if (request.method == HttpMethod::Get) {
        return underOrganization(request, model, QStringLiteral("read units"),
                                 [ref](EntityStore &store) {
                                     auto unit = UnitDirectory(store).unit(ref);
                                     return unit ? ApiResponse::json(unitToJson(*unit))
                                                 : ApiResponse::fromError(unit.error());
                                 });
    }
    if (request.method == HttpMethod::Delete) {
        return underOrganization(
            request, model, QStringLiteral("delete units"), [ref](EntityStore &store) {
                auto unit = UnitDirectory(store).unit(ref);
                if (!unit)
                    return ApiResponse::fromError(unit.error());
                if (unit->parent.isEmpty())
                    return ApiResponse::fromError(
                        makeError(ErrorCode::Conflict,
                                  QStringLiteral("'%1' is the root unit of organization "
                                                 "'%2': it goes only with the organization.")
                                      .arg(ref.toString(), ref.organization)));
                if (auto s = AccessStore(store.database()).deleteUnit(ref); !s)
                    return ApiResponse::fromError(s.error());
                return organizationChanged(ApiResponse::noContent(), ref.organization);
            });
    }
    if (request.method != HttpMethod::Put)
        return methodNotAllowed(request, "GET, PUT, DELETE");
    auto change = unitFieldsFromJson(request.json,
                                     QStringLiteral("The change of unit '%1'").arg(ref.toString()));
    if (!change)
        return change.error();
    if (change->name.isEmpty() && change->parent.isEmpty() && !change->description)
        return badRequest(QStringLiteral("Change a unit with any of 'name' (rename), 'parent' "
                                         "(move) and 'description'."));
    return underOrganization(
        request, model, QStringLiteral("change units"),
        [ref, change = *change](EntityStore &store) { return changeUnit(store, ref, change); });
}

Result<RoutePlan> unitMembers(const ApiRequest &request, const AccessModel *model)
{
    const UnitRef ref{request.arguments.at(0), request.arguments.at(2)};
    return listPlan<Principal>(
        request,
        {.what = QStringLiteral("The members of unit '%1'").arg(ref.toString()),
         .field = W::Members,
         .about = {{W::AccessUnit, ref.toString()}},
         .staleWhat = QStringLiteral("members of unit %1").arg(ref.toString()),
         .parse = principalsFromJson,
         .check = [model, caller = callerOf(request), ref](EntityStore &store,
                                                           Need need) -> Status {
             if (auto s =
                     checkOrganization(store, *model, caller, ref.organization,
                                       need == Need::Read ? QStringLiteral("read unit members")
                                                          : QStringLiteral("change unit members"));
                 !s)
                 return s;
             return UnitDirectory(store).exists(ref);
         },
         .read =
             [ref](EntityStore &store) { return AccessStore(store.database()).unitMembers(ref); },
         .checkItems =
             [](EntityStore &store, const QList<Principal> &members) {
                 return eachExists(members, W::Members, [&store](const Principal &p) {
                     return principalExists(store, p);
                 });
             },
         .write =
             [ref](EntityStore &store, const QList<Principal> &members) {
                 return AccessStore(store.database()).setUnitMembers(ref, members);
             },
         .changed = [ref](ApiResponse r) { return organizationChanged(r, ref.organization); }});
}

// The entities a unit's members see through grants, each with the holder
// that grants it and the unit granted.
Result<RoutePlan> unitVisible(const ApiRequest &request, const AccessModel *model)
{
    if (request.method != HttpMethod::Get)
        return methodNotAllowed(request, "GET");
    const QString org = request.arguments.at(0);
    const UnitRef ref{org, request.arguments.at(2)};
    return underOrganization(
        request, model, QStringLiteral("read what a unit sees"), [org, ref](EntityStore &store) {
            UnitDirectory directory(store);
            if (auto s = directory.exists(ref); !s)
                return ApiResponse::fromError(s.error());
            // A grant flows up: the unit's members see grants to it and to
            // every unit below it.
            auto tree = directory.unitsOf(org);
            if (!tree)
                return ApiResponse::fromError(tree.error());
            QList<UnitRef> below{ref};
            for (qsizetype i = 0; i < below.size(); ++i) {
                for (const OrganizationalUnit &u : *tree) {
                    if (!u.parent.isEmpty() && u.parent == below.at(i).unit)
                        below.append({org, u.name});
                }
            }
            auto grants = AccessStore(store.database()).grantsTo(below);
            if (!grants)
                return ApiResponse::fromError(grants.error());
            QList<QJsonObject> items;
            for (const auto &[holder, granted] : *grants) {
                const QJsonObject base{{W::AccessGrantedOn, holder.toString()},
                                       {W::AccessUnit, granted.toString()}};
                auto item = [&base](const QString &entity) {
                    QJsonObject o = base;
                    o.insert(W::AccessEntity, entity);
                    return o;
                };
                if (holder.kind == HolderKind::Entity) {
                    items << item(holder.collection + u'/' + holder.name);
                } else if (holder.kind == HolderKind::Collection) {
                    items << item(holder.collection); // every entity of the collection
                } else {
                    // Things built from the template or from one derived from it.
                    auto derived = store.derivedTemplates(holder.name);
                    if (!derived)
                        return ApiResponse::fromError(derived.error());
                    auto things = store.thingsUsingTemplates(QStringList{holder.name} + *derived);
                    if (!things)
                        return ApiResponse::fromError(things.error());
                    for (const QString &thing : *things)
                        items << item(QString(W::Things) + u'/' + thing);
                }
            }
            std::sort(items.begin(), items.end(), [](const QJsonObject &a, const QJsonObject &b) {
                return std::tuple(a.value(W::AccessEntity).toString(),
                                  a.value(W::AccessGrantedOn).toString()) <
                       std::tuple(b.value(W::AccessEntity).toString(),
                                  b.value(W::AccessGrantedOn).toString());
            });
            QJsonArray array;
            for (const QJsonObject &o : items)
                array.append(o);
            return ApiResponse::json({{W::AccessUnit, ref.toString()}, {W::Items, array}});
        });
}

} // namespace

Result<RoutePlan> organizationUnits(const ApiRequest &request, const AccessModel &access)
{
    const QStringList &args = request.arguments;
    if (args.size() == 2)
        return unitList(request, &access);
    if (args.size() == 3)
        return unitItem(request, &access);
    if (args.size() == 4 && args.at(3) == W::MembersPart)
        return unitMembers(request, &access);
    if (args.size() == 4 && args.at(3) == W::VisiblePart)
        return unitVisible(request, &access);
    return noSuchPath(request, QStringLiteral("a unit has Members and Visible."));
}

Result<RoutePlan> groupMembers(const ApiRequest &request, const AccessModel &access)
{
    const QString name = request.arguments.value(1);
    return listPlan<Principal>(
        request,
        {.what = QStringLiteral("The members of group '%1'").arg(name),
         .field = W::Members,
         .about = {{W::AccessGroup, name}},
         .staleWhat = QStringLiteral("members of group %1").arg(name),
         .parse = principalsFromJson,
         .check =
             [model = &access, caller = callerOf(request), name](EntityStore &store, Need need) {
                 return checkEntity(store, *model, caller, {QString(W::Groups), name}, need,
                                    QStringLiteral("change group members"));
             },
         .read = [name](EntityStore &store) -> Result<QList<Principal>> {
             auto group = store.group(name);
             if (!group)
                 return group.error();
             return group->members;
         },
         .checkItems = [name](EntityStore &, const QList<Principal> &members) -> Status {
             if (name == W::AdministratorsGroup &&
                 !members.contains(Principal{MemberKind::User, QString(W::AdministratorUser)}))
                 return makeError(ErrorCode::Conflict,
                                  QStringLiteral("The Administrator user cannot leave the "
                                                 "Administrators group."));
             return {};
         },
         .write = [name](EntityStore &store, const QList<Principal> &members) -> Status {
             auto group = store.group(name);
             if (!group)
                 return group.error();
             group->members = members;
             group->modified = QDateTime::currentDateTimeUtc();
             return store.updateGroup(*group);
         },
         .changed =
             [name](ApiResponse r) {
                 r.accessChanges << AccessChange::of(AccessChange::Kind::Principals);
                 r.events << entityEvent(W::EventEntityUpdated, W::Groups, name);
                 return r;
             }});
}

} // namespace Bulwark::Routes
