// A page of the console's main window (one navigation area). The window hands
// every page the current session when it changes; a page loads what it shows
// through the session's API client, as the logged-in user, and follows the
// live-event stream. An inactive session (disconnected) means: show nothing
// from the previous server and say so.
#pragma once

#include <QString>
#include <QWidget>

namespace Bulwark::Models {
class ApiClient;
class EventStream;
} // namespace Bulwark::Models

namespace Bulwark::Ui {

struct ConsoleSession
{
    Models::ApiClient *client = nullptr;   // null while disconnected
    Models::EventStream *events = nullptr; // null while disconnected
    QString user;                          // who is logged in

    [[nodiscard]] bool isActive() const { return client != nullptr; }
};

class ConsolePage : public QWidget
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ConsolePage)

public:
    using QWidget::QWidget;
    ~ConsolePage() override = default;

    // The window calls this after every login, logout and server switch.
    virtual void setSession(const ConsoleSession &session) = 0;
};

} // namespace Bulwark::Ui
