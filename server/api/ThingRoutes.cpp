#include "ThingRoutes.h"

#include "core/EntityJson.h"
#include "core/Inheritance.h"
#include "edge/EdgeEndpoint.h"
#include "files/FileRepository.h"
#include "security/Vault.h"
#include "storage/AccessStore.h"
#include "storage/EntityStore.h"
#include "wire/Wire.h"

#include <QJsonArray>

namespace Bulwark::Routes {

namespace W = Wire;
using Access::EntityRef;
using Access::Permission;
using namespace Qt::StringLiterals;

namespace {

QDateTime now()
{
    return QDateTime::currentDateTimeUtc();
}

// A new or changed Thing must not redeclare what its templates declare.
Status checkThingDefinitions(EntityStore &store, const Thing &thing)
{
    auto chain = store.templateChain(thing.templateName);
    if (!chain)
        return chain.error();
    auto merged = Inheritance::effective(QStringLiteral("Thing '%1'").arg(thing.name),
                                         thing.definitions, *chain);
    if (!merged)
        return merged.error();
    return {};
}

// A new or changed template must keep every dependent consistent: no cycle
// through its base, and no member name clash in any derived template or Thing.
Status checkTemplateDefinitions(EntityStore &store, const ThingTemplate &t)
{
    auto chain = store.templateChain(t.baseTemplate);
    if (!chain)
        return chain.error();
    for (const auto &ancestor : *chain) {
        if (ancestor.name == t.name)
            return makeError(ErrorCode::Conflict,
                             QStringLiteral("ThingTemplate '%1' cannot derive from '%2': '%2' "
                                            "already derives from '%1'.")
                                 .arg(t.name, t.baseTemplate));
    }
    auto own = Inheritance::effective(QStringLiteral("ThingTemplate '%1'").arg(t.name),
                                      t.definitions, *chain);
    if (!own)
        return own.error();
    auto derived = store.derivedTemplates(t.name);
    if (!derived)
        return derived.error();
    QStringList affected = *derived;
    affected.prepend(t.name);
    // Derived templates must still merge cleanly with the proposed template.
    for (const QString &derivedName : *derived) {
        auto derivedChain = store.templateChain(derivedName);
        if (!derivedChain)
            return derivedChain.error();
        ThingTemplate self = derivedChain->takeFirst();
        for (auto &link : *derivedChain) {
            if (link.name == t.name)
                link = t;
        }
        auto merged = Inheritance::effective(QStringLiteral("ThingTemplate '%1'").arg(derivedName),
                                             self.definitions, *derivedChain);
        if (!merged)
            return merged.error();
    }
    auto things = store.thingsUsingTemplates(affected);
    if (!things)
        return things.error();
    // Re-check dependents against the proposed template.
    for (const QString &thingName : *things) {
        auto thing = store.thing(thingName);
        if (!thing)
            return thing.error();
        auto thingChain = store.templateChain(thing->templateName);
        if (!thingChain)
            return thingChain.error();
        for (auto &link : *thingChain) {
            if (link.name == t.name)
                link = t;
        }
        auto merged = Inheritance::effective(QStringLiteral("Thing '%1'").arg(thingName),
                                             thing->definitions, *thingChain);
        if (!merged)
            return merged.error();
    }
    return {};
}

// Values of properties that a change removed, or whose base type it changed,
// no longer mean anything (a sealed PASSWORD is no STRING): drop them.
Status reconcileValues(EntityStore &store, const QString &thing, const Definitions &before,
                       const Definitions &after)
{
    for (const auto &old : before.properties) {
        const PropertyDefinition *now = after.property(old.name);
        if (!now || now->baseType != old.baseType) {
            if (auto s = store.deletePropertyValue(thing, old.name); !s)
                return s;
        }
    }
    return {};
}

// The effective definitions of each Thing built from any of templates.
Result<QHash<QString, Definitions>> effectiveOfThings(EntityStore &store,
                                                      const QStringList &templates)
{
    auto things = store.thingsUsingTemplates(templates);
    if (!things)
        return things.error();
    QHash<QString, Definitions> result;
    for (const QString &name : *things) {
        auto t = effectiveThing(store, name);
        if (!t)
            return t.error();
        result.insert(name, t->definitions);
    }
    return result;
}

} // namespace

// The Thing with its template chain's members merged in, kept by the store
// until a Thing or template changes (the edge ingest path reads it per batch).
Result<Thing> effectiveThing(EntityStore &store, const QString &name)
{
    return store.effectiveThing(name);
}

Result<ThingTemplate> effectiveTemplate(EntityStore &store, const QString &name)
{
    auto chain = store.templateChain(name);
    if (!chain)
        return chain.error();
    ThingTemplate t = chain->takeFirst();
    auto merged = Inheritance::effective(QStringLiteral("ThingTemplate '%1'").arg(name),
                                         t.definitions, *chain);
    if (!merged)
        return merged.error();
    t.definitions = *merged;
    return t;
}

Status authorize(const Access::AccessModel &access, const QString &user, const EntityRef &ref,
                 Permission permission, const QString &member)
{
    return access.require(user, ref, permission, member);
}

Error administratorsOnly(const QString &what)
{
    return makeError(ErrorCode::Forbidden,
                     QStringLiteral("Only members of the Administrators group may %1.").arg(what));
}

Status administratorsOnlyOn(const Access::AccessModel &access, const QString &user,
                            const EntityRef &ref, const QString &what)
{
    if (!access.isVisible(user, ref))
        return Access::notFound(ref);
    if (!access.isAdministrator(user))
        return administratorsOnly(what);
    return {};
}

RoutePlan methodNotAllowed(const ApiRequest &request, const char *allowed)
{
    ApiResponse response = ApiResponse::fromError(makeError(
        ErrorCode::MethodNotAllowed, QStringLiteral("%1 is not allowed on %2; use %3.")
                                         .arg(QString::fromLatin1(request.methodName), request.path,
                                              QString::fromLatin1(allowed))));
    response.headers.append({QByteArray("Allow"), QByteArray(allowed)});
    return RoutePlan{{}, {}, response};
}

QJsonObject entityEvent(QLatin1StringView type, QLatin1StringView collection, const QString &name)
{
    return {{W::Type, type}, {W::Collection, collection}, {W::Name, name}};
}

QJsonObject withName(const ApiRequest &request)
{
    QJsonObject body = request.json;
    if (request.arguments.size() > 1 && !body.contains(W::Name))
        body.insert(W::Name, request.arguments.at(1));
    return body;
}

Status checkNameMatches(const ApiRequest &request, const QString &bodyName)
{
    if (request.arguments.size() > 1 && bodyName != request.arguments.at(1))
        return makeError(ErrorCode::BadRequest,
                         QStringLiteral("The body names '%1' but the URL names '%2'; renaming is "
                                        "not supported: create a new one and delete the old.")
                             .arg(bodyName.left(128), request.arguments.at(1).left(128)));
    return {};
}

namespace {

// The built-in ThingTemplate FileRepository (migration 6) is what makes a
// Thing a file repository: it keeps its name. Its members may change.
Status keepBuiltInTemplate(const QString &name)
{
    if (name != FileRepositoryTemplate)
        return {};
    return makeError(ErrorCode::Conflict,
                     QStringLiteral("FileRepository is built in: file repositories are Things made "
                                    "from it; it cannot be deleted or renamed."));
}

} // namespace

Result<RoutePlan> things(const ApiRequest &request, const Access::AccessModel &access,
                         const ConnectionRegistry *connections)
{
    const bool item = request.arguments.size() > 1;
    const QString name = item ? request.arguments.at(1) : QString();
    const QString user = request.user;
    const Access::AccessModel *model = &access;
    const EntityRef ref{QString(W::Things), name};
    if (!item) {
        if (request.method == HttpMethod::Get) {
            return RoutePlan{{}, [user, model](EntityStore &store) {
                                 auto list =
                                     store.listThings(model->listFilter(user, QString(W::Things)));
                                 if (!list)
                                     return ApiResponse::fromError(list.error());
                                 QJsonArray items;
                                 for (const Thing &t : *list) {
                                     if (model->check(user, {QString(W::Things), t.name},
                                                      Permission::Read) == Access::Answer::Allow)
                                         items.append(EntityJson::summaryJson(t));
                                 }
                                 return ApiResponse::json({{W::Items, items}});
                             }};
        }
        if (request.method != HttpMethod::Post)
            return methodNotAllowed(request, "GET, POST");
    }
    if (item && request.method == HttpMethod::Get) {
        return RoutePlan{{}, [name, user, model, ref, connections](EntityStore &store) {
                             if (auto s = authorize(*model, user, ref, Permission::Read); !s)
                                 return ApiResponse::fromError(s.error());
                             auto t = effectiveThing(store, name);
                             if (!t)
                                 return ApiResponse::fromError(t.error());
                             QJsonObject o = EntityJson::toJson(*t);
                             if (connections)
                                 o.insert(W::Connection, connections->toJson(name));
                             return ApiResponse::json(o);
                         }};
    }
    if (item && request.method == HttpMethod::Delete) {
        return RoutePlan{{}, [name, user, model, ref](EntityStore &store) {
                             if (auto s = authorize(*model, user, ref, Permission::Delete); !s)
                                 return ApiResponse::fromError(s.error());
                             if (auto s = store.deleteThing(name); !s)
                                 return ApiResponse::fromError(s.error());
                             ApiResponse r = ApiResponse::noContent();
                             r.events << entityEvent(W::EventEntityDeleted, W::Things, name);
                             r.accessChanges << AccessChange::entityRemoved(ref);
                             return r;
                         }};
    }
    if (request.method != HttpMethod::Post && request.method != HttpMethod::Put)
        return methodNotAllowed(request, item ? "GET, PUT, DELETE" : "GET, POST");
    if (item && request.method == HttpMethod::Post)
        return methodNotAllowed(request, "GET, PUT, DELETE");

    auto parsed = EntityJson::thingFromJson(withName(request));
    if (!parsed)
        return parsed.error();
    if (auto s = checkNameMatches(request, parsed->name); !s)
        return s.error();
    const bool create = request.method == HttpMethod::Post;
    Thing thing = *parsed;
    return RoutePlan{
        {}, [thing, create, user, model](EntityStore &store) mutable {
            const EntityRef self{QString(W::Things), thing.name};
            if (create) {
                // "Create Things from T" (or any Thing), and T must be visible.
                if (auto s = model->requireCreate(user, QString(W::Things), thing.templateName); !s)
                    return ApiResponse::fromError(s.error());
            } else {
                if (auto s = authorize(*model, user, self, Permission::Update); !s)
                    return ApiResponse::fromError(s.error());
                // A new template needs the Create answer for it, so that a
                // restricted template cannot be escaped by a PUT.
                if (thing.templateName != model->facts(self).templateName) {
                    if (auto s = model->requireCreate(user, QString(W::Things), thing.templateName);
                        !s)
                        return ApiResponse::fromError(s.error());
                }
            }
            if (auto s = checkThingDefinitions(store, thing); !s)
                return ApiResponse::fromError(s.error());
            thing.modified = now();
            if (create) {
                thing.created = thing.modified;
                if (auto s = store.createThing(thing); !s)
                    return ApiResponse::fromError(s.error());
                if (auto s = AccessStore(store.database()).setCreator(self, user); !s)
                    return ApiResponse::fromError(s.error());
            } else {
                auto existing = effectiveThing(store, thing.name);
                if (!existing)
                    return ApiResponse::fromError(existing.error());
                thing.created = existing->created;
                if (auto s = store.updateThing(thing); !s)
                    return ApiResponse::fromError(s.error());
                auto updated = effectiveThing(store, thing.name);
                if (!updated)
                    return ApiResponse::fromError(updated.error());
                if (auto s = reconcileValues(store, thing.name, existing->definitions,
                                             updated->definitions);
                    !s)
                    return ApiResponse::fromError(s.error());
            }
            auto t = effectiveThing(store, thing.name);
            if (!t)
                return ApiResponse::fromError(t.error());
            ApiResponse r = ApiResponse::json(EntityJson::toJson(*t), create ? 201 : 200);
            if (create)
                r.headers.append(
                    {QByteArray("Location"), QByteArray("/api/Things/" + thing.name.toUtf8())});
            r.events << entityEvent(create ? W::EventEntityCreated : W::EventEntityUpdated,
                                    W::Things, thing.name);
            r.accessChanges << AccessChange::entityChanged(self);
            return r;
        }};
}

Result<RoutePlan> thingTemplates(const ApiRequest &request, const Access::AccessModel &access)
{
    const bool item = request.arguments.size() > 1;
    const QString name = item ? request.arguments.at(1) : QString();
    const QString user = request.user;
    const Access::AccessModel *model = &access;
    const EntityRef ref{QString(W::ThingTemplates), name};
    if (!item && request.method == HttpMethod::Get) {
        return RoutePlan{{}, [user, model](EntityStore &store) {
                             auto list = store.listTemplates(
                                 model->listFilter(user, QString(W::ThingTemplates)));
                             if (!list)
                                 return ApiResponse::fromError(list.error());
                             QJsonArray items;
                             for (const ThingTemplate &t : *list) {
                                 if (model->check(user, {QString(W::ThingTemplates), t.name},
                                                  Permission::Read) != Access::Answer::Allow)
                                     continue;
                                 QJsonObject o = EntityJson::toJson(t);
                                 o.remove(W::Properties);
                                 o.remove(W::Services);
                                 o.remove(W::Events);
                                 items.append(o);
                             }
                             return ApiResponse::json({{W::Items, items}});
                         }};
    }
    if (item && request.method == HttpMethod::Get) {
        return RoutePlan{{}, [name, user, model, ref](EntityStore &store) {
                             if (auto s = authorize(*model, user, ref, Permission::Read); !s)
                                 return ApiResponse::fromError(s.error());
                             auto t = effectiveTemplate(store, name);
                             return t ? ApiResponse::json(EntityJson::toJson(*t))
                                      : ApiResponse::fromError(t.error());
                         }};
    }
    if (item && request.method == HttpMethod::Delete) {
        return RoutePlan{{}, [name, user, model, ref](EntityStore &store) {
                             if (auto s = authorize(*model, user, ref, Permission::Delete); !s)
                                 return ApiResponse::fromError(s.error());
                             if (auto s = keepBuiltInTemplate(name); !s)
                                 return ApiResponse::fromError(s.error());
                             if (auto s = store.deleteTemplate(name); !s)
                                 return ApiResponse::fromError(s.error());
                             ApiResponse r = ApiResponse::noContent();
                             r.events
                                 << entityEvent(W::EventEntityDeleted, W::ThingTemplates, name);
                             r.accessChanges << AccessChange::entityRemoved(ref);
                             return r;
                         }};
    }
    const bool create = !item && request.method == HttpMethod::Post;
    const bool update = item && request.method == HttpMethod::Put;
    if (!create && !update)
        return methodNotAllowed(request, item ? "GET, PUT, DELETE" : "GET, POST");

    auto parsed = EntityJson::templateFromJson(withName(request));
    if (!parsed)
        return parsed.error();
    if (update && parsed->name != name) {
        if (auto s = keepBuiltInTemplate(name); !s)
            return s.error();
    }
    if (auto s = checkNameMatches(request, parsed->name); !s)
        return s.error();
    ThingTemplate t = *parsed;
    return RoutePlan{
        {}, [t, create, user, model](EntityStore &store) mutable {
            const EntityRef self{QString(W::ThingTemplates), t.name};
            if (auto s = create ? model->requireCreate(user, QString(W::ThingTemplates))
                                : authorize(*model, user, self, Permission::Update);
                !s)
                return ApiResponse::fromError(s.error());
            // A template can only derive from a template its author can see.
            const EntityRef base{QString(W::ThingTemplates), t.baseTemplate};
            if (!t.baseTemplate.isEmpty() && !model->isVisible(user, base))
                return ApiResponse::fromError(Access::notFound(base));
            t.modified = now();
            if (create) {
                t.created = t.modified;
                auto base = store.templateChain(t.baseTemplate);
                if (!base)
                    return ApiResponse::fromError(base.error());
                auto merged = Inheritance::effective(
                    QStringLiteral("ThingTemplate '%1'").arg(t.name), t.definitions, *base);
                if (!merged)
                    return ApiResponse::fromError(merged.error());
                if (auto s = store.createTemplate(t); !s)
                    return ApiResponse::fromError(s.error());
                if (auto s = AccessStore(store.database()).setCreator(self, user); !s)
                    return ApiResponse::fromError(s.error());
            } else {
                auto existing = store.thingTemplate(t.name);
                if (!existing)
                    return ApiResponse::fromError(existing.error());
                t.created = existing->created;
                if (auto s = checkTemplateDefinitions(store, t); !s)
                    return ApiResponse::fromError(s.error());
                auto derived = store.derivedTemplates(t.name);
                if (!derived)
                    return ApiResponse::fromError(derived.error());
                const QStringList affected = QStringList{t.name} + *derived;
                auto before = effectiveOfThings(store, affected);
                if (!before)
                    return ApiResponse::fromError(before.error());
                if (auto s = store.updateTemplate(t); !s)
                    return ApiResponse::fromError(s.error());
                auto after = effectiveOfThings(store, affected);
                if (!after)
                    return ApiResponse::fromError(after.error());
                for (auto it = before->cbegin(); it != before->cend(); ++it) {
                    if (auto s =
                            reconcileValues(store, it.key(), it.value(), after->value(it.key()));
                        !s)
                        return ApiResponse::fromError(s.error());
                }
            }
            auto saved = effectiveTemplate(store, t.name);
            if (!saved)
                return ApiResponse::fromError(saved.error());
            ApiResponse r = ApiResponse::json(EntityJson::toJson(*saved), create ? 201 : 200);
            if (create)
                r.headers.append(
                    {QByteArray("Location"), QByteArray("/api/ThingTemplates/" + t.name.toUtf8())});
            r.events << entityEvent(create ? W::EventEntityCreated : W::EventEntityUpdated,
                                    W::ThingTemplates, t.name);
            r.accessChanges << AccessChange::entityChanged(self);
            return r;
        }};
}

namespace {

// The target of a property read or write, as its storage work needs it.
struct PropertyTarget
{
    QString thing;
    QString property;
    QString user;
    const Access::AccessModel *model = nullptr;
    const Vault *vault = nullptr;
};

StorageWork propertyWork(const PropertyTarget &target, bool write, bool forward,
                         const QJsonValue &incoming)
{
    return [thingName = target.thing, property = target.property, user = target.user,
            model = target.model, vaultPtr = target.vault, write, forward,
            incoming](EntityStore &store) {
        const EntityRef ref{QString(W::Things), thingName};
        // Visibility, then the member, then the rules.
        if (!model->isVisible(user, ref))
            return ApiResponse::fromError(Access::notFound(ref));
        auto thing = effectiveThing(store, thingName);
        if (!thing)
            return ApiResponse::fromError(thing.error());
        const PropertyDefinition *p = thing->definitions.property(property);
        if (!p)
            return ApiResponse::fromError(makeError(
                ErrorCode::NotFound,
                QStringLiteral("Thing '%1' has no property '%2'.").arg(thingName, property)));
        if (auto s =
                authorize(*model, user, ref,
                          write ? Permission::PropertyWrite : Permission::PropertyRead, property);
            !s)
            return ApiResponse::fromError(s.error());
        const bool secret = p->baseType == BaseType::Password;
        QualifiedValue value;
        if (write) {
            auto checked = BaseTypes::check(
                p->baseType, incoming,
                QStringLiteral("Property '%1' of Thing '%2'").arg(property, thingName));
            if (!checked)
                return ApiResponse::fromError(checked.error());
            // What a read gives back is not a new password.
            if (secret && checked->toString() == W::PasswordMask)
                return ApiResponse::fromError(makeError(
                    ErrorCode::BadRequest,
                    QStringLiteral("'%1' is the mask reads show for a PASSWORD value; send "
                                   "the new password itself.")
                        .arg(W::PasswordMask)));
            if (forward) // checked: the device decides next, then it is stored
                return ApiResponse::json({{W::Value, *checked}});
            value.value = *checked;
            value.time = now();
            PropertyValue stored{value.value, value.time};
            if (secret && value.value.isString()) {
                auto sealed = vaultPtr->seal(value.value.toString().toUtf8(),
                                             SealContext{QStringLiteral("property_values"),
                                                         QStringLiteral("value"),
                                                         thingName + u'/' + property});
                if (!sealed)
                    return ApiResponse::fromError(sealed.error());
                stored.value = *sealed;
            }
            if (auto s = store.setPropertyValue(thingName, property, stored); !s)
                return ApiResponse::fromError(s.error());
        } else {
            auto values = store.qualifiedValues(thingName);
            if (!values)
                return ApiResponse::fromError(values.error());
            value = values->value(property, QualifiedValue{p->defaultValue, {}, {}});
        }
        const bool isSet = !value.value.isNull();
        if (secret)
            value.value = isSet ? QJsonValue(W::PasswordMask) : QJsonValue();
        QJsonObject o{{W::Name, property},
                      {W::BaseType, BaseTypes::name(p->baseType)},
                      {W::Value, value.value},
                      {W::Time, EntityJson::timestamp(value.time)}};
        if (value.time.isValid())
            o.insert(W::Quality, value.quality);
        if (secret)
            o.insert(W::IsSet, isSet);
        ApiResponse r = ApiResponse::json(o);
        if (write) {
            QJsonObject event{{W::Type, W::EventPropertyChanged},
                              {W::Thing, thingName},
                              {W::Property, property},
                              {W::Value, value.value},
                              {W::Time, EntityJson::timestamp(value.time)},
                              {W::Quality, W::QualityGood},
                              {W::Source, W::SourceRest}};
            r.events << event;
        }
        return r;
    };
}

} // namespace

Result<RoutePlan> thingProperties(const ApiRequest &request, const Vault &vault,
                                  const Access::AccessModel &access, EdgeEndpoint *edge)
{
    const QString thingName = request.arguments.at(0);
    const QString user = request.user;
    const Access::AccessModel *model = &access;
    const EntityRef ref{QString(W::Things), thingName};
    if (request.arguments.size() == 1) {
        if (request.method != HttpMethod::Get)
            return methodNotAllowed(request, "GET");
        return RoutePlan{
            {}, [thingName, user, model, ref](EntityStore &store) {
                if (!model->isVisible(user, ref))
                    return ApiResponse::fromError(Access::notFound(ref));
                auto thing = effectiveThing(store, thingName);
                if (!thing)
                    return ApiResponse::fromError(thing.error());
                // Each property the user may read; none at all is a denial.
                QList<PropertyDefinition> readable;
                for (const auto &p : thing->definitions.properties) {
                    if (model->check(user, ref, Permission::PropertyRead, p.name) ==
                        Access::Answer::Allow)
                        readable.append(p);
                }
                if (readable.isEmpty() && !thing->definitions.properties.isEmpty())
                    return ApiResponse::fromError(
                        makeError(ErrorCode::Forbidden,
                                  QStringLiteral("You may not read the properties of Thing "
                                                 "'%1' (PropertyRead).")
                                      .arg(thingName)));
                thing->definitions.properties = readable;
                auto values = store.qualifiedValues(thingName);
                if (!values)
                    return ApiResponse::fromError(values.error());
                QJsonObject map;
                QJsonArray items;
                for (const auto &p : thing->definitions.properties) {
                    const auto stored = values->constFind(p.name);
                    const bool hasValue = stored != values->cend();
                    const bool isSet = hasValue && !stored->value.isNull();
                    const bool secret = p.baseType == BaseType::Password;
                    QJsonValue value = hasValue ? stored->value : p.defaultValue;
                    if (secret)
                        value = isSet ? QJsonValue(W::PasswordMask) : QJsonValue();
                    map.insert(p.name, value);
                    QJsonObject o{
                        {W::Name, p.name},
                        {W::BaseType, BaseTypes::name(p.baseType)},
                        {W::Value, value},
                        {W::Time, hasValue ? EntityJson::timestamp(stored->time) : QString()}};
                    if (hasValue)
                        o.insert(W::Quality, stored->quality);
                    if (secret)
                        o.insert(W::IsSet, isSet);
                    items.append(o);
                }
                return ApiResponse::json({{W::Values, map}, {W::Items, items}});
            }};
    }

    const QString property = request.arguments.at(1);
    if (request.method != HttpMethod::Get && request.method != HttpMethod::Put)
        return methodNotAllowed(request, "GET, PUT");
    const bool write = request.method == HttpMethod::Put;
    QJsonValue incoming;
    if (write) {
        const QStringList extra = request.json.keys();
        if (!request.json.contains(W::Value) ||
            std::any_of(extra.cbegin(), extra.cend(), [](const QString &k) {
                return k != W::Value && k != W::Time && k != W::Name && k != W::BaseType &&
                       k != W::IsSet;
            }))
            return makeError(ErrorCode::BadRequest,
                             QStringLiteral("Send the new value as {\"value\": …}."));
        incoming = request.json.value(W::Value);
    }
    const Vault *vaultPtr = &vault;
    // A write to a Thing a device speaks for goes to the device first; the
    // value is stored (checked again) once the device accepted it.
    const bool forward = write && edge && edge->connections().isConnected(thingName);
    RoutePlan plan{{},
                   propertyWork(PropertyTarget{thingName, property, user, model, vaultPtr}, write,
                                forward, incoming)};
    if (!forward)
        return plan;
    plan.throughDevice = [edge, thingName, property, user, model, vaultPtr,
                          incoming](const ApiResponse &, RoutePlan::DeviceFinish finish) {
        const PropertyTarget target{thingName, property, user, model, vaultPtr};
        if (!edge->connections().isConnected(thingName)) {
            finish({}, propertyWork(target, true, false, incoming)); // gone meanwhile: as today
            return;
        }
        const int timeoutMs = edge->settings().writeTimeoutSeconds * 1000;
        edge->requestDevice(
            thingName,
            {{W::Type, "write"_L1},
             {W::Thing, thingName},
             {W::Property, property},
             {W::Value, incoming}},
            timeoutMs, [finish, target, incoming](DeviceAnswer answer) {
                switch (answer.outcome) {
                case DeviceAnswer::Outcome::Done:
                    finish({}, propertyWork(target, true, false,
                                            answer.result.contains(W::Value)
                                                ? answer.result.value(W::Value)
                                                : incoming));
                    return;
                case DeviceAnswer::Outcome::Refused:
                    finish(
                        ApiResponse::failure(
                            409, W::EdgeDeviceRefused,
                            QStringLiteral("The device refused the write: %1").arg(answer.message)),
                        {});
                    return;
                case DeviceAnswer::Outcome::TimedOut:
                    finish(ApiResponse::failure(
                               504, W::EdgeDeviceTimeout,
                               QStringLiteral("%1 Nothing was stored; the device may or "
                                              "may not have applied it.")
                                   .arg(answer.message)),
                           {});
                    return;
                case DeviceAnswer::Outcome::NotConnected:
                    finish(ApiResponse::failure(
                               409, W::EdgeNotConnected,
                               QStringLiteral("%1 Nothing was stored.").arg(answer.message)),
                           {});
                    return;
                }
            });
    };
    return plan;
}

} // namespace Bulwark::Routes
