// The Users & Groups page against a real embedded server over TLS: the
// dialogs and toolbar are driven as an operator would, the password policy
// feedback comes from the server as the password is typed, and every change
// is checked on the server with an independent REST client (RestProbe),
// including that the user really can (or cannot) sign in.
#include "RestProbe.h"
#include "models/GroupsTreeModel.h"
#include "models/UsersModel.h"
#include "ui/ConnectionManager.h"
#include "ui/GroupDialog.h"
#include "ui/UserDialog.h"
#include "ui/UsersPage.h"

#include <QAbstractItemModelTester>
#include <QApplication>
#include <QComboBox>
#include <QJsonArray>
#include <QJsonObject>
#include <QLabel>
#include <QLineEdit>
#include <QMessageBox>
#include <QPointer>
#include <QPushButton>
#include <QTableView>
#include <QTemporaryDir>
#include <QTest>
#include <QToolBar>
#include <QToolButton>
#include <QTreeView>

using namespace Qt::StringLiterals;
using Bulwark::Models::GroupMember;
using Bulwark::Models::GroupsTreeModel;
using Bulwark::Models::UsersModel;
using Bulwark::Ui::ConnectionManager;
using Bulwark::Ui::GroupDialog;
using Bulwark::Ui::UserDialog;
using Bulwark::Ui::UsersPage;

namespace {
constexpr int ServerTimeoutMs = 60000;
constexpr int UiTimeoutMs = 10000;
const QString AdminPassword = u"correct-horse-battery-staple-42"_s;
const QString AlicePassword = u"tulip-anchor-violet"_s;
const QString AliceNewPassword = u"marble-canyon-lantern"_s;
} // namespace

class TestUsers final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();
    void showsAdministratorAndGroups();
    void createsUserWithPolicyFeedback();
    void disablesAndEnablesUser();
    void directoryUserNeedsNoPassword();
    void unlocksLockedUser();
    void resetsPassword();
    void endsSessions();
    void showsGroupNestingAsTree();
    void deletesUserAfterConfirmation();
    void disconnectedPageSaysSo();
    void groupsTreeGuardsAgainstCycles();

private:
    [[nodiscard]] RestAnswer rest(const QByteArray &verb, const QString &path,
                                  const QByteArray &body = {}) const;
    [[nodiscard]] int statusAs(const QString &user, const QString &password) const;
    [[nodiscard]] QUrl url(const QString &path) const;
    [[nodiscard]] QToolButton *toolButton(const QString &actionName) const;
    [[nodiscard]] bool clickToolButton(const QString &actionName) const;
    [[nodiscard]] bool acceptConfirmation(const QString &expectedText);
    [[nodiscard]] QJsonObject serverUser(const QString &name) const;
    [[nodiscard]] UserDialog *visibleUserDialog() const;

    QTemporaryDir m_dataDir;
    std::unique_ptr<UsersPage> m_page;
    std::unique_ptr<QAbstractItemModelTester> m_usersTester;
    std::unique_ptr<QAbstractItemModelTester> m_groupsTester;
    std::unique_ptr<ConnectionManager> m_connection;
};

QUrl TestUsers::url(const QString &path) const
{
    QUrl result;
    result.setScheme(u"https"_s);
    result.setHost(u"127.0.0.1"_s);
    result.setPort(m_connection->embeddedServerPort());
    result.setPath(path);
    return result;
}

RestAnswer TestUsers::rest(const QByteArray &verb, const QString &path,
                           const QByteArray &body) const
{
    return restCall(verb, url(path), u"Administrator"_s, AdminPassword,
                    m_connection->endpoint().pinnedFingerprint, body);
}

int TestUsers::statusAs(const QString &user, const QString &password) const
{
    return restCall("GET", url(u"/api/auth/session"_s), user, password,
                    m_connection->endpoint().pinnedFingerprint)
        .status;
}

QJsonObject TestUsers::serverUser(const QString &name) const
{
    const RestAnswer answer = rest("GET", u"/api/Users/"_s + name);
    return answer.status == 200 ? answer.body.object() : QJsonObject();
}

