#include "AuditLog.h"

#include "Maintenance.h"

#include "Crypto.h"
#include "Secrets.h"
#include "Vault.h"
#include "storage/Database.h"
#include "storage/EntityStore.h"
#include "storage/Sql_p.h"
#include "storage/StorageThread.h"
#include "wire/Wire.h"

#include <QFileInfo>
#include <QJsonDocument>
#include <QtEndian>

namespace Bulwark {

namespace W = Wire;

namespace {

constexpr int kHashSize = 32;
constexpr int kVerifyBatch = 1000;
const QString kHeadSetting = QStringLiteral("audit.head");

const char *const kColumns = "id, time, actor, source, category, action, entity, outcome, "
                             "details, previous_hash, hash";

QByteArray genesisHash()
{
    return QByteArray(kHashSize, '\0');
}

// Length-prefixed fields: no choice of separators or escaping can make two
// different records encode alike.
void appendField(QByteArray &out, const QByteArray &field)
{
    const quint32 length = qToBigEndian(quint32(field.size()));
    out.append(reinterpret_cast<const char *>(&length), sizeof length);
    out.append(field);
}

QByteArray bigEndian64(qint64 value)
{
    const quint64 big = qToBigEndian(quint64(value));
    return QByteArray(reinterpret_cast<const char *>(&big), sizeof big);
}

// The record as stored: time and details as their exact stored text, so
// verification hashes what is in the table, not a re-rendering of it.
struct StoredRecord
{
    qint64 id = 0;
    QString time;
    QString actor;
    QString source;
    QString category;
    QString action;
    QString entity;
    QString outcome;
    QString details;
    QString previousHash; // hex
    QString hash;         // hex
};

QByteArray hashOf(const StoredRecord &r, const QByteArray &previousHash)
{
    QByteArray canonical("bulwark-audit-record-v1");
    appendField(canonical, QByteArray::number(r.id));
    for (const QString *field :
         {&r.time, &r.actor, &r.source, &r.category, &r.action, &r.entity, &r.outcome, &r.details})
        appendField(canonical, field->toUtf8());
    appendField(canonical, previousHash);
    return Crypto::sha256(canonical);
}

StoredRecord readStored(const QSqlQuery &q)
{
    StoredRecord r;
    r.id = q.value(0).toLongLong();
    r.time = q.value(1).toString();
    r.actor = q.value(2).toString();
    r.source = q.value(3).toString();
    r.category = q.value(4).toString();
    r.action = q.value(5).toString();
    r.entity = q.value(6).toString();
    r.outcome = q.value(7).toString();
    r.details = q.value(8).toString();
    r.previousHash = q.value(9).toString();
    r.hash = q.value(10).toString();
    return r;
}

AuditRecord toRecord(const StoredRecord &s)
{
    AuditRecord r;
    r.id = s.id;
    r.time = Sql::fromText(s.time);
    r.actor = s.actor;
    r.source = s.source;
    r.category = s.category;
    r.action = s.action;
    r.entity = s.entity;
    r.outcome = s.outcome;
    r.details = QJsonDocument::fromJson(s.details.toUtf8()).object();
    r.previousHash = QByteArray::fromHex(s.previousHash.toLatin1());
    r.hash = QByteArray::fromHex(s.hash.toLatin1());
    return r;
}

QByteArray headMac(const QByteArray &key, qint64 lastId, const QByteArray &lastHash)
{
    return Crypto::hmacSha256(key,
                              QByteArray("bulwark-audit-head-v1") + bigEndian64(lastId) + lastHash);
}

// Sql::run with a list built at run time.
Result<QSqlQuery> runList(QSqlDatabase &db, const QString &sql, const QVariantList &values)
{
    QSqlQuery query(db);
    query.setForwardOnly(true);
    if (!query.prepare(sql))
        return Sql::failure(query.lastError(), QStringLiteral("The database refused a statement"));
    for (const QVariant &v : values)
        query.addBindValue(v);
    if (!query.exec())
        return Sql::failure(query.lastError(), QStringLiteral("A database statement failed"));
    return query;
}

AuditVerification broken(qint64 checked, qint64 badId, QString message)
{
    return AuditVerification{false, checked, badId, std::move(message)};
}

struct Head
{
    bool present = false;
    qint64 lastId = 0;
    QByteArray lastHash;
    QByteArray mac;
    bool wellFormed = false;
};

Result<Head> readHead(Database &db)
{
    auto q = Sql::run(db.connection(), "SELECT value FROM settings WHERE name = ?", {kHeadSetting});
    if (!q)
        return q.error();
    Head head;
    if (!q->next())
        return head;
    head.present = true;
    const QJsonObject o = QJsonDocument::fromJson(q->value(0).toString().toUtf8()).object();
    const QJsonValue lastId = o.value(QLatin1StringView("lastId"));
    head.lastId = qint64(lastId.toDouble(-1));
    head.lastHash =
        QByteArray::fromHex(o.value(QLatin1StringView("lastHash")).toString().toLatin1());
    head.mac = QByteArray::fromHex(o.value(QLatin1StringView("mac")).toString().toLatin1());
    head.wellFormed = lastId.isDouble() && head.lastId >= 0 && head.lastHash.size() == kHashSize &&
                      head.mac.size() == kHashSize;
    return head;
}

// Says what is wrong with the first record that breaks the chain. Runs once
// the walk's query is finished (PostgreSQL allows one active query per
// connection).
Result<QString> explainBrokenLink(Database &db, const StoredRecord &record, bool contentMatches)
{
    auto q = Sql::run(db.connection(), "SELECT id FROM audit_log WHERE hash = ? ORDER BY id",
                      {record.previousHash});
    if (!q)
        return q.error();
    const QString place = record.id == 1 ? QStringLiteral("the start of the log")
                                         : QStringLiteral("record %1").arg(record.id - 1);
    if (q->next())
        return QStringLiteral("Record %1 is out of place: it was chained after the record now "
                              "stored as %2, not %3, so records were reordered or renumbered.")
            .arg(record.id)
            .arg(q->value(0).toLongLong())
            .arg(record.id == 1 ? QStringLiteral("at the start of the log")
                                : QStringLiteral("after record %1").arg(record.id - 1));
    if (contentMatches)
        return QStringLiteral("Record %1 does not follow %2: a record before it was removed or "
                              "replaced, or its link was rewritten.")
            .arg(record.id)
            .arg(place);
    return QStringLiteral("Record %1 was edited: neither its contents nor its link to %2 match "
                          "its hashes.")
        .arg(record.id)
        .arg(place);
}

} // namespace

namespace Audit {

const QStringList &categories()
{
    static const QStringList list{
        Auth,   UserCategory, GroupCategory, OrganizationCategory, Permission,
        AppKey, Directory,    ThingCategory, TemplateCategory,     Admin,
        System};
    return list;
}

const QStringList &outcomes()
{
    static const QStringList list{Success, Failure, Denied};
    return list;
}

} // namespace Audit

Result<AuditLog> AuditLog::of(const Vault &vault)
{
    auto key = vault.macKey(QStringLiteral("audit-head"));
    if (!key)
        return key.error();
    return AuditLog(*key);
}

AuditLog::AuditLog(QByteArray headKey)
    : m_headKey(std::move(headKey))
{}

QByteArray AuditLog::computeHash(const AuditRecord &record, const QByteArray &detailsJson)
{
    StoredRecord s;
    s.id = record.id;
    s.time = Sql::toText(record.time);
    s.actor = record.actor;
    s.source = record.source;
    s.category = record.category;
    s.action = record.action;
    s.entity = record.entity;
    s.outcome = record.outcome;
    s.details = QString::fromUtf8(detailsJson);
    return hashOf(s, record.previousHash);
}

Status AuditLog::append(EntityStore &store, AuditRecord record) const
{
    return store.inTransaction([&]() { return append(store.database(), std::move(record)); });
}

Status AuditLog::append(Database &db, AuditRecord record) const
{
    // The callers are the server's own code: a bad value is a bug, but the
    // record is refused rather than stored in a shape filters cannot find.
    if (!Audit::categories().contains(record.category))
        return makeError(ErrorCode::Internal,
                         QStringLiteral("Audit category '%1' is not one of: %2.")
                             .arg(record.category, Audit::categories().join(QStringLiteral(", "))));
    if (!Audit::outcomes().contains(record.outcome))
        return makeError(ErrorCode::Internal,
                         QStringLiteral("Audit outcome '%1' is not one of: %2.")
                             .arg(record.outcome, Audit::outcomes().join(QStringLiteral(", "))));
    if (record.action.isEmpty())
        return makeError(ErrorCode::Internal, QStringLiteral("An audit record needs an action."));

    auto last =
        Sql::run(db.connection(), "SELECT id, hash FROM audit_log ORDER BY id DESC LIMIT 1");
    if (!last)
        return last.error();
    if (last->next()) {
        record.id = last->value(0).toLongLong() + 1;
        record.previousHash = QByteArray::fromHex(last->value(1).toString().toLatin1());
    } else {
        record.id = 1;
        record.previousHash = genesisHash();
    }
    last->finish();
    // Stored with millisecond precision: the hash covers the stored text.
    const QDateTime time = record.time.isValid() ? record.time : QDateTime::currentDateTimeUtc();
    record.time = QDateTime::fromMSecsSinceEpoch(time.toMSecsSinceEpoch(), Qt::UTC);
    // QJsonObject keeps its keys sorted, so compact JSON is canonical.
    const QByteArray details = QJsonDocument(record.details).toJson(QJsonDocument::Compact);
    record.hash = computeHash(record, details);

    auto insert =
        Sql::run(db.connection(),
                 "INSERT INTO audit_log (id, time, actor, source, category, action, "
                 "entity, outcome, details, previous_hash, hash) "
                 "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                 {record.id, Sql::toText(record.time), record.actor, record.source, record.category,
                  record.action, record.entity, record.outcome, QString::fromUtf8(details),
                  QString::fromLatin1(record.previousHash.toHex()),
                  QString::fromLatin1(record.hash.toHex())});
    if (!insert)
        return insert.error();

