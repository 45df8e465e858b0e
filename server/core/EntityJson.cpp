#include "EntityJson.h"

#include "Names.h"
#include "wire/Wire.h"

#include <QJsonArray>
#include <QSet>
#include <QStringList>

namespace Bulwark::EntityJson {

namespace W = Wire;

namespace {

// Fields every entity may carry back from a GET without being an error.
const QStringList kReadOnlyFields{W::Created, W::Modified};

Status checkFields(const QJsonObject &object, const QString &what, QStringList known)
{
    known << kReadOnlyFields;
    for (auto it = object.begin(); it != object.end(); ++it) {
        if (!known.contains(it.key()))
            return makeError(ErrorCode::BadRequest,
                             QStringLiteral("%1 has an unknown field '%2'; known fields are: %3.")
                                 .arg(what, it.key().left(64), known.join(QStringLiteral(", "))));
    }
    return {};
}

Result<QString> optionalString(const QJsonObject &object, QLatin1StringView field,
                               const QString &what, qsizetype maximumLength)
{
    const QJsonValue v = object.value(field);
    if (v.isUndefined() || v.isNull())
        return QString();
    if (!v.isString())
        return makeError(ErrorCode::BadRequest,
                         QStringLiteral("%1: '%2' must be a string.").arg(what, field));
    if (v.toString().size() > maximumLength)
        return makeError(ErrorCode::BadRequest,
                         QStringLiteral("%1: '%2' is longer than %3 characters.")
                             .arg(what, field)
                             .arg(maximumLength));
    return v.toString();
}

Result<QString> requiredName(const QJsonObject &object, const QString &kind)
{
    const QJsonValue v = object.value(W::Name);
    if (!v.isString())
        return makeError(ErrorCode::BadRequest,
                         QStringLiteral("The %1 needs a 'name' string.").arg(kind));
    const QString name = v.toString();
    if (auto status = Names::validate(kind, name); !status)
        return status.error();
    return name;
}

Result<QString> optionalName(const QJsonObject &object, QLatin1StringView field,
                             const QString &kind)
{
    const QJsonValue v = object.value(field);
    if (v.isUndefined() || v.isNull() || (v.isString() && v.toString().isEmpty()))
        return QString();
    if (!v.isString())
        return makeError(ErrorCode::BadRequest,
                         QStringLiteral("'%1' must be the name of a %2.").arg(field, kind));
    if (auto status = Names::validate(kind, v.toString()); !status)
        return status.error();
    return v.toString();
}

Result<QJsonArray> optionalArray(const QJsonObject &object, QLatin1StringView field,
                                 const QString &what)
{
    const QJsonValue v = object.value(field);
    if (v.isUndefined() || v.isNull())
        return QJsonArray();
    if (!v.isArray())
        return makeError(ErrorCode::BadRequest,
                         QStringLiteral("%1: '%2' must be an array.").arg(what, field));
    return v.toArray();
}

Result<BaseType> baseTypeOf(const QJsonObject &object, const QString &what)
{
    const QString name = object.value(W::BaseType).toString();
    const auto type = BaseTypes::fromName(name);
    if (!type)
        return makeError(
            ErrorCode::BadRequest,
            QStringLiteral("%1 needs a 'baseType', one of %2.").arg(what, BaseTypes::allNames()));
    return *type;
}

// Members of one kind must have distinct names.
Status checkUnique(QSet<QString> &seen, const QString &name, const QString &what)
{
    if (seen.contains(name))
        return makeError(ErrorCode::BadRequest,
                         QStringLiteral("%1 '%2' is declared twice.").arg(what, name));
    seen.insert(name);
    return {};
}

Result<PropertyDefinition> propertyFromJson(const QJsonValue &value, const QString &owner)
{
    if (!value.isObject())
        return makeError(ErrorCode::BadRequest,
                         QStringLiteral("Each property of %1 must be an object.").arg(owner));
    const QJsonObject o = value.toObject();
    PropertyDefinition p;
    auto name = requiredName(o, QStringLiteral("property"));
    if (!name)
        return name.error();
    p.name = *name;
    const QString what = QStringLiteral("Property '%1' of %2").arg(p.name, owner);
    if (auto s = checkFields(
            o, what, {W::Name, W::Description, W::BaseType, W::DefaultValue, W::InheritedFrom});
        !s)
        return s.error();
    auto type = baseTypeOf(o, what);
    if (!type)
        return type.error();
    p.baseType = *type;
    auto description = optionalString(o, W::Description, what, MaximumDescriptionLength);
    if (!description)
        return description.error();
    p.description = *description;
    p.inheritedFrom = o.value(W::InheritedFrom).toString();
    const QJsonValue def = o.value(W::DefaultValue);
    if (!def.isUndefined() && !def.isNull()) {
        if (p.baseType == BaseType::Password)
            return makeError(ErrorCode::BadRequest,
                             QStringLiteral("%1 is a PASSWORD and cannot have a default value: "
                                            "set its value instead, which is stored encrypted.")
                                 .arg(what));
        auto checked = BaseTypes::check(p.baseType, def,
                                        QStringLiteral("The default value of ") +
                                            what.at(0).toLower() + what.mid(1));
        if (!checked)
            return checked.error();
        p.defaultValue = *checked;
    }
    return p;
}

Result<ServiceDefinition> serviceFromJson(const QJsonValue &value, const QString &owner)
{
    if (!value.isObject())
        return makeError(ErrorCode::BadRequest,
                         QStringLiteral("Each service of %1 must be an object.").arg(owner));
    const QJsonObject o = value.toObject();
    ServiceDefinition s;
    auto name = requiredName(o, QStringLiteral("service"));
    if (!name)
        return name.error();
    s.name = *name;
    const QString what = QStringLiteral("Service '%1' of %2").arg(s.name, owner);
    if (auto st =
            checkFields(o, what, {W::Name, W::Description, W::Inputs, W::Output, W::InheritedFrom});
        !st)
        return st.error();
    auto description = optionalString(o, W::Description, what, MaximumDescriptionLength);
    if (!description)
        return description.error();
    s.description = *description;
    s.inheritedFrom = o.value(W::InheritedFrom).toString();
    auto inputs = optionalArray(o, W::Inputs, what);
    if (!inputs)
        return inputs.error();
    QSet<QString> seen;
    for (const QJsonValue &input : *inputs) {
        if (!input.isObject())
            return makeError(ErrorCode::BadRequest,
                             QStringLiteral("%1: each input must be an object.").arg(what));
        const QJsonObject io = input.toObject();
        auto inputName = requiredName(io, QStringLiteral("service input"));
        if (!inputName)
            return inputName.error();
        const QString inputWhat = QStringLiteral("Input '%1' of %2").arg(*inputName, what);
        if (auto st = checkFields(io, inputWhat, {W::Name, W::BaseType}); !st)
            return st.error();
        if (auto st = checkUnique(seen, *inputName, QStringLiteral("Input")); !st)
            return st.error();
        auto type = baseTypeOf(io, inputWhat);
        if (!type)
            return type.error();
        s.inputs.append({*inputName, *type});
    }
    const QJsonValue output = o.value(W::Output);
    if (!output.isUndefined() && !output.isNull() && output.toString() != u"NOTHING") {
        const auto type = BaseTypes::fromName(output.toString());
        if (!type)
            return makeError(ErrorCode::BadRequest,
                             QStringLiteral("%1: 'output' must be NOTHING or one of %2.")
                                 .arg(what, BaseTypes::allNames()));
        s.output = *type;
    }
    return s;
}

Result<EventDefinition> eventFromJson(const QJsonValue &value, const QString &owner)
{
    if (!value.isObject())
        return makeError(ErrorCode::BadRequest,
                         QStringLiteral("Each event of %1 must be an object.").arg(owner));
    const QJsonObject o = value.toObject();
    EventDefinition e;
    auto name = requiredName(o, QStringLiteral("event"));
    if (!name)
        return name.error();
    e.name = *name;
    const QString what = QStringLiteral("Event '%1' of %2").arg(e.name, owner);
    if (auto st = checkFields(o, what, {W::Name, W::Description, W::InheritedFrom}); !st)
        return st.error();
    auto description = optionalString(o, W::Description, what, MaximumDescriptionLength);
    if (!description)
        return description.error();
    e.description = *description;
    e.inheritedFrom = o.value(W::InheritedFrom).toString();
    return e;
}

template <typename T, typename Parse>
Status parseMembers(const QJsonObject &object, QLatin1StringView field, const QString &owner,
                    const QString &kind, QList<T> &out, Parse parse)
{
    auto array = optionalArray(object, field, owner);
    if (!array)
        return array.error();
    QSet<QString> seen;
    for (const QJsonValue &v : *array) {
        auto member = parse(v, owner);
        if (!member)
            return member.error();
        // Inherited members echoed back from a GET are not redeclared.
        if (!member->inheritedFrom.isEmpty())
            continue;
        if (auto st = checkUnique(seen, member->name, kind); !st)
            return st;
        out.append(*member);
    }
    return {};
}

// What every entity has: a valid name, an optional description, and only
// known fields. kind names it in messages ("Thing", "user", …).
struct Common
{
    QString name;
    QString description;
    QString what; // "Thing 'Pump1'", for messages
};

Result<Common> parseCommon(const QJsonObject &object, const QString &kind, QStringList fields)
{
    auto name = requiredName(object, kind);
    if (!name)
        return name.error();
    Common common;
    common.name = *name;
    common.what = QStringLiteral("%1 '%2'").arg(kind.front().toUpper() + kind.mid(1), *name);
    fields << W::Name << W::Description;
    if (auto st = checkFields(object, common.what, fields); !st)
        return st.error();
    auto description =
        optionalString(object, W::Description, common.what, MaximumDescriptionLength);
    if (!description)
        return description.error();
    common.description = *description;
    return common;
}

QJsonArray unitsToJson(const QList<OrganizationalUnit> &units)
{
    QJsonArray array;
    for (const auto &u : units) {
        QJsonObject o{{W::Name, u.name}, {W::Description, u.description}};
        o.insert(W::Parent, u.parent.isEmpty() ? QJsonValue() : QJsonValue(u.parent));
        array.append(o);
    }
    return array;
}

void addTimes(QJsonObject &o, const QDateTime &created, const QDateTime &modified)
{
    o.insert(W::Created, timestamp(created));
    o.insert(W::Modified, timestamp(modified));
}

} // namespace

QString timestamp(const QDateTime &time)
{
    return time.isValid() ? time.toUTC().toString(Qt::ISODateWithMs) : QString();
}

Result<Definitions> definitionsFromJson(const QJsonObject &object, const QString &owner)
{
    Definitions d;
    if (auto st = parseMembers(object, W::Properties, owner, QStringLiteral("Property"),
                               d.properties, propertyFromJson);
        !st)
        return st.error();
    if (auto st = parseMembers(object, W::Services, owner, QStringLiteral("Service"), d.services,
                               serviceFromJson);
        !st)
        return st.error();
    if (auto st = parseMembers(object, W::Events, owner, QStringLiteral("Event"), d.events,
                               eventFromJson);
        !st)
        return st.error();
    return d;
}

Result<Thing> thingFromJson(const QJsonObject &object)
{
    Thing t;
    auto common = parseCommon(object, QStringLiteral("Thing"),
                              {W::Template, W::Properties, W::Services, W::Events});
    if (!common)
        return common.error();
    t.name = common->name;
    t.description = common->description;
    const QString what = common->what;
    auto templateName = optionalName(object, W::Template, QStringLiteral("ThingTemplate"));
    if (!templateName)
        return templateName.error();
    t.templateName = *templateName;
    auto definitions = definitionsFromJson(object, what);
    if (!definitions)
        return definitions.error();
    t.definitions = *definitions;
    return t;
}

Result<ThingTemplate> templateFromJson(const QJsonObject &object)
{
    ThingTemplate t;
    auto common = parseCommon(object, QStringLiteral("ThingTemplate"),
                              {W::BaseTemplate, W::Properties, W::Services, W::Events});
    if (!common)
        return common.error();
    t.name = common->name;
    t.description = common->description;
    const QString what = common->what;
    auto base = optionalName(object, W::BaseTemplate, QStringLiteral("ThingTemplate"));
    if (!base)
        return base.error();
    if (*base == t.name)
        return makeError(ErrorCode::BadRequest,
                         QStringLiteral("%1 cannot derive from itself.").arg(what));
    t.baseTemplate = *base;
    auto definitions = definitionsFromJson(object, what);
    if (!definitions)
        return definitions.error();
    t.definitions = *definitions;
    return t;
}

Result<User> userFromJson(const QJsonObject &object)
{
    User u;
    // The sign-in state is read-only: accepted (and ignored) so that what a
    // GET returned can be sent back with a change.
    auto common = parseCommon(object, QStringLiteral("user"),
                              {W::Enabled, W::Password, W::AuthSource, W::Locked, W::LockedUntil,
                               W::LastLogin, W::LastLoginAddress});
    if (!common)
        return common.error();
    u.name = common->name;
    u.description = common->description;
    const QString what = common->what;
    const QJsonValue enabled = object.value(W::Enabled);
    if (!enabled.isUndefined() && !enabled.isBool())
        return makeError(ErrorCode::BadRequest,
                         QStringLiteral("%1: 'enabled' must be true or false.").arg(what));
    u.enabled = enabled.toBool(true);
    const QJsonValue source = object.value(W::AuthSource);
    if (!source.isUndefined() && !source.isNull()) {
        if (!source.isString() || source.toString().isEmpty())
            return makeError(ErrorCode::BadRequest,
                             QStringLiteral("%1: 'authSource' must be \"local\" or the name of a "
                                            "directory service.")
                                 .arg(what));
        u.authSource = source.toString();
    }
    return u;
}

Result<Group> groupFromJson(const QJsonObject &object)
{
    Group g;
    auto common = parseCommon(object, QStringLiteral("group"), {W::Members});
    if (!common)
        return common.error();
    g.name = common->name;
    g.description = common->description;
    const QString what = common->what;
    auto members = optionalArray(object, W::Members, what);
    if (!members)
        return members.error();
    for (const QJsonValue &v : *members) {
        const QJsonObject m = v.toObject();
        const QString type = m.value(W::Type).toString();
        if (!v.isObject() || (type != u"User" && type != u"Group"))
            return makeError(ErrorCode::BadRequest,
                             QStringLiteral("%1: each member must be an object with 'type' User "
                                            "or Group and a 'name'.")
                                 .arg(what));
        auto memberName =
            requiredName(m, type == u"User" ? QStringLiteral("user") : QStringLiteral("group"));
        if (!memberName)
            return memberName.error();
        const GroupMember member{type == u"User" ? MemberKind::User : MemberKind::Group,
                                 *memberName};
        if (member.kind == MemberKind::Group && member.name == g.name)
            return makeError(ErrorCode::Conflict,
                             QStringLiteral("%1 cannot contain itself.").arg(what));
        if (!g.members.contains(member))
            g.members.append(member);
    }
    return g;
}

Result<Organization> organizationFromJson(const QJsonObject &object)
{
    Organization org;
    auto common = parseCommon(object, QStringLiteral("organization"), {W::Units});
    if (!common)
        return common.error();
    org.name = common->name;
    org.description = common->description;
    const QString what = common->what;
    auto units = optionalArray(object, W::Units, what);
    if (!units)
        return units.error();

    // The root unit bears the organization's name; the others may come in any
    // order and are stored parents first.
    QList<OrganizationalUnit> pending;
    OrganizationalUnit root{org.name, org.description, {}};
    QSet<QString> seen;
    for (const QJsonValue &v : *units) {
        if (!v.isObject())
            return makeError(ErrorCode::BadRequest,
                             QStringLiteral("%1: each unit must be an object.").arg(what));
        const QJsonObject o = v.toObject();
        auto unitName = requiredName(o, QStringLiteral("organizational unit"));
        if (!unitName)
            return unitName.error();
        const QString unitWhat = QStringLiteral("Unit '%1' of %2").arg(*unitName, what);
        if (auto st = checkFields(o, unitWhat, {W::Name, W::Description, W::Parent}); !st)
            return st.error();
        if (auto st = checkUnique(seen, *unitName, QStringLiteral("Unit")); !st)
            return st.error();
        auto unitDescription =
            optionalString(o, W::Description, unitWhat, MaximumDescriptionLength);
        if (!unitDescription)
            return unitDescription.error();
        auto parent = optionalName(o, W::Parent, QStringLiteral("organizational unit"));
        if (!parent)
            return parent.error();
        if (*unitName == org.name) {
            if (!parent->isEmpty())
                return makeError(
                    ErrorCode::BadRequest,
                    QStringLiteral("%1 is the root unit and has no parent.").arg(unitWhat));
            root.description = *unitDescription;
            continue;
        }
        if (parent->isEmpty())
            return makeError(ErrorCode::BadRequest,
                             QStringLiteral("%1 needs a 'parent': only the root unit '%2' has "
                                            "none.")
                                 .arg(unitWhat, org.name));
        pending.append({*unitName, *unitDescription, *parent});
    }
    org.units.append(root);
    QSet<QString> placed{org.name};
    while (!pending.isEmpty()) {
        const qsizetype before = pending.size();
        for (qsizetype i = 0; i < pending.size();) {
            if (placed.contains(pending.at(i).parent)) {
                placed.insert(pending.at(i).name);
                org.units.append(pending.takeAt(i));
            } else {
                ++i;
            }
        }
        if (pending.size() == before) {
            const auto &u = pending.first();
            const bool parentExists = seen.contains(u.parent);
            return makeError(ErrorCode::BadRequest,
                             parentExists
                                 ? QStringLiteral("%1: unit '%2' is part of a cycle of parents; "
                                                  "every unit must lead up to '%3'.")
                                       .arg(what, u.name, org.name)
                                 : QStringLiteral("%1: unit '%2' has parent '%3', which is not "
                                                  "a unit of this organization.")
                                       .arg(what, u.name, u.parent));
        }
    }
    return org;
}

QJsonObject toJson(const Definitions &definitions)
{
    QJsonArray properties;
    for (const auto &p : definitions.properties) {
        QJsonObject o{{W::Name, p.name},
                      {W::Description, p.description},
                      {W::BaseType, BaseTypes::name(p.baseType)},
                      {W::DefaultValue, p.defaultValue}};
        if (!p.inheritedFrom.isEmpty())
            o.insert(W::InheritedFrom, p.inheritedFrom);
        properties.append(o);
    }
    QJsonArray services;
    for (const auto &s : definitions.services) {
        QJsonArray inputs;
        for (const auto &in : s.inputs)
            inputs.append(
                QJsonObject{{W::Name, in.name}, {W::BaseType, BaseTypes::name(in.baseType)}});
        QJsonObject o{
            {W::Name, s.name},
            {W::Description, s.description},
            {W::Inputs, inputs},
            {W::Output, s.output ? BaseTypes::name(*s.output) : QStringLiteral("NOTHING")}};
        if (!s.inheritedFrom.isEmpty())
            o.insert(W::InheritedFrom, s.inheritedFrom);
        services.append(o);
    }
    QJsonArray events;
    for (const auto &e : definitions.events) {
        QJsonObject o{{W::Name, e.name}, {W::Description, e.description}};
        if (!e.inheritedFrom.isEmpty())
            o.insert(W::InheritedFrom, e.inheritedFrom);
        events.append(o);
    }
    return {{W::Properties, properties}, {W::Services, services}, {W::Events, events}};
}

QJsonObject toJson(const Thing &thing)
{
    QJsonObject o = toJson(thing.definitions);
    o.insert(W::Name, thing.name);
    o.insert(W::Description, thing.description);
    o.insert(W::Template, thing.templateName.isEmpty() ? QJsonValue() : thing.templateName);
    addTimes(o, thing.created, thing.modified);
    return o;
}

QJsonObject summaryJson(const Thing &thing)
{
    QJsonObject o{{W::Name, thing.name}, {W::Description, thing.description}};
    o.insert(W::Template, thing.templateName.isEmpty() ? QJsonValue() : thing.templateName);
    addTimes(o, thing.created, thing.modified);
    return o;
}

QJsonObject toJson(const ThingTemplate &thingTemplate)
{
    QJsonObject o = toJson(thingTemplate.definitions);
    o.insert(W::Name, thingTemplate.name);
    o.insert(W::Description, thingTemplate.description);
    o.insert(W::BaseTemplate,
             thingTemplate.baseTemplate.isEmpty() ? QJsonValue() : thingTemplate.baseTemplate);
    addTimes(o, thingTemplate.created, thingTemplate.modified);
    return o;
}

QJsonObject toJson(const User &user)
{
    QJsonObject o{{W::Name, user.name},
                  {W::Description, user.description},
                  {W::Enabled, user.enabled},
                  {W::AuthSource, user.authSource},
                  {W::Locked, user.locked}};
    if (user.locked)
        o.insert(W::LockedUntil, user.lockedUntil.isNull()
                                     ? QJsonValue()
                                     : QJsonValue(user.lockedUntil.toString(Qt::ISODateWithMs)));
    o.insert(W::LastLogin, user.lastLogin.isNull()
                               ? QJsonValue()
                               : QJsonValue(user.lastLogin.toString(Qt::ISODateWithMs)));
    o.insert(W::LastLoginAddress,
             user.lastLoginAddress.isEmpty() ? QJsonValue() : QJsonValue(user.lastLoginAddress));
    addTimes(o, user.created, user.modified);
    return o;
}

QJsonObject toJson(const Group &group)
{
    QJsonArray members;
    for (const auto &m : group.members)
        members.append(QJsonObject{{W::Type, m.kind == MemberKind::User ? QStringLiteral("User")
                                                                        : QStringLiteral("Group")},
                                   {W::Name, m.name}});
    QJsonObject o{
        {W::Name, group.name}, {W::Description, group.description}, {W::Members, members}};
    addTimes(o, group.created, group.modified);
    return o;
}

QJsonObject toJson(const Organization &organization)
{
    QJsonObject o{{W::Name, organization.name},
                  {W::Description, organization.description},
                  {W::Units, unitsToJson(organization.units)}};
    addTimes(o, organization.created, organization.modified);
    return o;
}

} // namespace Bulwark::EntityJson