QToolButton *TestUsers::toolButton(const QString &actionName) const
{
    auto *action = m_page->findChild<QAction *>(actionName);
    if (!action)
        return nullptr;
    for (QToolBar *toolbar : m_page->findChildren<QToolBar *>()) {
        if (auto *button = qobject_cast<QToolButton *>(toolbar->widgetForAction(action)))
            return button;
    }
    return nullptr;
}

bool TestUsers::clickToolButton(const QString &actionName) const
{
    QToolButton *button = toolButton(actionName);
    if (!button || !button->isEnabled())
        return false;
    QTest::mouseClick(button, Qt::LeftButton);
    return true;
}

// Clicks the accepting button of the visible confirmation, after checking it
// says what the action does.
bool TestUsers::acceptConfirmation(const QString &expectedText)
{
    QMessageBox *box = nullptr;
    const bool shown = QTest::qWaitFor([this, &box] {
        for (QMessageBox *candidate :
             m_page->findChildren<QMessageBox *>(u"confirmUserActionDialog"_s)) {
            if (candidate->isVisible())
                box = candidate;
        }
        return box != nullptr;
    });
    if (!shown)
        return false;
    if (!box->text().contains(expectedText)) {
        qWarning("confirmation says: %s", qPrintable(box->text()));
        return false;
    }
    QTest::mouseClick(box->button(QMessageBox::Yes), Qt::LeftButton);
    return true;
}

UserDialog *TestUsers::visibleUserDialog() const
{
    for (UserDialog *dialog : m_page->findChildren<UserDialog *>()) {
        if (dialog->isVisible())
            return dialog;
    }
    return nullptr;
}

void TestUsers::initTestCase()
{
    QVERIFY(m_dataDir.isValid());
    qputenv("BULWARK_ADMIN_PASSWORD", AdminPassword.toUtf8());
    m_page = std::make_unique<UsersPage>();
    // Both models are checked from before the first load, through every
    // live update of the test.
    m_usersTester = std::make_unique<QAbstractItemModelTester>(
        m_page->usersModel(), QAbstractItemModelTester::FailureReportingMode::Fatal);
    m_groupsTester = std::make_unique<QAbstractItemModelTester>(
        m_page->groupsModel(), QAbstractItemModelTester::FailureReportingMode::Fatal);
    m_page->resize(1200, 700);
    m_page->show();

    m_connection = std::make_unique<ConnectionManager>();
    Bulwark::ServerConfig config;
    config.dataDir = m_dataDir.path();
    config.port = 0;
    // Cheap hashes keep the many sign-ins of this test fast.
    config.security.passwords.argonMemoryKiB = 8192;
    config.security.passwords.argonIterations = 1;
    config.security.lockout.threshold = 3;
    config.security.masterKeySource = Bulwark::MasterKeySource::File;
    m_connection->startEmbeddedServer(config);
    QTRY_VERIFY_WITH_TIMEOUT(m_connection->state() == ConnectionManager::State::Connected ||
                                 !m_connection->lastError().isEmpty(),
                             ServerTimeoutMs);
    QVERIFY2(m_connection->lastError().isEmpty(), qPrintable(m_connection->lastError()));
    QTRY_VERIFY_WITH_TIMEOUT(
        m_connection->liveEventsState() == Bulwark::Models::EventStream::State::Live, UiTimeoutMs);
    m_page->setSession({m_connection->client(), m_connection->events(), u"Administrator"_s});
    QTRY_VERIFY_WITH_TIMEOUT(m_page->usersModel()->isLoaded(), UiTimeoutMs);
}

void TestUsers::cleanupTestCase()
{
    m_usersTester.reset();
    m_groupsTester.reset();
    m_page.reset();
    m_connection.reset();
}

