#include "AppKeysModel.h"

#include "ApiClient.h"
#include "EventStream.h"
#include "wire/Wire.h"

#include <QHash>
#include <QJsonArray>
#include <QLocale>
#include <QSet>

namespace Bulwark::Models {

using namespace Qt::StringLiterals;

namespace {
QDateTime parseTime(const QJsonValue &value)
{
    return QDateTime::fromString(value.toString(), Qt::ISODateWithMs);
}

QString shortTime(const QDateTime &time)
{
    return QLocale().toString(time.toLocalTime(), QLocale::ShortFormat);
}
} // namespace

AppKeysModel::AppKeysModel(QObject *parent)
    : KeyedTableModel(parent)
{}

AppKeysModel::~AppKeysModel() = default;

void AppKeysModel::setSource(ApiClient *client, EventStream *events)
{
    disconnect(m_resyncConnection);
    ++m_generation;
    m_client = client;
    m_requestRunning = false;
    m_refreshAgain = false;
    m_loaded = false;
    setKeys({});
    if (events)
        m_resyncConnection =
            connect(events, &EventStream::resynchronized, this, &AppKeysModel::refresh);
    if (client)
        refresh();
}

void AppKeysModel::refresh()
{
    if (!m_client)
        return;
    if (m_requestRunning) {
        m_refreshAgain = true;
        return;
    }
    m_requestRunning = true;
    const quint64 generation = m_generation;
    m_client->get(Wire::ApiPrefix + Wire::ApplicationKeys, this,
                  [this, generation](const ApiResult &result) {
                      if (generation != m_generation)
                          return;
                      m_requestRunning = false;
                      if (result.isOk()) {
                          setKeys(parseList(result.body));
                          m_loaded = true;
                          Q_EMIT loaded();
                      } else {
                          Q_EMIT loadFailed(result.errorMessage);
                      }
                      if (m_refreshAgain) {
                          m_refreshAgain = false;
                          refresh();
                      }
                  });
}

QList<AppKeySummary> AppKeysModel::parseList(const QJsonDocument &document)
{
    QList<AppKeySummary> keys;
    const QJsonArray items = document.object().value(Wire::Items).toArray();
    keys.reserve(items.size());
    for (const QJsonValue &item : items) {
        const QJsonObject object = item.toObject();
        AppKeySummary key;
        key.name = object.value(Wire::Name).toString();
        if (key.name.isEmpty())
            continue;
        key.description = object.value(Wire::Description).toString();
        key.user = object.value(Wire::User).toString();
        key.expires = parseTime(object.value(Wire::AppKeyExpires));
        key.lastUsed = parseTime(object.value(Wire::AppKeyLastUsed));
        key.lastAddress = object.value(Wire::AppKeyLastAddress).toString();
        for (const QJsonValue &address : object.value(Wire::AppKeyIpAllowlist).toArray())
            key.ipAllowlist.append(address.toString());
        key.enabled = object.value(Wire::Enabled).toBool(true);
        key.expired = object.value(Wire::AppKeyExpired).toBool(false);
        keys.append(key);
    }
    return keys;
}

void AppKeysModel::setKeys(const QList<AppKeySummary> &keys)
{
    replaceRows(keys);
}

int AppKeysModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QString AppKeysModel::stateText(const AppKeySummary &key) const
{
    if (key.expired)
        return tr("Expired");
    if (!key.enabled)
        return tr("Disabled");
    return tr("Active");
}

QVariant AppKeysModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const AppKeySummary &key = m_rows.at(index.row());
    if (role == NameRole)
        return key.name;
    if (role == SortRole) {
        if (index.column() == ExpiresColumn)
            return key.expires;
        if (index.column() == LastUsedColumn)
            return key.lastUsed;
        return data(index, Qt::DisplayRole);
    }
    if (role == Qt::ToolTipRole) {
        switch (Column(index.column())) {
        case NameColumn:
            return key.description.isEmpty() ? key.name : key.description;
        case LastUsedColumn:
            if (!key.lastUsed.isValid())
                return tr("This key has not been used yet.");
            return tr("Last used at %1 from %2")
                .arg(key.lastUsed.toString(Qt::ISODate), key.lastAddress);
        case AddressesColumn:
            return key.ipAllowlist.isEmpty()
                       ? tr("The key is accepted from any address.")
                       : tr("The key is accepted only from: %1").arg(key.ipAllowlist.join(u", "_s));
        default:
            return data(index, Qt::DisplayRole);
        }
    }
    if (role != Qt::DisplayRole)
        return {};
    switch (Column(index.column())) {
    case NameColumn:
        return key.name;
    case UserColumn:
        return key.user;
    case ExpiresColumn:
        return key.expires.isValid() ? shortTime(key.expires) : QString();
    case LastUsedColumn:
        if (!key.lastUsed.isValid())
            return tr("Never");
        return key.lastAddress.isEmpty()
                   ? shortTime(key.lastUsed)
                   : tr("%1 from %2").arg(shortTime(key.lastUsed), key.lastAddress);
    case AddressesColumn:
        return key.ipAllowlist.isEmpty() ? tr("Any") : key.ipAllowlist.join(u", "_s);
    case StateColumn:
        return stateText(key);
    case ColumnCount:
        break;
    }
    return {};
}

QVariant AppKeysModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return QAbstractTableModel::headerData(section, orientation, role);
    switch (Column(section)) {
    case NameColumn:
        return tr("Name");
    case UserColumn:
        return tr("User");
    case ExpiresColumn:
        return tr("Expires");
    case LastUsedColumn:
        return tr("Last used");
    case AddressesColumn:
        return tr("Allowed addresses");
    case StateColumn:
        return tr("State");
    case ColumnCount:
        break;
    }
    return {};
}

} // namespace Bulwark::Models
