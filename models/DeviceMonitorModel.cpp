#include "DeviceMonitorModel.h"

#include "ApiClient.h"
#include "EventStream.h"
#include "wire/Wire.h"

#include <QJsonArray>
#include <QLocale>

#include <algorithm>
#include <limits>

namespace Bulwark::Models {

using namespace Qt::StringLiterals;

namespace {

// Five batches a second: live enough to watch, few enough that a view of
// 10,000 busy devices spends its time idle.
constexpr int DefaultBatchIntervalMs = 200;
// The counters cost the server a walk over its sessions; every few seconds
// is plenty for a rate.
constexpr int DefaultRefreshIntervalMs = 3000;
// Two samples closer than this give a noisy rate: keep the older one.
constexpr qint64 MinimumSampleSpanMs = 500;

// GET /api/Connections and its counter fields (docs/rest-api.md, Connection).
constexpr auto ConnectionsPath = "/api/Connections"_L1;
constexpr auto MessagesIn = "messagesIn"_L1;
constexpr auto MessagesOut = "messagesOut"_L1;
constexpr auto BytesIn = "bytesIn"_L1;
constexpr auto BytesOut = "bytesOut"_L1;
constexpr auto Session = "session"_L1;

constexpr quint16 columnBit(int column)
{
    return quint16(1U << unsigned(column));
}
constexpr quint16 AllColumns = quint16((1U << DeviceMonitorModel::ColumnCount) - 1);
constexpr quint16 LiveColumns = columnBit(DeviceMonitorModel::LastMessageColumn) |
                                columnBit(DeviceMonitorModel::MessagesInColumn);
static_assert(DeviceMonitorModel::ColumnCount <= 16, "column masks are 16 bits");

// Digits text[from, from + count) as a number; -1 if any is not a digit.
int digitsAt(const QString &text, int from, int count)
{
    int value = 0;
    for (int i = from; i < from + count; ++i) {
        const char16_t c = text.at(i).unicode();
        if (c < u'0' || c > u'9')
            return -1;
        value = value * 10 + int(c - u'0');
    }
    return value;
}

// The server writes every time as "2026-11-27T08:00:00.000Z": read that form
// directly (a batch parses thousands), anything else the general way.
QDateTime parseTime(const QString &text)
{
    if (text.isEmpty())
        return {};
    if (text.size() == 24 && text.at(4) == u'-' && text.at(7) == u'-' && text.at(10) == u'T' &&
        text.at(13) == u':' && text.at(16) == u':' && text.at(19) == u'.' && text.at(23) == u'Z') {
        const QDate date(digitsAt(text, 0, 4), digitsAt(text, 5, 2), digitsAt(text, 8, 2));
        const QTime time(digitsAt(text, 11, 2), digitsAt(text, 14, 2), digitsAt(text, 17, 2),
                         digitsAt(text, 20, 3));
        if (date.isValid() && time.isValid())
            return QDateTime(date, time, Qt::UTC);
    }
    return QDateTime::fromString(text, Qt::ISODateWithMs);
}

qint64 counter(const QJsonObject &object, QLatin1StringView key)
{
    const QJsonValue value = object.value(key);
    return value.toInteger(-1); // -1: absent, or not a whole number in range
}

qint64 sortKey(const QDateTime &time)
{
    return time.isValid() ? time.toMSecsSinceEpoch() : std::numeric_limits<qint64>::min();
}

QString formatCounter(qint64 value)
{
    return value < 0 ? u"—"_s : QLocale().toString(value);
}

QString formatBytes(qint64 value)
{
    return value < 0 ? u"—"_s : QLocale().formattedDataSize(value);
}

// Today's times need no date; the seconds matter for a last message.
QString formatTime(const QDateTime &time)
{
    if (!time.isValid())
        return u"—"_s;
    const QDateTime local = time.toLocalTime();
    const QString clock = local.time().toString(u"HH:mm:ss"_s);
    if (local.date() == QDate::currentDate())
        return clock;
    return QLocale().toString(local.date(), QLocale::ShortFormat) + u' ' + clock;
}

quint16 differences(const DeviceConnection &a, const DeviceConnection &b)
{
    quint16 mask = 0;
    if (a.remoteAddress != b.remoteAddress)
        mask |= columnBit(DeviceMonitorModel::RemoteAddressColumn);
    if (a.user != b.user)
        mask |= columnBit(DeviceMonitorModel::UserColumn);
    if (a.since != b.since)
        mask |= columnBit(DeviceMonitorModel::SinceColumn);
    if (a.lastMessage != b.lastMessage)
        mask |= columnBit(DeviceMonitorModel::LastMessageColumn);
    if (a.messagesIn != b.messagesIn)
        mask |= columnBit(DeviceMonitorModel::MessagesInColumn);
    if (a.messagesOut != b.messagesOut)
        mask |= columnBit(DeviceMonitorModel::MessagesOutColumn);
    if (a.bytesIn != b.bytesIn)
        mask |= columnBit(DeviceMonitorModel::BytesInColumn);
    if (a.bytesOut != b.bytesOut)
        mask |= columnBit(DeviceMonitorModel::BytesOutColumn);
    return mask;
}

} // namespace

DeviceMonitorModel::DeviceMonitorModel(QObject *parent)
    : QAbstractTableModel(parent)
{
    m_clock.start();
    m_batchTimer.setSingleShot(true);
    m_batchTimer.setInterval(DefaultBatchIntervalMs);
    connect(&m_batchTimer, &QTimer::timeout, this, &DeviceMonitorModel::applyPending);
    m_refreshTimer.setInterval(DefaultRefreshIntervalMs);
    connect(&m_refreshTimer, &QTimer::timeout, this, &DeviceMonitorModel::refresh);
}

DeviceMonitorModel::~DeviceMonitorModel() = default;

void DeviceMonitorModel::setRefreshInterval(int milliseconds)
{
    m_refreshTimer.setInterval(milliseconds);
}

void DeviceMonitorModel::setBatchInterval(int milliseconds)
{
    m_batchTimer.setInterval(milliseconds);
}

void DeviceMonitorModel::setSource(ApiClient *client, EventStream *events)
{
    disconnect(m_eventConnection);
    disconnect(m_resyncConnection);
    ++m_generation;
    m_client = client;
    m_events = events;
    m_requestRunning = false;
    m_loaded = false;
    m_lastError.clear();
    m_pending.clear();
    m_connectionEventSerial.clear();
    m_batchTimer.stop();
    m_refreshTimer.stop();
    clearRows();
    if (events) {
        m_eventConnection =
            connect(events, &EventStream::eventReceived, this, &DeviceMonitorModel::handleEvent);
        // Events may have been missed: the snapshot puts things right.
        m_resyncConnection =
            connect(events, &EventStream::resynchronized, this, &DeviceMonitorModel::refresh);
    }
    if (client) {
        refresh();
        m_refreshTimer.start();
    }
}

void DeviceMonitorModel::clearRows()
{
    if (m_rows.isEmpty())
        return;
    beginRemoveRows({}, 0, int(m_rows.size()) - 1);
    m_rows.clear();
    m_rowOf.clear();
    endRemoveRows();
}

void DeviceMonitorModel::handleEvent(const LiveEvent &event)
{
    const bool isProperty = event.type == Wire::EventPropertyChanged;
    const bool isThingEvent = event.type == Wire::EventThingEvent;
    const bool isConnection = event.type == Wire::EventConnectionChanged;
    const bool isDeletion =
        event.type == Wire::EventEntityDeleted && event.collection == Wire::Things;
    if (!isProperty && !isThingEvent && !isConnection && !isDeletion)
        return;
    // A REST write is not a message from the device.
    if (isProperty && event.raw.value(Wire::Source).toString() == Wire::SourceRest)
        return;
    const QString &thing = isDeletion ? event.name : event.thing;
    if (thing.isEmpty())
        return;

    if (m_pending.isEmpty())
        m_pending.reserve(m_rows.size()); // no rehashing while a busy second comes in
    Pending &pending = m_pending[thing];
    if (isConnection || isDeletion) {
        const bool connected = isConnection && event.raw.value(Wire::Connected).toBool();
        pending.link = connected ? Pending::Link::Connected : Pending::Link::Disconnected;
        if (connected) {
            pending.since = event.raw.value(Wire::Since).toString();
            pending.remoteAddress = event.raw.value(Wire::RemoteAddress).toString();
        }
        m_connectionEventSerial.insert(thing, ++m_eventSerial);
    } else if (event.time.isEmpty() || event.time != pending.time) {
        // The values of one update share its time: count the message once.
        ++pending.messages;
        pending.time = event.time;
    }
    if (!m_batchTimer.isActive())
        m_batchTimer.start();
}

void DeviceMonitorModel::applyPending()
{
    m_batchTimer.stop();
    if (m_pending.isEmpty())
        return;
    const qint64 nowMs = m_clock.elapsed();
    QDateTime now; // only read when an event came without a time
    QList<Row> added;
    m_changed.clear();
    m_removed.clear();
    for (auto it = m_pending.cbegin(); it != m_pending.cend(); ++it) {
        const Pending &pending = it.value();
        const int rowIndex = m_rowOf.value(it.key(), -1);
        if (pending.link == Pending::Link::Disconnected) {
            if (rowIndex >= 0)
                m_removed.append(rowIndex);
            continue;
        }
        QDateTime time = parseTime(pending.time);
        if (pending.messages > 0 && !time.isValid()) {
            if (!now.isValid())
                now = QDateTime::currentDateTimeUtc();
            time = now;
        }
        if (pending.link == Pending::Link::Connected && rowIndex < 0) {
            Row row;
            row.connection.thing = it.key();
            row.connection.since = parseTime(pending.since);
            row.connection.remoteAddress = pending.remoteAddress;
            row.connection.lastMessage = time.isValid() ? time : row.connection.since;
            row.rate = -1;
            row.sampleAtMs = nowMs;
            row.eventsSinceSample = pending.messages;
            row.lastEventTime = pending.time;
            added.append(std::move(row));
            continue;
        }
        if (rowIndex < 0)
            continue; // a Thing no device speaks for
        Row &row = m_rows[rowIndex];
        DeviceConnection &connection = row.connection;
        quint16 mask = 0;
        if (pending.link == Pending::Link::Connected) {
            // Another session took over: its counters start again.
            connection.since = parseTime(pending.since);
            connection.remoteAddress = pending.remoteAddress;
            connection.user.clear();
            connection.messagesIn = connection.messagesOut = -1;
            connection.bytesIn = connection.bytesOut = -1;
            connection.session = 0;
            row.rate = -1;
            row.sampleMessages = -1;
            row.sampleAtMs = nowMs;
            row.eventsSinceSample = 0;
            mask = AllColumns;
        }
        if (pending.messages > 0) {
            row.eventsSinceSample += pending.messages;
            row.lastEventTime = pending.time;
            if (connection.messagesIn >= 0)
                connection.messagesIn += pending.messages;
            if (!connection.lastMessage.isValid() || connection.lastMessage < time)
                connection.lastMessage = time;
            mask |= LiveColumns;
        }
        if (mask != 0)
            m_changed.append(qint64(rowIndex) << 16 | mask);
    }
    m_pending.clear();
    emitChanges(added);
    Q_EMIT batchApplied();
}

void DeviceMonitorModel::emitChanges(QList<Row> &added)
{
    // Changed rows first, while the row numbers still hold.
    std::sort(m_changed.begin(), m_changed.end());
    for (qsizetype i = 0; i < m_changed.size();) {
        const int first = int(m_changed.at(i) >> 16);
        int last = first;
        quint16 mask = quint16(m_changed.at(i) & 0xffff);
        ++i;
        while (i < m_changed.size() && int(m_changed.at(i) >> 16) == last + 1) {
            ++last;
            mask |= quint16(m_changed.at(i) & 0xffff);
            ++i;
        }
        int firstColumn = 0;
        while (!(mask & columnBit(firstColumn)))
            ++firstColumn;
        int lastColumn = ColumnCount - 1;
        while (!(mask & columnBit(lastColumn)))
            --lastColumn;
        Q_EMIT dataChanged(index(first, firstColumn), index(last, lastColumn));
    }

    // Removals back to front, one signal pair per contiguous run.
    if (!m_removed.isEmpty()) {
        std::sort(m_removed.begin(), m_removed.end());
        for (qsizetype i = m_removed.size() - 1; i >= 0;) {
            const int last = m_removed.at(i);
            int first = last;
            --i;
            while (i >= 0 && m_removed.at(i) == first - 1) {
                first = m_removed.at(i);
                --i;
            }
            beginRemoveRows({}, first, last);
            for (int row = first; row <= last; ++row)
                m_rowOf.remove(m_rows.at(row).connection.thing);
            m_rows.remove(first, last - first + 1);
            endRemoveRows();
        }
        rebuildIndexFrom(m_removed.constFirst());
    }

    // New rows at the end, in one insertion.
    if (!added.isEmpty()) {
        const int first = int(m_rows.size());
        beginInsertRows({}, first, first + int(added.size()) - 1);
        m_rows.append(std::move(added));
        rebuildIndexFrom(first);
        endInsertRows();
    }
}

void DeviceMonitorModel::rebuildIndexFrom(int firstRow)
{
    for (int row = firstRow; row < m_rows.size(); ++row)
        m_rowOf.insert(m_rows.at(row).connection.thing, row);
}

void DeviceMonitorModel::refresh()
{
    if (!m_client || m_requestRunning)
        return;
    m_requestRunning = true;
    const quint64 generation = m_generation;
    const quint64 serialAtSend = m_eventSerial;
    m_client->get(ConnectionsPath, this, [this, generation, serialAtSend](const ApiResult &result) {
        if (generation != m_generation)
            return;
        m_requestRunning = false;
        if (!result.isOk()) {
            m_lastError = result.errorMessage;
            Q_EMIT loadFailed(result.errorMessage);
            return;
        }
        m_lastError.clear();
        reconcile(parseConnections(result.body), serialAtSend);
        m_loaded = true;
        Q_EMIT loaded();
    });
}

QList<DeviceConnection> DeviceMonitorModel::parseConnections(const QJsonDocument &document)
{
    QList<DeviceConnection> connections;
    const QJsonArray items = document.object().value(Wire::Items).toArray();
    connections.reserve(items.size());
    for (const QJsonValue &item : items) {
        const QJsonObject object = item.toObject();
        DeviceConnection connection;
        connection.thing = object.value(Wire::Thing).toString();
        if (connection.thing.isEmpty())
            continue;
        connection.remoteAddress = object.value(Wire::RemoteAddress).toString();
        connection.user = object.value(Wire::User).toString();
        connection.since = parseTime(object.value(Wire::Since).toString());
        connection.lastMessage = parseTime(object.value(Wire::LastMessage).toString());
        connection.messagesIn = counter(object, MessagesIn);
        connection.messagesOut = counter(object, MessagesOut);
        connection.bytesIn = counter(object, BytesIn);
        connection.bytesOut = counter(object, BytesOut);
        connection.session = quint64(qMax<qint64>(0, object.value(Session).toInteger()));
        connections.append(connection);
    }
    return connections;
}

void DeviceMonitorModel::applySnapshot(const QList<DeviceConnection> &connections)
{
    reconcile(connections, m_eventSerial);
}

void DeviceMonitorModel::reconcile(const QList<DeviceConnection> &connections, quint64 serialAtSend)
{
    // Live changes that came before the answer are older than it, or newer
    // and then protected by their serial below.
    applyPending();
    const auto isNewer = [this, serialAtSend](const QString &thing) {
        const auto it = m_connectionEventSerial.constFind(thing);
        return it != m_connectionEventSerial.cend() && it.value() > serialAtSend;
    };
    QHash<QString, qsizetype> incoming;
    incoming.reserve(connections.size());
    for (qsizetype i = 0; i < connections.size(); ++i)
        incoming.insert(connections.at(i).thing, i);

    const qint64 nowMs = m_clock.elapsed();
    m_changed.clear();
    m_removed.clear();
    for (int rowIndex = 0; rowIndex < m_rows.size(); ++rowIndex) {
        Row &row = m_rows[rowIndex];
        const QString &thing = row.connection.thing;
        if (isNewer(thing))
            continue;
        const auto found = incoming.constFind(thing);
        if (found == incoming.cend()) {
            m_removed.append(rowIndex);
            continue;
        }
        DeviceConnection updated = connections.at(found.value());
        if (row.connection.lastMessage.isValid() &&
            (!updated.lastMessage.isValid() || updated.lastMessage < row.connection.lastMessage))
            updated.lastMessage = row.connection.lastMessage;
        if (updated.session != row.connection.session && row.connection.session != 0) {
            row.sampleMessages = -1; // a new session: its counters start again
            row.eventsSinceSample = 0;
            row.sampleAtMs = nowMs;
        }
        quint16 mask = differences(row.connection, updated);
        row.connection = std::move(updated);
        const double previousRate = row.rate;
        updateRate(row, nowMs);
        if (row.rate != previousRate)
            mask |= columnBit(MessagesPerSecondColumn);
        if (mask != 0)
            m_changed.append(qint64(rowIndex) << 16 | mask);
    }
    QList<Row> added;
    for (const DeviceConnection &connection : connections) {
        if (m_rowOf.contains(connection.thing) || isNewer(connection.thing))
            continue;
        Row row;
        row.connection = connection;
        row.rate = -1;
        row.sampleMessages = connection.messagesIn;
        row.sampleAtMs = nowMs;
        added.append(std::move(row));
        // A Thing twice in one answer would otherwise get two rows.
        m_rowOf.insert(connection.thing, -1);
    }
    for (const Row &row : std::as_const(added))
        m_rowOf.remove(row.connection.thing);
    m_connectionEventSerial.removeIf([serialAtSend](const QHash<QString, quint64>::iterator it) {
        return it.value() <= serialAtSend;
    });
    emitChanges(added);
}

void DeviceMonitorModel::updateRate(Row &row, qint64 nowMs)
{
    const qint64 spanMs = nowMs - row.sampleAtMs;
    if (spanMs < MinimumSampleSpanMs)
        return;
    const double seconds = double(spanMs) / 1000.0;
    const DeviceConnection &connection = row.connection;
    if (connection.hasCounters() && row.sampleMessages >= 0)
        row.rate = double(qMax<qint64>(0, connection.messagesIn - row.sampleMessages)) / seconds;
    else
        row.rate = double(row.eventsSinceSample) / seconds; // what the live events showed
    row.sampleMessages = connection.messagesIn;
    row.sampleAtMs = nowMs;
    row.eventsSinceSample = 0;
}

int DeviceMonitorModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_rows.size());
}

int DeviceMonitorModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant DeviceMonitorModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const Row &row = m_rows.at(index.row());
    const DeviceConnection &connection = row.connection;
    const auto column = Column(index.column());
    switch (role) {
    case ThingRole:
        return connection.thing;
    case FilterRole:
        return QString(connection.thing + u'\n' + connection.remoteAddress + u'\n' +
                       connection.user);
    case Qt::TextAlignmentRole:
        if (column >= MessagesPerSecondColumn)
            return QVariant::fromValue(Qt::AlignRight | Qt::AlignVCenter);
        return {};
    case SortRole:
        switch (column) {
        case ThingColumn:
            return connection.thing;
        case RemoteAddressColumn:
            return connection.remoteAddress;
        case UserColumn:
            return connection.user;
        case SinceColumn:
            return sortKey(connection.since);
        case LastMessageColumn:
            return sortKey(connection.lastMessage);
        case MessagesPerSecondColumn:
            return row.rate;
        case MessagesInColumn:
            return connection.messagesIn;
        case MessagesOutColumn:
            return connection.messagesOut;
        case BytesInColumn:
            return connection.bytesIn;
        case BytesOutColumn:
            return connection.bytesOut;
        case ColumnCount:
            break;
        }
        return {};
    case Qt::ToolTipRole:
        switch (column) {
        case SinceColumn:
            return connection.since.toString(Qt::ISODateWithMs);
        case LastMessageColumn:
            return connection.lastMessage.toString(Qt::ISODateWithMs);
        case MessagesPerSecondColumn:
            return row.rate < 0 ? tr("Measured from the next refresh of the counters on.")
                                : tr("Messages from the device per second, from the server's "
                                     "counters and the live events since the last refresh.");
        case MessagesInColumn:
        case MessagesOutColumn:
        case BytesInColumn:
        case BytesOutColumn:
            if (!connection.hasCounters())
                return tr("The server does not report traffic counters for this session.");
            return tr("Counted by the server for the device session that speaks for this "
                      "Thing.");
        default:
            break;
        }
        break;
    case Qt::DisplayRole:
        switch (column) {
        case ThingColumn:
            return connection.thing;
        case RemoteAddressColumn:
            return connection.remoteAddress;
        case UserColumn:
            return connection.user;
        case SinceColumn:
            return formatTime(connection.since);
        case LastMessageColumn:
            return formatTime(connection.lastMessage);
        case MessagesPerSecondColumn:
            return row.rate < 0 ? u"—"_s : QLocale().toString(row.rate, 'f', 1);
        case MessagesInColumn:
            return formatCounter(connection.messagesIn);
        case MessagesOutColumn:
            return formatCounter(connection.messagesOut);
        case BytesInColumn:
            return formatBytes(connection.bytesIn);
        case BytesOutColumn:
            return formatBytes(connection.bytesOut);
        case ColumnCount:
            break;
        }
        break;
    default:
        break;
    }
    return {};
}

QVariant DeviceMonitorModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return QAbstractTableModel::headerData(section, orientation, role);
    switch (Column(section)) {
    case ThingColumn:
        return tr("Device");
    case RemoteAddressColumn:
        return tr("Address");
    case UserColumn:
        return tr("User");
    case SinceColumn:
        return tr("Connected since");
    case LastMessageColumn:
        return tr("Last message");
    case MessagesPerSecondColumn:
        return tr("Messages/s");
    case MessagesInColumn:
        return tr("Messages in");
    case MessagesOutColumn:
        return tr("Messages out");
    case BytesInColumn:
        return tr("Bytes in");
    case BytesOutColumn:
        return tr("Bytes out");
    case ColumnCount:
        break;
    }
    return {};
}

} // namespace Bulwark::Models
