// console_screenshots: the pictures in docs/console.md, taken from the real
// console. Starts the console with its embedded server in a temporary data
// directory, fills it with an example plant through the REST API (Things, a
// file repository, users, groups, an organization, rules), connects example
// devices (edge/examples/simulated_device, as separate processes) and saves
// one PNG per navigation area. Run by tests/gui/take-screenshots.sh under Xvfb.
#include "RestProbe.h"
#include "models/PermissionMatrixModel.h"
#include "ui/Appearance.h"
#include "ui/ConnectionManager.h"
#include "ui/ConsoleWindow.h"
#include "ui/PermissionsPage.h"

#include <QAbstractItemView>
#include <QAction>
#include <QApplication>
#include <QCommandLineParser>
#include <QDir>
#include <QJsonArray>
#include <QJsonObject>
#include <QLineEdit>
#include <QListWidget>
#include <QProcess>
#include <QStackedWidget>
#include <QTabWidget>
#include <QTableView>
#include <QTemporaryDir>
#include <QTest>
#include <QTreeView>

#include <cstdio>
#include <memory>
#include <vector>

using namespace Qt::StringLiterals;
using Bulwark::Ui::ConnectionManager;
using Bulwark::Ui::ConsoleWindow;

namespace {

const QString AdminPassword = u"correct-horse-battery-staple-42"_s;
constexpr int StartTimeoutMs = 60000;
constexpr int SettleMs = 2500;

void say(const QString &line)
{
    std::printf("console_screenshots: %s\n", qPrintable(line));
    std::fflush(stdout);
}

class Plant
{
public:
    explicit Plant(ConsoleWindow &window)
        : m_window(window)
    {}

    QUrl url(const QString &path) const
    {
        QUrl url;
        url.setScheme(u"https"_s);
        url.setHost(u"127.0.0.1"_s);
        url.setPort(m_window.connection()->embeddedServerPort());
        url.setPath(path);
        return url;
    }

    QString fingerprint() const { return m_window.connection()->endpoint().pinnedFingerprint; }

    // One REST call as Administrator; a refusal is reported, not fatal (the
    // pictures are still worth taking).
    QJsonDocument call(const QByteArray &verb, const QString &path, const QJsonObject &body = {})
    {
        const QByteArray bytes =
            body.isEmpty() ? QByteArray() : QJsonDocument(body).toJson(QJsonDocument::Compact);
        const RestAnswer answer =
            restCall(verb, url(path), u"Administrator"_s, AdminPassword, fingerprint(), bytes);
        if (answer.status < 200 || answer.status >= 300)
            say(u"%1 %2 answered %3: %4"_s.arg(QString::fromLatin1(verb), path)
                    .arg(answer.status)
                    .arg(QString::fromUtf8(answer.body.toJson(QJsonDocument::Compact))));
        return answer.body;
    }