    const QJsonObject head{
        {QLatin1StringView("lastId"), double(record.id)},
        {QLatin1StringView("lastHash"), QString::fromLatin1(record.hash.toHex())},
        {QLatin1StringView("mac"),
         QString::fromLatin1(headMac(m_headKey, record.id, record.hash).toHex())}};
    auto upsert = Sql::run(
        db.connection(),
        "INSERT INTO settings (name, value) VALUES (?, ?) "
        "ON CONFLICT (name) DO UPDATE SET value = excluded.value",
        {kHeadSetting, QString::fromUtf8(QJsonDocument(head).toJson(QJsonDocument::Compact))});
    if (!upsert)
        return upsert.error();
    return {};
}

Result<AuditPage> AuditLog::list(Database &db, const AuditFilter &filter) const
{
    QStringList conditions;
    QVariantList values;
    if (filter.from.isValid()) {
        conditions << QStringLiteral("time >= ?");
        values << Sql::toText(filter.from);
    }
    if (filter.to.isValid()) {
        conditions << QStringLiteral("time <= ?");
        values << Sql::toText(filter.to);
    }
    if (!filter.actor.isEmpty()) {
        conditions << QStringLiteral("actor = ?");
        values << filter.actor;
    }
    if (!filter.entity.isEmpty()) {
        // substr and a length counted in code points behave the same on
        // SQLite and PostgreSQL; LIKE does not (case, escaping).
        const QString below = filter.entity + QLatin1Char('/');
        conditions << QStringLiteral("(entity = ? OR substr(entity, 1, ?) = ?)");
        values << filter.entity << qint64(below.toUcs4().size()) << below;
    }
    if (!filter.category.isEmpty()) {
        conditions << QStringLiteral("category = ?");
        values << filter.category;
    }
    if (!filter.outcome.isEmpty()) {
        conditions << QStringLiteral("outcome = ?");
        values << filter.outcome;
    }
    const QString where =
        conditions.isEmpty() ? QString() : QStringLiteral(" WHERE ") + conditions.join(u" AND ");

    AuditPage page;
    {
        auto count = runList(db.connection(),
                             QStringLiteral("SELECT COUNT(*) FROM audit_log") + where, values);
        if (!count)
            return count.error();
        page.total = count->next() ? count->value(0).toLongLong() : 0;
    }
    const int limit = std::clamp(filter.limit, 1, AuditFilter::MaximumLimit);
    const qint64 offset = std::max<qint64>(filter.offset, 0);
    auto q = runList(db.connection(),
                     QStringLiteral("SELECT %1 FROM audit_log%2 ORDER BY id DESC LIMIT ? OFFSET ?")
                         .arg(QLatin1StringView(kColumns), where),
                     values + QVariantList{limit, offset});
    if (!q)
        return q.error();
    while (q->next())
        page.items.append(toRecord(readStored(*q)));
    return page;
}

