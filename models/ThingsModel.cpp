#include "ThingsModel.h"

#include "ApiClient.h"
#include "EventStream.h"
#include "wire/Wire.h"

#include <QJsonArray>
#include <QLocale>
#include <QSet>

namespace Bulwark::Models {

using namespace Qt::StringLiterals;

namespace {
// Four batches a second keeps the view current without re-rendering it on
// every event of a busy server.
constexpr int BatchIntervalMs = 250;
} // namespace

ThingsModel::ThingsModel(QObject *parent)
    : KeyedTableModel(parent)
{
    m_batchTimer.setSingleShot(true);
    m_batchTimer.setInterval(BatchIntervalMs);
    connect(&m_batchTimer, &QTimer::timeout, this, &ThingsModel::refresh);
}

ThingsModel::~ThingsModel() = default;

void ThingsModel::setSource(ApiClient *client, EventStream *events)
{
    disconnect(m_eventConnection);
    disconnect(m_resyncConnection);
    ++m_generation;
    m_client = client;
    m_events = events;
    m_requestRunning = false;
    m_refreshAgain = false;
    m_loaded = false;
    m_batchTimer.stop();
    setThings({});
    if (events) {
        m_eventConnection = connect(events, &EventStream::eventReceived, this,
                                    [this](const LiveEvent &event) { applyEvent(event); });
        m_resyncConnection =
            connect(events, &EventStream::resynchronized, this, &ThingsModel::scheduleRefresh);
    }
    if (client)
        refresh();
}

void ThingsModel::applyEvent(const LiveEvent &event)
{
    const bool isEntityEvent = event.type == Wire::EventEntityCreated ||
                               event.type == Wire::EventEntityUpdated ||
                               event.type == Wire::EventEntityDeleted;
    if (isEntityEvent && event.collection == Wire::Things)
        scheduleRefresh();
}

void ThingsModel::scheduleRefresh()
{
    if (!m_batchTimer.isActive())
        m_batchTimer.start();
}

void ThingsModel::refresh()
{
    if (!m_client)
        return;
    if (m_requestRunning) {
        m_refreshAgain = true;
        return;
    }
    m_requestRunning = true;
    const quint64 generation = m_generation;
    m_client->get(Wire::ApiPrefix + Wire::Things, this,
                  [this, generation](const ApiResult &result) {
                      if (generation != m_generation)
                          return;
                      m_requestRunning = false;
                      if (result.isOk()) {
                          setThings(parseList(result.body));
                          m_loaded = true;
                          Q_EMIT loaded();
                      } else {
                          Q_EMIT loadFailed(result.errorMessage);
                      }
                      if (m_refreshAgain) {
                          m_refreshAgain = false;
                          scheduleRefresh();
                      }
                  });
}

QList<ThingSummary> ThingsModel::parseList(const QJsonDocument &document)
{
    QList<ThingSummary> things;
    const QJsonArray items = document.object().value(Wire::Items).toArray();
    things.reserve(items.size());
    for (const QJsonValue &item : items) {
        const QJsonObject object = item.toObject();
        ThingSummary thing;
        thing.name = object.value(Wire::Name).toString();
        if (thing.name.isEmpty())
            continue;
        thing.description = object.value(Wire::Description).toString();
        thing.templateName = object.value(Wire::Template).toString();
        thing.created = QDateTime::fromString(object.value(Wire::Created).toString(), Qt::ISODate);
        thing.modified =
            QDateTime::fromString(object.value(Wire::Modified).toString(), Qt::ISODate);
        things.append(thing);
    }
    return things;
}

void ThingsModel::setThings(const QList<ThingSummary> &things)
{
    replaceRows(things);
}

int ThingsModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant ThingsModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const ThingSummary &thing = m_rows.at(index.row());
    if (role == NameRole)
        return thing.name;
    if (role == SortRole && index.column() == ModifiedColumn)
        return thing.modified;
    if (role != Qt::DisplayRole && role != Qt::ToolTipRole && role != SortRole)
        return {};
    switch (Column(index.column())) {
    case NameColumn:
        return thing.name;
    case DescriptionColumn:
        return thing.description;
    case TemplateColumn:
        return thing.templateName;
    case ModifiedColumn:
        if (role == Qt::ToolTipRole)
            return thing.modified.toString(Qt::ISODate);
        return QLocale().toString(thing.modified.toLocalTime(), QLocale::ShortFormat);
    case ColumnCount:
        break;
    }
    return {};
}

QVariant ThingsModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return QAbstractTableModel::headerData(section, orientation, role);
    switch (Column(section)) {
    case NameColumn:
        return tr("Name");
    case DescriptionColumn:
        return tr("Description");
    case TemplateColumn:
        return tr("Template");
    case ModifiedColumn:
        return tr("Modified");
    case ColumnCount:
        break;
    }
    return {};
}

} // namespace Bulwark::Models
