// The console's main window: navigation between the administration areas,
// the File, Edit, View and Help menus with their keyboard shortcuts, and a
// status bar that always says which server, as whom, and whether the link
// and live events are up (and reconnects when the server comes back). Its
// size, layout and area are remembered between runs. Tests construct it
// directly and call start() instead of runConsole().
#pragma once

#include "ConnectionManager.h"
#include "Console.h"

#include <QMainWindow>
#include <QTimer>

#include <optional>

class QLabel;
class QListWidget;
class QStackedWidget;
class QToolButton;

namespace Bulwark::Models {
class RecentServers;
class ThingsModel;
} // namespace Bulwark::Models

namespace Bulwark::Ui {

class ConsolePage;
class ThingsPage;

class ConsoleWindow final : public QMainWindow
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ConsoleWindow)

public:
    // Ctrl+1 … Ctrl+9 jump to the first nine areas.
    static constexpr int MaximumAreaShortcuts = 9;

    explicit ConsoleWindow(ConsoleOptions options, QWidget *parent = nullptr);
    ~ConsoleWindow() override;

    // Starts the embedded server and logs in to it; returns at once.
    void start();

    [[nodiscard]] ConnectionManager *connection() const { return m_connection; }
    [[nodiscard]] Models::ThingsModel *thingsModel() const { return m_thingsModel; }
    [[nodiscard]] ThingsPage *thingsPage() const { return m_thingsPage; }
    [[nodiscard]] Models::RecentServers *recentServers() const { return m_recentServers; }
    // Shows the area at `index` in the navigation (see areaNames()).
    void showArea(int index);

    // F5: every page reloads from the server (or, while the server is away,
    // the next connection attempt starts now).
    void reload();
    // Ctrl+F: focuses the current page's search field (a QLineEdit whose
    // objectName ends in SearchField, FilterField, SearchEdit or FilterEdit);
    // false when it has none.
    bool focusSearchField();
    // Geometry, toolbars/docks and the selected area, in QSettings; saved when
    // the window closes, restored when it is made.
    void saveWindowState() const;
    void restoreWindowState();

protected:
    void closeEvent(QCloseEvent *event) override;
    void changeEvent(QEvent *event) override;

private:
    void buildMenus();
    void buildStatusBar();
    void buildAreas();
    // `sourceName` is marked with QT_TR_NOOP (ConsoleWindow context).
    void addArea(const char *sourceName, QWidget *page);
    void updateStatus();
    void applySession();
    void askForPassword(const QString &reason);
    void showInitialPassword(const QString &password);
    void openConnectDialog();
    void showAbout();
    void showPreferences();
    void showKeyboardShortcuts();
    void showConnectDeviceHelp();
    void rememberConnectedServer();
    void recordAreaNames();
    void updateAreaActions();
    void retranslate();

    struct PendingServer
    {
        Models::ServerEndpoint endpoint;
        bool rememberPassword = false;
    };

    ConsoleOptions m_options;
    ConnectionManager *m_connection;
    Models::ThingsModel *m_thingsModel;
    Models::RecentServers *m_recentServers;
    QListWidget *m_navigation;
    QStackedWidget *m_pages;
    ThingsPage *m_thingsPage = nullptr;
    QList<ConsolePage *> m_sessionPages; // told of every session change
    QLabel *m_serverLabel;
    QLabel *m_userLabel;
    QLabel *m_connectionLabel;
    QLabel *m_liveEventsLabel;
    QToolButton *m_reconnectButton = nullptr;
    QTimer m_retryCountdown; // refreshes "retrying in N s"

    QMenu *m_fileMenu = nullptr;
    QMenu *m_editMenu = nullptr;
    QMenu *m_viewMenu = nullptr;
    QMenu *m_helpMenu = nullptr;
    QAction *m_connectAction = nullptr;
    QAction *m_reconnectAction = nullptr;
    QAction *m_quitAction = nullptr;
    QAction *m_findAction = nullptr;
    QAction *m_preferencesAction = nullptr;
    QAction *m_reloadAction = nullptr;
    QAction *m_connectDeviceAction = nullptr;
    QAction *m_shortcutsAction = nullptr;
    QAction *m_aboutAction = nullptr;
    QList<QAction *> m_areaActions;
    // A server chosen in the Connect dialog, remembered once connected.
    std::optional<PendingServer> m_pendingServer;
};

} // namespace Bulwark::Ui