    void build()
    {
        const QJsonArray pumpProperties{
            QJsonObject{{u"name"_s, u"temperature"_s}, {u"baseType"_s, u"NUMBER"_s}},
            QJsonObject{{u"name"_s, u"pressure"_s}, {u"baseType"_s, u"NUMBER"_s}},
            QJsonObject{{u"name"_s, u"running"_s}, {u"baseType"_s, u"BOOLEAN"_s}}};
        const QJsonArray pumpServices{QJsonObject{
            {u"name"_s, u"Reset"_s},
            {u"inputs"_s,
             QJsonArray{QJsonObject{{u"name"_s, u"level"_s}, {u"baseType"_s, u"INTEGER"_s}}}},
            {u"output"_s, u"STRING"_s}}};
        call("POST", u"/api/ThingTemplates"_s,
             {{u"name"_s, u"Pump"_s},
              {u"description"_s, u"A circulation pump"_s},
              {u"properties"_s, pumpProperties},
              {u"services"_s, pumpServices}});
        for (const QString &name : m_pumps)
            call("POST", u"/api/Things"_s,
                 {{u"name"_s, name},
                  {u"template"_s, u"Pump"_s},
                  {u"description"_s, u"Circulation pump in hall %1"_s.arg(name.right(1))}});
        call("POST", u"/api/Things"_s,
             {{u"name"_s, u"DeviceLogs"_s},
              {u"template"_s, u"FileRepository"_s},
              {u"description"_s, u"Log files uploaded by the pumps"_s}});
        call("POST", u"/api/Things"_s,
             {{u"name"_s, u"Firmware"_s},
              {u"template"_s, u"FileRepository"_s},
              {u"description"_s, u"Firmware images for the pumps"_s}});

        call("POST", u"/api/Users"_s,
             {{u"name"_s, u"alice"_s},
              {u"description"_s, u"Shift lead, hall 1"_s},
              {u"password"_s, u"tulip-anchor-violet-drum"_s}});
        call("POST", u"/api/Users"_s,
             {{u"name"_s, u"bob"_s},
              {u"description"_s, u"Maintenance contractor"_s},
              {u"password"_s, u"saddle-orbit-pepper-lamp"_s}});
        call("POST", u"/api/Users"_s,
             {{u"name"_s, u"pump-gateway"_s}, {u"description"_s, u"The pumps' app keys"_s}});
        call("POST", u"/api/Groups"_s,
             {{u"name"_s, u"NightShift"_s},
              {u"description"_s, u"Operators on the night shift"_s},
              {u"members"_s,
               QJsonArray{QJsonObject{{u"type"_s, u"User"_s}, {u"name"_s, u"bob"_s}}}}});
        call("POST", u"/api/Groups"_s,
             {{u"name"_s, u"Operators"_s},
              {u"description"_s, u"Plant operators"_s},
              {u"members"_s,
               QJsonArray{QJsonObject{{u"type"_s, u"User"_s}, {u"name"_s, u"alice"_s}},
                          QJsonObject{{u"type"_s, u"Group"_s}, {u"name"_s, u"NightShift"_s}}}}});

        call("POST", u"/api/Organizations"_s,
             {{u"name"_s, u"Acme"_s},
              {u"description"_s, u"Acme Water Works"_s},
              {u"units"_s,
               QJsonArray{QJsonObject{{u"name"_s, u"Plant"_s}, {u"parent"_s, u"Acme"_s}},
                          QJsonObject{{u"name"_s, u"Hall1"_s}, {u"parent"_s, u"Plant"_s}},
                          QJsonObject{{u"name"_s, u"Hall2"_s}, {u"parent"_s, u"Plant"_s}},
                          QJsonObject{{u"name"_s, u"Maintenance"_s}, {u"parent"_s, u"Acme"_s}}}}});
        call("PUT", u"/api/Organizations/Acme/Units/Hall1/Members"_s,
             {{u"members"_s,
               QJsonArray{QJsonObject{{u"type"_s, u"User"_s}, {u"name"_s, u"alice"_s}}}}});
        // The pumps' user sees every Thing made visible anywhere in Acme.
        call("PUT", u"/api/Organizations/Acme/Units/Acme/Members"_s,
             {{u"members"_s,
               QJsonArray{QJsonObject{{u"type"_s, u"User"_s}, {u"name"_s, u"pump-gateway"_s}}}}});
        call("PUT", u"/api/Organizations/Acme/Units/Maintenance/Members"_s,
             {{u"members"_s,
               QJsonArray{QJsonObject{{u"type"_s, u"Group"_s}, {u"name"_s, u"NightShift"_s}}}}});

        call("PUT", u"/api/Collections/Things/Permissions"_s,
             {{u"rules"_s,
               QJsonArray{rule(u"Group"_s, u"Operators"_s, u"Read"_s, u"Allow"_s),
                          rule(u"Group"_s, u"Operators"_s, u"PropertyRead"_s, u"Allow"_s),
                          rule(u"Group"_s, u"Operators"_s, u"PropertyWrite"_s, u"Allow"_s),
                          rule(u"Group"_s, u"Operators"_s, u"ServiceInvoke"_s, u"Allow"_s),
                          rule(u"Group"_s, u"NightShift"_s, u"ServiceInvoke"_s, u"Deny"_s),
                          rule(u"User"_s, u"pump-gateway"_s, u"Read"_s, u"Allow"_s),
                          rule(u"User"_s, u"pump-gateway"_s, u"PropertyWrite"_s, u"Allow"_s),
                          rule(u"User"_s, u"pump-gateway"_s, u"ServiceInvoke"_s, u"Allow"_s),
                          rule(u"User"_s, u"pump-gateway"_s, u"EventInvoke"_s, u"Allow"_s)}}});
        call("PUT", u"/api/Things/Pump2/Permissions"_s,
             {{u"rules"_s, QJsonArray{rule(u"User"_s, u"bob"_s, u"PropertyWrite"_s, u"Deny"_s)}}});
        // The pumps upload their logs into DeviceLogs (Update on the target).
        call("PUT", u"/api/Things/DeviceLogs/Permissions"_s,
             {{u"rules"_s,
               QJsonArray{rule(u"User"_s, u"pump-gateway"_s, u"Update"_s, u"Allow"_s)}}});
        call("PUT", u"/api/Things/DeviceLogs/Visibility"_s,
             {{u"units"_s, QJsonArray{u"Acme/Plant"_s}}});
        for (const QString &name : m_pumps)
            call("PUT", u"/api/Things/%1/Visibility"_s.arg(name),
                 {{u"units"_s, QJsonArray{u"Acme/Hall%1"_s.arg(name.right(1) == u"3"_s ? 2 : 1)}}});

        const QJsonDocument key =
            call("POST", u"/api/ApplicationKeys"_s,
                 {{u"name"_s, u"pumps"_s},
                  {u"user"_s, u"pump-gateway"_s},
                  {u"expires"_s,
                   QDateTime::currentDateTimeUtc().addDays(365).toString(Qt::ISODateWithMs)}});
        m_appKey = key.object().value(u"secret"_s).toString();
        call("POST", u"/api/DirectoryServices"_s,
             {{u"name"_s, u"corp"_s},
              {u"description"_s, u"Acme's staff directory"_s},
              {u"url"_s, u"ldaps://ldap.acme.example:636"_s},
              {u"bindDn"_s, u"cn=bulwark,ou=services,dc=acme,dc=example"_s},
              {u"bindPassword"_s, u"service-account-secret"_s},
              {u"userBase"_s, u"ou=people,dc=acme,dc=example"_s}});
    }

