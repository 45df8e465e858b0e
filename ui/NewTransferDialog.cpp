#include "NewTransferDialog.h"

#include "TransferFileBrowser.h"
#include "models/ApiClient.h"
#include "wire/Wire.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDialogButtonBox>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QJsonArray>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QVBoxLayout>

namespace Bulwark::Ui {

using namespace Qt::StringLiterals;
using Models::ApiResult;

namespace {
QString fileName(const QString &path)
{
    return path.section(u'/', -1);
}
} // namespace

NewTransferDialog::NewTransferDialog(Models::ApiClient *client, QWidget *parent)
    : QDialog(parent)
    , m_client(client)
    , m_direction(new QComboBox(this))
    , m_overwrite(new QCheckBox(tr("&Replace the target file if it exists"), this))
    , m_repositoryBox(new QGroupBox(this))
    , m_repository(new QComboBox(this))
    , m_repositoryBrowser(new TransferFileBrowser(this))
    , m_repositoryPath(new QLineEdit(this))
    , m_deviceBox(new QGroupBox(this))
    , m_device(new QComboBox(this))
    , m_deviceBrowser(new TransferFileBrowser(this))
    , m_devicePath(new QLineEdit(this))
    , m_error(new QLabel(this))
    , m_start(nullptr)
{
    setObjectName(u"newTransferDialog"_s);
    setWindowTitle(tr("New File Transfer"));

    m_direction->setObjectName(u"transferDirectionCombo"_s);
    m_direction->addItem(tr("Repository → device"));
    m_direction->addItem(tr("Device → repository"));
    m_overwrite->setObjectName(u"transferOverwriteCheck"_s);
    m_repository->setObjectName(u"transferRepositoryCombo"_s);
    m_repositoryBrowser->setObjectName(u"transferRepositoryBrowser"_s);
    m_repositoryPath->setObjectName(u"transferRepositoryPathEdit"_s);
    m_repositoryPath->setPlaceholderText(tr("e.g. firmware/v2.bin"));
    m_repositoryPath->setClearButtonEnabled(true);
    m_device->setObjectName(u"transferDeviceCombo"_s);
    m_device->setEditable(true);
    m_device->setInsertPolicy(QComboBox::NoInsert);
    m_device->setToolTip(tr("The device's Thing. Its directories can be browsed while its "
                            "device is connected."));
    m_deviceBrowser->setObjectName(u"transferDeviceBrowser"_s);
    m_devicePath->setObjectName(u"transferDevicePathEdit"_s);
    m_devicePath->setPlaceholderText(
        tr("a directory the device declared, then the file: e.g. firmware/v2.bin"));
    m_devicePath->setClearButtonEnabled(true);
    m_error->setObjectName(u"transferErrorLabel"_s);
    m_error->setWordWrap(true);
    m_error->setTextFormat(Qt::PlainText); // the server's words, never markup
    m_error->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_error->hide();

    auto *repositoryForm = new QFormLayout(m_repositoryBox);
    repositoryForm->addRow(tr("Re&pository:"), m_repository);
    repositoryForm->addRow(m_repositoryBrowser);
    repositoryForm->addRow(tr("&Path:"), m_repositoryPath);
    auto *deviceForm = new QFormLayout(m_deviceBox);
    deviceForm->addRow(tr("&Thing:"), m_device);
    deviceForm->addRow(m_deviceBrowser);
    deviceForm->addRow(tr("Pa&th:"), m_devicePath);

    auto *top = new QFormLayout;
    top->addRow(tr("&Direction:"), m_direction);
    top->addRow(QString(), m_overwrite);
    auto *sides = new QHBoxLayout;
    sides->addWidget(m_repositoryBox);
    sides->addWidget(m_deviceBox);

    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Cancel, this);
    m_start = buttons->addButton(tr("&Start transfer"), QDialogButtonBox::AcceptRole);
    m_start->setObjectName(u"startTransferButton"_s);
    m_start->setDefault(true);
    connect(buttons, &QDialogButtonBox::accepted, this, &NewTransferDialog::submit);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);

    auto *layout = new QVBoxLayout(this);
    layout->addLayout(top);
    layout->addLayout(sides, 1);
    layout->addWidget(m_error);
    layout->addWidget(buttons);
    resize(860, 520);

    connect(m_direction, &QComboBox::currentIndexChanged, this,
            &NewTransferDialog::updateDirection);
    connect(m_repository, &QComboBox::currentTextChanged, this, [this](const QString &name) {
        m_repositoryBrowser->setThing(m_client, name);
        updateValidity();
    });
    connect(m_device, &QComboBox::currentTextChanged, this, [this](const QString &name) {
        m_deviceBrowser->setThing(m_client, name);
        updateValidity();
    });
    connect(m_repositoryBrowser, &TransferFileBrowser::pathChosen, this,
            [this](const QString &path, bool isDirectory) {
                fillPath(m_repositoryPath, path, isDirectory,
                         direction() == Direction::RepositoryToDevice);
            });
    connect(m_deviceBrowser, &TransferFileBrowser::pathChosen, this,
            [this](const QString &path, bool isDirectory) {
                fillPath(m_devicePath, path, isDirectory,
                         direction() == Direction::DeviceToRepository);
            });
    connect(m_repositoryPath, &QLineEdit::textChanged, this, &NewTransferDialog::updateValidity);
    connect(m_devicePath, &QLineEdit::textChanged, this, &NewTransferDialog::updateValidity);
    updateDirection();
    loadLists();
}

