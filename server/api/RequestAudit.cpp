#include "RequestAudit.h"

#include "wire/Wire.h"

#include <QJsonArray>

namespace Bulwark {

using namespace Qt::StringLiterals;
namespace W = Wire;

namespace {

QString auditCategory(const QString &collection)
{
    if (collection == W::Users)
        return QString(Audit::UserCategory);
    if (collection == W::Groups)
        return QString(Audit::GroupCategory);
    if (collection == W::Organizations)
        return QString(Audit::OrganizationCategory);
    if (collection == W::Things)
        return QString(Audit::ThingCategory);
    if (collection == W::ThingTemplates)
        return QString(Audit::TemplateCategory);
    if (collection == W::ApplicationKeys)
        return QString(Audit::AppKey);
    if (collection == W::DirectoryServices)
        return QString(Audit::Directory);
    if (collection == u"auth")
        return QString(Audit::Auth);
    return QString(Audit::Admin);
}

} // namespace

AuditRecord auditOf(const ApiRequest &req, const ApiResponse &response)
{
    AuditRecord r;
    r.time = QDateTime::currentDateTimeUtc();
    r.actor = req.user;
    r.source = req.remoteAddress.toString();
    const QString entity = req.path.mid(W::ApiPrefix.size());
    r.entity = entity.left(512);
    r.category = auditCategory(entity.section(u'/', 0, 0));
    // Changes of rules and visibility are their own category, whatever holds them.
    const QString part = entity.section(u'/', 2, 2);
    if (entity.startsWith(W::CollectionsPseudo + u'/') || part == W::PermissionsPart ||
        part == W::InstancePermissionsPart || part == W::VisibilityPart ||
        part == W::InstanceVisibilityPart || part == W::SecurityPart)
        r.category = QString(Audit::Permission);
    if (entity.startsWith(u"auth/")) {
        // Sign-in endpoints act on the signed-in user.
        r.entity = u"Users/"_s + req.user;
        r.action = entity.section(u'/', 1, 1);
    } else if (req.arguments.size() == 3 && req.method == HttpMethod::Post &&
               (req.arguments.at(2) == W::UnlockAction ||
                req.arguments.at(2) == W::EndSessionsAction ||
                req.arguments.at(2) == W::DirectoryTest))
        r.action = req.arguments.at(2).toLower();
    else if (req.method == HttpMethod::Post)
        r.action = QStringLiteral("create");
    else if (req.method == HttpMethod::Put)
        r.action = QStringLiteral("update");
    else if (req.method == HttpMethod::Delete)
        r.action = QStringLiteral("delete");
    else
        r.action = QString::fromLatin1(req.methodName).toLower();
    r.outcome = response.status < 400                              ? QString(Audit::Success)
                : response.status == 401 || response.status == 403 ? QString(Audit::Denied)
                                                                   : QString(Audit::Failure);
    QJsonObject details{{QStringLiteral("status"), response.status},
                        {QStringLiteral("method"), req.authMethod}};
    if (!req.appKey.isEmpty())
        details.insert(QStringLiteral("appKey"), req.appKey);
    // The file routes name their file in the query (Files?path=…).
    if (req.query.hasQueryItem(QStringLiteral("path")))
        details.insert(
            QStringLiteral("path"),
            req.query.queryItemValue(QStringLiteral("path"), QUrl::FullyDecoded).left(1024));
    if (req.administrator)
        details.insert(QStringLiteral("administrator"), true);
    if (response.status >= 400) {
        const QJsonObject error = response.body.object().value(W::Error).toObject();
        details.insert(QStringLiteral("error"), error.value(W::Code));
    }
    // An import that left out rules or grants says which, in the record.
    const QJsonValue skipped = response.body.object().value(W::AccessSkipped);
    if (skipped.isArray() && !skipped.toArray().isEmpty())
        details.insert(W::AccessSkipped, skipped);
    r.details = details;
    return r;
}

} // namespace Bulwark
