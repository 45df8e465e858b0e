#include "AuditRoutes.h"

#include "ThingRoutes.h"
#include "security/AuditLog.h"
#include "storage/EntityStore.h"
#include "wire/Wire.h"

#include <QJsonArray>

namespace Bulwark::Routes {

namespace W = Wire;

namespace {

Status requireAdministrator(const ApiRequest &request)
{
    if (!request.administrator)
        return makeError(ErrorCode::Forbidden,
                         QStringLiteral("Only members of Administrators may read the audit log."));
    return {};
}

Error badParameter(QLatin1StringView name, const QString &why)
{
    return makeError(ErrorCode::BadRequest,
                     QStringLiteral("The parameter '%1' %2").arg(QString(name), why));
}

Result<QDateTime> timeParameter(QLatin1StringView name, const QString &text)
{
    const QDateTime time = QDateTime::fromString(text, Qt::ISODateWithMs);
    if (!time.isValid())
        return badParameter(name, QStringLiteral("must be an ISO 8601 date and time such as "
                                                 "2026-11-26T14:30:00Z, not '%1'.")
                                      .arg(text.left(64)));
    if (time.timeSpec() == Qt::LocalTime)
        return badParameter(name, QStringLiteral("'%1' has no time zone: add Z or an offset "
                                                 "such as +01:00.")
                                      .arg(text.left(64)));
    return time;
}

Result<qint64> integerParameter(QLatin1StringView name, const QString &text, qint64 minimum,
                                qint64 maximum)
{
    bool ok = false;
    const qint64 value = text.toLongLong(&ok);
    if (!ok || value < minimum || value > maximum)
        return badParameter(name, QStringLiteral("must be a whole number from %1 to %2, not '%3'.")
                                      .arg(minimum)
                                      .arg(maximum)
                                      .arg(text.left(64)));
    return value;
}

Result<AuditFilter> parseFilter(const QUrlQuery &query)
{
    static const QList<QLatin1StringView> known{W::AuditFrom,   W::AuditTo,       W::AuditActor,
                                                W::AuditEntity, W::AuditCategory, W::AuditOutcome,
                                                W::AuditOffset, W::AuditLimit};
    AuditFilter filter;
    QStringList seen;
    for (const auto &[rawName, rawValue] : query.queryItems(QUrl::FullyDecoded)) {
        const QString name = rawName;
        const QString value = rawValue;
        const auto match = std::find(known.begin(), known.end(), name);
        if (match == known.end()) {
            QStringList names;
            for (QLatin1StringView k : known)
                names << QString(k);
            return makeError(ErrorCode::BadRequest,
                             QStringLiteral("The parameter '%1' is not known here; use %2.")
                                 .arg(name.left(64), names.join(QStringLiteral(", "))));
        }
        const QLatin1StringView key = *match;
        if (seen.contains(name))
            return badParameter(key, QStringLiteral("is given more than once."));
        seen << name;
        if (key == W::AuditFrom || key == W::AuditTo) {
            auto time = timeParameter(key, value);
            if (!time)
                return time.error();
            (key == W::AuditFrom ? filter.from : filter.to) = *time;
        } else if (key == W::AuditActor) {
            filter.actor = value;
        } else if (key == W::AuditEntity) {
            filter.entity = value;
        } else if (key == W::AuditCategory) {
            if (!Audit::categories().contains(value))
                return badParameter(
                    key, QStringLiteral("must be one of %1, not '%2'.")
                             .arg(Audit::categories().join(QStringLiteral(", ")), value.left(64)));
            filter.category = value;
        } else if (key == W::AuditOutcome) {
            if (!Audit::outcomes().contains(value))
                return badParameter(
                    key, QStringLiteral("must be one of %1, not '%2'.")
                             .arg(Audit::outcomes().join(QStringLiteral(", ")), value.left(64)));
            filter.outcome = value;
        } else if (key == W::AuditOffset) {
            auto offset = integerParameter(key, value, 0, std::numeric_limits<qint32>::max());
            if (!offset)
                return offset.error();
            filter.offset = *offset;
        } else {
            auto limit = integerParameter(key, value, 1, AuditFilter::MaximumLimit);
            if (!limit)
                return limit.error();
            filter.limit = int(*limit);
        }
    }
    if (filter.from.isValid() && filter.to.isValid() && filter.from > filter.to)
        return badParameter(W::AuditFrom, QStringLiteral("is later than 'to'."));
    return filter;
}

} // namespace

Result<RoutePlan> audit(const ApiRequest &request, const AuditLog &log)
{
    if (request.method != HttpMethod::Get)
        return methodNotAllowed(request, "GET");
    if (auto s = requireAdministrator(request); !s)
        return s.error();
    auto filter = parseFilter(request.query);
    if (!filter)
        return filter.error();
    // The log is a key and nothing else: copied, it cannot dangle.
    return RoutePlan{{}, [log, filter = *filter](EntityStore &store) {
                         auto page = log.list(store.database(), filter);
                         if (!page)
                             return ApiResponse::fromError(page.error());
                         QJsonArray items;
                         for (const AuditRecord &record : page->items)
                             items.append(toJson(record));
                         return ApiResponse::json({{W::Items, items},
                                                   {W::AuditTotal, double(page->total)},
                                                   {W::AuditOffset, double(filter.offset)},
                                                   {W::AuditLimit, filter.limit}});
                     }};
}

Result<RoutePlan> auditVerify(const ApiRequest &request, const AuditLog &log)
{
    if (request.method != HttpMethod::Get)
        return methodNotAllowed(request, "GET");
    if (auto s = requireAdministrator(request); !s)
        return s.error();
    if (!request.query.isEmpty())
        return makeError(ErrorCode::BadRequest,
                         QStringLiteral("/api/Audit/Verify takes no parameters."));
    return RoutePlan{{}, [log](EntityStore &store) {
                         auto v = log.verifyInstallation(store.database());
                         if (!v)
                             return ApiResponse::fromError(v.error());
                         return ApiResponse::json({{W::AuditIntact, v->intact},
                                                   {W::AuditChecked, double(v->checked)},
                                                   {W::AuditFirstBadId, double(v->firstBadId)},
                                                   {W::Message, v->message}});
                     }};
}

} // namespace Bulwark::Routes