NewTransferDialog::Direction NewTransferDialog::direction() const
{
    return m_direction->currentIndex() == 1 ? Direction::DeviceToRepository
                                            : Direction::RepositoryToDevice;
}

void NewTransferDialog::loadLists()
{
    if (!m_client)
        return;
    m_pendingLists = 2;
    m_client->get(Wire::ApiPrefix + u"FileRepositories"_s, this, [this](const ApiResult &result) {
        --m_pendingLists;
        if (!result.isOk()) {
            showError(tr("Could not list the file repositories: %1").arg(result.errorMessage));
            return;
        }
        for (const QJsonValue &item : result.body.object().value(Wire::Items).toArray())
            m_repositories.append(item.toObject().value(Wire::Name).toString());
        m_repositories.sort(Qt::CaseInsensitive);
        m_repository->addItems(m_repositories);
        if (m_repositories.isEmpty())
            showError(tr("There is no file repository you may read. Create a Thing from the "
                         "template FileRepository first."));
        // Things listed first may include repositories: take them out.
        for (const QString &name : std::as_const(m_repositories)) {
            const int index = m_device->findText(name);
            if (index >= 0)
                m_device->removeItem(index);
        }
        updateValidity();
    });
    m_client->get(Wire::ApiPrefix + Wire::Things, this, [this](const ApiResult &result) {
        --m_pendingLists;
        if (!result.isOk())
            return; // the device's name can still be typed
        QStringList things;
        for (const QJsonValue &item : result.body.object().value(Wire::Items).toArray()) {
            const QString name = item.toObject().value(Wire::Name).toString();
            if (!m_repositories.contains(name))
                things.append(name);
        }
        things.sort(Qt::CaseInsensitive);
        const QString typed = m_device->currentText();
        m_device->addItems(things);
        // Keep what the user typed meanwhile; otherwise start with none chosen.
        m_device->setCurrentIndex(-1);
        m_device->setEditText(typed);
        updateValidity();
    });
}

void NewTransferDialog::updateDirection()
{
    const bool toDevice = direction() == Direction::RepositoryToDevice;
    m_repositoryBox->setTitle(toDevice ? tr("From the repository") : tr("Into the repository"));
    m_deviceBox->setTitle(toDevice ? tr("To the device") : tr("From the device"));
    updateValidity();
}

void NewTransferDialog::fillPath(QLineEdit *edit, const QString &chosen, bool isDirectory,
                                 bool isSource)
{
    if (isSource) {
        if (isDirectory)
            return;
        edit->setText(chosen);
        // Propose the same file name on the other side.
        QLineEdit *target = edit == m_repositoryPath ? m_devicePath : m_repositoryPath;
        if (target->text().isEmpty())
            target->setText(fileName(chosen));
        else if (target->text().endsWith(u'/'))
            target->setText(target->text() + fileName(chosen));
        return;
    }
    if (!isDirectory) {
        edit->setText(chosen); // replacing an existing file: needs the option
        return;
    }
    const QLineEdit *source = edit == m_repositoryPath ? m_devicePath : m_repositoryPath;
    const QString name = fileName(source->text());
    edit->setText(chosen + u'/' + name);
}

void NewTransferDialog::updateValidity()
{
    const auto complete = [](const QLineEdit *edit) {
        const QString text = edit->text().trimmed();
        return !text.isEmpty() && !text.endsWith(u'/');
    };
    const bool valid = m_client && !m_busy && !m_repository->currentText().isEmpty() &&
                       !m_device->currentText().trimmed().isEmpty() && complete(m_repositoryPath) &&
                       complete(m_devicePath);
    m_start->setEnabled(valid);
}

void NewTransferDialog::submit()
{
    if (!m_client || !m_start->isEnabled())
        return;
    const QJsonObject repositorySide{{u"thing"_s, m_repository->currentText()},
                                     {u"path"_s, m_repositoryPath->text().trimmed()}};
    const QJsonObject deviceSide{{u"thing"_s, m_device->currentText().trimmed()},
                                 {u"path"_s, m_devicePath->text().trimmed()}};
    const bool toDevice = direction() == Direction::RepositoryToDevice;
    const QJsonObject body{{u"source"_s, toDevice ? repositorySide : deviceSide},
                           {u"target"_s, toDevice ? deviceSide : repositorySide},
                           {u"overwrite"_s, m_overwrite->isChecked()}};
    m_busy = true;
    updateValidity();
    m_error->hide();
    m_client->post(Wire::ApiPrefix + Wire::Transfers, body, this, [this](const ApiResult &result) {
        m_busy = false;
        updateValidity();
        if (!result.isOk()) {
            showError(tr("The server did not start the transfer: %1").arg(result.errorMessage));
            return;
        }
        Q_EMIT transferStarted(result.body.object());
        accept();
    });
}

void NewTransferDialog::showError(const QString &message)
{
    m_error->setText(message);
    m_error->show();
}

} // namespace Bulwark::Ui
