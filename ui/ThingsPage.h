// The Things area: a sortable, filterable table of the server's Things with
// New Thing… and Delete, and an empty state that says how to begin.
#pragma once

#include <QPointer>
#include <QSortFilterProxyModel>
#include <QWidget>

class QLabel;
class QLineEdit;
class QPushButton;
class QStackedWidget;
class QTableView;

namespace Bulwark::Models {
class ApiClient;
class ThingsModel;
} // namespace Bulwark::Models

namespace Bulwark::Ui {

class ThingsPage final : public QWidget
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ThingsPage)

public:
    explicit ThingsPage(Models::ThingsModel *model, QWidget *parent = nullptr);

    // The session to create and delete through; null while disconnected.
    void setClient(Models::ApiClient *client);

    [[nodiscard]] QTableView *view() const { return m_view; }

private:
    void openNewThingDialog();
    void confirmDelete();
    void deleteThing(const QString &name);
    void showError(const QString &message);
    void updateState();
    [[nodiscard]] QString selectedName() const;

    Models::ThingsModel *m_model;
    QPointer<Models::ApiClient> m_client;
    QSortFilterProxyModel m_proxy;
    QLineEdit *m_filter;
    QPushButton *m_newThing;
    QPushButton *m_delete;
    QStackedWidget *m_stack;
    QTableView *m_view;
    QLabel *m_emptyState;
    QLabel *m_message;
};

} // namespace Bulwark::Ui