void TestUsers::showsAdministratorAndGroups()
{
    UsersModel *users = m_page->usersModel();
    const int row = users->rowOf(u"Administrator"_s);
    QVERIFY(row >= 0);
    QCOMPARE(users->index(row, UsersModel::AuthSourceColumn).data().toString(), u"Local"_s);
    QCOMPARE(users->index(row, UsersModel::GroupsColumn).data().toString(), u"Administrators"_s);
    QCOMPARE(users->index(row, UsersModel::EnabledColumn).data().toString(), u"Enabled"_s);
    // The console itself signed in: a last login, sortable as a date.
    QTRY_VERIFY_WITH_TIMEOUT(
        users->index(users->rowOf(u"Administrator"_s), UsersModel::LastLoginColumn)
                .data(UsersModel::SortRole)
                .typeId() == QMetaType::QDateTime,
        UiTimeoutMs);
    QTRY_VERIFY(m_page->groupsModel()->indexOfPath(u"Administrators/Administrator"_s).isValid());
    QVERIFY(m_page->findChild<QTableView *>(u"usersView"_s)->isVisible());
}

void TestUsers::createsUserWithPolicyFeedback()
{
    QVERIFY(clickToolButton(u"newUserAction"_s));
    QPointer<UserDialog> dialog = visibleUserDialog();
    QVERIFY(dialog);
    auto *name = dialog->findChild<QLineEdit *>(u"userNameEdit"_s);
    auto *password = dialog->findChild<QLineEdit *>(u"userPasswordEdit"_s);
    auto *confirm = dialog->findChild<QLineEdit *>(u"userPasswordConfirmEdit"_s);
    auto *length = dialog->findChild<QLabel *>(u"passwordLengthLabel"_s);
    auto *feedback = dialog->findChild<QLabel *>(u"passwordFeedbackLabel"_s);
    auto *icon = dialog->findChild<QLabel *>(u"passwordFeedbackIcon"_s);
    auto *save = dialog->findChild<QPushButton *>(u"saveUserButton"_s);
    QVERIFY(name && password && confirm && length && feedback && icon && save);

    QTest::keyClicks(name, u"alice"_s);
    QTest::keyClicks(password, u"short"_s);
    // The length is shown at once, before the server answers.
    QCOMPARE(length->text(), u"5 characters"_s);
    QTest::keyClicks(confirm, u"short"_s);
    QTRY_COMPARE_WITH_TIMEOUT(dialog->passwordVerdict(), UserDialog::PasswordVerdict::Refused,
                              UiTimeoutMs);
    QVERIFY2(feedback->isVisible() && feedback->text().contains(u"at least 12"_s),
             qPrintable(feedback->text()));
    QVERIFY(icon->isVisible() && !icon->pixmap().isNull());
    QVERIFY(!save->isEnabled());

    password->clear();
    confirm->clear();
    QTest::keyClicks(password, AlicePassword);
    QCOMPARE(length->text(), u"%1 characters"_s.arg(AlicePassword.size()));
    QVERIFY(!save->isEnabled()); // not until the server has said yes
    QTest::keyClicks(confirm, AlicePassword);
    QTRY_COMPARE_WITH_TIMEOUT(dialog->passwordVerdict(), UserDialog::PasswordVerdict::Acceptable,
                              UiTimeoutMs);
    QVERIFY2(feedback->text().contains(u"meets"_s), qPrintable(feedback->text()));
    QVERIFY(save->isEnabled());
    QTest::mouseClick(save, Qt::LeftButton);
    QTRY_VERIFY_WITH_TIMEOUT(!dialog || !dialog->isVisible(), UiTimeoutMs);

    // On the server, and alice can really sign in with that password.
    const QJsonObject alice = serverUser(u"alice"_s);
    QCOMPARE(alice.value("authSource"_L1).toString(), u"local"_s);
    QCOMPARE(alice.value("enabled"_L1).toBool(), true);
    QCOMPARE(statusAs(u"alice"_s, AlicePassword), 200);
    // The table shows her, selected, through the reload.
    QTRY_COMPARE_WITH_TIMEOUT(m_page->selectedUser(), u"alice"_s, UiTimeoutMs);
}

