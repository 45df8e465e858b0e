// The vocabulary of authorization (the names of permissions, effects,
// principals and holders, and parsing them back) and the words and JSON of
// its explanations: what Access.h promises beside the model itself, which
// lives in Access.cpp (state, memory, locking) and AccessResolver.cpp
// (visibility and the resolution steps).
#include "AccessText_p.h"

#include <QJsonArray>

#include <array>

namespace Bulwark::Access {

using namespace Text;

namespace {

using Level = ResolutionExplanation::Level;
using Through = VisibilityExplanation::Through;

// The one of values whose name (nameOf) is name, exactly.
template <typename Values, typename NameOf>
auto byName(const QString &name, const Values &values, NameOf nameOf)
{
    using Value = std::decay_t<decltype(*std::begin(values))>;
    for (const Value &value : values) {
        if (nameOf(value) == name)
            return std::optional<Value>(value);
    }
    return std::optional<Value>();
}

// "a/b" -> {a, b}; both parts non-empty, split at the first slash.
template <typename Pair> std::optional<Pair> splitPair(const QString &text)
{
    const qsizetype slash = text.indexOf(u'/');
    if (slash <= 0 || slash == text.size() - 1)
        return std::nullopt;
    return Pair{text.left(slash), text.mid(slash + 1)};
}

QString article(const QString &noun)
{
    const QChar first = noun.isEmpty() ? QChar() : noun.front().toLower();
    return QStringView(u"aeiou").contains(first) ? QStringLiteral("an") : QStringLiteral("a");
}

// "Thing Boiler1", "collection Things", "the instance rules of ThingTemplate Pump".
QString holderWords(const Holder &holder)
{
    switch (holder.kind) {
    case HolderKind::Entity:
        return kindNoun(holder.collection) + u' ' + holder.name;
    case HolderKind::TemplateInstance:
        return QStringLiteral("the instance rules of ThingTemplate ") + holder.name;
    case HolderKind::Collection:
        return QStringLiteral("collection ") + holder.collection;
    }
    return {};
}

int levelNumber(Level level)
{
    switch (level) {
    case Level::MemberOverride:
        return 1;
    case Level::Entity:
        return 2;
    case Level::TemplateMember:
    case Level::Template:
        return 3;
    case Level::Collection:
        return 4;
    case Level::Administrator:
    case Level::NoRule:
        break;
    }
    return 0;
}

QJsonObject ruleJson(const Rule &rule)
{
    QJsonObject o{{QStringLiteral("principal"),
                   QJsonObject{{QStringLiteral("type"), principalKindName(rule.principal.kind)},
                               {QStringLiteral("name"), rule.principal.name}}},
                  {QStringLiteral("permission"), permissionName(rule.permission)},
                  {QStringLiteral("effect"), effectName(rule.effect)}};
    if (!rule.member.isEmpty())
        o.insert(QStringLiteral("member"), rule.member);
    return o;
}

// "read property 'setpoint' of Thing 'Boiler1'", "change Thing 'Boiler1'".
QString actionWords(const EntityRef &ref, Permission permission, const QString &member)
{
    const QString target = QStringLiteral("%1 '%2'").arg(kindNoun(ref.collection), ref.name);
    const auto onMember = [&](const QString &verb, const QString &kind, const QString &plural) {
        if (member.isEmpty())
            return QStringLiteral("%1 the %2 of %3").arg(verb, plural, target);
        return QStringLiteral("%1 %2 '%3' of %4").arg(verb, kind, member, target);
    };
    switch (permission) {
    case Permission::Create:
        return QStringLiteral("create ") + target;
    case Permission::Read:
        return QStringLiteral("read ") + target;
    case Permission::Update:
        return QStringLiteral("change ") + target;
    case Permission::Delete:
        return QStringLiteral("delete ") + target;
    case Permission::PropertyRead:
        return onMember(QStringLiteral("read"), QStringLiteral("property"),
                        QStringLiteral("properties"));
    case Permission::PropertyWrite:
        return onMember(QStringLiteral("write"), QStringLiteral("property"),
                        QStringLiteral("properties"));
    case Permission::ServiceInvoke:
        return onMember(QStringLiteral("invoke"), QStringLiteral("service"),
                        QStringLiteral("services"));
    case Permission::EventInvoke:
        return onMember(QStringLiteral("fire"), QStringLiteral("event"), QStringLiteral("events"));
    case Permission::EventSubscribe:
        return onMember(QStringLiteral("subscribe to"), QStringLiteral("event"),
                        QStringLiteral("events"));
    }
    return {};
}

Error refusal(const QString &action, Permission permission)
{
    return makeError(
        ErrorCode::Forbidden,
        QStringLiteral("You may not %1 (%2).").arg(action, permissionName(permission)));
}

} // namespace

// ---- Vocabulary ------------------------------------------------------------

QString permissionName(Permission permission)
{
    switch (permission) {
    case Permission::Create:
        return QStringLiteral("Create");
    case Permission::Read:
        return QStringLiteral("Read");
    case Permission::Update:
        return QStringLiteral("Update");
    case Permission::Delete:
        return QStringLiteral("Delete");
    case Permission::PropertyRead:
        return QStringLiteral("PropertyRead");
    case Permission::PropertyWrite:
        return QStringLiteral("PropertyWrite");
    case Permission::ServiceInvoke:
        return QStringLiteral("ServiceInvoke");
    case Permission::EventInvoke:
        return QStringLiteral("EventInvoke");
    case Permission::EventSubscribe:
        return QStringLiteral("EventSubscribe");
    }
    return {};
}

std::optional<Permission> permissionFromName(const QString &name)
{
    return byName(name, allPermissions(), permissionName);
}

bool isRunTime(Permission permission)
{
    return int(permission) >= int(Permission::PropertyRead);
}

QList<Permission> allPermissions()
{
    QList<Permission> all;
    for (int i = 0; i < PermissionCount; ++i)
        all.append(Permission(i));
    return all;
}

QString memberKindOf(Permission permission)
{
    switch (permission) {
    case Permission::PropertyRead:
    case Permission::PropertyWrite:
        return QStringLiteral("property");
    case Permission::ServiceInvoke:
        return QStringLiteral("service");
    case Permission::EventInvoke:
    case Permission::EventSubscribe:
        return QStringLiteral("event");
    default:
        return {};
    }
}

QString effectName(Effect effect)
{
    return effect == Effect::Allow ? QStringLiteral("Allow") : QStringLiteral("Deny");
}

std::optional<Effect> effectFromName(const QString &name)
{
    return byName(name, std::array{Effect::Allow, Effect::Deny}, effectName);
}

QString principalKindName(MemberKind kind)
{
    return kind == MemberKind::User ? QStringLiteral("User") : QStringLiteral("Group");
}

std::optional<MemberKind> principalKindFromName(const QString &name)
{
    return byName(name, std::array{MemberKind::User, MemberKind::Group}, principalKindName);
}

std::optional<EntityRef> EntityRef::parse(const QString &text)
{
    return splitPair<EntityRef>(text);
}

size_t qHash(const EntityRef &ref, size_t seed) noexcept
{
    return qHashMulti(seed, ref.collection, ref.name);
}

std::optional<UnitRef> UnitRef::parse(const QString &text)
{
    return splitPair<UnitRef>(text);
}

size_t qHash(const UnitRef &ref, size_t seed) noexcept
{
    return qHashMulti(seed, ref.organization, ref.unit);
}

Holder Holder::templateInstance(const QString &templateName)
{
    return {HolderKind::TemplateInstance, TemplatesCollection, templateName};
}

QString Holder::toString() const
{
    switch (kind) {
    case HolderKind::Entity:
        return collection + u'/' + name;
    case HolderKind::TemplateInstance:
        return collection + u'/' + name + QStringLiteral(" (instance)");
    case HolderKind::Collection:
        return collection;
    }
    return {};
}

QString Holder::kindName() const
{
    switch (kind) {
    case HolderKind::Entity:
        return QStringLiteral("entity");
    case HolderKind::TemplateInstance:
        return QStringLiteral("instance");
    case HolderKind::Collection:
        return QStringLiteral("collection");
    }
    return {};
}

std::optional<HolderKind> Holder::kindFromName(const QString &name)
{
    return byName(
        name, std::array{HolderKind::Entity, HolderKind::TemplateInstance, HolderKind::Collection},
        [](HolderKind kind) {
            return Holder{kind, {}, {}}.kindName();
        });
}

size_t qHash(const Holder &holder, size_t seed) noexcept
{
    return qHashMulti(seed, int(holder.kind), holder.collection, holder.name);
}

const QStringList &securedCollections()
{
    static const QStringList collections{ThingsCollection, TemplatesCollection, UsersCollection,
                                         QStringLiteral("Groups"), QStringLiteral("Organizations")};
    return collections;
}

bool isSecuredCollection(const QString &collection)
{
    return securedCollections().contains(collection);
}

QString kindNoun(const QString &collection)
{
    if (collection.endsWith(u's'))
        return collection.chopped(1); // Things, ThingTemplates, Users, Groups, Organizations
    return collection;
}

Error notFound(const EntityRef &ref)
{
    return makeError(
        ErrorCode::NotFound,
        QStringLiteral("%1 '%2' does not exist.").arg(kindNoun(ref.collection), ref.name));
}

// ---- Explanations -----------------------------------------------------------

namespace Text {

QString throughWords(const QStringList &path)
{
    if (path.size() <= 1)
        return QStringLiteral("directly");
    return (path.size() == 2 ? QStringLiteral("through group ")
                             : QStringLiteral("through groups ")) +
           path.mid(1).join(QStringLiteral(" → "));
}

QString ruleMessage(const QString &user, const QString &target, Permission permission,
                    const ResolutionExplanation &r)
{
    const QString verdict = r.allowed ? QStringLiteral("Allowed") : QStringLiteral("Denied");
    switch (r.level) {
    case Level::Administrator: {
        // user, the groups in between, Administrators
        const QStringList between = r.principalPath.mid(1, r.principalPath.size() - 2);
        const QString via = between.isEmpty()
                                ? QString()
                                : QStringLiteral(" through ") + between.join(QStringLiteral(" → "));
        return QStringLiteral("Allowed: %1 is a member of Administrators%2, who may do everything.")
            .arg(user, via);
    }
    case Level::NoRule:
        return QStringLiteral("Denied: no rule for %1 applies to %2 on %3 at any level (default "
                              "deny).")
            .arg(permissionName(permission), user, target);
    default:
        break;
    }
    const Rule &rule = *r.rule;
    const QString member =
        rule.member.isEmpty() ? QString() : QStringLiteral(" for member ") + rule.member;
    return QStringLiteral("%1: the rule %2 %3 %4%5 on %6 (level %7, %8) applies to %9 %10.")
        .arg(verdict, rule.principal.name, permissionName(rule.permission), effectName(rule.effect),
             member, holderWords(r.holder), QString::number(levelNumber(r.level)),
             ResolutionExplanation::levelName(r.level), user, throughWords(r.principalPath));
}

QString invisibleMessage(const QString &user, const QString &target, const ResolutionExplanation &r)
{
    return QStringLiteral("Denied: %1 is not visible to %2, so for %2 it does not exist (the "
                          "rules alone would %3).")
        .arg(target, user, r.allowed ? QStringLiteral("allow") : QStringLiteral("deny"));
}

QString targetWords(const EntityRef &ref)
{
    if (ref.name.isEmpty())
        return QStringLiteral("collection ") + ref.collection;
    return kindNoun(ref.collection) + u' ' + ref.name;
}

Error forbidden(const EntityRef &ref, Permission permission, const QString &member)
{
    return refusal(actionWords(ref, permission, member), permission);
}

Error forbiddenToCreate(const QString &collection, const QString &templateName)
{
    const QString noun = kindNoun(collection);
    QString action = QStringLiteral("create %1 %2").arg(article(noun), noun);
    if (!templateName.isEmpty())
        action += QStringLiteral(" from ThingTemplate '%1'").arg(templateName);
    return refusal(action, Permission::Create);
}

} // namespace Text

QJsonObject VisibilityExplanation::toJson() const
{
    static const char *const names[] = {"none", "administrator", "creator", "self", "unit"};
    QJsonObject o{{QStringLiteral("visible"), visible},
                  {QStringLiteral("through"), QString::fromLatin1(names[int(through)])}};
    if (through == Through::Unit) {
        o.insert(QStringLiteral("organization"), unit.organization);
        o.insert(QStringLiteral("unit"), unit.unit);
        o.insert(QStringLiteral("grantedUnit"), grantedUnit.unit);
        o.insert(QStringLiteral("grantedOn"), grantedOn);
        o.insert(QStringLiteral("memberVia"), QJsonArray::fromStringList(memberVia));
    }
    return o;
}

QString ResolutionExplanation::levelName(Level level)
{
    switch (level) {
    case Level::Administrator:
        return QStringLiteral("administrator");
    case Level::MemberOverride:
        return QStringLiteral("member");
    case Level::Entity:
        return QStringLiteral("entity");
    case Level::TemplateMember:
        return QStringLiteral("template-member");
    case Level::Template:
        return QStringLiteral("template");
    case Level::Collection:
        return QStringLiteral("collection");
    case Level::NoRule:
        return QStringLiteral("none");
    }
    return {};
}

QJsonObject ResolutionExplanation::toJson() const
{
    QJsonObject o{{QStringLiteral("level"), levelName(level)}};
    if (level != Level::Administrator && level != Level::NoRule)
        o.insert(QStringLiteral("holder"), holder.toString());
    if (rule)
        o.insert(QStringLiteral("rule"), ruleJson(*rule));
    o.insert(QStringLiteral("principalPath"), QJsonArray::fromStringList(principalPath));
    QJsonArray others;
    for (const Rule &r : otherMatches)
        others.append(ruleJson(r));
    o.insert(QStringLiteral("otherMatches"), others);
    return o;
}

QJsonObject Decision::toJson(const QString &user, const EntityRef &entity, Permission permission,
                             const QString &member) const
{
    QJsonObject o{
        {QStringLiteral("user"), user},
        {QStringLiteral("entity"), entity.name.isEmpty() ? entity.collection : entity.toString()},
        {QStringLiteral("permission"), permissionName(permission)},
        {QStringLiteral("decision"), allowed ? QStringLiteral("allow") : QStringLiteral("deny")},
        {QStringLiteral("visibility"), visibility.toJson()},
        {QStringLiteral("resolution"), resolution.toJson()},
        {QStringLiteral("message"), message}};
    if (!member.isEmpty())
        o.insert(QStringLiteral("member"), member);
    return o;
}

} // namespace Bulwark::Access