    // The example pumps, as a user would start them (README "Connect a
    // device"); they push values and upload their log file.
    void startDevices(const QString &program)
    {
        if (m_appKey.isEmpty() || program.isEmpty()) {
            say(u"no example devices (no app key or no --simulated-device)"_s);
            return;
        }
        const QString fingerprint = this->fingerprint().remove(u':');
        for (const QString &name : m_pumps) {
            auto process = std::make_unique<QProcess>();
            QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
            environment.insert(u"BULWARK_APP_KEY"_s, m_appKey);
            process->setProcessEnvironment(environment);
            process->setProcessChannelMode(QProcess::ForwardedErrorChannel);
            QUrl edge = url(u"/edge"_s);
            edge.setScheme(u"wss"_s);
            process->start(program,
                           {u"--server"_s, edge.toString(), u"--fingerprint"_s, fingerprint,
                            u"--thing"_s, name, u"--repository"_s, u"DeviceLogs"_s});
            m_devices.push_back(std::move(process));
        }
    }

    void stopDevices()
    {
        for (auto &process : m_devices) {
            process->terminate();
            process->waitForFinished(5000);
        }
        m_devices.clear();
    }

private:
    static QJsonObject rule(const QString &type, const QString &name, const QString &permission,
                            const QString &effect)
    {
        return {{u"principal"_s, QJsonObject{{u"type"_s, type}, {u"name"_s, name}}},
                {u"permission"_s, permission},
                {u"effect"_s, effect}};
    }

