// The audit log as a table, newest first: one page of GET /api/Audit for the
// server-side filter (time range, actor, category, outcome, entity), "load
// more" for the next pages, and the newest records fetched in coalesced
// batches while live events show that the server is changing. Verify()
// asks the server to walk the whole chain.
#pragma once

#include <QAbstractTableModel>
#include <QDateTime>
#include <QJsonObject>
#include <QPointer>
#include <QTimer>

namespace Bulwark::Models {

class ApiClient;
class EventStream;

struct AuditFilter
{
    QDateTime from; // invalid: no bound
    QDateTime to;
    QString actor;
    QString category;
    QString outcome;
    QString entity;

    // The query string for GET /api/Audit (without offset and limit).
    [[nodiscard]] QString query() const;
    friend bool operator==(const AuditFilter &, const AuditFilter &) = default;
};

struct AuditRecord
{
    qint64 id = 0;
    QDateTime time;
    QString actor;
    QString source;
    QString category;
    QString action;
    QString entity;
    QString outcome;
    QJsonObject details;
    QString previousHash;
    QString hash;

    [[nodiscard]] static AuditRecord fromJson(const QJsonObject &object);
};

// The answer of GET /api/Audit/Verify.
struct AuditVerification
{
    bool intact = false;
    qint64 checked = 0;
    qint64 firstBadId = 0;
    QString message; // the server's own finding

    // One sentence for the operator.
    [[nodiscard]] QString sentence() const;
};

class AuditModel final : public QAbstractTableModel
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(AuditModel)

public:
    enum Column
    {
        IdColumn,
        TimeColumn,
        ActorColumn,
        SourceColumn,
        CategoryColumn,
        ActionColumn,
        EntityColumn,
        OutcomeColumn,
        ColumnCount
    };
    enum Role
    {
        IdRole = Qt::UserRole + 1, // qint64
        OutcomeRole,               // the wire value
        SortRole,
    };

    // Categories and outcomes the server accepts as filters.
    [[nodiscard]] static QStringList categories();
    [[nodiscard]] static QStringList outcomes();

    explicit AuditModel(QObject *parent = nullptr);
    ~AuditModel() override;

    void setSource(ApiClient *client, EventStream *events);
    void setPageSize(int records); // 1–1000
    // Replaces the filter and reloads the first page.
    void setFilter(const AuditFilter &filter);
    [[nodiscard]] const AuditFilter &filter() const { return m_filter; }
    // Reloads the first page with the current filter.
    void reload();
    // Appends the next page.
    void loadMore();
    // Prepends records newer than the newest shown (coalesced).
    void fetchNewer();
    void verifyChain();

    [[nodiscard]] bool isLoaded() const { return m_loaded; }
    [[nodiscard]] bool isLoading() const { return m_requestRunning; }
    [[nodiscard]] bool canLoadMore() const;
    [[nodiscard]] qint64 total() const { return m_total; }
    [[nodiscard]] const AuditRecord &recordAt(int row) const { return m_records.at(row); }

    [[nodiscard]] int rowCount(const QModelIndex &parent = {}) const override;
    [[nodiscard]] int columnCount(const QModelIndex &parent = {}) const override;
    [[nodiscard]] QVariant data(const QModelIndex &index, int role) const override;
    [[nodiscard]] QVariant headerData(int section, Qt::Orientation orientation,
                                      int role) const override;

Q_SIGNALS:
    void loaded();
    void loadFailed(const QString &message);
    void verified(const Bulwark::Models::AuditVerification &result);
    void verifyFailed(const QString &message);

private:
    enum class Fetch
    {
        Replace,
        Append,
        Newer
    };
    void fetch(Fetch kind);
    void applyPage(Fetch kind, const QJsonObject &page);

    QList<AuditRecord> m_records;
    AuditFilter m_filter;
    QPointer<ApiClient> m_client;
    QPointer<EventStream> m_events;
    QMetaObject::Connection m_eventConnection;
    QMetaObject::Connection m_resyncConnection;
    QTimer m_newerTimer;
    quint64 m_generation = 0;
    qint64 m_total = 0;
    int m_pageSize = 100;
    bool m_requestRunning = false;
    bool m_newerAgain = false;
    bool m_loaded = false;
};

} // namespace Bulwark::Models

Q_DECLARE_METATYPE(Bulwark::Models::AuditVerification)