void TestUsers::disablesAndEnablesUser()
{
    QVERIFY(m_page->selectUser(u"alice"_s));
    QToolButton *toggle = toolButton(u"toggleUserEnabledAction"_s);
    QVERIFY(toggle);
    QCOMPARE(toggle->text(), u"Disable"_s);
    QVERIFY(clickToolButton(u"toggleUserEnabledAction"_s));
    QVERIFY(acceptConfirmation(u"live connections"_s));
    QTRY_VERIFY_WITH_TIMEOUT(!serverUser(u"alice"_s).value("enabled"_L1).toBool(true), UiTimeoutMs);
    QCOMPARE(statusAs(u"alice"_s, AlicePassword), 401);
    // The live event updates the row; the action now offers the opposite.
    UsersModel *users = m_page->usersModel();
    QTRY_COMPARE_WITH_TIMEOUT(
        users->index(users->rowOf(u"alice"_s), UsersModel::EnabledColumn).data().toString(),
        u"Disabled"_s, UiTimeoutMs);
    QTRY_COMPARE(toggle->text(), u"Enable"_s);

    QVERIFY(clickToolButton(u"toggleUserEnabledAction"_s));
    QVERIFY(acceptConfirmation(u"can sign in again"_s));
    QTRY_VERIFY_WITH_TIMEOUT(serverUser(u"alice"_s).value("enabled"_L1).toBool(false), UiTimeoutMs);
    QCOMPARE(statusAs(u"alice"_s, AlicePassword), 200);
}

void TestUsers::directoryUserNeedsNoPassword()
{
    const QJsonObject directory{{"name"_L1, "corp"_L1},
                                {"url"_L1, "ldap://127.0.0.1:1"_L1},
                                {"bindDn"_L1, "cn=bulwark,dc=example,dc=org"_L1},
                                {"bindPassword"_L1, "service-secret"_L1},
                                {"userBase"_L1, "ou=people,dc=example,dc=org"_L1}};
    QCOMPARE(rest("POST", u"/api/DirectoryServices"_s,
                  QJsonDocument(directory).toJson(QJsonDocument::Compact))
                 .status,
             201);
    QVERIFY(clickToolButton(u"newUserAction"_s));
    QPointer<UserDialog> dialog = visibleUserDialog();
    QVERIFY(dialog);
    auto *source = dialog->findChild<QComboBox *>(u"userAuthSourceCombo"_s);
    QTRY_VERIFY_WITH_TIMEOUT(source->findData(u"corp"_s) >= 0, UiTimeoutMs);
    QCOMPARE(source->itemText(source->findData(u"corp"_s)), u"Directory: corp"_s);
    QTest::keyClicks(dialog->findChild<QLineEdit *>(u"userNameEdit"_s), u"carol"_s);
    source->setCurrentIndex(source->findData(u"corp"_s));
    QVERIFY(!dialog->findChild<QLineEdit *>(u"userPasswordEdit"_s)->isEnabled());
    auto *save = dialog->findChild<QPushButton *>(u"saveUserButton"_s);
    QVERIFY(save->isEnabled());
    QTest::mouseClick(save, Qt::LeftButton);
    QTRY_VERIFY_WITH_TIMEOUT(!dialog || !dialog->isVisible(), UiTimeoutMs);
    QCOMPARE(serverUser(u"carol"_s).value("authSource"_L1).toString(), u"corp"_s);
    UsersModel *users = m_page->usersModel();
    QTRY_VERIFY_WITH_TIMEOUT(users->rowOf(u"carol"_s) >= 0, UiTimeoutMs);
    QCOMPARE(users->index(users->rowOf(u"carol"_s), UsersModel::AuthSourceColumn).data().toString(),
             u"Directory: corp"_s);
    // A directory user's password is the directory's: no reset here.
    QVERIFY(m_page->selectUser(u"carol"_s));
    QVERIFY(!toolButton(u"resetPasswordAction"_s)->isEnabled());
}

