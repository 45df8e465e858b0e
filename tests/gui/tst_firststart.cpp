// The password paths of the console's start: a generated Administrator
// password is shown once (without blocking), and a later start with no
// password in the environment asks for it, again and again until it is right.
#include "ui/ConsoleWindow.h"

#include <QApplication>
#include <QInputDialog>
#include <QLineEdit>
#include <QMessageBox>
#include <QPushButton>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QTest>

using namespace Qt::StringLiterals;
using Bulwark::Ui::ConnectionManager;
using Bulwark::Ui::ConsoleWindow;

namespace {
constexpr int ServerTimeoutMs = 60000;

std::unique_ptr<ConsoleWindow> startConsole(const QString &dataDir)
{
    Bulwark::Ui::ConsoleOptions options;
    options.embeddedServer.dataDir = dataDir;
    options.embeddedServer.port = 0;
    auto window = std::make_unique<ConsoleWindow>(options);
    window->show();
    window->start();
    return window;
}

void answerLogin(ConsoleWindow &window, const QString &password)
{
    auto *dialog = window.findChild<QInputDialog *>(u"loginDialog"_s);
    QVERIFY(dialog);
    auto *edit = dialog->findChild<QLineEdit *>();
    QVERIFY(edit);
    QCOMPARE(edit->echoMode(), QLineEdit::Password);
    QTest::keyClicks(edit, password);
    QTest::keyClick(edit, Qt::Key_Return);
}

} // namespace

class TestFirstStart final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void generatedPasswordIsShownOnceThenAskedFor();
};

void TestFirstStart::generatedPasswordIsShownOnceThenAskedFor()
{
    qunsetenv("BULWARK_ADMIN_PASSWORD");
    QTemporaryDir dataDir;
    QVERIFY(dataDir.isValid());

    QString password;
    {
        auto window = startConsole(dataDir.path());
        QMessageBox *notice = nullptr;
        QTRY_VERIFY_WITH_TIMEOUT(
            (notice = window->findChild<QMessageBox *>(u"initialPasswordDialog"_s)),
            ServerTimeoutMs);
        QVERIFY(!notice->isModal()); // never blocks the console
        // The password is the informative text's first line.
        password = notice->informativeText().section(u'\n', 0, 0);
        QVERIFY(password.size() >= 12);
        QTRY_VERIFY_WITH_TIMEOUT(
            window->connection()->state() == ConnectionManager::State::Connected, ServerTimeoutMs);
        QCOMPARE(window->connection()->endpoint().password, password);
    }

    // Second start: the password is not generated again, so the console asks.
    auto window = startConsole(dataDir.path());
    QTRY_VERIFY_WITH_TIMEOUT(window->findChild<QInputDialog *>(u"loginDialog"_s), ServerTimeoutMs);
    QVERIFY(!window->findChild<QMessageBox *>(u"initialPasswordDialog"_s));
    const QPointer<QInputDialog> firstDialog = window->findChild<QInputDialog *>(u"loginDialog"_s);
    answerLogin(*window, u"wrong-password"_s);
    QTRY_VERIFY(firstDialog.isNull());
    // Refused: asked again, not connected.
    QTRY_VERIFY_WITH_TIMEOUT(window->findChild<QInputDialog *>(u"loginDialog"_s), ServerTimeoutMs);
    QCOMPARE(window->connection()->state(), ConnectionManager::State::Disconnected);
    answerLogin(*window, password);
    QTRY_VERIFY_WITH_TIMEOUT(window->connection()->state() == ConnectionManager::State::Connected,
                             ServerTimeoutMs);
}

QTEST_MAIN(TestFirstStart)
#include "tst_firststart.moc"
