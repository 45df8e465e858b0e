// The property values of one Thing (GET /api/Things/{n}/Properties: name,
// value, base type, time and quality), kept current from propertyChanged
// events. Changes are batched like the device monitor's: a busy device sends
// many values a second, the view is updated a few times a second.
#pragma once

#include <QAbstractTableModel>
#include <QDateTime>
#include <QHash>
#include <QJsonDocument>
#include <QJsonValue>
#include <QPointer>
#include <QTimer>

namespace Bulwark::Models {

class ApiClient;
class EventStream;
struct LiveEvent;

struct LiveProperty
{
    QString name;
    QString baseType; // STRING, NUMBER, INTEGER, BOOLEAN, DATETIME, JSON, PASSWORD
    QJsonValue value; // null: no value
    QDateTime time;   // invalid: never written
    QString quality;  // good, uncertain, bad; empty when never written
};

class LivePropertiesModel final : public QAbstractTableModel
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(LivePropertiesModel)

public:
    enum Column
    {
        NameColumn,
        ValueColumn,
        TypeColumn,
        TimeColumn,
        QualityColumn,
        ColumnCount
    };
    enum Role
    {
        NameRole = Qt::UserRole + 1, // the property's name, whatever the column
        ValueRole,                   // the QJsonValue
        BaseTypeRole,
        SortRole,
    };

    explicit LivePropertiesModel(QObject *parent = nullptr);
    ~LivePropertiesModel() override;

    void setSource(ApiClient *client, EventStream *events);
    // The Thing whose properties to show; empty: none.
    void setThing(const QString &thing);
    [[nodiscard]] QString thing() const { return m_thing; }
    void refresh();
    void setBatchInterval(int milliseconds);

    // Live events enter here (connected to EventStream::eventReceived).
    void handleEvent(const LiveEvent &event);
    void applyPending();

    void setProperties(const QList<LiveProperty> &properties);
    [[nodiscard]] static QList<LiveProperty> parseProperties(const QJsonDocument &document);
    // A value as a person reads it: strings as they are, numbers and JSON as
    // compact JSON, "—" for no value.
    [[nodiscard]] static QString displayValue(const QJsonValue &value);

    [[nodiscard]] bool isLoaded() const { return m_loaded; }
    [[nodiscard]] int rowOf(const QString &property) const { return m_rowOf.value(property, -1); }
    [[nodiscard]] const LiveProperty &propertyAt(int row) const { return m_rows.at(row); }

    [[nodiscard]] int rowCount(const QModelIndex &parent = {}) const override;
    [[nodiscard]] int columnCount(const QModelIndex &parent = {}) const override;
    [[nodiscard]] QVariant data(const QModelIndex &index, int role) const override;
    [[nodiscard]] QVariant headerData(int section, Qt::Orientation orientation,
                                      int role) const override;

Q_SIGNALS:
    void loaded();
    void loadFailed(const QString &message);

private:
    struct Pending
    {
        QJsonValue value;
        QString time;
        QString quality;
    };

    void clearRows();

    QList<LiveProperty> m_rows;
    QHash<QString, int> m_rowOf;
    QHash<QString, Pending> m_pending;
    QString m_thing;
    QPointer<ApiClient> m_client;
    QPointer<EventStream> m_events;
    QMetaObject::Connection m_eventConnection;
    QMetaObject::Connection m_resyncConnection;
    QTimer m_batchTimer;
    quint64 m_generation = 0;
    bool m_requestRunning = false;
    bool m_refreshAgain = false;
    bool m_loaded = false;
};

} // namespace Bulwark::Models
