// GET /api/Permissions/explain and /api/Permissions/effective: what the model
// decides for a user, one permission with its reasons, or every permission of
// an entity (docs/security-model.md, "Explaining a decision").
#include "SecurityRoutes.h"

#include "SecurityRoutes_p.h"

#include <QJsonArray>

namespace Bulwark::Routes {

using namespace Authz;

namespace {

struct Question
{
    QString user;
    QString entityText;           // as asked
    std::optional<EntityRef> ref; // empty: a collection alone
    QString collection;           // the collection alone, or the entity's
};

// explain's permission and member; member is empty for the whole entity.
struct Asked
{
    Permission permission = Permission::Read;
    QString member;
};

QJsonObject decisionJson(const Access::Decision &d, const Question &q, Permission permission,
                         const QString &member)
{
    QJsonObject o =
        d.toJson(q.user, q.ref.value_or(EntityRef{q.collection, {}}), permission, member);
    o.insert(W::AccessEntity, q.entityText);
    return o;
}

Access::Decision decideOne(const AccessModel &model, const Question &q, Permission permission,
                           const QString &member)
{
    if (permission == Permission::Create) {
        if (!q.ref)
            return model.decideCreate(q.user, q.collection);
        return model.decideCreate(q.user, QString(W::Things), q.ref->name);
    }
    return model.decide(q.user, *q.ref, permission, member);
}

// The permissions a kind of entity has, without members.
QList<Permission> permissionsFor(const Question &q)
{
    if (!q.ref)
        return {Permission::Create};
    QList<Permission> list;
    if (q.collection == W::ThingTemplates)
        list << Permission::Create;
    list << Permission::Read << Permission::Update << Permission::Delete;
    if (q.collection == W::Things) {
        for (Permission p : Access::allPermissions()) {
            if (Access::isRunTime(p))
                list << p;
        }
    }
    return list;
}

// The user and entity asked about, from the query.
Result<Question> questionOf(const ApiRequest &request, const Caller &caller)
{
    Question q;
    q.user = request.query.queryItemValue(W::User, QUrl::FullyDecoded);
    if (q.user.isEmpty())
        q.user = caller.user;
    // Before anything is looked up, so that nothing is revealed.
    if (!caller.administrator && q.user != caller.user)
        return onlyAdministrators(QStringLiteral("ask about another user's permissions; ask "
                                                 "about yourself (user=%1)")
                                      .arg(caller.user));
    q.entityText = request.query.queryItemValue(W::AccessEntity, QUrl::FullyDecoded);
    if (q.entityText.isEmpty())
        return badRequest(QStringLiteral("Name the entity: entity=Things/Boiler1 (or a "
                                         "collection alone, entity=Things, with "
                                         "permission=Create)."));
    if (!q.entityText.contains(u'/')) {
        q.collection = q.entityText;
    } else {
        q.ref = EntityRef::parse(q.entityText);
        if (!q.ref)
            return badRequest(QStringLiteral("'%1' is not an entity; write it as "
                                             "Collection/name, as in Things/Boiler1.")
                                  .arg(q.entityText.left(140)));
        q.collection = q.ref->collection;
    }
    if (!Access::isSecuredCollection(q.collection))
        return makeError(ErrorCode::NotFound,
                         QStringLiteral("There is no collection '%1' with permissions; "
                                        "collections: %2.")
                             .arg(q.collection.left(64),
                                  Access::securedCollections().join(QStringLiteral(", "))));
    return q;
}

// explain's permission and member, and whether they may be asked of q at all.
Result<Asked> askedOf(const ApiRequest &request, const Question &q)
{
    const QString text = request.query.queryItemValue(W::AccessPermission);
    const auto permission = Access::permissionFromName(text);
    if (!permission)
        return badRequest(
            QStringLiteral("%1; permissions are %2.")
                .arg(text.isEmpty() ? QStringLiteral("Name the permission: permission=…")
                                    : QStringLiteral("'%1' is not a permission").arg(text.left(64)),
                     permissionList()));
    const QString member = request.query.queryItemValue(W::AccessMember, QUrl::FullyDecoded);
    if (*permission == Permission::Create) {
        if (q.ref && q.collection != W::ThingTemplates)
            return badRequest(
                QStringLiteral(
                    "Create is asked of a collection (entity=Things: \"may the user create a "
                    "Thing without a template\") or of a template (entity=ThingTemplates/T: "
                    "\"may the user create Things from T\"), not of %1.")
                    .arg(q.entityText));
    } else if (!q.ref) {
        return badRequest(QStringLiteral("A collection alone is asked only about Create; "
                                         "for %1 name an entity (%2/name).")
                              .arg(Access::permissionName(*permission), q.collection));
    } else if (Access::isRunTime(*permission) && q.collection != W::Things) {
        return badRequest(QStringLiteral("%1 is a run-time permission: it applies only to "
                                         "Things.")
                              .arg(Access::permissionName(*permission)));
    }
    if (!member.isEmpty() && !Access::isRunTime(*permission))
        return badRequest(QStringLiteral("%1 applies to the whole entity, not to a member; "
                                         "leave out 'member'.")
                              .arg(Access::permissionName(*permission)));
    return Asked{*permission, member};
}

ApiResponse explainAnswer(const AccessModel &access, const Question &q, const Asked &asked,
                          const std::optional<MemberDirectory> &members)
{
    if (!asked.member.isEmpty()) {
        const Rule probe{{}, asked.permission, Access::Effect::Allow, asked.member};
        if (!members->exists(asked.member))
            return ApiResponse::fromError(members->missing(asked.member, QStringLiteral("member")));
        if (auto s = members->fits(probe, QStringLiteral("member")); !s)
            return ApiResponse::fromError(s.error());
    }
    const auto decision = decideOne(access, q, asked.permission, asked.member);
    return ApiResponse::json(decisionJson(decision, q, asked.permission, asked.member));
}

ApiResponse effectiveAnswer(EntityStore &store, const AccessModel &access, const Question &q)
{
    auto entry = [&](Permission p, const QString &m) {
        const QJsonObject d = decisionJson(decideOne(access, q, p, m), q, p, m);
        return QJsonObject{{W::AccessPermission, Access::permissionName(p)},
                           {W::AccessDecision, d.value(W::AccessDecision)},
                           {W::AccessResolution, d.value(W::AccessResolution)}};
    };
    QJsonObject answer{{W::User, q.user}, {W::AccessEntity, q.entityText}};
    if (q.ref)
        answer.insert(W::AccessVisibility, access.visibility(q.user, *q.ref).toJson());
    QJsonArray permissions;
    for (Permission p : permissionsFor(q))
        permissions.append(entry(p, {}));
    answer.insert(W::AccessPermissions, permissions);
    if (q.ref && q.collection == W::Things) {
        auto thing = effectiveThing(store, q.ref->name);
        if (!thing)
            return ApiResponse::fromError(thing.error());
        QJsonArray list;
        auto add = [&](const QString &name, const QString &kind) {
            QJsonArray perMember;
            for (Permission p : Access::allPermissions()) {
                if (Access::memberKindOf(p) == kind)
                    perMember.append(entry(p, name));
            }
            list.append(QJsonObject{
                {W::AccessMember, name}, {W::AccessKind, kind}, {W::AccessPermissions, perMember}});
        };
        for (const auto &p : thing->definitions.properties)
            add(p.name, QStringLiteral("property"));
        for (const auto &s : thing->definitions.services)
            add(s.name, QStringLiteral("service"));
        for (const auto &e : thing->definitions.events)
            add(e.name, QStringLiteral("event"));
        answer.insert(W::Members, list);
    }
    return ApiResponse::json(answer);
}

enum class Query
{
    Explain,   // one permission, with its reasons
    Effective, // every permission of the entity and its members
};

Result<RoutePlan> permissionQueryPlan(const ApiRequest &request, const AccessModel *model,
                                      Query query)
{
    const Caller caller = callerOf(request);
    auto question = questionOf(request, caller);
    if (!question)
        return question.error();
    std::optional<Asked> asked; // empty for effective
    if (query == Query::Explain) {
        auto a = askedOf(request, *question);
        if (!a)
            return a.error();
        asked = *a;
    }
    return RoutePlan{{}, [model, caller, q = *question, asked](EntityStore &store) {
                         // The entity asked about (for Create, the template), as the asker sees it.
                         if (q.ref) {
                             if (auto s = entityExists(store, *q.ref); !s)
                                 return ApiResponse::fromError(s.error());
                             if (!caller.administrator && !model->isVisible(caller.user, *q.ref))
                                 return ApiResponse::fromError(Access::notFound(*q.ref));
                         }
                         if (caller.administrator && q.user != caller.user) {
                             if (auto u = store.user(q.user); !u)
                                 return ApiResponse::fromError(u.error());
                         }
                         // The members of a Thing (with inheritance), by name.
                         std::optional<MemberDirectory> members;
                         if (q.ref && q.collection == W::Things) {
                             members.emplace(store, Holder::entity(*q.ref));
                             if (members->error())
                                 return ApiResponse::fromError(*members->error());
                         }
                         if (asked)
                             return explainAnswer(*model, q, *asked, members);
                         return effectiveAnswer(store, *model, q);
                     }};
}

} // namespace

Result<RoutePlan> permissionQuery(const ApiRequest &request, const AccessModel &access)
{
    if (request.method != HttpMethod::Get)
        return methodNotAllowed(request, "GET");
    const QString which = request.arguments.value(1);
    if (which == W::ExplainQuery)
        return permissionQueryPlan(request, &access, Query::Explain);
    if (which == W::EffectiveQuery)
        return permissionQueryPlan(request, &access, Query::Effective);
    return noSuchPath(request, QStringLiteral("ask /api/Permissions/explain or "
                                              "/api/Permissions/effective."));
}

} // namespace Bulwark::Routes
