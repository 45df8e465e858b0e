#include "OrganizationsModel.h"

#include "ApiClient.h"
#include "EventStream.h"
#include "wire/Wire.h"

#include <QBrush>
#include <QColor>
#include <QFont>
#include <QJsonArray>
#include <QMimeData>

#include <algorithm>
#include <utility>

namespace Bulwark::Models {

using namespace Qt::StringLiterals;

namespace {

// Names are case-sensitive; sort as people read, with a total order.
bool nameLess(const QString &a, const QString &b)
{
    const int c = QString::compare(a, b, Qt::CaseInsensitive);
    return c != 0 ? c < 0 : a < b;
}

QString unitPath(const QString &organization, const QString &unit)
{
    return organization + u'/' + unit;
}

} // namespace

struct OrganizationsModel::Node
{
    QString organization;
    QString unit;
    QString description;
    Node *parent = nullptr; // null for an organization (a root unit)
    std::vector<std::unique_ptr<Node>> children;
};

// One organization as loaded: its units and, for each, its children by name.
struct OrganizationsModel::UnitTree
{
    QString organization;
    QString description;
    QHash<QString, OrganizationUnit> units;
    QHash<QString, QStringList> children; // sorted

    [[nodiscard]] QStringList childrenOf(const QString &unit) const { return children.value(unit); }
};

OrganizationsModel::OrganizationsModel(QObject *parent)
    : QAbstractItemModel(parent)
{
    // A burst of changes (members of many units, say) reloads each
    // organization once.
    m_eventTimer.setSingleShot(true);
    m_eventTimer.setInterval(100);
    connect(&m_eventTimer, &QTimer::timeout, this, &OrganizationsModel::reloadScheduled);
}

OrganizationsModel::~OrganizationsModel() = default;

void OrganizationsModel::setSource(ApiClient *client, EventStream *events)
{
    disconnect(m_eventConnection);
    disconnect(m_resyncConnection);
    ++m_generation;
    m_client = client;
    m_events = events;
    m_loaded = false;
    m_orgRequests.clear();
    m_scheduled.clear();
    m_eventTimer.stop();
    if (!m_organizations.empty()) {
        beginRemoveRows({}, 0, int(m_organizations.size()) - 1);
        m_organizations.clear();
        endRemoveRows();
    }
    m_highlighted.clear();
    if (events) {
        m_eventConnection = connect(events, &EventStream::eventReceived, this,
                                    [this](const LiveEvent &event) { applyEvent(event); });
        m_resyncConnection =
            connect(events, &EventStream::resynchronized, this, &OrganizationsModel::refresh);
    }
    if (client)
        refresh();
}

void OrganizationsModel::setIcons(const QIcon &organization, const QIcon &unit,
                                  const QIcon &highlighted)
{
    m_organizationIcon = organization;
    m_unitIcon = unit;
    m_highlightedIcon = highlighted;
    emitChangedRecursively({});
}

void OrganizationsModel::applyEvent(const LiveEvent &event)
{
    if (event.collection != Wire::Organizations || event.name.isEmpty())
        return;
    if (event.type == Wire::EventEntityDeleted)
        removeOrganization(event.name);
    else if (event.type == Wire::EventEntityCreated || event.type == Wire::EventEntityUpdated) {
        m_scheduled.insert(event.name);
        if (!m_eventTimer.isActive())
            m_eventTimer.start();
    }
}

void OrganizationsModel::reloadScheduled()
{
    const QSet<QString> organizations = std::exchange(m_scheduled, {});
    for (const QString &organization : organizations)
        reloadOrganization(organization);
}

void OrganizationsModel::refresh()
{
    if (!m_client)
        return;
    const quint64 generation = m_generation;
    const quint64 request = ++m_requestCounter;
    m_listRequest = request;
    m_client->get(Wire::ApiPrefix + Wire::Organizations, this,
                  [this, generation, request](const ApiResult &result) {
                      if (generation != m_generation || request != m_listRequest)
                          return;
                      if (!result.isOk()) {
                          Q_EMIT loadFailed(result.errorMessage, result.httpStatus);
                          return;
                      }
                      QList<UnitTree> trees;
                      const QJsonArray items = result.body.object().value(Wire::Items).toArray();
                      for (const QJsonValue &item : items) {
                          UnitTree tree = parseOrganization(item.toObject());
                          if (!tree.organization.isEmpty())
                              trees.append(tree);
                      }
                      // An organization reloaded alone after this list was
                      // asked for is newer than the list: keep it as it is.
                      QList<UnitTree> current;
                      for (const UnitTree &tree : std::as_const(trees)) {
                          if (m_orgRequests.value(tree.organization) < request)
                              current.append(tree);
                      }
                      QSet<QString> listed;
                      for (const UnitTree &tree : std::as_const(trees))
                          listed.insert(tree.organization);
                      for (const QString &organization : organizations()) {
                          if (!listed.contains(organization) &&
                              m_orgRequests.value(organization) < request)
                              removeOrganization(organization);
                      }
                      applyOrganizationList(current);
                      m_loaded = true;
                      Q_EMIT loaded();
                  });
}

void OrganizationsModel::reloadOrganization(const QString &organization)
{
    if (!m_client || organization.isEmpty())
        return;
    const quint64 generation = m_generation;
    const quint64 request = ++m_requestCounter;
    m_orgRequests.insert(organization, request);
    m_client->get(ApiClient::entityPath(Wire::Organizations, organization), this,
                  [this, generation, request, organization](const ApiResult &result) {
                      if (generation != m_generation ||
                          m_orgRequests.value(organization) != request)
                          return;
                      if (result.httpStatus == 404) {
                          removeOrganization(organization);
                          return;
                      }
                      if (!result.isOk()) {
                          Q_EMIT loadFailed(result.errorMessage, result.httpStatus);
                          return;
                      }
                      const UnitTree tree = parseOrganization(result.body.object());
                      if (tree.organization == organization)
                          applyOrganization(tree);
                      Q_EMIT loaded();
                  });
}

OrganizationsModel::UnitTree OrganizationsModel::parseOrganization(const QJsonObject &object)
{
    UnitTree tree;
    tree.organization = object.value(Wire::Name).toString();
    tree.description = object.value(Wire::Description).toString();
    const QJsonArray units = object.value(Wire::Units).toArray();
    for (const QJsonValue &value : units) {
        const QJsonObject u = value.toObject();
        OrganizationUnit unit{u.value(Wire::Name).toString(), u.value(Wire::Description).toString(),
                              u.value(Wire::Parent).toString()};
        if (unit.name.isEmpty())
            continue;
        tree.units.insert(unit.name, unit);
    }
    // Only units that lead up to the root are shown (the server guarantees it).
    for (const OrganizationUnit &unit : std::as_const(tree.units)) {
        if (!unit.parent.isEmpty() && tree.units.contains(unit.parent))
            tree.children[unit.parent].append(unit.name);
    }
    for (QStringList &list : tree.children)
        std::sort(list.begin(), list.end(), nameLess);
    if (tree.units.contains(tree.organization))
        tree.description = tree.units.value(tree.organization).description;
    return tree;
}

void OrganizationsModel::applyOrganizationList(const QList<UnitTree> &trees)
{
    for (const UnitTree &tree : trees)
        applyOrganization(tree);
}

void OrganizationsModel::applyOrganization(const UnitTree &tree)
{
    auto position = std::lower_bound(
        m_organizations.begin(), m_organizations.end(), tree.organization,
        [](const auto &node, const QString &name) { return nameLess(node->organization, name); });
    const int row = int(position - m_organizations.begin());
    if (position == m_organizations.end() || (*position)->organization != tree.organization) {
        beginInsertRows({}, row, row);
        m_organizations.insert(position, buildNode(tree, tree.organization, nullptr));
        endInsertRows();
        return;
    }
    Node *node = position->get();
    if (node->description != tree.description) {
        node->description = tree.description;
        Q_EMIT dataChanged(index(row, 0), index(row, ColumnCount - 1));
    }
    syncChildren(node, index(row, 0), tree);
}

void OrganizationsModel::removeOrganization(const QString &organization)
{
    for (int row = 0; row < int(m_organizations.size()); ++row) {
        if (m_organizations.at(row)->organization == organization) {
            beginRemoveRows({}, row, row);
            m_organizations.erase(m_organizations.begin() + row);
            endRemoveRows();
            return;
        }
    }
}

// Brings the children of `node` in line with `tree`, touching only rows that
// changed: a moved unit leaves its old parent and appears below the new one.
void OrganizationsModel::syncChildren(Node *node, const QModelIndex &nodeIndex,
                                      const UnitTree &tree)
{
    auto &children = node->children;
    const QStringList desired = tree.childrenOf(node->unit);
    for (int row = int(children.size()) - 1; row >= 0; --row) {
        if (!desired.contains(children.at(row)->unit)) {
            beginRemoveRows(nodeIndex, row, row);
            children.erase(children.begin() + row);
            endRemoveRows();
        }
    }
    // Both lists are sorted the same way and what is left is a subset of
    // `desired`, so a mismatch at i means desired[i] is new.
    for (int i = 0; i < desired.size(); ++i) {
        if (i < int(children.size()) && children.at(i)->unit == desired.at(i))
            continue;
        beginInsertRows(nodeIndex, i, i);
        children.insert(children.begin() + i, buildNode(tree, desired.at(i), node));
        endInsertRows();
    }
    for (int i = 0; i < int(children.size()); ++i) {
        Node *child = children.at(i).get();
        const QString description = tree.units.value(child->unit).description;
        const QModelIndex childIndex = index(i, 0, nodeIndex);
        if (child->description != description) {
            child->description = description;
            Q_EMIT dataChanged(childIndex, index(i, ColumnCount - 1, nodeIndex));
        }
        syncChildren(child, childIndex, tree);
    }
}

std::unique_ptr<OrganizationsModel::Node>
OrganizationsModel::buildNode(const UnitTree &tree, const QString &unit, Node *parent) const
{
    auto node = std::make_unique<Node>();
    node->organization = tree.organization;
    node->unit = unit;
    node->description = parent ? tree.units.value(unit).description : tree.description;
    node->parent = parent;
    for (const QString &child : tree.childrenOf(unit))
        node->children.push_back(buildNode(tree, child, node.get()));
    return node;
}

QStringList OrganizationsModel::organizations() const
{
    QStringList names;
    for (const auto &node : m_organizations)
        names.append(node->organization);
    return names;
}

OrganizationsModel::Node *OrganizationsModel::findNode(const QString &organization,
                                                       const QString &unit) const
{
    for (const auto &root : m_organizations) {
        if (root->organization != organization)
            continue;
        QList<Node *> queue{root.get()};
        while (!queue.isEmpty()) {
            Node *node = queue.takeFirst();
            if (node->unit == unit)
                return node;
            for (const auto &child : node->children)
                queue.append(child.get());
        }
    }
    return nullptr;
}

QModelIndex OrganizationsModel::indexOf(const QString &organization, const QString &unit,
                                        int column) const
{
    const Node *node = findNode(organization, unit);
    return node ? indexOfNode(node, column) : QModelIndex();
}

QString OrganizationsModel::parentOf(const QString &organization, const QString &unit) const
{
    const Node *node = findNode(organization, unit);
    return node && node->parent ? node->parent->unit : QString();
}

QString OrganizationsModel::descriptionOf(const QString &organization, const QString &unit) const
{
    const Node *node = findNode(organization, unit);
    return node ? node->description : QString();
}

QStringList OrganizationsModel::unitsBelow(const QString &organization, const QString &unit) const
{
    QStringList below;
    const std::function<void(const Node *)> collect = [&](const Node *node) {
        for (const auto &child : node->children) {
            collect(child.get());
            below.append(child->unit);
        }
    };
    if (const Node *node = findNode(organization, unit))
        collect(node);
    return below;
}

QStringList OrganizationsModel::allUnitPaths() const
{
    QStringList paths;
    const std::function<void(const Node *)> collect = [&](const Node *node) {
        paths.append(unitPath(node->organization, node->unit));
        for (const auto &child : node->children)
            collect(child.get());
    };
    for (const auto &root : m_organizations)
        collect(root.get());
    return paths;
}

void OrganizationsModel::setHighlightedUnits(const QHash<QString, QString> &unitsWithReasons)
{
    if (m_highlighted == unitsWithReasons)
        return;
    m_highlighted = unitsWithReasons;
    emitChangedRecursively({});
}

QSet<QString> OrganizationsModel::highlightedUnits() const
{
    QSet<QString> units;
    for (auto it = m_highlighted.cbegin(); it != m_highlighted.cend(); ++it)
        units.insert(it.key());
    return units;
}

void OrganizationsModel::emitChangedRecursively(const QModelIndex &parent)
{
    const int rows = rowCount(parent);
    if (rows == 0)
        return;
    Q_EMIT dataChanged(index(0, 0, parent), index(rows - 1, ColumnCount - 1, parent));
    for (int row = 0; row < rows; ++row)
        emitChangedRecursively(index(row, 0, parent));
}

void OrganizationsModel::moveUnit(const QString &organization, const QString &unit,
                                  const QString &newParent,
                                  std::function<void(const ApiResult &)> done)
{
    if (!m_client)
        return;
    const QString path = ApiClient::entityPath(Wire::Organizations, organization) + u'/' +
                         Wire::UnitsPart + u'/' +
                         QString::fromLatin1(QUrl::toPercentEncoding(unit));
    m_client->put(path, QJsonObject{{Wire::Parent, newParent}}, this,
                  [this, organization, done = std::move(done)](const ApiResult &result) {
                      reloadOrganization(organization);
                      if (done)
                          done(result);
                  });
}

// ---- QAbstractItemModel -------------------------------------------------------

OrganizationsModel::Node *OrganizationsModel::nodeAt(const QModelIndex &index) const
{
    return index.isValid() ? static_cast<Node *>(index.internalPointer()) : nullptr;
}

int OrganizationsModel::rowOf(const Node *node) const
{
    const auto &siblings = node->parent ? node->parent->children : m_organizations;
    for (int row = 0; row < int(siblings.size()); ++row) {
        if (siblings.at(row).get() == node)
            return row;
    }
    return -1;
}

QModelIndex OrganizationsModel::indexOfNode(const Node *node, int column) const
{
    const int row = rowOf(node);
    return row < 0 ? QModelIndex() : createIndex(row, column, const_cast<Node *>(node));
}

QModelIndex OrganizationsModel::index(int row, int column, const QModelIndex &parent) const
{
    if (!hasIndex(row, column, parent))
        return {};
    const Node *parentNode = nodeAt(parent);
    const auto &children = parentNode ? parentNode->children : m_organizations;
    return createIndex(row, column, children.at(row).get());
}

QModelIndex OrganizationsModel::parent(const QModelIndex &child) const
{
    const Node *node = nodeAt(child);
    if (!node || !node->parent)
        return {};
    return indexOfNode(node->parent, 0);
}

int OrganizationsModel::rowCount(const QModelIndex &parent) const
{
    if (parent.column() > 0)
        return 0;
    const Node *node = nodeAt(parent);
    return int(node ? node->children.size() : m_organizations.size());
}

int OrganizationsModel::columnCount(const QModelIndex &) const
{
    return ColumnCount;
}

QVariant OrganizationsModel::data(const QModelIndex &index, int role) const
{
    if (!index.isValid() || !checkIndex(index, CheckIndexOption::IndexIsValid))
        return {};
    const Node *node = nodeAt(index);
    const QString path = unitPath(node->organization, node->unit);
    const bool highlighted = m_highlighted.contains(path);
    switch (role) {
    case OrganizationRole:
        return node->organization;
    case UnitRole:
        return node->unit;
    case UnitPathRole:
        return path;
    case IsOrganizationRole:
        return node->parent == nullptr;
    case HighlightedRole:
        return highlighted;
    case DescriptionRole:
        return node->description;
    case Qt::DisplayRole:
        return index.column() == NameColumn ? node->unit : node->description;
    case Qt::ToolTipRole: {
        QString tip = node->parent ? tr("Unit %1").arg(path)
                                   : tr("Organization %1 (its root unit)").arg(node->organization);
        if (!node->description.isEmpty())
            tip += u'\n' + node->description;
        if (highlighted)
            tip += u'\n' + m_highlighted.value(path);
        return tip;
    }
    case Qt::DecorationRole:
        if (index.column() != NameColumn)
            return {};
        if (highlighted && !m_highlightedIcon.isNull())
            return m_highlightedIcon;
        return node->parent ? m_unitIcon : m_organizationIcon;
    case Qt::FontRole:
        if (highlighted || !node->parent) {
            QFont font;
            font.setBold(true);
            return font;
        }
        return {};
    case Qt::BackgroundRole:
        // Translucent amber: readable on light and dark palettes alike; the
        // bold font and the icon carry the same information without colour.
        return highlighted ? QBrush(QColor(255, 179, 0, 90)) : QVariant();
    default:
        return {};
    }
}

QVariant OrganizationsModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return QAbstractItemModel::headerData(section, orientation, role);
    switch (Column(section)) {
    case NameColumn:
        return tr("Organization / unit");
    case DescriptionColumn:
        return tr("Description");
    case ColumnCount:
        break;
    }
    return {};
}

