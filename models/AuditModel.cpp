#include "AuditModel.h"

#include "ApiClient.h"
#include "EventStream.h"
#include "wire/Wire.h"

#include <QColor>
#include <QCoreApplication>
#include <QJsonArray>
#include <QLocale>
#include <QUrl>

namespace Bulwark::Models {

using namespace Qt::StringLiterals;

namespace {
// Audit records follow changes; collecting them for half a second keeps a
// busy server from turning every event into a request.
constexpr int NewerIntervalMs = 500;

QString encoded(const QString &value)
{
    return QString::fromLatin1(QUrl::toPercentEncoding(value));
}

QString isoTime(const QDateTime &time)
{
    return time.toUTC().toString(Qt::ISODateWithMs);
}

} // namespace

QString AuditFilter::query() const
{
    QStringList items;
    const auto add = [&items](QLatin1StringView key, const QString &value) {
        if (!value.isEmpty())
            items.append(key + u'=' + encoded(value));
    };
    if (from.isValid())
        add(Wire::AuditFrom, isoTime(from));
    if (to.isValid())
        add(Wire::AuditTo, isoTime(to));
    add(Wire::AuditActor, actor);
    add(Wire::AuditCategory, category);
    add(Wire::AuditOutcome, outcome);
    add(Wire::AuditEntity, entity);
    return items.join(u'&');
}

AuditRecord AuditRecord::fromJson(const QJsonObject &object)
{
    AuditRecord record;
    record.id = object.value(Wire::AuditId).toInteger();
    record.time = QDateTime::fromString(object.value("time"_L1).toString(), Qt::ISODateWithMs);
    record.actor = object.value(Wire::AuditActor).toString();
    record.source = object.value(Wire::AuditSource).toString();
    record.category = object.value(Wire::AuditCategory).toString();
    record.action = object.value(Wire::AuditAction).toString();
    record.entity = object.value(Wire::AuditEntity).toString();
    record.outcome = object.value(Wire::AuditOutcome).toString();
    record.details = object.value(Wire::AuditDetails).toObject();
    record.previousHash = object.value(Wire::AuditPreviousHash).toString();
    record.hash = object.value(Wire::AuditHash).toString();
    return record;
}

QString AuditVerification::sentence() const
{
    if (intact)
        return QCoreApplication::translate("Bulwark::Models::AuditModel",
                                           "The audit chain is intact: %1 records verified.")
            .arg(QLocale().toString(checked));
    if (firstBadId > 0)
        return QCoreApplication::translate(
                   "Bulwark::Models::AuditModel",
                   "The audit chain is broken at record %1: %2 Restore the database from a "
                   "backup and find out who had access to it.")
            .arg(QLocale().toString(firstBadId), message);
    return QCoreApplication::translate("Bulwark::Models::AuditModel",
                                       "The audit chain is broken: %1")
        .arg(message);
}

QStringList AuditModel::categories()
{
    return {u"auth"_s,       u"user"_s,   u"group"_s,     u"organization"_s,
            u"permission"_s, u"appkey"_s, u"directory"_s, u"thing"_s,
            u"template"_s,   u"admin"_s,  u"system"_s};
}

QStringList AuditModel::outcomes()
{
    return {u"success"_s, u"failure"_s, u"denied"_s};
}

AuditModel::AuditModel(QObject *parent)
    : QAbstractTableModel(parent)
{
    qRegisterMetaType<AuditVerification>();
    m_newerTimer.setSingleShot(true);
    m_newerTimer.setInterval(NewerIntervalMs);
    connect(&m_newerTimer, &QTimer::timeout, this, &AuditModel::fetchNewer);
}

AuditModel::~AuditModel() = default;

void AuditModel::setSource(ApiClient *client, EventStream *events)
{
    disconnect(m_eventConnection);
    disconnect(m_resyncConnection);
    ++m_generation;
    m_client = client;
    m_events = events;
    m_requestRunning = false;
    m_newerAgain = false;
    m_loaded = false;
    m_total = 0;
    m_newerTimer.stop();
    if (!m_records.isEmpty()) {
        beginResetModel();
        m_records.clear();
        endResetModel();
    }
    if (events) {
        m_eventConnection =
            connect(events, &EventStream::eventReceived, this, [this](const LiveEvent &event) {
                // Progress and device data are not audited.
                if (event.type == Wire::EventTransferChanged || event.type == Wire::EventThingEvent)
                    return;
                if (!m_newerTimer.isActive())
                    m_newerTimer.start();
            });
        m_resyncConnection =
            connect(events, &EventStream::resynchronized, this, &AuditModel::reload);
    }
    if (client)
        reload();
}

void AuditModel::setPageSize(int records)
{
    m_pageSize = qBound(1, records, 1000);
}

void AuditModel::setFilter(const AuditFilter &filter)
{
    m_filter = filter;
    reload();
}

void AuditModel::reload()
{
    fetch(Fetch::Replace);
}

void AuditModel::loadMore()
{
    if (canLoadMore() && !m_requestRunning)
        fetch(Fetch::Append);
}

void AuditModel::fetchNewer()
{
    if (!m_loaded) // the first page is on its way and will be current
        return;
    if (m_requestRunning) {
        m_newerAgain = true;
        return;
    }
    fetch(Fetch::Newer);
}

bool AuditModel::canLoadMore() const
{
    return m_loaded && m_records.size() < m_total;
}

void AuditModel::fetch(Fetch kind)
{
    if (!m_client)
        return;
    // A new first page supersedes whatever was on its way.
    if (kind == Fetch::Replace)
        ++m_generation;
    m_requestRunning = true;
    const qsizetype offset = kind == Fetch::Append ? m_records.size() : 0;
    QString path = Wire::ApiPrefix + Wire::Audit + u'?';
    const QString filter = m_filter.query();
    if (!filter.isEmpty())
        path += filter + u'&';
    path +=
        u"%1=%2&%3=%4"_s.arg(Wire::AuditOffset).arg(offset).arg(Wire::AuditLimit).arg(m_pageSize);
    const quint64 generation = m_generation;
    m_client->get(path, this, [this, kind, generation](const ApiResult &result) {
        if (generation != m_generation)
            return;
        m_requestRunning = false;
        if (result.isOk())
            applyPage(kind, result.body.object());
        else
            Q_EMIT loadFailed(result.errorMessage);
        if (std::exchange(m_newerAgain, false))
            fetchNewer();
    });
}

void AuditModel::applyPage(Fetch kind, const QJsonObject &page)
{
    QList<AuditRecord> records;
    const QJsonArray items = page.value(Wire::Items).toArray();
    records.reserve(items.size());
    for (const QJsonValue &item : items)
        records.append(AuditRecord::fromJson(item.toObject()));
    m_total = page.value(Wire::AuditTotal).toInteger();

    switch (kind) {
    case Fetch::Replace:
        beginResetModel();
        m_records = records;
        endResetModel();
        break;
    case Fetch::Append: {
        // Records written meanwhile shift the pages: skip what is shown.
        const qint64 oldest = m_records.isEmpty() ? 0 : m_records.constLast().id;
        QList<AuditRecord> older;
        for (const AuditRecord &record : std::as_const(records)) {
            if (oldest == 0 || record.id < oldest)
                older.append(record);
        }
        if (!older.isEmpty()) {
            const int first = int(m_records.size());
            beginInsertRows({}, first, first + int(older.size()) - 1);
            m_records.append(older);
            endInsertRows();
        }
        break;
    }
    case Fetch::Newer: {
        const qint64 newest = m_records.isEmpty() ? 0 : m_records.constFirst().id;
        QList<AuditRecord> newer;
        for (const AuditRecord &record : std::as_const(records)) {
            if (record.id > newest)
                newer.append(record);
        }
        if (newer.size() == records.size() && records.size() >= m_pageSize && newest > 0) {
            // More arrived than one page holds: start over rather than leave a gap.
            beginResetModel();
            m_records = records;
            endResetModel();
        } else if (!newer.isEmpty()) {
            beginInsertRows({}, 0, int(newer.size()) - 1);
            m_records = newer + m_records;
            endInsertRows();
        }
        break;
    }
    }
    m_loaded = true;
    Q_EMIT loaded();
}

void AuditModel::verifyChain()
{
    if (!m_client)
        return;
    m_client->get(Wire::ApiPrefix + Wire::Audit + u'/' + Wire::AuditVerify, this,
                  [this, client = m_client](const ApiResult &result) {
                      if (client != m_client) // answered by a server no longer shown
                          return;
                      if (!result.isOk()) {
                          Q_EMIT verifyFailed(result.errorMessage);
                          return;
                      }
                      const QJsonObject object = result.body.object();
                      AuditVerification verification;
                      verification.intact = object.value(Wire::AuditIntact).toBool();
                      verification.checked = object.value(Wire::AuditChecked).toInteger();
                      verification.firstBadId = object.value(Wire::AuditFirstBadId).toInteger();
                      verification.message = object.value("message"_L1).toString();
                      Q_EMIT verified(verification);
                  });
}

int AuditModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_records.size());
}

int AuditModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant AuditModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const AuditRecord &record = m_records.at(index.row());
    if (role == IdRole)
        return record.id;
    if (role == OutcomeRole)
        return record.outcome;
    if (role == SortRole) {
        if (index.column() == IdColumn)
            return record.id;
        if (index.column() == TimeColumn)
            return record.time;
    }
    // Refusals and failures stand out (the words say it too, not color alone).
    if (role == Qt::ForegroundRole && index.column() == OutcomeColumn &&
        record.outcome != "success"_L1)
        return QColor(0xc6, 0x28, 0x28);
    if (role == Qt::TextAlignmentRole && index.column() == IdColumn)
        return QVariant::fromValue(Qt::AlignRight | Qt::AlignVCenter);
    if (role != Qt::DisplayRole && role != Qt::ToolTipRole && role != SortRole)
        return {};
    switch (Column(index.column())) {
    case IdColumn:
        return record.id;
    case TimeColumn:
        if (role == Qt::ToolTipRole)
            return record.time.toString(Qt::ISODateWithMs);
        return QLocale().toString(record.time.toLocalTime(), u"yyyy-MM-dd HH:mm:ss"_s);
    case ActorColumn:
        return record.actor.isEmpty() ? tr("(anonymous)") : record.actor;
    case SourceColumn:
        return record.source;
    case CategoryColumn:
        return record.category;
    case ActionColumn:
        return record.action;
    case EntityColumn:
        return record.entity;
    case OutcomeColumn:
        return record.outcome;
    case ColumnCount:
        break;
    }
    return {};
}

QVariant AuditModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return QAbstractTableModel::headerData(section, orientation, role);
    switch (Column(section)) {
    case IdColumn:
        return tr("No.");
    case TimeColumn:
        return tr("Time");
    case ActorColumn:
        return tr("Actor");
    case SourceColumn:
        return tr("Source");
    case CategoryColumn:
        return tr("Category");
    case ActionColumn:
        return tr("Action");
    case EntityColumn:
        return tr("Entity");
    case OutcomeColumn:
        return tr("Outcome");
    case ColumnCount:
        break;
    }
    return {};
}

} // namespace Bulwark::Models
