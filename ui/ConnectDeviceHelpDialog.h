// Help → Connect a device: the README's steps for the example device
// (create its Thing, a file repository and an app key, then start it),
// filled in with the current server's address, user and certificate
// fingerprint, in a read-only text the user can copy in one click.
#pragma once

#include <QDialog>
#include <QUrl>

class QPlainTextEdit;

namespace Bulwark::Ui {

struct DeviceHelpTarget
{
    QUrl serverUrl; // https://host:port
    QString user;
    QString fingerprint;     // SHA-256 of the server's certificate
    QString certificateFile; // the server's PEM certificate when known (embedded server)
};

class ConnectDeviceHelpDialog final : public QDialog
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ConnectDeviceHelpDialog)

public:
    explicit ConnectDeviceHelpDialog(const DeviceHelpTarget &target, QWidget *parent = nullptr);

    // The steps as plain text (also what "Copy" puts on the clipboard).
    [[nodiscard]] static QString instructions(const DeviceHelpTarget &target);
    [[nodiscard]] QString text() const;

private:
    QPlainTextEdit *m_text;
};

} // namespace Bulwark::Ui