    ConsoleWindow &m_window;
    const QStringList m_pumps{u"Pump1"_s, u"Pump2"_s, u"Pump3"_s};
    QString m_appKey;
    std::vector<std::unique_ptr<QProcess>> m_devices;
};

// "File transfers" → "file-transfers"
QString slug(const QString &areaName)
{
    QString result;
    for (const QChar c : areaName.toLower()) {
        if (c.isLetterOrNumber())
            result += c;
        else if (!result.isEmpty() && !result.endsWith(u'-'))
            result += u'-';
    }
    while (result.endsWith(u'-'))
        result.chop(1);
    return result;
}

// Selects the first row of the page's first non-empty list or table, so that
// detail panes show something.
void selectFirstRow(QWidget *page)
{
    const auto views = page->findChildren<QAbstractItemView *>();
    for (QAbstractItemView *view : views)
        if (auto *tree = qobject_cast<QTreeView *>(view))
            tree->expandAll();
    for (QAbstractItemView *view : views) {
        if (!view->isVisible() || !view->model() || view->model()->rowCount() == 0)
            continue;
        view->setCurrentIndex(view->model()->index(0, 0));
        return;
    }
}

bool save(QWidget &widget, const QDir &dir, const QString &name)
{
    const QString file = dir.filePath(u"console-%1.png"_s.arg(name));
    if (!widget.grab().save(file)) {
        std::fprintf(stderr, "console_screenshots: cannot write %s\n", qPrintable(file));
        return false;
    }
    say(u"saved %1"_s.arg(file));
    return true;
}

int rowOfArea(const QListWidget &navigation, const QString &name)
{
    for (int row = 0; row < navigation.count(); ++row)
        if (navigation.item(row)->text() == name)
            return row;
    return -1;
}

// Permissions in effective mode: why bob may not write Pump2's properties.
bool takeEffectivePermissions(ConsoleWindow &window, const QListWidget &navigation, const QDir &dir)
{
    window.showArea(rowOfArea(navigation, u"Permissions"_s));
    auto *page = window.findChild<Bulwark::Ui::PermissionsPage *>();
    if (!page)
        return false;
    Bulwark::Models::PermissionScope scope;
    scope.level = Bulwark::Models::PermissionScope::Level::Entity;
    scope.collection = u"Things"_s;
    scope.name = u"Pump2"_s;
    page->setScope(scope);
    QTest::qWait(SettleMs);
    if (auto *tabs = page->findChild<QTabWidget *>(u"permissionTabs"_s))
        tabs->setCurrentIndex(1);
    page->setEffectiveMode(true);
    page->setEffectiveUser(u"bob"_s);
    QTest::qWait(SettleMs);
    if (auto *view = page->findChild<QTableView *>(u"runTimeView"_s); view && view->model()) {
        // Column 0 names the principal; PropertyWrite is the second run-time one.
        view->setCurrentIndex(view->model()->index(0, 2));
        QTest::qWait(SettleMs);
    }
    const bool saved = save(window, dir, u"permissions-effective"_s);
    page->setEffectiveMode(false);
    return saved;
}

// The new-user dialog refusing a weak password as it is typed.
bool takeWeakPassword(ConsoleWindow &window, const QListWidget &navigation, const QDir &dir)
{
    window.showArea(rowOfArea(navigation, u"Users & Groups"_s));
    auto *newUser = window.findChild<QAction *>(u"newUserAction"_s);
    if (!newUser)
        return false;
    newUser->trigger();
    QTest::qWait(SettleMs / 2);
    QWidget *dialog = nullptr;
    for (QWidget *widget : QApplication::topLevelWidgets())
        if (widget->objectName() == u"userDialog"_s && widget->isVisible())
            dialog = widget;
    if (!dialog)
        return false;
    if (auto *name = dialog->findChild<QLineEdit *>(u"userNameEdit"_s))
        name->setText(u"carol"_s);
    if (auto *password = dialog->findChild<QLineEdit *>(u"userPasswordEdit"_s))
        QTest::keyClicks(password, u"Sunshine2024!"_s);
    QTest::qWait(SettleMs);
    const bool saved = save(*dialog, dir, u"new-user-weak-password"_s);
    dialog->close();
    return saved;
}

} // namespace