void TestUsers::unlocksLockedUser()
{
    QVERIFY(!toolButton(u"unlockUserAction"_s)->isEnabled());
    // Three wrong passwords lock the account (threshold set above).
    for (int attempt = 0; attempt < 3; ++attempt)
        QCOMPARE(statusAs(u"alice"_s, u"wrong-password-%1"_s.arg(attempt)), 401);
    QVERIFY(serverUser(u"alice"_s).value("locked"_L1).toBool());
    QCOMPARE(statusAs(u"alice"_s, AlicePassword), 401);

    // A lockout sends no event: Refresh shows it.
    QVERIFY(clickToolButton(u"refreshUsersAction"_s));
    UsersModel *users = m_page->usersModel();
    QTRY_VERIFY_WITH_TIMEOUT(
        users->index(users->rowOf(u"alice"_s), 0).data(UsersModel::LockedRole).toBool(),
        UiTimeoutMs);
    QVERIFY(users->index(users->rowOf(u"alice"_s), UsersModel::LockedColumn)
                .data()
                .toString()
                .startsWith(u"Locked"_s));
    QVERIFY(m_page->selectUser(u"alice"_s));
    QVERIFY(clickToolButton(u"unlockUserAction"_s));
    QVERIFY(acceptConfirmation(u"lockout ends"_s));
    QTRY_VERIFY_WITH_TIMEOUT(!serverUser(u"alice"_s).value("locked"_L1).toBool(true), UiTimeoutMs);
    QCOMPARE(statusAs(u"alice"_s, AlicePassword), 200);
    QTRY_VERIFY_WITH_TIMEOUT(
        !users->index(users->rowOf(u"alice"_s), 0).data(UsersModel::LockedRole).toBool(),
        UiTimeoutMs);
}

void TestUsers::resetsPassword()
{
    QVERIFY(m_page->selectUser(u"alice"_s));
    QVERIFY(clickToolButton(u"resetPasswordAction"_s));
    QPointer<UserDialog> dialog = visibleUserDialog();
    QVERIFY(dialog);
    auto *consequence = dialog->findChild<QLabel *>(u"passwordConsequenceLabel"_s);
    QVERIFY(consequence && consequence->text().contains(u"ends every session"_s));
    auto *save = dialog->findChild<QPushButton *>(u"saveUserButton"_s);
    QVERIFY(!save->isEnabled()); // a reset needs a password
    // The policy refuses a password containing the user name.
    QTest::keyClicks(dialog->findChild<QLineEdit *>(u"userPasswordEdit"_s),
                     u"alice-garden-hedgehog"_s);
    QTRY_COMPARE_WITH_TIMEOUT(dialog->passwordVerdict(), UserDialog::PasswordVerdict::Refused,
                              UiTimeoutMs);
    QVERIFY(
        dialog->findChild<QLabel *>(u"passwordFeedbackLabel"_s)->text().contains(u"user name"_s));
    auto *password = dialog->findChild<QLineEdit *>(u"userPasswordEdit"_s);
    password->clear();
    QTest::keyClicks(password, AliceNewPassword);
    QTest::keyClicks(dialog->findChild<QLineEdit *>(u"userPasswordConfirmEdit"_s),
                     AliceNewPassword);
    QTRY_VERIFY_WITH_TIMEOUT(save->isEnabled(), UiTimeoutMs);
    QTest::mouseClick(save, Qt::LeftButton);
    QTRY_VERIFY_WITH_TIMEOUT(!dialog || !dialog->isVisible(), UiTimeoutMs);
    QCOMPARE(statusAs(u"alice"_s, AliceNewPassword), 200);
    QCOMPARE(statusAs(u"alice"_s, AlicePassword), 401);
    // The rest of the user stays as it was.
    const QJsonObject alice = serverUser(u"alice"_s);
    QCOMPARE(alice.value("enabled"_L1).toBool(), true);
    QCOMPARE(alice.value("authSource"_L1).toString(), u"local"_s);
}

