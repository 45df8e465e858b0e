// The members of one organizational unit (users and groups): Add… opens a
// searchable picker, Remove takes the selected ones out. Every change is a
// PUT of the whole list with the `version` read, so a change made elsewhere
// meanwhile is refused (409): the panel then reloads and says so.
#pragma once

#include "models/PrincipalsModel.h"

#include <QPointer>
#include <QSortFilterProxyModel>
#include <QTimer>
#include <QWidget>

class QLabel;
class QPushButton;
class QTableView;

namespace Bulwark::Models {
class ApiClient;
class EventStream;
struct LiveEvent;
} // namespace Bulwark::Models

namespace Bulwark::Ui {

class UnitMembersPanel final : public QWidget
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(UnitMembersPanel)

public:
    explicit UnitMembersPanel(QWidget *parent = nullptr);

    // `events` may be null (no live reload).
    void setSession(Models::ApiClient *client, Models::EventStream *events);
    // Shows the members of this unit (empty: none).
    void setUnit(const QString &organization, const QString &unit);
    void reload();

    [[nodiscard]] Models::PrincipalsModel *model() { return &m_model; }
    [[nodiscard]] QTableView *view() const { return m_view; }
    [[nodiscard]] bool isLoaded() const { return m_loaded; }
    [[nodiscard]] QString version() const { return m_version; }
    [[nodiscard]] QString message() const;

public Q_SLOTS:
    void openPicker();
    void addMembers(const QList<Bulwark::Models::PrincipalEntry> &principals);
    void removeMembers(const QList<Bulwark::Models::PrincipalEntry> &principals);
    void removeSelected();

Q_SIGNALS:
    void membersChanged(const QString &organization, const QString &unit);
    // A PUT was refused because the list changed elsewhere (409).
    void conflictDetected(const QString &message);

private:
    void applyEvent(const Models::LiveEvent &event);
    void writeMembers(const QList<Models::PrincipalEntry> &members, const QString &what);
    void showMessage(const QString &message);
    void updateState();
    [[nodiscard]] QString membersPath() const;

    Models::PrincipalsModel m_model;
    QSortFilterProxyModel m_proxy;
    QPointer<Models::ApiClient> m_client;
    QPointer<Models::EventStream> m_events;
    QMetaObject::Connection m_eventConnection;
    QTimer m_reloadTimer;
    QString m_organization;
    QString m_unit;
    QString m_version;
    quint64 m_generation = 0;
    bool m_loaded = false;
    bool m_writing = false;
    QLabel *m_title;
    QTableView *m_view;
    QPushButton *m_add;
    QPushButton *m_remove;
    QLabel *m_message;
};

} // namespace Bulwark::Ui
