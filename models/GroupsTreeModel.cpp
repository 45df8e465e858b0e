#include "GroupsTreeModel.h"

#include <QHash>
#include <QIcon>
#include <QSet>

#include <algorithm>

namespace Bulwark::Models {

using namespace Qt::StringLiterals;

namespace {
// Deeper nesting than this is shown cut off: no real hierarchy needs it, and
// it bounds the tree even if the server ever sent something odd.
constexpr int MaximumDepth = 32;
// Groups that share sub-groups are shown under each parent, which can grow
// exponentially with depth; beyond this many nodes nested groups are listed
// without their members, so the GUI thread never builds a huge tree.
constexpr int MaximumNodes = 20000;
} // namespace

struct GroupsTreeModel::Node
{
    GroupMember::Kind kind = GroupMember::Kind::Group;
    QString name;
    QString description;
    QString path;
    bool cycle = false;
    Node *parent = nullptr;
    int row = 0;
    std::vector<std::unique_ptr<Node>> children;

    Node *add(GroupMember::Kind childKind, const QString &childName)
    {
        auto child = std::make_unique<Node>();
        child->kind = childKind;
        child->name = childName;
        child->path = path.isEmpty() ? childName : path + u'/' + childName;
        child->parent = this;
        child->row = int(children.size());
        children.push_back(std::move(child));
        return children.back().get();
    }
};

namespace {

// Groups first, then users, each alphabetically: the nesting is what the
// tree is for, so it comes before the leaves.
QList<GroupMember> sortedMembers(const GroupSummary &group)
{
    QList<GroupMember> members = group.members;
    std::sort(members.begin(), members.end(), [](const GroupMember &a, const GroupMember &b) {
        if (a.kind != b.kind)
            return a.kind == GroupMember::Kind::Group;
        return a.name.compare(b.name, Qt::CaseInsensitive) < 0;
    });
    return members;
}

} // namespace

void GroupsTreeModel::expand(Node *node, const GroupSummary &group,
                             const QHash<QString, const GroupSummary *> &byName,
                             QSet<QString> &ancestors, QSet<QString> &shown, int depth,
                             int &nodesLeft)
{
    node->description = group.description;
    shown.insert(group.name);
    if (depth >= MaximumDepth)
        return;
    ancestors.insert(group.name);
    for (const GroupMember &member : sortedMembers(group)) {
        Node *child = node->add(member.kind, member.name);
        --nodesLeft;
        if (member.kind != GroupMember::Kind::Group || nodesLeft <= 0)
            continue;
        const GroupSummary *inner = byName.value(member.name);
        if (!inner)
            continue;
        if (ancestors.contains(member.name)) {
            child->cycle = true;
            continue;
        }
        expand(child, *inner, byName, ancestors, shown, depth + 1, nodesLeft);
    }
    ancestors.remove(group.name);
}

GroupsTreeModel::GroupsTreeModel(QObject *parent)
    : QAbstractItemModel(parent)
    , m_root(std::make_unique<Node>())
{}

GroupsTreeModel::~GroupsTreeModel() = default;

void GroupsTreeModel::setGroups(const QList<GroupSummary> &groups)
{
    if (groups == m_groups)
        return;
    beginResetModel();
    m_groups = groups;
    m_root = std::make_unique<Node>();

    QHash<QString, const GroupSummary *> byName;
    QSet<QString> nested;
    for (const GroupSummary &group : m_groups) {
        byName.insert(group.name, &group);
        for (const GroupMember &member : group.members) {
            if (member.kind == GroupMember::Kind::Group)
                nested.insert(member.name);
        }
    }
    QList<const GroupSummary *> ordered;
    for (const GroupSummary &group : m_groups)
        ordered.append(&group);
    std::sort(ordered.begin(), ordered.end(), [](const GroupSummary *a, const GroupSummary *b) {
        return a->name.compare(b->name, Qt::CaseInsensitive) < 0;
    });

    QSet<QString> shown;
    QSet<QString> ancestors;
    int nodesLeft = MaximumNodes;
    for (const GroupSummary *group : std::as_const(ordered)) {
        if (nested.contains(group->name))
            continue;
        expand(m_root->add(GroupMember::Kind::Group, group->name), *group, byName, ancestors, shown,
               0, nodesLeft);
    }
    // Groups only reachable through a cycle have no top: show them at the top
    // so that none is lost.
    for (const GroupSummary *group : std::as_const(ordered)) {
        if (shown.contains(group->name))
            continue;
        expand(m_root->add(GroupMember::Kind::Group, group->name), *group, byName, ancestors, shown,
               0, nodesLeft);
    }
    endResetModel();
}

QModelIndex GroupsTreeModel::indexOfPath(const QString &path) const
{
    const QStringList parts = path.split(u'/');
    const Node *node = m_root.get();
    QModelIndex found;
    for (const QString &part : parts) {
        const auto it = std::find_if(node->children.begin(), node->children.end(),
                                     [&part](const auto &child) { return child->name == part; });
        if (it == node->children.end())
            return {};
        node = it->get();
        found = createIndex(node->row, 0, node);
    }
    return found;
}

GroupsTreeModel::Node *GroupsTreeModel::nodeOf(const QModelIndex &index) const
{
    return index.isValid() ? static_cast<Node *>(index.internalPointer()) : m_root.get();
}

QModelIndex GroupsTreeModel::index(int row, int column, const QModelIndex &parent) const
{
    if (!hasIndex(row, column, parent))
        return {};
    Node *node = nodeOf(parent);
    return createIndex(row, column, node->children.at(size_t(row)).get());
}

QModelIndex GroupsTreeModel::parent(const QModelIndex &child) const
{
    if (!child.isValid())
        return {};
    const Node *parentNode = nodeOf(child)->parent;
    if (!parentNode || parentNode == m_root.get())
        return {};
    return createIndex(parentNode->row, 0, const_cast<Node *>(parentNode));
}

int GroupsTreeModel::rowCount(const QModelIndex &parent) const
{
    if (parent.isValid() && parent.column() != 0)
        return 0;
    return int(nodeOf(parent)->children.size());
}

int GroupsTreeModel::columnCount(const QModelIndex &) const
{
    return ColumnCount;
}

QVariant GroupsTreeModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid))
        return {};
    const Node *node = nodeOf(index);
    switch (role) {
    case NameRole:
        return node->name;
    case KindRole:
        return int(node->kind);
    case PathRole:
        return node->path;
    case CycleRole:
        return node->cycle;
    case Qt::DecorationRole:
        if (index.column() != NameColumn)
            return {};
        return QIcon(node->kind == GroupMember::Kind::User ? u":/icons/unit-user.svg"_s
                                                           : u":/icons/unit-group.svg"_s);
    case Qt::DisplayRole:
        if (index.column() == DescriptionColumn) {
            if (node->cycle)
                return tr("Contains a group above it (a cycle); not expanded again.");
            if (node->kind == GroupMember::Kind::User)
                return tr("User");
            return node->description;
        }
        return node->name;
    case Qt::ToolTipRole:
        if (node->kind == GroupMember::Kind::User)
            return tr("User %1, a member of %2").arg(node->name, node->parent->name);
        if (node->parent && node->parent->parent)
            return tr("Group %1: its members have the rights of %2 too")
                .arg(node->name, node->parent->name);
        return tr("Group %1").arg(node->name);
    default:
        return {};
    }
}

QVariant GroupsTreeModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return QAbstractItemModel::headerData(section, orientation, role);
    switch (Column(section)) {
    case NameColumn:
        return tr("Group or user");
    case DescriptionColumn:
        return tr("Description");
    case ColumnCount:
        break;
    }
    return {};
}

} // namespace Bulwark::Models