Result<AuditVerification> AuditLog::verify(Database &db) const
{
    qint64 expectedId = 1;
    qint64 checked = 0;
    QByteArray previousHash = genesisHash();
    std::optional<StoredRecord> bad;
    bool badContentMatches = false;
    {
        // The walk below starts at id 1: anything before it is out of the chain.
        auto low = Sql::run(db.connection(), "SELECT MIN(id) FROM audit_log");
        if (!low)
            return low.error();
        if (low->next() && !low->value(0).isNull() && low->value(0).toLongLong() < 1)
            return broken(0, low->value(0).toLongLong(),
                          QStringLiteral("Record %1 has an id below 1: it was added or renumbered "
                                         "outside the server.")
                              .arg(low->value(0).toLongLong()));
    }
    for (bool more = true; more && !bad;) {
        // In batches: bounded memory whatever the driver buffers.
        auto q = Sql::run(db.connection(),
                          "SELECT id, time, actor, source, category, action, entity, outcome, "
                          "details, previous_hash, hash FROM audit_log WHERE id >= ? "
                          "ORDER BY id LIMIT ?",
                          {expectedId, kVerifyBatch});
        if (!q)
            return q.error();
        int rows = 0;
        while (q->next()) {
            ++rows;
            ++checked;
            const StoredRecord r = readStored(*q);
            if (r.id != expectedId) {
                q->finish();
                const QString which =
                    r.id == expectedId + 1
                        ? QStringLiteral("Record %1 is").arg(expectedId)
                        : QStringLiteral("Records %1 to %2 are").arg(expectedId).arg(r.id - 1);
                return broken(checked, expectedId,
                              QStringLiteral("%1 missing (the next stored record is %2), so "
                                             "records were deleted.")
                                  .arg(which)
                                  .arg(r.id));
            }
            const QByteArray storedPrevious = QByteArray::fromHex(r.previousHash.toLatin1());
            const QByteArray storedHash = QByteArray::fromHex(r.hash.toLatin1());
            const bool contentMatches =
                storedHash.size() == kHashSize && hashOf(r, storedPrevious) == storedHash;
            const bool linkMatches = storedPrevious == previousHash;
            if (!linkMatches) {
                bad = r;
                badContentMatches = contentMatches;
                break;
            }
            if (!contentMatches) {
                q->finish();
                return broken(checked, r.id,
                              QStringLiteral("Record %1 was edited: its contents no longer match "
                                             "its hash.")
                                  .arg(r.id));
            }
            previousHash = storedHash;
            ++expectedId;
        }
        more = rows == kVerifyBatch;
    }
    if (bad) {
        auto message = explainBrokenLink(db, *bad, badContentMatches);
        if (!message)
            return message.error();
        return broken(checked, bad->id, *message);
    }

    const qint64 lastId = expectedId - 1;
    auto head = readHead(db);
    if (!head)
        return head.error();
    if (!head->present) {
        if (lastId == 0)
            return AuditVerification{true, 0, 0,
                                     QStringLiteral("Audit chain intact: 0 records checked.")};
        return broken(checked, lastId,
                      QStringLiteral("The signed head of the audit log is missing (it was "
                                     "deleted), so removal of the records after record %1 cannot "
                                     "be ruled out.")
                          .arg(lastId));
    }
    if (!head->wellFormed ||
        !Crypto::constantTimeEquals(headMac(m_headKey, head->lastId, head->lastHash), head->mac))
        return broken(checked, std::max<qint64>(lastId, 1),
                      QStringLiteral("The signed head of the audit log does not verify, so the "
                                     "records up to record %1 cannot be vouched for: the head was "
                                     "altered, or it was signed with another key (is this the "
                                     "server's master key?).")
                          .arg(std::max<qint64>(lastId, 1)));
    if (head->lastId > lastId) {
        const QString which =
            head->lastId == lastId + 1
                ? QStringLiteral("Record %1 is").arg(lastId + 1)
                : QStringLiteral("Records %1 to %2 are").arg(lastId + 1).arg(head->lastId);
        return broken(checked, lastId + 1,
                      QStringLiteral("%1 missing: the signed head says the log ends at record %2, "
                                     "but the newest stored record is %3, so the newest records "
                                     "were removed.")
                          .arg(which)
                          .arg(head->lastId)
                          .arg(lastId));
    }
    if (head->lastId < lastId)
        return broken(checked, head->lastId + 1,
                      QStringLiteral("Records %1 to %2 come after the signed head (which ends at "
                                     "record %3): they were added without going through the "
                                     "server.")
                          .arg(head->lastId + 1)
                          .arg(lastId)
                          .arg(head->lastId));
    if (head->lastHash != previousHash)
        return broken(checked, lastId,
                      QStringLiteral("Record %1 does not match the signed head: the chain up to "
                                     "it was rewritten (records changed and their hashes "
                                     "recomputed).")
                          .arg(lastId));
    return AuditVerification{
        true, checked, 0, QStringLiteral("Audit chain intact: %1 records checked.").arg(checked)};
}

