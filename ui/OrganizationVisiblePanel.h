// What one unit can see: the entities whose visibility includes the unit or
// a unit below it (grants flow up), from GET …/Units/{unit}/Visible, as a
// filterable, sortable table (Entity, Granted on, To unit).
#pragma once

#include <QPointer>
#include <QSortFilterProxyModel>
#include <QStandardItemModel>
#include <QTimer>
#include <QWidget>

class QLabel;
class QLineEdit;
class QStackedWidget;
class QTableView;

namespace Bulwark::Models {
class ApiClient;
class EventStream;
} // namespace Bulwark::Models

namespace Bulwark::Ui {

class OrganizationVisiblePanel final : public QWidget
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(OrganizationVisiblePanel)

public:
    enum Column
    {
        EntityColumn,
        GrantedOnColumn,
        UnitColumn,
        ColumnCount
    };

    explicit OrganizationVisiblePanel(QWidget *parent = nullptr);

    void setSession(Models::ApiClient *client, Models::EventStream *events);
    void setUnit(const QString &organization, const QString &unit);
    void reload();

    [[nodiscard]] QAbstractItemModel *model() { return &m_model; }
    [[nodiscard]] QSortFilterProxyModel *proxy() { return &m_proxy; }
    [[nodiscard]] QLineEdit *filterEdit() const { return m_filter; }
    [[nodiscard]] bool isLoaded() const { return m_loaded; }
    [[nodiscard]] QString stateText() const;

private:
    void showState(const QString &text);

    QStandardItemModel m_model;
    QSortFilterProxyModel m_proxy;
    QPointer<Models::ApiClient> m_client;
    QMetaObject::Connection m_eventConnection;
    QTimer m_reloadTimer;
    QString m_organization;
    QString m_unit;
    quint64 m_generation = 0;
    bool m_loaded = false;
    QLineEdit *m_filter;
    QStackedWidget *m_stack;
    QTableView *m_view;
    QLabel *m_state;
};

} // namespace Bulwark::Ui