int main(int argc, char *argv[])
{
    QApplication app(argc, argv);
    QCommandLineParser parser;
    parser.setApplicationDescription(
        u"Takes the screenshots of docs/console.md from the real console (run under Xvfb by "
        "tests/gui/take-screenshots.sh)."_s);
    parser.addHelpOption();
    const QCommandLineOption output(u"output"_s, u"Directory for the PNG files."_s, u"DIR"_s);
    const QCommandLineOption device(u"simulated-device"_s,
                                    u"Path of edge/examples/simulated_device."_s, u"FILE"_s);
    parser.addOptions({output, device});
    parser.process(app);
    if (!parser.isSet(output)) {
        std::fprintf(stderr, "console_screenshots: give --output DIR; see --help.\n");
        return 2;
    }
    const QDir outputDir(parser.value(output));
    if (!QDir().mkpath(outputDir.path())) {
        std::fprintf(stderr, "console_screenshots: cannot create %s\n",
                     qPrintable(outputDir.path()));
        return 1;
    }

    // Nothing from the developer's own console or keychain: a fresh home.
    QTemporaryDir home;
    qputenv("XDG_CONFIG_HOME", QDir(home.path()).filePath(u"config"_s).toUtf8());
    qputenv("BULWARK_ADMIN_PASSWORD", AdminPassword.toUtf8());
    qputenv("DBUS_SESSION_BUS_ADDRESS", "unix:path=/nonexistent/bulwark-screenshots");

    Bulwark::Ui::ConsoleOptions options;
    options.embeddedServer.dataDir = QDir(home.path()).filePath(u"data"_s);
    options.embeddedServer.port = 0;
    ConsoleWindow window(options);
    window.resize(1280, 800);
    window.show();
    window.start();
    const bool up = QTest::qWaitFor(
        [&window] {
            return window.connection()->state() == ConnectionManager::State::Connected ||
                   !window.connection()->lastError().isEmpty();
        },
        StartTimeoutMs);
    if (!up || !window.connection()->lastError().isEmpty()) {
        std::fprintf(stderr, "console_screenshots: the console did not connect: %s\n",
                     qPrintable(window.connection()->lastError()));
        return 1;
    }
    // The first start shows the generated password only without
    // BULWARK_ADMIN_PASSWORD; close any message box left open anyway.
    for (QWidget *widget : QApplication::topLevelWidgets())
        if (widget != &window && widget->isVisible())
            widget->close();

    Plant plant(window);
    say(u"building the example plant"_s);
    plant.build();
    plant.startDevices(parser.value(device));
    QTest::qWait(4 * SettleMs);

    auto *navigation = window.findChild<QListWidget *>(u"navigationList"_s);
    auto *pages = window.findChild<QStackedWidget *>(u"areaPages"_s);
    if (!navigation || !pages) {
        std::fprintf(stderr, "console_screenshots: the window has no navigation list\n");
        return 1;
    }
    int saved = 0;
    for (int row = 0; row < navigation->count(); ++row) {
        window.showArea(row);
        window.reload();
        QTest::qWait(SettleMs);
        selectFirstRow(pages->currentWidget());
        QTest::qWait(SettleMs / 2);
        if (!save(window, outputDir, slug(navigation->item(row)->text())))
            return 1;
        ++saved;
    }
    saved += takeEffectivePermissions(window, *navigation, outputDir) ? 1 : 0;
    saved += takeWeakPassword(window, *navigation, outputDir) ? 1 : 0;

    // The dark palette, on the live devices.
    Bulwark::Ui::Appearance::instance()->setMode(Bulwark::Ui::AppearanceMode::Dark);
    window.showArea(0);
    selectFirstRow(pages->currentWidget());
    QTest::qWait(SettleMs);
    saved += save(window, outputDir, u"dark"_s) ? 1 : 0;
    plant.stopDevices();
    say(u"%1 screenshots in %2"_s.arg(saved).arg(outputDir.path()));
    return 0;
}