void TestUsers::endsSessions()
{
    // alice signs in elsewhere and keeps a session token.
    const QJsonObject login{{"user"_L1, u"alice"_s}, {"password"_L1, AliceNewPassword}};
    const RestAnswer session =
        rest("POST", u"/api/auth/login"_s, QJsonDocument(login).toJson(QJsonDocument::Compact));
    QCOMPARE(session.status, 200);
    const QString token = session.body.object().value("token"_L1).toString();
    QVERIFY(token.startsWith(u"bws_"_s));
    const auto tokenStatus = [this, &token] {
        QNetworkAccessManager network;
        QNetworkRequest request(url(u"/api/auth/session"_s));
        request.setRawHeader("Authorization", "Bearer " + token.toLatin1());
        std::unique_ptr<QNetworkReply> reply(network.get(request));
        const QString fingerprint = m_connection->endpoint().pinnedFingerprint;
        QObject::connect(reply.get(), &QNetworkReply::sslErrors, reply.get(),
                         [&reply, fingerprint](const QList<QSslError> &errors) {
                             const QString digest =
                                 QString::fromLatin1(reply->sslConfiguration()
                                                         .peerCertificate()
                                                         .digest(QCryptographicHash::Sha256)
                                                         .toHex(':')
                                                         .toUpper());
                             if (digest == fingerprint)
                                 reply->ignoreSslErrors(errors);
                         });
        if (!QTest::qWaitFor([&reply] { return reply->isFinished(); }, 15000))
            return 0;
        return reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    };
    QCOMPARE(tokenStatus(), 200);

    QVERIFY(m_page->selectUser(u"alice"_s));
    QVERIFY(clickToolButton(u"endSessionsAction"_s));
    QVERIFY(acceptConfirmation(u"live connections"_s));
    auto *message = m_page->findChild<QLabel *>(u"usersMessageLabel"_s);
    QTRY_COMPARE_WITH_TIMEOUT(message->text(), u"Ended every session of alice."_s, UiTimeoutMs);
    QCOMPARE(tokenStatus(), 401);
    // The password still works: only the sessions ended.
    QCOMPARE(statusAs(u"alice"_s, AliceNewPassword), 200);
}

