// The "Devices" area: a live table of every connected Thing (address,
// connected since, last message, messages per second, traffic), filterable
// and sortable, and a detail pane for the selected device: its properties
// updating live, "Write property…" and "Invoke service…", disabled with the
// reason when the user lacks the right. Sorting and filtering happen in a
// proxy that re-sorts at most once a second, so 10,000 busy devices keep the
// view responsive.
#pragma once

#include "ConsolePage.h"
#include "models/DeviceMonitorModel.h"
#include "models/LivePropertiesModel.h"

#include <QElapsedTimer>
#include <QHash>
#include <QJsonArray>
#include <QSortFilterProxyModel>
#include <QTimer>

class QAction;
class QLabel;
class QLineEdit;
class QPushButton;
class QStackedWidget;
class QTableView;
class QToolButton;

namespace Bulwark::Ui {

// Sorts and filters without following every change (dynamic sorting off):
// the page re-sorts it on a timer.
class DeviceSortFilterProxy final : public QSortFilterProxyModel
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(DeviceSortFilterProxy)

public:
    explicit DeviceSortFilterProxy(QObject *parent = nullptr);
    // Sorts again by the current column and filters again.
    void resort();
};

class DevicesPage final : public ConsolePage
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(DevicesPage)

public:
    explicit DevicesPage(QWidget *parent = nullptr);
    ~DevicesPage() override;

    void setSession(const ConsoleSession &session) override;

    [[nodiscard]] Models::DeviceMonitorModel *model() { return &m_model; }
    [[nodiscard]] Models::LivePropertiesModel *propertiesModel() { return &m_properties; }
    [[nodiscard]] DeviceSortFilterProxy *proxy() { return &m_proxy; }
    [[nodiscard]] QTableView *view() const { return m_view; }
    [[nodiscard]] QTableView *propertiesView() const { return m_propertiesView; }
    [[nodiscard]] QString selectedThing() const { return m_selectedThing; }
    [[nodiscard]] QString emptyStateText() const;

public Q_SLOTS:
    // Selects the device's row (and shows its details); false if not listed.
    bool selectThing(const QString &thing);
    // Selects a property in the detail pane; false if not listed.
    bool selectProperty(const QString &property);
    void openWriteDialog();
    void openInvokeDialog();
    // Re-sorts and re-filters now (the page does it at most once a second).
    void resortNow();

Q_SIGNALS:
    // The empty state's "How to Connect a Device…" (the window shows Help →
    // Connect a device).
    void connectDeviceHelpRequested();

private:
    void buildToolbar(QWidget *bar);
    QWidget *buildDetailPane();
    void scheduleResort();
    void updateState();
    void updateDetail();
    void updateActions();
    void showDevice(const QString &thing);
    void loadThingDetails(const QString &thing);
    void loadRights(const QString &thing);
    [[nodiscard]] QString selectedProperty() const;

    Models::DeviceMonitorModel m_model;
    Models::LivePropertiesModel m_properties;
    DeviceSortFilterProxy m_proxy;
    QSortFilterProxyModel m_propertiesProxy;
    ConsoleSession m_session;
    QString m_selectedThing;
    QJsonArray m_services;
    bool m_servicesLoaded = false;
    // Member → allowed, from GET /api/Permissions/effective; empty while
    // unknown (the server then decides, and its 403 is shown).
    QHash<QString, bool> m_canWrite;
    QHash<QString, bool> m_canInvoke;
    quint64 m_detailGeneration = 0;
    QTimer m_resortTimer;
    QElapsedTimer m_sinceResort;

    QLineEdit *m_filter = nullptr;
    QLabel *m_count = nullptr;
    QAction *m_refreshAction = nullptr;
    QAction *m_writeAction = nullptr;
    QAction *m_invokeAction = nullptr;
    QStackedWidget *m_stack = nullptr;
    QTableView *m_view = nullptr;
    QWidget *m_emptyPanel = nullptr;
    QLabel *m_emptyState = nullptr;
    QPushButton *m_connectHelp = nullptr;
    QLabel *m_message = nullptr;
    QStackedWidget *m_detailStack = nullptr;
    QLabel *m_detailEmpty = nullptr;
    QLabel *m_detailTitle = nullptr;
    QLabel *m_detailInfo = nullptr;
    QLabel *m_rights = nullptr;
    QLabel *m_detailMessage = nullptr;
    QTableView *m_propertiesView = nullptr;
    QToolButton *m_writeButton = nullptr;
    QToolButton *m_invokeButton = nullptr;
};

} // namespace Bulwark::Ui
