// The console's main window: navigation between the administration areas,
// the Things view, the File and Help menus, and a status bar that always
// says which server, as whom, and whether the link and live events are up.
// Tests construct it directly and call start() instead of runConsole().
#pragma once

#include "ConnectionManager.h"
#include "Console.h"

#include <QMainWindow>

class QLabel;
class QListWidget;
class QStackedWidget;

namespace Bulwark::Models {
class ThingsModel;
}

namespace Bulwark::Ui {

class ConsolePage;
class ThingsPage;

class ConsoleWindow final : public QMainWindow
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ConsoleWindow)

public:
    explicit ConsoleWindow(ConsoleOptions options, QWidget *parent = nullptr);
    ~ConsoleWindow() override;

    // Starts the embedded server and logs in to it; returns at once.
    void start();

    [[nodiscard]] ConnectionManager *connection() const { return m_connection; }
    [[nodiscard]] Models::ThingsModel *thingsModel() const { return m_thingsModel; }
    [[nodiscard]] ThingsPage *thingsPage() const { return m_thingsPage; }
    // Shows the area at `index` in the navigation (see areaNames()).
    void showArea(int index);

private:
    void buildMenus();
    void buildStatusBar();
    void buildAreas();
    void addArea(const QString &name, QWidget *page);
    void updateStatus();
    void applySession();
    void askForPassword(const QString &reason);
    void showInitialPassword(const QString &password);
    void openConnectDialog();
    void showAbout();

    ConsoleOptions m_options;
    ConnectionManager *m_connection;
    Models::ThingsModel *m_thingsModel;
    QListWidget *m_navigation;
    QStackedWidget *m_pages;
    ThingsPage *m_thingsPage = nullptr;
    QList<ConsolePage *> m_sessionPages; // told of every session change
    QLabel *m_serverLabel;
    QLabel *m_userLabel;
    QLabel *m_connectionLabel;
    QLabel *m_liveEventsLabel;
};

} // namespace Bulwark::Ui
