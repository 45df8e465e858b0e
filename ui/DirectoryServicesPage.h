// The Directory services area: the server's LDAP connections in a list and
// the selected one's settings in a form, with Save, Test Connection and
// Test Login. A test reports in words how far it got (connect, TLS, service
// account, user base, login, groups), with a green or red mark.
#pragma once

#include "ConsolePage.h"

#include <QHash>
#include <QJsonObject>
#include <QPointer>

#include <functional>

class QAction;
class QLabel;
class QLineEdit;
class QListWidget;
class QPushButton;
class QStackedWidget;

namespace Bulwark::Models {
class ApiClient;
struct ApiResult;
struct LiveEvent;
} // namespace Bulwark::Models

namespace Bulwark::Ui {

class DirectoryServiceForm;

class DirectoryServicesPage final : public ConsolePage
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(DirectoryServicesPage)

public:
    explicit DirectoryServicesPage(QWidget *parent = nullptr);
    ~DirectoryServicesPage() override;

    void setSession(const ConsoleSession &session) override;

    [[nodiscard]] DirectoryServiceForm *form() const { return m_form; }
    [[nodiscard]] QListWidget *list() const { return m_list; }
    // Shows the stored service in the form; false when the list lacks it.
    bool selectService(const QString &name);

    // The sentence a test's answer (POST …/Test) comes to; `ok` tells
    // whether every step passed.
    [[nodiscard]] static QString describeTest(const QJsonObject &answer, bool *ok);
    // The name of a test step ("connect", "tls", …) in the operator's language.
    [[nodiscard]] static QString stepTitle(const QString &step);

public Q_SLOTS:
    void newService();
    void save();
    void testConnection();
    void testLogin();

private:
    void reload();
    void applyEvent(const Models::LiveEvent &event);
    void showSelected();
    void confirmDelete();
    void saveThen(const std::function<void()> &next);
    void runTest(const QJsonObject &body);
    void showTestResult(bool ok, const QString &sentence, const QString &details);
    void showMessage(const QString &text, bool isError);
    void updateState();

    QPointer<Models::ApiClient> m_client;
    QMetaObject::Connection m_eventConnection;
    QHash<QString, QJsonObject> m_services;
    quint64 m_generation = 0;
    QString m_loadError;
    bool m_busy = false;

    QListWidget *m_list;
    QStackedWidget *m_stack;
    QLabel *m_emptyState;
    DirectoryServiceForm *m_form;
    QLabel *m_message;
    QPushButton *m_save;
    QPushButton *m_testConnection;
    QLineEdit *m_testUser;
    QLineEdit *m_testPassword;
    QPushButton *m_testLogin;
    QLabel *m_testIcon;
    QLabel *m_testResult;
    QLabel *m_testDetails;
    QAction *m_new = nullptr;
    QAction *m_delete = nullptr;
    QAction *m_refresh = nullptr;
};

} // namespace Bulwark::Ui