QJsonObject toJson(const AuditRecord &record)
{
    return {{W::AuditId, double(record.id)},
            {W::Time, record.time.toUTC().toString(Qt::ISODateWithMs)},
            {W::AuditActor, record.actor},
            {W::AuditSource, record.source},
            {W::AuditCategory, record.category},
            {W::AuditAction, record.action},
            {W::AuditEntity, record.entity},
            {W::AuditOutcome, record.outcome},
            {W::AuditDetails, record.details},
            {W::AuditPreviousHash, QString::fromLatin1(record.previousHash.toHex())},
            {W::AuditHash, QString::fromLatin1(record.hash.toHex())}};
}

Result<AuditVerification> AuditLog::verifyInstallation(Database &db) const
{
    auto outcome = verify(db);
    if (outcome && outcome->intact && outcome->checked == 0)
        return AuditVerification{false, 0, 1,
                                 QStringLiteral("The audit log is empty, but every server start "
                                                "writes a record: its records and its head were "
                                                "deleted.")};
    return outcome;
}

Result<QString> verifyAudit(const ServerConfig &config)
{
    auto opened = openExistingDatabase(config);
    if (!opened)
        return opened.error();
    StorageThread &storage = **opened;
    auto vault = openVault(config, storage, false);
    if (!vault)
        return vault.error();
    const auto log = AuditLog::of(**vault);
    if (!log)
        return log.error();
    AuditVerification outcome;
    if (auto s = storage.runBlocking([&](EntityStore &store) -> Status {
            auto v = log->verifyInstallation(store.database());
            if (!v)
                return v.error();
            outcome = *v;
            return {};
        });
        !s)
        return s.error();
    storage.close();
    if (!outcome.intact)
        return makeError(ErrorCode::Conflict,
                         QStringLiteral("The audit chain is broken at record %1 (records "
                                        "checked: %2). %3")
                             .arg(outcome.firstBadId)
                             .arg(outcome.checked)
                             .arg(outcome.message));
    return outcome.message;
}

} // namespace Bulwark