void TestUsers::showsGroupNestingAsTree()
{
    // Operators = {alice}, made through the dialog.
    QVERIFY(clickToolButton(u"newGroupAction"_s));
    QPointer<GroupDialog> dialog = m_page->findChild<GroupDialog *>(u"groupDialog"_s);
    QVERIFY(dialog && dialog->isVisible());
    QTest::keyClicks(dialog->findChild<QLineEdit *>(u"groupNameEdit"_s), u"Operators"_s);
    QVERIFY(dialog->setMemberChecked(GroupMember::Kind::User, u"alice"_s, true));
    QTest::mouseClick(dialog->findChild<QPushButton *>(u"saveGroupButton"_s), Qt::LeftButton);
    QTRY_VERIFY_WITH_TIMEOUT(!dialog || !dialog->isVisible(), UiTimeoutMs);
    QCOMPARE(rest("GET", u"/api/Groups/Operators"_s).status, 200);

    // Shift = {Operators}: a group inside a group.
    QVERIFY(clickToolButton(u"newGroupAction"_s));
    QPointer<GroupDialog> shift;
    for (GroupDialog *candidate : m_page->findChildren<GroupDialog *>()) {
        if (candidate->isVisible())
            shift = candidate;
    }
    QVERIFY(shift);
    QTest::keyClicks(shift->findChild<QLineEdit *>(u"groupNameEdit"_s), u"Shift"_s);
    QVERIFY(shift->setMemberChecked(GroupMember::Kind::Group, u"Operators"_s, true));
    QTest::mouseClick(shift->findChild<QPushButton *>(u"saveGroupButton"_s), Qt::LeftButton);
    QTRY_VERIFY_WITH_TIMEOUT(!shift || !shift->isVisible(), UiTimeoutMs);
    const QJsonArray members =
        rest("GET", u"/api/Groups/Shift"_s).body.object().value("members"_L1).toArray();
    QCOMPARE(members.size(), 1);
    QCOMPARE(members.at(0).toObject().value("type"_L1).toString(), u"Group"_s);
    QCOMPARE(members.at(0).toObject().value("name"_L1).toString(), u"Operators"_s);

    GroupsTreeModel *tree = m_page->groupsModel();
    QTRY_VERIFY_WITH_TIMEOUT(tree->indexOfPath(u"Shift/Operators/alice"_s).isValid(), UiTimeoutMs);
    // Operators sits inside Shift, not at the top.
    QVERIFY(!tree->indexOfPath(u"Operators"_s).isValid());
    QCOMPARE(tree->rowCount(), 2); // Administrators, Shift
    QVERIFY(m_page->groupsView()->isExpanded(tree->indexOfPath(u"Shift/Operators"_s)));
    UsersModel *users = m_page->usersModel();
    QCOMPARE(users->index(users->rowOf(u"alice"_s), UsersModel::GroupsColumn).data().toString(),
             u"Operators"_s);

    // A change made elsewhere arrives live: Administrator joins Operators.
    const QJsonObject body{
        {"members"_L1,
         QJsonArray{QJsonObject{{"type"_L1, "User"_L1}, {"name"_L1, "alice"_L1}},
                    QJsonObject{{"type"_L1, "User"_L1}, {"name"_L1, "Administrator"_L1}}}}};
    QCOMPARE(
        rest("PUT", u"/api/Groups/Operators"_s, QJsonDocument(body).toJson(QJsonDocument::Compact))
            .status,
        200);
    QTRY_VERIFY_WITH_TIMEOUT(tree->indexOfPath(u"Shift/Operators/Administrator"_s).isValid(),
                             UiTimeoutMs);

    // A cycle is refused by the server, and the dialog shows its message.
    m_page->groupsView()->setCurrentIndex(tree->indexOfPath(u"Shift/Operators"_s));
    QCOMPARE(m_page->selectedGroup(), u"Operators"_s);
    QVERIFY(clickToolButton(u"editGroupAction"_s));
    QPointer<GroupDialog> edit;
    for (GroupDialog *candidate : m_page->findChildren<GroupDialog *>()) {
        if (candidate->isVisible())
            edit = candidate;
    }
    QVERIFY(edit);
    QVERIFY(edit->setMemberChecked(GroupMember::Kind::Group, u"Shift"_s, true));
    QTest::mouseClick(edit->findChild<QPushButton *>(u"saveGroupButton"_s), Qt::LeftButton);
    auto *error = edit->findChild<QLabel *>(u"groupErrorLabel"_s);
    QTRY_VERIFY_WITH_TIMEOUT(error->isVisible() && error->text().contains(u"cycle"_s), UiTimeoutMs);
    QVERIFY(edit->isVisible());

    // Changed elsewhere while the dialog is open: saving says so and
    // overwrites nothing.
    QVERIFY(edit->setMemberChecked(GroupMember::Kind::Group, u"Shift"_s, false));
    const QJsonObject elsewhere{{"description"_L1, "changed elsewhere"_L1},
                                {"members"_L1, body.value("members"_L1)}};
    QCOMPARE(rest("PUT", u"/api/Groups/Operators"_s,
                  QJsonDocument(elsewhere).toJson(QJsonDocument::Compact))
                 .status,
             200);
    QTest::mouseClick(edit->findChild<QPushButton *>(u"saveGroupButton"_s), Qt::LeftButton);
    QTRY_VERIFY_WITH_TIMEOUT(error->isVisible() && error->text().contains(u"Someone changed"_s),
                             UiTimeoutMs);
    QVERIFY(edit->isVisible());
    const RestAnswer stored = rest("GET", u"/api/Groups/Operators"_s);
    QCOMPARE(stored.body.object().value("description"_L1).toString(), u"changed elsewhere"_s);
    edit->reject();
}

