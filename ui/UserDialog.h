// Creates a user, edits one (description, state, authentication source,
// optionally a new password), or only sets a new password. While the
// operator types a password, the dialog shows its length at once and, after
// a short pause, the server's own policy verdict (POST
// /api/auth/password-check), so a refused password is known before saving.
#pragma once

#include "models/UsersModel.h"

#include <QDialog>
#include <QPointer>
#include <QTimer>

class QCheckBox;
class QComboBox;
class QLabel;
class QLineEdit;
class QPushButton;

namespace Bulwark::Models {
class ApiClient;
}

namespace Bulwark::Ui {

class UserDialog final : public QDialog
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(UserDialog)

public:
    enum class Mode
    {
        Create,
        Edit,
        ResetPassword
    };
    // What the server said of the password typed last.
    enum class PasswordVerdict
    {
        None,       // no password typed
        Pending,    // typed; the check waits for a pause or runs
        Acceptable, // the policy accepts it
        Refused,    // the policy refuses it (message says why)
        Unchecked,  // the server could not check it now; it checks on save
    };
    Q_ENUM(PasswordVerdict)

    // `user` is the user to edit or reset (ignored when creating).
    UserDialog(Models::ApiClient *client, Mode mode, const Models::UserSummary &user = {},
               QWidget *parent = nullptr);

    [[nodiscard]] PasswordVerdict passwordVerdict() const { return m_verdict; }

Q_SIGNALS:
    void userSaved(const QString &name);

private:
    void loadDirectories();
    void passwordEdited();
    void checkPassword();
    void setVerdict(PasswordVerdict verdict, const QString &message);
    void updateValidity();
    void submit();
    void showError(const QString &message);
    [[nodiscard]] bool usesDirectory() const;
    [[nodiscard]] QString userName() const;

    QPointer<Models::ApiClient> m_client;
    Mode m_mode;
    Models::UserSummary m_user;
    QLineEdit *m_name;
    QLineEdit *m_description;
    QComboBox *m_authSource;
    QCheckBox *m_enabled;
    QLineEdit *m_password;
    QLineEdit *m_confirm;
    QLabel *m_length;
    QLabel *m_feedbackIcon;
    QLabel *m_feedback;
    QLabel *m_error;
    QPushButton *m_save = nullptr;
    QTimer m_checkTimer;
    PasswordVerdict m_verdict = PasswordVerdict::None;
    quint64 m_checkSerial = 0; // drops verdicts on text typed before the last edit
    bool m_busy = false;
};

} // namespace Bulwark::Ui
