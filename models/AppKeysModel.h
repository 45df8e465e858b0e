// The application keys the logged-in user may see (administrators: all) as
// a table (Name, User, Expires, Last used, Addresses, State). The server
// sends no live events for keys, so the model reloads after the console's
// own changes, on request, and after the event stream had a gap.
#pragma once

#include "KeyedTableModel.h"

#include <QDateTime>
#include <QJsonDocument>
#include <QPointer>
#include <QStringList>

namespace Bulwark::Models {

class ApiClient;
class EventStream;

struct AppKeySummary
{
    QString name;
    QString description;
    QString user;
    QDateTime expires;
    QDateTime lastUsed; // invalid before the first use
    QString lastAddress;
    QStringList ipAllowlist; // empty: any address
    bool enabled = true;
    bool expired = false;

    friend bool operator==(const AppKeySummary &, const AppKeySummary &) = default;
};

class AppKeysModel final : public KeyedTableModel<AppKeySummary>
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(AppKeysModel)

public:
    enum Column
    {
        NameColumn,
        UserColumn,
        ExpiresColumn,
        LastUsedColumn,
        AddressesColumn,
        StateColumn,
        ColumnCount
    };
    enum Role
    {
        NameRole = Qt::UserRole + 1, // the key's name, whatever the column
        SortRole,                    // raw values (QDateTime) for proxies
    };

    explicit AppKeysModel(QObject *parent = nullptr);
    ~AppKeysModel() override;

    // Switches to another server (or none); clears and reloads.
    void setSource(ApiClient *client, EventStream *events);
    // Reloads; a request while one runs is coalesced into one more.
    void refresh();

    // Replaces the content, touching only rows that changed (keeps selections).
    void setKeys(const QList<AppKeySummary> &keys);
    [[nodiscard]] static QList<AppKeySummary> parseList(const QJsonDocument &document);

    [[nodiscard]] bool isLoaded() const { return m_loaded; }
    [[nodiscard]] const AppKeySummary &keyAt(int row) const { return m_rows.at(row); }

    [[nodiscard]] int columnCount(const QModelIndex &parent = {}) const override;
    [[nodiscard]] QVariant data(const QModelIndex &index, int role) const override;
    [[nodiscard]] QVariant headerData(int section, Qt::Orientation orientation,
                                      int role) const override;

Q_SIGNALS:
    void loaded();
    void loadFailed(const QString &message);

private:
    [[nodiscard]] QString rowKey(const AppKeySummary &row) const override { return row.name; }

    [[nodiscard]] QString stateText(const AppKeySummary &key) const;

    QPointer<ApiClient> m_client;
    QMetaObject::Connection m_resyncConnection;
    quint64 m_generation = 0;
    bool m_requestRunning = false;
    bool m_refreshAgain = false;
    bool m_loaded = false;
};

} // namespace Bulwark::Models
