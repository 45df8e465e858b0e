#include "LivePropertiesModel.h"

#include "ApiClient.h"
#include "EventStream.h"
#include "wire/Wire.h"

#include <QJsonArray>
#include <QJsonObject>
#include <QLocale>

#include <algorithm>

namespace Bulwark::Models {

using namespace Qt::StringLiterals;

namespace {
constexpr int DefaultBatchIntervalMs = 150;

QDateTime parseTime(const QString &text)
{
    return text.isEmpty() ? QDateTime() : QDateTime::fromString(text, Qt::ISODateWithMs);
}
} // namespace

LivePropertiesModel::LivePropertiesModel(QObject *parent)
    : QAbstractTableModel(parent)
{
    m_batchTimer.setSingleShot(true);
    m_batchTimer.setInterval(DefaultBatchIntervalMs);
    connect(&m_batchTimer, &QTimer::timeout, this, &LivePropertiesModel::applyPending);
}

LivePropertiesModel::~LivePropertiesModel() = default;

void LivePropertiesModel::setBatchInterval(int milliseconds)
{
    m_batchTimer.setInterval(milliseconds);
}

void LivePropertiesModel::setSource(ApiClient *client, EventStream *events)
{
    disconnect(m_eventConnection);
    disconnect(m_resyncConnection);
    m_client = client;
    m_events = events;
    if (events) {
        m_eventConnection =
            connect(events, &EventStream::eventReceived, this, &LivePropertiesModel::handleEvent);
        m_resyncConnection =
            connect(events, &EventStream::resynchronized, this, &LivePropertiesModel::refresh);
    }
    m_thing.clear();
    setThing({});
}

void LivePropertiesModel::setThing(const QString &thing)
{
    if (thing == m_thing && !thing.isEmpty())
        return;
    ++m_generation;
    m_thing = thing;
    m_requestRunning = false;
    m_refreshAgain = false;
    m_loaded = false;
    m_pending.clear();
    m_batchTimer.stop();
    clearRows();
    refresh();
}

void LivePropertiesModel::clearRows()
{
    if (m_rows.isEmpty())
        return;
    beginRemoveRows({}, 0, int(m_rows.size()) - 1);
    m_rows.clear();
    m_rowOf.clear();
    endRemoveRows();
}

void LivePropertiesModel::refresh()
{
    if (!m_client || m_thing.isEmpty())
        return;
    if (m_requestRunning) {
        m_refreshAgain = true;
        return;
    }
    m_requestRunning = true;
    const quint64 generation = m_generation;
    m_client->get(ApiClient::entityPath(Wire::Things, m_thing) + u"/Properties"_s, this,
                  [this, generation](const ApiResult &result) {
                      if (generation != m_generation)
                          return;
                      m_requestRunning = false;
                      if (result.isOk()) {
                          // Values that arrived live meanwhile are newer.
                          setProperties(parseProperties(result.body));
                          m_loaded = true;
                          applyPending();
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

void LivePropertiesModel::handleEvent(const LiveEvent &event)
{
    if (m_thing.isEmpty())
        return;
    if (event.type == Wire::EventPropertyChanged && event.thing == m_thing) {
        Pending &pending = m_pending[event.property];
        pending.value = event.value;
        pending.time = event.time;
        pending.quality = event.raw.value(Wire::Quality).toString();
        if (!m_batchTimer.isActive())
            m_batchTimer.start();
        return;
    }
    if (event.collection != Wire::Things || event.name != m_thing)
        return;
    if (event.type == Wire::EventEntityUpdated) {
        refresh(); // properties may have been added, removed or retyped
    } else if (event.type == Wire::EventEntityDeleted) {
        ++m_generation;           // drops the answer of a load in flight...
        m_requestRunning = false; // ...so a later refresh() must not wait for it
        m_refreshAgain = false;
        m_pending.clear();
        clearRows();
        Q_EMIT loadFailed(tr("The Thing “%1” was deleted.").arg(m_thing));
    }
}

void LivePropertiesModel::applyPending()
{
    m_batchTimer.stop();
    if (m_pending.isEmpty() || !m_loaded)
        return; // before the first answer, pending values wait for it
    QList<int> changed;
    changed.reserve(m_pending.size());
    bool unknown = false;
    for (auto it = m_pending.cbegin(); it != m_pending.cend(); ++it) {
        const int row = m_rowOf.value(it.key(), -1);
        if (row < 0) {
            unknown = true;
            continue;
        }
        LiveProperty &property = m_rows[row];
        property.value = it->value;
        property.time = parseTime(it->time);
        property.quality = it->quality.isEmpty() ? QString(Wire::QualityGood) : it->quality;
        changed.append(row);
    }
    m_pending.clear();
    std::sort(changed.begin(), changed.end());
    for (qsizetype i = 0; i < changed.size();) {
        const int first = changed.at(i);
        int last = first;
        ++i;
        while (i < changed.size() && changed.at(i) == last + 1) {
            ++last;
            ++i;
        }
        Q_EMIT dataChanged(index(first, ValueColumn), index(last, QualityColumn));
    }
    if (unknown)
        refresh(); // a property this list does not have yet
}

QList<LiveProperty> LivePropertiesModel::parseProperties(const QJsonDocument &document)
{
    QList<LiveProperty> properties;
    const QJsonArray items = document.object().value(Wire::Items).toArray();
    properties.reserve(items.size());
    for (const QJsonValue &item : items) {
        const QJsonObject object = item.toObject();
        LiveProperty property;
        property.name = object.value(Wire::Name).toString();
        if (property.name.isEmpty())
            continue;
        property.baseType = object.value(Wire::BaseType).toString();
        property.value = object.value(Wire::Value);
        if (property.value.isUndefined())
            property.value = QJsonValue::Null;
        property.time = parseTime(object.value(Wire::Time).toString());
        property.quality = object.value(Wire::Quality).toString();
        properties.append(property);
    }
    return properties;
}

void LivePropertiesModel::setProperties(const QList<LiveProperty> &properties)
{
    bool sameNames = properties.size() == m_rows.size();
    for (qsizetype i = 0; sameNames && i < properties.size(); ++i)
        sameNames = properties.at(i).name == m_rows.at(i).name;
    if (!sameNames) {
        clearRows();
        if (properties.isEmpty())
            return;
        beginInsertRows({}, 0, int(properties.size()) - 1);
        m_rows = properties;
        for (int row = 0; row < m_rows.size(); ++row)
            m_rowOf.insert(m_rows.at(row).name, row);
        endInsertRows();
        return;
    }
    m_rows = properties;
    if (!m_rows.isEmpty())
        Q_EMIT dataChanged(index(0, 0), index(int(m_rows.size()) - 1, ColumnCount - 1));
}

QString LivePropertiesModel::displayValue(const QJsonValue &value)
{
    switch (value.type()) {
    case QJsonValue::Null:
    case QJsonValue::Undefined:
        return u"—"_s;
    case QJsonValue::String:
        return value.toString();
    case QJsonValue::Bool:
        return value.toBool() ? u"true"_s : u"false"_s;
    case QJsonValue::Double:
    case QJsonValue::Array:
    case QJsonValue::Object:
        break;
    }
    // Compact JSON, as the server sent it (numbers keep their precision).
    const QByteArray text = QJsonDocument(QJsonArray{value}).toJson(QJsonDocument::Compact);
    return QString::fromUtf8(text.mid(1, text.size() - 2));
}

int LivePropertiesModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_rows.size());
}

int LivePropertiesModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant LivePropertiesModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const LiveProperty &property = m_rows.at(index.row());
    switch (role) {
    case NameRole:
        return property.name;
    case ValueRole:
        return QVariant::fromValue(property.value);
    case BaseTypeRole:
        return property.baseType;
    case SortRole:
        if (index.column() == TimeColumn)
            return property.time;
        return data(index, Qt::DisplayRole);
    case Qt::ToolTipRole:
        if (index.column() == TimeColumn)
            return property.time.isValid() ? property.time.toString(Qt::ISODateWithMs)
                                           : tr("Never written");
        if (index.column() == ValueColumn && property.value.isNull())
            return tr("No value");
        if (index.column() == ValueColumn)
            return displayValue(property.value);
        return {};
    case Qt::DisplayRole:
        switch (Column(index.column())) {
        case NameColumn:
            return property.name;
        case ValueColumn:
            return displayValue(property.value);
        case TypeColumn:
            return property.baseType;
        case TimeColumn: {
            if (!property.time.isValid())
                return u"—"_s;
            // Today's times need no date; the seconds matter for live values.
            const QDateTime local = property.time.toLocalTime();
            const QString clock = local.time().toString(u"HH:mm:ss"_s);
            if (local.date() == QDate::currentDate())
                return clock;
            return QString(QLocale().toString(local.date(), QLocale::ShortFormat) + u' ' + clock);
        }
        case QualityColumn:
            if (property.quality == Wire::QualityGood)
                return tr("good");
            if (property.quality == Wire::QualityUncertain)
                return tr("uncertain");
            if (property.quality == Wire::QualityBad)
                return tr("bad");
            return property.quality;
        case ColumnCount:
            break;
        }
        return {};
    default:
        return {};
    }
}

QVariant LivePropertiesModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return QAbstractTableModel::headerData(section, orientation, role);
    switch (Column(section)) {
    case NameColumn:
        return tr("Property");
    case ValueColumn:
        return tr("Value");
    case TypeColumn:
        return tr("Type");
    case TimeColumn:
        return tr("Updated");
    case QualityColumn:
        return tr("Quality");
    case ColumnCount:
        break;
    }
    return {};
}

} // namespace Bulwark::Models