Qt::ItemFlags OrganizationsModel::flags(const QModelIndex &index) const
{
    if (!index.isValid())
        return Qt::NoItemFlags;
    Qt::ItemFlags f = Qt::ItemIsEnabled | Qt::ItemIsSelectable | Qt::ItemIsDropEnabled;
    // The root unit bears the organization's name and cannot move.
    if (nodeAt(index)->parent)
        f |= Qt::ItemIsDragEnabled;
    return f;
}

Qt::DropActions OrganizationsModel::supportedDragActions() const
{
    return Qt::MoveAction;
}

Qt::DropActions OrganizationsModel::supportedDropActions() const
{
    return Qt::MoveAction;
}

QStringList OrganizationsModel::mimeTypes() const
{
    return {QString::fromLatin1(UnitMimeType)};
}

QMimeData *OrganizationsModel::mimeData(const QModelIndexList &indexes) const
{
    // One unit moves at a time: the first draggable one.
    for (const QModelIndex &index : indexes) {
        const Node *node = nodeAt(index);
        if (!node || !node->parent)
            continue;
        auto *data = new QMimeData;
        const QJsonObject object{{u"organization"_s, node->organization}, {u"unit"_s, node->unit}};
        data->setData(QString::fromLatin1(UnitMimeType),
                      QJsonDocument(object).toJson(QJsonDocument::Compact));
        data->setText(unitPath(node->organization, node->unit));
        return data;
    }
    return nullptr;
}

