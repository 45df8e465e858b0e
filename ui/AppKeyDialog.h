// Creates an application key: its name, the user it acts as, when it
// expires and, optionally, the only addresses it may be used from. The
// server answers the secret once; the dialog hands it on with keyCreated.
#pragma once

#include <QDialog>
#include <QPointer>

class QComboBox;
class QDateTimeEdit;
class QLabel;
class QLineEdit;
class QPushButton;

namespace Bulwark::Models {
class ApiClient;
}

namespace Bulwark::Ui {

class AppKeyDialog final : public QDialog
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(AppKeyDialog)

public:
    // `currentUser` is the logged-in user, offered first as the key's user.
    AppKeyDialog(Models::ApiClient *client, const QString &currentUser, QWidget *parent = nullptr);

    // "10.0.0.0/8, 192.0.2.7" → the list the server expects.
    [[nodiscard]] static QStringList parseAddresses(const QString &text);

    // Refused while the key is being created (Cancel, Esc, the close button).
    void done(int result) override;

Q_SIGNALS:
    void keyCreated(const QString &name, const QString &secret);

private:
    void loadUsers();
    void updateValidity();
    void submit();

    QPointer<Models::ApiClient> m_client;
    QLineEdit *m_name;
    QLineEdit *m_description;
    QComboBox *m_user;
    QDateTimeEdit *m_expires;
    QLineEdit *m_addresses;
    QLabel *m_error;
    QPushButton *m_create = nullptr;
    bool m_busy = false;
};

} // namespace Bulwark::Ui
