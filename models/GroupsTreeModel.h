// The groups of one server as a tree: a group that is a member of another
// group appears under it (and again at the top when nothing contains it),
// users are the leaves. Fed with the groups UsersModel loaded, so the tree
// and the users table always show the same state. A cycle (which the server
// refuses, but a tree must never recurse forever) is shown once, marked.
#pragma once

#include "UsersModel.h"

#include <QAbstractItemModel>
#include <QHash>
#include <QSet>

#include <memory>
#include <vector>

namespace Bulwark::Models {

class GroupsTreeModel final : public QAbstractItemModel
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(GroupsTreeModel)

public:
    enum Column
    {
        NameColumn,
        DescriptionColumn,
        ColumnCount
    };
    enum Role
    {
        NameRole = Qt::UserRole + 1, // the group's or user's name
        KindRole,                    // GroupMember::Kind as int
        PathRole,                    // "Outer/Inner/alice": stable across reloads
        CycleRole,                   // true on a group shown where it would recurse
    };

    explicit GroupsTreeModel(QObject *parent = nullptr);
    ~GroupsTreeModel() override;

    // Rebuilds the tree when the groups differ from what it shows.
    void setGroups(const QList<GroupSummary> &groups);
    [[nodiscard]] const QList<GroupSummary> &groups() const { return m_groups; }

    // The first index whose PathRole is `path`, or an invalid index.
    [[nodiscard]] QModelIndex indexOfPath(const QString &path) const;

    [[nodiscard]] QModelIndex index(int row, int column,
                                    const QModelIndex &parent = {}) const override;
    [[nodiscard]] QModelIndex parent(const QModelIndex &child) const override;
    [[nodiscard]] int rowCount(const QModelIndex &parent = {}) const override;
    [[nodiscard]] int columnCount(const QModelIndex &parent = {}) const override;
    [[nodiscard]] QVariant data(const QModelIndex &index, int role) const override;
    [[nodiscard]] QVariant headerData(int section, Qt::Orientation orientation,
                                      int role) const override;

private:
    struct Node;
    [[nodiscard]] Node *nodeOf(const QModelIndex &index) const;
    static void expand(Node *node, const GroupSummary &group,
                       const QHash<QString, const GroupSummary *> &byName, QSet<QString> &ancestors,
                       QSet<QString> &shown, int depth, int &nodesLeft);

    QList<GroupSummary> m_groups;
    std::unique_ptr<Node> m_root;
};

} // namespace Bulwark::Models
