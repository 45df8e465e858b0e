// The Things of one server as a table (Name, Description, Template,
// Modified). Loads GET /api/Things and, while live events flow, reloads in
// coalesced batches (at most a few times a second) so that thousands of
// changes per second never flood the view.
#pragma once

#include "KeyedTableModel.h"

#include <QDateTime>
#include <QJsonDocument>
#include <QPointer>
#include <QTimer>

namespace Bulwark::Models {

class ApiClient;
class EventStream;
struct LiveEvent;

struct ThingSummary
{
    QString name;
    QString description;
    QString templateName;
    QDateTime created;
    QDateTime modified;

    friend bool operator==(const ThingSummary &, const ThingSummary &) = default;
};

class ThingsModel final : public KeyedTableModel<ThingSummary>
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ThingsModel)

public:
    enum Column
    {
        NameColumn,
        DescriptionColumn,
        TemplateColumn,
        ModifiedColumn,
        ColumnCount
    };
    enum Role
    {
        NameRole = Qt::UserRole + 1, // the Thing's name, whatever the column
        SortRole,                    // raw values (QDateTime for Modified) for proxies
    };

    explicit ThingsModel(QObject *parent = nullptr);
    ~ThingsModel() override;

    // Switches to another server (or none); clears and reloads.
    void setSource(ApiClient *client, EventStream *events);

    // Reloads at once; further requests while one is running are coalesced.
    void refresh();
    // Reloads soon, batching with any other change that arrives meanwhile.
    void scheduleRefresh();

    // Replaces the content, touching only rows that changed (keeps selections).
    void setThings(const QList<ThingSummary> &things);
    [[nodiscard]] static QList<ThingSummary> parseList(const QJsonDocument &document);

    [[nodiscard]] bool isLoaded() const { return m_loaded; }
    [[nodiscard]] const ThingSummary &thingAt(int row) const { return m_rows.at(row); }

    [[nodiscard]] int columnCount(const QModelIndex &parent = {}) const override;
    [[nodiscard]] QVariant data(const QModelIndex &index, int role) const override;
    [[nodiscard]] QVariant headerData(int section, Qt::Orientation orientation,
                                      int role) const override;

Q_SIGNALS:
    void loaded();
    void loadFailed(const QString &message);

private:
    [[nodiscard]] QString rowKey(const ThingSummary &row) const override { return row.name; }

    void applyEvent(const LiveEvent &event);

    QPointer<ApiClient> m_client;
    QPointer<EventStream> m_events;
    QMetaObject::Connection m_eventConnection;
    QMetaObject::Connection m_resyncConnection;
    QTimer m_batchTimer;
    quint64 m_generation = 0; // drops answers from a previous source
    bool m_requestRunning = false;
    bool m_refreshAgain = false;
    bool m_loaded = false;
};

} // namespace Bulwark::Models