bool OrganizationsModel::parseUnitMime(const QMimeData *data, QString *organization, QString *unit)
{
    if (!data || !data->hasFormat(QString::fromLatin1(UnitMimeType)))
        return false;
    const QJsonObject object =
        QJsonDocument::fromJson(data->data(QString::fromLatin1(UnitMimeType))).object();
    *organization = object.value(u"organization"_s).toString();
    *unit = object.value(u"unit"_s).toString();
    return !organization->isEmpty() && !unit->isEmpty();
}

// A unit goes onto a unit of its own organization (dropped between rows: onto
// their parent), other than itself and its current parent. Whether the move would
// make a cycle is for the server to say (the tree shown may be stale).
bool OrganizationsModel::canDropMimeData(const QMimeData *data, Qt::DropAction action, int row,
                                         int column, const QModelIndex &parent) const
{
    Q_UNUSED(row)
    Q_UNUSED(column)
    if (action != Qt::MoveAction || !parent.isValid())
        return false;
    QString organization;
    QString unit;
    if (!parseUnitMime(data, &organization, &unit))
        return false;
    const Node *target = nodeAt(parent);
    const Node *dragged = findNode(organization, unit);
    return target && dragged && dragged->parent && target->organization == organization &&
           target->unit != unit && dragged->parent->unit != target->unit;
}

bool OrganizationsModel::dropMimeData(const QMimeData *data, Qt::DropAction action, int row,
                                      int column, const QModelIndex &parent)
{
    if (!m_client || !canDropMimeData(data, action, row, column, parent))
        return false;
    QString organization;
    QString unit;
    if (!parseUnitMime(data, &organization, &unit))
        return false;
    const QString fromParent = parentOf(organization, unit);
    const QString toParent = nodeAt(parent)->unit;
    moveUnit(organization, unit, toParent,
             [this, organization, unit, fromParent, toParent](const ApiResult &result) {
                 if (result.isOk())
                     Q_EMIT unitDropped(organization, unit, fromParent, toParent);
                 else
                     Q_EMIT dropRefused(result.errorMessage);
             });
    // The rows change when the server's answer is reloaded; the view must
    // not remove the dragged row itself (removeRows is not implemented).
    return true;
}

} // namespace Bulwark::Models
