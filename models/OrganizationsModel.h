// The organizations of one server as a tree: each organization is a top-level
// row that stands for its root unit (which bears its name), with the units
// below it. Loads GET /api/Organizations, reloads one organization when the
// live events say it changed (unit changes arrive as entityUpdated of the
// organization) and everything after a gap in the stream. Units can be
// dragged onto another unit of the same organization: the drop asks the
// server to move the unit (PUT …/Units/{unit} {"parent"}), and the server
// has the last word (a cycle is refused with 409).
#pragma once

#include <QAbstractItemModel>
#include <QHash>
#include <QIcon>
#include <QPointer>
#include <QSet>
#include <QTimer>

#include <functional>
#include <memory>
#include <vector>

namespace Bulwark::Models {

class ApiClient;
class EventStream;
struct ApiResult;
struct LiveEvent;

// One unit as the server describes it.
struct OrganizationUnit
{
    QString name;
    QString description;
    QString parent; // empty for the root unit
};

class OrganizationsModel final : public QAbstractItemModel
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(OrganizationsModel)

public:
    enum Column
    {
        NameColumn,
        DescriptionColumn,
        ColumnCount
    };
    enum Role
    {
        OrganizationRole = Qt::UserRole + 1, // the organization's name
        UnitRole,                            // the unit's name (the root: the organization's)
        UnitPathRole,                        // "Organization/Unit", as the API names units
        IsOrganizationRole,                  // true for the top-level rows (root units)
        HighlightedRole,                     // true for the units of the user view
        DescriptionRole,
    };

    // The MIME type of a dragged unit: {"organization","unit"} as JSON.
    static constexpr auto UnitMimeType = "application/x-bulwark-organization-unit";

    explicit OrganizationsModel(QObject *parent = nullptr);
    ~OrganizationsModel() override;

    // Switches to another server (or none); clears and reloads.
    void setSource(ApiClient *client, EventStream *events);
    // Icons for organizations, units and highlighted units (the model has no
    // resources of its own; the page sets them).
    void setIcons(const QIcon &organization, const QIcon &unit, const QIcon &highlighted);

    // Reloads every organization; an answer arriving late is dropped.
    void refresh();
    // Reloads one organization (removes it when the server no longer has it).
    void reloadOrganization(const QString &organization);

    [[nodiscard]] bool isLoaded() const { return m_loaded; }
    [[nodiscard]] QStringList organizations() const;
    [[nodiscard]] QModelIndex indexOf(const QString &organization, const QString &unit,
                                      int column = NameColumn) const;
    // The unit's parent (empty for the root, or when unknown).
    [[nodiscard]] QString parentOf(const QString &organization, const QString &unit) const;
    [[nodiscard]] QString descriptionOf(const QString &organization, const QString &unit) const;
    // Every unit below `unit`, deepest first (the order in which they can be deleted).
    [[nodiscard]] QStringList unitsBelow(const QString &organization, const QString &unit) const;
    // Every (organization, unit) pair loaded, as "Organization/Unit".
    [[nodiscard]] QStringList allUnitPaths() const;

    // The units the user view marks ("Organization/Unit" → why, shown as tooltip).
    void setHighlightedUnits(const QHash<QString, QString> &unitsWithReasons);
    [[nodiscard]] QSet<QString> highlightedUnits() const;

    // Asks the server to move `unit` below `newParent`; `done` gets the answer
    // (the organization is reloaded either way).
    void moveUnit(const QString &organization, const QString &unit, const QString &newParent,
                  std::function<void(const ApiResult &)> done);

    [[nodiscard]] QModelIndex index(int row, int column,
                                    const QModelIndex &parent = {}) const override;
    [[nodiscard]] QModelIndex parent(const QModelIndex &child) const override;
    [[nodiscard]] int rowCount(const QModelIndex &parent = {}) const override;
    [[nodiscard]] int columnCount(const QModelIndex &parent = {}) const override;
    [[nodiscard]] QVariant data(const QModelIndex &index, int role) const override;
    [[nodiscard]] QVariant headerData(int section, Qt::Orientation orientation,
                                      int role) const override;
    [[nodiscard]] Qt::ItemFlags flags(const QModelIndex &index) const override;

    [[nodiscard]] Qt::DropActions supportedDragActions() const override;
    [[nodiscard]] Qt::DropActions supportedDropActions() const override;
    [[nodiscard]] QStringList mimeTypes() const override;
    [[nodiscard]] QMimeData *mimeData(const QModelIndexList &indexes) const override;
    [[nodiscard]] bool canDropMimeData(const QMimeData *data, Qt::DropAction action, int row,
                                       int column, const QModelIndex &parent) const override;
    bool dropMimeData(const QMimeData *data, Qt::DropAction action, int row, int column,
                      const QModelIndex &parent) override;

Q_SIGNALS:
    void loaded();
    // httpStatus 403: the user may not read organizations.
    void loadFailed(const QString &message, int httpStatus);
    // A unit dropped onto another was moved by the server.
    void unitDropped(const QString &organization, const QString &unit, const QString &fromParent,
                     const QString &toParent);
    // The server refused a drop; `message` is its explanation.
    void dropRefused(const QString &message);

private:
    struct Node;
    struct UnitTree;

    void applyEvent(const LiveEvent &event);
    void reloadScheduled();
    void applyOrganizationList(const QList<UnitTree> &trees);
    void applyOrganization(const UnitTree &tree);
    void removeOrganization(const QString &organization);
    void syncChildren(Node *node, const QModelIndex &nodeIndex, const UnitTree &tree);
    [[nodiscard]] std::unique_ptr<Node> buildNode(const UnitTree &tree, const QString &unit,
                                                  Node *parent) const;
    [[nodiscard]] Node *nodeAt(const QModelIndex &index) const;
    [[nodiscard]] Node *findNode(const QString &organization, const QString &unit) const;
    [[nodiscard]] int rowOf(const Node *node) const;
    [[nodiscard]] QModelIndex indexOfNode(const Node *node, int column) const;
    [[nodiscard]] static UnitTree parseOrganization(const QJsonObject &object);
    [[nodiscard]] static bool parseUnitMime(const QMimeData *data, QString *organization,
                                            QString *unit);
    void emitChangedRecursively(const QModelIndex &parent);

    std::vector<std::unique_ptr<Node>> m_organizations; // sorted by name
    QHash<QString, QString> m_highlighted;              // "Org/Unit" → reason
    QIcon m_organizationIcon;
    QIcon m_unitIcon;
    QIcon m_highlightedIcon;
    QPointer<ApiClient> m_client;
    QPointer<EventStream> m_events;
    QMetaObject::Connection m_eventConnection;
    QMetaObject::Connection m_resyncConnection;
    quint64 m_generation = 0;              // drops answers from a previous source
    quint64 m_listRequest = 0;             // the latest full reload
    QHash<QString, quint64> m_orgRequests; // the latest reload of each organization
    QSet<QString> m_scheduled;             // organizations the events said changed
    QTimer m_eventTimer;                   // batches them
    quint64 m_requestCounter = 0;
    bool m_loaded = false;
};

} // namespace Bulwark::Models
