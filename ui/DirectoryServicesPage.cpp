#include "DirectoryServicesPage.h"

#include "DirectoryServiceForm.h"
#include "models/ApiClient.h"
#include "models/EventStream.h"
#include "wire/Wire.h"

#include <QAction>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QIcon>
#include <QJsonArray>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QMessageBox>
#include <QPushButton>
#include <QScrollArea>
#include <QSplitter>
#include <QStackedWidget>
#include <QStyle>
#include <QToolBar>
#include <QVBoxLayout>

namespace Bulwark::Ui {

using namespace Qt::StringLiterals;
using Models::ApiResult;

namespace {
constexpr int IconSize = 20;

QString servicePath(const QString &name)
{
    return Models::ApiClient::entityPath(Wire::DirectoryServices, name);
}
} // namespace

QString DirectoryServicesPage::stepTitle(const QString &step)
{
    if (step == "connect"_L1)
        return tr("Connect");
    if (step == "tls"_L1)
        return tr("TLS");
    if (step == "bind"_L1)
        return tr("Service account");
    if (step == "search"_L1)
        return tr("User base");
    if (step == "login"_L1)
        return tr("Login");
    if (step == "groups"_L1)
        return tr("Groups");
    return step;
}

DirectoryServicesPage::DirectoryServicesPage(QWidget *parent)
    : ConsolePage(parent)
    , m_list(new QListWidget(this))
    , m_stack(new QStackedWidget(this))
    , m_emptyState(new QLabel(this))
    , m_form(new DirectoryServiceForm(this))
    , m_message(new QLabel(this))
    , m_save(new QPushButton(tr("&Save"), this))
    , m_testConnection(new QPushButton(tr("Test &Connection"), this))
    , m_testUser(new QLineEdit(this))
    , m_testPassword(new QLineEdit(this))
    , m_testLogin(new QPushButton(tr("Test &Login"), this))
    , m_testIcon(new QLabel(this))
    , m_testResult(new QLabel(this))
    , m_testDetails(new QLabel(this))
{
    setObjectName(u"directoryServicesPage"_s);
    m_list->setObjectName(u"directoryList"_s);
    m_list->setMinimumWidth(160);
    m_emptyState->setObjectName(u"directoryEmptyState"_s);
    m_emptyState->setAlignment(Qt::AlignCenter);
    m_emptyState->setWordWrap(true);
    m_message->setObjectName(u"directoryMessageLabel"_s);
    m_message->setWordWrap(true);
    m_message->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_message->hide();

    m_save->setObjectName(u"saveDirectoryButton"_s);
    m_save->setIcon(style()->standardIcon(QStyle::SP_DialogSaveButton));
    m_save->setShortcut(QKeySequence::Save);
    m_testConnection->setObjectName(u"testConnectionButton"_s);
    m_testConnection->setToolTip(tr("Connect, secure the connection, sign in with the service "
                                    "account and read the user base, with the saved settings."));
    m_testUser->setObjectName(u"testUserEdit"_s);
    m_testUser->setPlaceholderText(tr("Directory user name"));
    m_testPassword->setObjectName(u"testPasswordEdit"_s);
    m_testPassword->setEchoMode(QLineEdit::Password);
    m_testPassword->setPlaceholderText(tr("Their password (not stored)"));
    m_testLogin->setObjectName(u"testLoginButton"_s);
    m_testLogin->setToolTip(tr("Also find the user, check the password with the directory and "
                               "read their groups. Not subject to lockout; audited."));
    m_testIcon->setObjectName(u"directoryTestIcon"_s);
    m_testIcon->setFixedSize(IconSize, IconSize);
    m_testIcon->hide();
    m_testResult->setObjectName(u"directoryTestResult"_s);
    m_testResult->setWordWrap(true);
    m_testResult->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_testDetails->setObjectName(u"directoryTestDetails"_s);
    m_testDetails->setWordWrap(true);
    m_testDetails->setTextInteractionFlags(Qt::TextSelectableByMouse);

    m_new = new QAction(style()->standardIcon(QStyle::SP_FileIcon), tr("New Directory"), this);
    m_new->setObjectName(u"newDirectoryAction"_s);
    m_new->setShortcut(QKeySequence::New);
    m_delete = new QAction(style()->standardIcon(QStyle::SP_TrashIcon), tr("Delete"), this);
    m_delete->setObjectName(u"deleteDirectoryAction"_s);
    m_delete->setShortcut(QKeySequence::Delete);
    m_refresh = new QAction(style()->standardIcon(QStyle::SP_BrowserReload), tr("Refresh"), this);
    m_refresh->setObjectName(u"refreshDirectoriesAction"_s);
    m_refresh->setShortcut(QKeySequence::Refresh);
    for (QAction *action : {m_new, m_delete, m_refresh}) {
        action->setShortcutContext(Qt::WidgetWithChildrenShortcut);
        addAction(action);
    }
    connect(m_new, &QAction::triggered, this, &DirectoryServicesPage::newService);
    connect(m_delete, &QAction::triggered, this, &DirectoryServicesPage::confirmDelete);
    connect(m_refresh, &QAction::triggered, this, &DirectoryServicesPage::reload);

    auto *toolbar = new QToolBar(this);
    toolbar->setObjectName(u"directoryToolBar"_s);
    toolbar->setToolButtonStyle(Qt::ToolButtonTextBesideIcon);
    toolbar->addActions({m_new, m_delete});
    toolbar->addSeparator();
    toolbar->addAction(m_refresh);

    auto *saveRow = new QHBoxLayout;
    saveRow->addWidget(m_save);
    saveRow->addWidget(m_testConnection);
    saveRow->addStretch(1);

    auto *testBox = new QGroupBox(tr("Test a sign-in"), this);
    auto *testRow = new QHBoxLayout(testBox);
    testRow->addWidget(m_testUser, 1);
    testRow->addWidget(m_testPassword, 1);
    testRow->addWidget(m_testLogin);

    auto *resultRow = new QHBoxLayout;
    resultRow->addWidget(m_testIcon, 0, Qt::AlignTop);
    resultRow->addWidget(m_testResult, 1);

    auto *editor = new QWidget(this);
    auto *editorLayout = new QVBoxLayout(editor);
    editorLayout->addWidget(m_form);
    editorLayout->addLayout(saveRow);
    editorLayout->addWidget(testBox);
    editorLayout->addLayout(resultRow);
    editorLayout->addWidget(m_testDetails);
    editorLayout->addStretch(1);
    auto *scroll = new QScrollArea(this);
    scroll->setWidgetResizable(true);
    scroll->setFrameShape(QFrame::NoFrame);
    scroll->setWidget(editor);
    m_stack->addWidget(m_emptyState);
    m_stack->addWidget(scroll);

    auto *splitter = new QSplitter(Qt::Horizontal, this);
    splitter->addWidget(m_list);
    splitter->addWidget(m_stack);
    splitter->setStretchFactor(1, 1);

    auto *layout = new QVBoxLayout(this);
    layout->addWidget(toolbar);
    layout->addWidget(m_message);
    layout->addWidget(splitter, 1);

    connect(m_list, &QListWidget::currentRowChanged, this, &DirectoryServicesPage::showSelected);
    connect(m_form, &DirectoryServiceForm::edited, this, &DirectoryServicesPage::updateState);
    connect(m_save, &QPushButton::clicked, this, &DirectoryServicesPage::save);
    connect(m_testConnection, &QPushButton::clicked, this, &DirectoryServicesPage::testConnection);
    connect(m_testLogin, &QPushButton::clicked, this, &DirectoryServicesPage::testLogin);
    connect(m_testUser, &QLineEdit::textChanged, this, &DirectoryServicesPage::updateState);
    updateState();
}

DirectoryServicesPage::~DirectoryServicesPage() = default;

void DirectoryServicesPage::setSession(const ConsoleSession &session)
{
    disconnect(m_eventConnection);
    ++m_generation;
    m_client = session.client;
    m_busy = false;
    m_loadError.clear();
    m_services.clear();
    m_list->clear();
    m_message->hide();
    showTestResult(true, QString(), QString());
    m_form->clearForNew();
    if (session.events)
        m_eventConnection = connect(session.events, &Models::EventStream::eventReceived, this,
                                    [this](const Models::LiveEvent &event) { applyEvent(event); });
    reload();
    updateState();
}

void DirectoryServicesPage::applyEvent(const Models::LiveEvent &event)
{
    if (event.collection == Wire::DirectoryServices)
        reload();
}

void DirectoryServicesPage::reload()
{
    if (!m_client)
        return;
    const quint64 generation = m_generation;
    m_client->get(Wire::ApiPrefix + Wire::DirectoryServices, this,
                  [this, generation](const ApiResult &result) {
                      if (generation != m_generation)
                          return;
                      if (!result.isOk()) {
                          m_loadError = result.errorMessage;
                          updateState();
                          return;
                      }
                      m_loadError.clear();
                      const QString selected =
                          m_list->currentItem() ? m_list->currentItem()->text() : QString();
                      m_services.clear();
                      QStringList names;
                      const QJsonArray items = result.body.object().value(Wire::Items).toArray();
                      for (const QJsonValue &item : items) {
                          const QJsonObject service = item.toObject();
                          const QString name = service.value(Wire::Name).toString();
                          if (name.isEmpty())
                              continue;
                          m_services.insert(name, service);
                          names.append(name);
                      }
                      const QSignalBlocker blocker(m_list);
                      m_list->clear();
                      for (const QString &name : std::as_const(names))
                          m_list->addItem(
                              new QListWidgetItem(QIcon(u":/icons/org-organization.svg"_s), name));
                      const QList<QListWidgetItem *> again =
                          m_list->findItems(selected, Qt::MatchExactly);
                      if (!again.isEmpty()) {
                          m_list->setCurrentItem(again.constFirst());
                          // Someone else changed it: show theirs unless we are editing.
                          if (!m_form->isDirty())
                              m_form->load(m_services.value(selected));
                      } else if (!m_form->isNew() && !m_form->isDirty()) {
                          m_form->clearForNew();
                      }
                      updateState();
                  });
}

bool DirectoryServicesPage::selectService(const QString &name)
{
    const QList<QListWidgetItem *> items = m_list->findItems(name, Qt::MatchExactly);
    if (items.isEmpty())
        return false;
    m_list->setCurrentItem(items.constFirst());
    return true;
}

void DirectoryServicesPage::showSelected()
{
    const QListWidgetItem *item = m_list->currentItem();
    if (!item)
        return;
    m_form->load(m_services.value(item->text()));
    showTestResult(true, QString(), QString());
    m_message->hide();
    updateState();
}

void DirectoryServicesPage::newService()
{
    const QSignalBlocker blocker(m_list);
    m_list->setCurrentRow(-1);
    m_list->clearSelection();
    m_form->clearForNew();
    showTestResult(true, QString(), QString());
    m_message->hide();
    updateState();
}

void DirectoryServicesPage::save()
{
    saveThen({});
}

void DirectoryServicesPage::saveThen(const std::function<void()> &next)
{
    if (!m_client || m_busy)
        return;
    if (const QString problem = m_form->problem(); !problem.isEmpty()) {
        showMessage(problem, true);
        return;
    }
    const bool creating = m_form->isNew();
    const QString name = m_form->name();
    QJsonObject body = m_form->toJson();
    const auto done = [this, name, next](const ApiResult &result) {
        m_busy = false;
        if (!result.isOk()) {
            showMessage(tr("Could not save the directory %1: %2").arg(name, result.errorMessage),
                        true);
            updateState();
            return;
        }
        const QJsonObject stored = result.body.object();
        m_services.insert(name, stored);
        if (m_list->findItems(name, Qt::MatchExactly).isEmpty())
            m_list->addItem(new QListWidgetItem(QIcon(u":/icons/org-organization.svg"_s), name));
        {
            const QSignalBlocker blocker(m_list);
            selectService(name);
        }
        m_form->load(stored);
        showMessage(tr("Saved the directory %1.").arg(name), false);
        updateState();
        if (next)
            next();
    };
    m_busy = true;
    updateState();
    if (creating) {
        m_client->post(Wire::ApiPrefix + Wire::DirectoryServices, body, this, done);
    } else {
        body.remove(Wire::Name);
        m_client->put(servicePath(name), body, this, done);
    }
}

void DirectoryServicesPage::testConnection()
{
    // The server tests what it stores: save pending edits first.
    if (m_form->isNew() || m_form->isDirty())
        saveThen([this] { runTest({}); });
    else
        runTest({});
}

void DirectoryServicesPage::testLogin()
{
    const QJsonObject body{{Wire::User, m_testUser->text().trimmed()},
                           {Wire::Password, m_testPassword->text()}};
    if (m_form->isNew() || m_form->isDirty())
        saveThen([this, body] { runTest(body); });
    else
        runTest(body);
}

void DirectoryServicesPage::runTest(const QJsonObject &body)
{
    if (!m_client || m_form->isNew())
        return;
    const QString name = m_form->name();
    m_busy = true;
    showTestResult(true, tr("Testing %1…").arg(name), QString());
    m_testIcon->setPixmap(QIcon(u":/icons/inherit.svg"_s).pixmap(IconSize, IconSize));
    updateState();
    const quint64 generation = m_generation;
    m_client->post(
        servicePath(name) + u'/' + Wire::DirectoryTest, body, this,
        [this, generation, name](const ApiResult &result) {
            if (generation != m_generation)
                return;
            m_busy = false;
            updateState();
            if (!result.isOk()) {
                showTestResult(
                    false, tr("The test of %1 could not run: %2").arg(name, result.errorMessage),
                    QString());
                return;
            }
            bool ok = false;
            const QString sentence = describeTest(result.body.object(), &ok);
            QStringList details;
            const QJsonArray steps = result.body.object().value(Wire::Steps).toArray();
            for (const QJsonValue &value : steps) {
                const QJsonObject step = value.toObject();
                details.append(tr("%1 %2: %3")
                                   .arg(step.value(Wire::Ok).toBool() ? QStringLiteral("✔")
                                                                      : QStringLiteral("✘"),
                                        stepTitle(step.value(Wire::Step).toString()),
                                        step.value(Wire::Message).toString()));
            }
            showTestResult(ok, sentence, details.join(u'\n'));
        });
}

QString DirectoryServicesPage::describeTest(const QJsonObject &answer, bool *ok)
{
    const QJsonArray steps = answer.value(Wire::Steps).toArray();
    const bool passed = answer.value(Wire::Ok).toBool(false) && !steps.isEmpty();
    if (ok)
        *ok = passed;
    if (!passed) {
        for (const QJsonValue &value : steps) {
            const QJsonObject step = value.toObject();
            if (!step.value(Wire::Ok).toBool())
                return tr("The test failed at “%1”: %2")
                    .arg(stepTitle(step.value(Wire::Step).toString()),
                         step.value(Wire::Message).toString());
        }
        return tr("The test failed without saying at which step.");
    }
    bool loggedIn = false;
    QString groups;
    for (const QJsonValue &value : steps) {
        const QJsonObject step = value.toObject();
        if (step.value(Wire::Step).toString() == "login"_L1)
            loggedIn = true;
        if (step.value(Wire::Step).toString() == "groups"_L1)
            groups = step.value(Wire::Message).toString();
    }
    if (!loggedIn)
        return tr("The connection works: Bulwark reached the directory, secured the connection, "
                  "signed in with the service account and can read the user base.");
    return groups.isEmpty()
               ? tr("The login works: the directory accepted the password.")
               : tr("The login works: the directory accepted the password. %1").arg(groups);
}

void DirectoryServicesPage::showTestResult(bool ok, const QString &sentence, const QString &details)
{
    m_testResult->setText(sentence);
    m_testResult->setVisible(!sentence.isEmpty());
    m_testDetails->setText(details);
    m_testDetails->setVisible(!details.isEmpty());
    m_testIcon->setVisible(!sentence.isEmpty());
    m_testIcon->setPixmap(
        QIcon(ok ? u":/icons/allow.svg"_s : u":/icons/deny.svg"_s).pixmap(IconSize, IconSize));
    m_testResult->setProperty("testPassed", ok);
}

void DirectoryServicesPage::confirmDelete()
{
    const QListWidgetItem *item = m_list->currentItem();
    if (!item || !m_client)
        return;
    const QString name = item->text();
    auto *box = new QMessageBox(
        QMessageBox::Question, tr("Delete Directory"),
        tr("Delete the directory “%1”? Its users stay, but cannot sign in until their "
           "authentication changes, and their sessions end at once.")
            .arg(name),
        QMessageBox::Yes | QMessageBox::Cancel, this);
    box->setObjectName(u"confirmDeleteDirectoryDialog"_s);
    box->setDefaultButton(QMessageBox::Cancel);
    box->button(QMessageBox::Yes)->setText(tr("Delete"));
    box->setAttribute(Qt::WA_DeleteOnClose);
    connect(box, &QMessageBox::buttonClicked, this, [this, box, name](QAbstractButton *button) {
        if (box->standardButton(button) != QMessageBox::Yes || !m_client)
            return;
        m_client->remove(servicePath(name), this, [this, name](const ApiResult &result) {
            if (result.isOk()) {
                showMessage(tr("Deleted the directory %1.").arg(name), false);
                m_form->clearForNew();
            } else {
                showMessage(tr("Could not delete %1: %2").arg(name, result.errorMessage), true);
            }
            reload();
        });
    });
    box->open();
}

void DirectoryServicesPage::showMessage(const QString &text, bool isError)
{
    m_message->setText(text);
    m_message->setStyleSheet(isError ? u"color: #c62828; font-weight: bold;"_s : QString());
    m_message->show();
}

void DirectoryServicesPage::updateState()
{
    const bool connected = !m_client.isNull();
    m_new->setEnabled(connected);
    m_refresh->setEnabled(connected);
    m_delete->setEnabled(connected && m_list->currentItem() && !m_busy);
    m_save->setEnabled(connected && !m_busy && (m_form->isNew() || m_form->isDirty()));
    m_testConnection->setEnabled(connected && !m_busy);
    m_testLogin->setEnabled(connected && !m_busy && !m_testUser->text().trimmed().isEmpty());
    if (!connected) {
        m_emptyState->setText(tr("Not connected to a server. LDAP directories appear here once "
                                 "the console is connected."));
        m_stack->setCurrentWidget(m_emptyState);
    } else if (!m_loadError.isEmpty()) {
        m_emptyState->setText(tr("The directories cannot be shown: %1").arg(m_loadError));
        m_stack->setCurrentWidget(m_emptyState);
    } else {
        m_stack->setCurrentIndex(1);
    }
}

} // namespace Bulwark::Ui
