// Every device session the server holds, one row per connected Thing: where
// it connects from, since when, its last message, messages per second and
// the traffic counters of its session. Loads GET /api/Connections, follows
// connectionChanged, propertyChanged and thingEvent from the live-event
// stream, and refreshes the counters every few seconds.
//
// Built for 10,000 devices that each change once per second: live events only
// go into a pending hash keyed by Thing (one entry per Thing, however many
// events), and a timer applies them a few times a second with one
// dataChanged per contiguous run of rows and grouped inserts and removals.
// Rows are found through a hash (Thing → row); the model never sorts: a
// QSortFilterProxyModel does that, throttled, in the view.
#pragma once

#include <QAbstractTableModel>
#include <QDateTime>
#include <QElapsedTimer>
#include <QHash>
#include <QJsonDocument>
#include <QPointer>
#include <QTimer>

namespace Bulwark::Models {

class ApiClient;
class EventStream;
struct LiveEvent;

// One connected Thing as GET /api/Connections reports it. Counters are those
// of the device session that speaks for the Thing; -1 when the server did
// not report them (an older server).
struct DeviceConnection
{
    QString thing;
    QString remoteAddress;
    QString user;
    QDateTime since;
    QDateTime lastMessage;
    qint64 messagesIn = -1;
    qint64 messagesOut = -1;
    qint64 bytesIn = -1;
    qint64 bytesOut = -1;
    quint64 session = 0;

    [[nodiscard]] bool hasCounters() const { return messagesIn >= 0; }
};

class DeviceMonitorModel final : public QAbstractTableModel
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(DeviceMonitorModel)

public:
    enum Column
    {
        ThingColumn,
        RemoteAddressColumn,
        UserColumn,
        SinceColumn,
        LastMessageColumn,
        MessagesPerSecondColumn,
        MessagesInColumn,
        MessagesOutColumn,
        BytesInColumn,
        BytesOutColumn,
        ColumnCount
    };
    enum Role
    {
        ThingRole = Qt::UserRole + 1, // the Thing's name, whatever the column
        SortRole,                     // raw values (QDateTime, numbers) for proxies
        FilterRole,                   // Thing, address and user in one string
    };

    explicit DeviceMonitorModel(QObject *parent = nullptr);
    ~DeviceMonitorModel() override;

    // Switches to another server (or none); clears and loads.
    void setSource(ApiClient *client, EventStream *events);

    // GET /api/Connections now, unless one is still running (then it is not
    // started twice).
    void refresh();
    void setRefreshInterval(int milliseconds);
    void setBatchInterval(int milliseconds);

    // The entry point of live events (EventStream::eventReceived is connected
    // to it): cheap, never emits a model signal; the batch timer applies.
    void handleEvent(const LiveEvent &event);
    // Applies what is pending at once (the batch timer calls this).
    void applyPending();
    [[nodiscard]] int pendingCount() const { return int(m_pending.size()); }

    // Makes the model show exactly these connections (as a GET answer does),
    // keeping rows that stayed and the rates measured for them.
    void applySnapshot(const QList<DeviceConnection> &connections);
    [[nodiscard]] static QList<DeviceConnection> parseConnections(const QJsonDocument &document);

    [[nodiscard]] bool isLoaded() const { return m_loaded; }
    [[nodiscard]] QString lastError() const { return m_lastError; }
    [[nodiscard]] int rowOf(const QString &thing) const { return m_rowOf.value(thing, -1); }
    [[nodiscard]] const DeviceConnection &connectionAt(int row) const
    {
        return m_rows.at(row).connection;
    }
    [[nodiscard]] double messagesPerSecondAt(int row) const { return m_rows.at(row).rate; }

    [[nodiscard]] int rowCount(const QModelIndex &parent = {}) const override;
    [[nodiscard]] int columnCount(const QModelIndex &parent = {}) const override;
    [[nodiscard]] QVariant data(const QModelIndex &index, int role) const override;
    [[nodiscard]] QVariant headerData(int section, Qt::Orientation orientation,
                                      int role) const override;

Q_SIGNALS:
    void loaded();
    void loadFailed(const QString &message);
    // A batch of live changes was applied (for throttled re-sorting).
    void batchApplied();

private:
    // What the live events since the last batch said about one Thing.
    struct Pending
    {
        enum class Link : quint8
        {
            Unchanged,
            Connected,
            Disconnected
        };
        Link link = Link::Unchanged;
        int messages = 0;
        QString time;          // newest message time seen (ISO 8601, UTC)
        QString since;         // connectionChanged
        QString remoteAddress; // connectionChanged
    };
    struct Row
    {
        DeviceConnection connection;
        double rate = 0;              // messages per second
        qint64 sampleMessages = -1;   // messagesIn at the last counter sample
        qint64 sampleAtMs = 0;        // m_clock time of that sample
        qint64 eventsSinceSample = 0; // live messages seen since
        QString lastEventTime;        // the last live event's time, to count messages once
    };

    // The rows of a snapshot asked for when m_eventSerial was `serialAtSend`:
    // Things with a connectionChanged after that keep what the event said.
    void reconcile(const QList<DeviceConnection> &connections, quint64 serialAtSend);
    // Signals for one batch: dataChanged per run of m_changed (row << 16 |
    // column mask), then removals of m_removed in runs, then one insert.
    void emitChanges(QList<Row> &added);
    void updateRate(Row &row, qint64 nowMs);
    void rebuildIndexFrom(int firstRow);
    void clearRows();

    QList<Row> m_rows;
    QHash<QString, int> m_rowOf;
    QHash<QString, Pending> m_pending;
    // Thing → serial of its last connectionChanged, so that a snapshot asked
    // for before that event does not undo it.
    QHash<QString, quint64> m_connectionEventSerial;
    // Scratch lists of a batch, kept to reuse their capacity.
    QList<qint64> m_changed;
    QList<int> m_removed;
    quint64 m_eventSerial = 0;
    QElapsedTimer m_clock;
    QPointer<ApiClient> m_client;
    QPointer<EventStream> m_events;
    QMetaObject::Connection m_eventConnection;
    QMetaObject::Connection m_resyncConnection;
    QTimer m_batchTimer;
    QTimer m_refreshTimer;
    quint64 m_generation = 0; // drops answers from a previous source
    bool m_requestRunning = false;
    bool m_loaded = false;
    QString m_lastError;
};

} // namespace Bulwark::Models