void TestUsers::deletesUserAfterConfirmation()
{
    // bob is made elsewhere: the table learns of him from the live event.
    const QJsonObject bob{{"name"_L1, "bob"_L1}};
    QCOMPARE(
        rest("POST", u"/api/Users"_s, QJsonDocument(bob).toJson(QJsonDocument::Compact)).status,
        201);
    QTRY_VERIFY_WITH_TIMEOUT(m_page->usersModel()->rowOf(u"bob"_s) >= 0, UiTimeoutMs);

    // The search narrows the table.
    auto *filter = m_page->findChild<QLineEdit *>(u"usersFilterEdit"_s);
    QTest::keyClicks(filter, u"bo"_s);
    QCOMPARE(m_page->usersView()->model()->rowCount(), 1);
    filter->clear();
    QAbstractItemModel *shown = m_page->usersView()->model();
    QVERIFY(shown->rowCount() >= 3);
    // "Never" must sort as the earliest date, not as a word after the digits;
    // the others in time order.
    const auto lastLogins = [shown] {
        QList<QDateTime> times;
        for (int row = 0; row < shown->rowCount(); ++row)
            times.append(shown->index(row, UsersModel::LastLoginColumn)
                             .data(UsersModel::SortRole)
                             .toDateTime());
        return times;
    };
    m_page->usersView()->sortByColumn(UsersModel::LastLoginColumn, Qt::AscendingOrder);
    QList<QDateTime> ascending = lastLogins();
    QVERIFY(!ascending.constFirst().isValid()); // bob and carol: never
    QVERIFY(ascending.constLast().isValid());
    for (qsizetype i = 1; i < ascending.size(); ++i)
        QVERIFY(!ascending.at(i).isValid()
                    ? !ascending.at(i - 1).isValid()
                    : ascending.at(i - 1) <= ascending.at(i) || !ascending.at(i - 1).isValid());
    m_page->usersView()->sortByColumn(UsersModel::LastLoginColumn, Qt::DescendingOrder);
    QVERIFY(lastLogins().constFirst().isValid());
    QVERIFY(!lastLogins().constLast().isValid());
    m_page->usersView()->sortByColumn(UsersModel::NameColumn, Qt::AscendingOrder);

    QVERIFY(m_page->selectUser(u"bob"_s));
    QVERIFY(clickToolButton(u"deleteUserAction"_s));
    QVERIFY(acceptConfirmation(u"cannot be undone"_s));
    QTRY_COMPARE_WITH_TIMEOUT(rest("GET", u"/api/Users/bob"_s).status, 404, UiTimeoutMs);
    QTRY_VERIFY_WITH_TIMEOUT(m_page->usersModel()->rowOf(u"bob"_s) < 0, UiTimeoutMs);
}

void TestUsers::disconnectedPageSaysSo()
{
    m_page->setSession({});
    QCOMPARE(m_page->usersModel()->rowCount(), 0);
    QCOMPARE(m_page->groupsModel()->rowCount(), 0);
    auto *empty = m_page->findChild<QLabel *>(u"usersEmptyState"_s);
    QVERIFY(empty->isVisible());
    QVERIFY(empty->text().startsWith(u"Not connected"_s));
    QVERIFY(!toolButton(u"newUserAction"_s)->isEnabled());
}

// The server refuses cycles, but the tree must stay finite whatever it is
// given: each group is expanded at most once per path, and groups that only
// a cycle reaches still appear at the top.
void TestUsers::groupsTreeGuardsAgainstCycles()
{
    GroupsTreeModel tree;
    QAbstractItemModelTester tester(&tree, QAbstractItemModelTester::FailureReportingMode::Fatal);
    using Kind = GroupMember::Kind;
    const QList<Bulwark::Models::GroupSummary> cyclic{
        {u"A"_s, {}, {{Kind::Group, u"B"_s}, {Kind::User, u"alice"_s}}},
        {u"B"_s, {}, {{Kind::Group, u"A"_s}}},
        {u"Solo"_s, {}, {{Kind::Group, u"Solo"_s}}},
    };
    tree.setGroups(cyclic);
    QCOMPARE(tree.rowCount(), 2); // A (B reached through it), Solo
    const QModelIndex inner = tree.indexOfPath(u"A/B/A"_s);
    QVERIFY(inner.isValid());
    QVERIFY(inner.data(GroupsTreeModel::CycleRole).toBool());
    QCOMPARE(tree.rowCount(inner), 0);
    QVERIFY(tree.indexOfPath(u"A/alice"_s).isValid());
    const QModelIndex solo = tree.indexOfPath(u"Solo/Solo"_s);
    QVERIFY(solo.isValid() && solo.data(GroupsTreeModel::CycleRole).toBool());
    QVERIFY(solo.siblingAtColumn(GroupsTreeModel::DescriptionColumn)
                .data()
                .toString()
                .contains(u"cycle"_s));

    // Reloading the same groups changes nothing; other groups rebuild.
    tree.setGroups(cyclic);
    tree.setGroups({{u"A"_s, {}, {{Kind::User, u"bob"_s}}}});
    QCOMPARE(tree.rowCount(), 1);
    QVERIFY(tree.indexOfPath(u"A/bob"_s).isValid());
    tree.setGroups({});
    QCOMPARE(tree.rowCount(), 0);
}

QTEST_MAIN(TestUsers)
#include "tst_users.moc"
