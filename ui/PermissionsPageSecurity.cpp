// PermissionsPage, continued: export and import of an entity's security
// configuration (the file side is in SecurityExport).
#include "PermissionsPage.h"

#include <QFileDialog>
#include <QJsonArray>
#include <QLabel>
#include <QMessageBox>
#include <QPushButton>
#include <QStandardPaths>

namespace Bulwark::Ui {

using namespace Qt::StringLiterals;
using Models::ApiResult;
using Models::PermissionScope;
using Level = Models::PermissionScope::Level;

void PermissionsPage::startExport()
{
    const PermissionScope scope = m_matrix.scope();
    const QString suggested = QStandardPaths::writableLocation(QStandardPaths::DocumentsLocation) +
                              u'/' + scope.collection + u'-' + scope.name + u"-security.json"_s;
    const QString path =
        QFileDialog::getSaveFileName(this, tr("Export the security of %1").arg(scope.name),
                                     suggested, tr("Security exports (*.json)"));
    if (!path.isEmpty())
        exportSecurity(path);
}

void PermissionsPage::startImport()
{
    const PermissionScope scope = m_matrix.scope();
    const QString path = QFileDialog::getOpenFileName(
        this, tr("Import security into %1").arg(scope.name),
        QStandardPaths::writableLocation(QStandardPaths::DocumentsLocation),
        tr("Security exports (*.json)"));
    if (path.isEmpty())
        return;
    auto *box = new QMessageBox(
        QMessageBox::Question, tr("Import security"),
        tr("Replace the rules and visibility of %1 %2 with those in %3? This cannot be undone "
           "(export first to keep the current ones).")
            .arg(scope.collection, scope.name, path),
        QMessageBox::Yes | QMessageBox::Cancel, this);
    box->setObjectName(u"confirmImportDialog"_s);
    box->button(QMessageBox::Yes)->setText(tr("Import"));
    box->setDefaultButton(QMessageBox::Cancel);
    box->setAttribute(Qt::WA_DeleteOnClose);
    connect(box, &QMessageBox::finished, this, [this, path](int result) {
        if (result == QMessageBox::Yes)
            importSecurity(path);
    });
    box->open();
}

void PermissionsPage::exportSecurity(const QString &path)
{
    const PermissionScope scope = m_matrix.scope();
    if (!m_client || scope.name.isEmpty() || scope.level == Level::Collection ||
        scope.level == Level::TemplateInstance)
        return;
    m_client->get(SecurityExport::path(scope.collection, scope.name), this,
                  [this, path, scope](const ApiResult &result) {
                      if (!result.isOk()) {
                          showMessage(MessageKind::Error,
                                      tr("The security of %1 %2 could not be exported: %3")
                                          .arg(scope.collection, scope.name, result.errorMessage));
                          return;
                      }
                      QString error;
                      if (!SecurityExport::writeFile(path, result.body.object(), &error)) {
                          showMessage(MessageKind::Error, error);
                          return;
                      }
                      showMessage(MessageKind::Information,
                                  tr("Exported the rules and visibility of %1 %2 to %3.")
                                      .arg(scope.collection, scope.name, path));
                      Q_EMIT securityExported(path);
                  });
}

void PermissionsPage::importSecurity(const QString &path, SecurityExport::MissingReferences missing)
{
    const PermissionScope scope = m_matrix.scope();
    if (!m_client || scope.name.isEmpty() || scope.level == Level::Collection ||
        scope.level == Level::TemplateInstance)
        return;
    if (m_matrix.hasChanges()) {
        showMessage(MessageKind::Warning,
                    tr("Apply or discard your changes before importing: the import replaces the "
                       "rules of %1 %2.")
                        .arg(scope.collection, scope.name));
        return;
    }
    QString error;
    const std::optional<QJsonObject> document = SecurityExport::readFile(path, &error);
    if (!document) {
        showMessage(MessageKind::Error, error);
        return;
    }
    m_client->put(
        SecurityExport::path(scope.collection, scope.name, missing), *document, this,
        [this, path, scope](const ApiResult &result) {
            if (result.httpStatus == 409 && result.errorCode == u"missing-references") {
                const QJsonArray references =
                    result.body.object().value("error"_L1).toObject().value("missing"_L1).toArray();
                showImportRefusal(path, SecurityExport::describeReferences(references),
                                  result.errorMessage);
                return;
            }
            if (!result.isOk()) {
                showMessage(MessageKind::Error,
                            tr("Nothing was imported into %1 %2: %3")
                                .arg(scope.collection, scope.name, result.errorMessage));
                return;
            }
            const QJsonObject answer = result.body.object();
            const QStringList skipped =
                SecurityExport::describeReferences(answer.value("skipped"_L1).toArray());
            QString text = tr("Imported the security of %1 %2 from %3.")
                               .arg(scope.collection, scope.name, path);
            if (!skipped.isEmpty())
                text +=
                    u' ' +
                    tr("Left out, because they do not exist here: %1.").arg(skipped.join(u", "_s));
            m_hasWantedScope = false;
            loadRules(scope);
            showMessage(skipped.isEmpty() ? MessageKind::Information : MessageKind::Warning, text);
            Q_EMIT securityImported();
        });
}

void PermissionsPage::showImportRefusal(const QString &path, const QStringList &missing,
                                        const QString &message)
{
    showMessage(MessageKind::Error,
                tr("Nothing was imported: the file names what does not exist here: %1.")
                    .arg(missing.join(u", "_s)));
    auto *box = new QMessageBox(
        QMessageBox::Warning, tr("Import refused"),
        tr("Nothing was imported, because the file names users, groups or units that do not "
           "exist on this server. Create them and import again, or import without them (their "
           "rules and grants are left out)."),
        QMessageBox::Cancel, this);
    box->setObjectName(u"importRefusedDialog"_s);
    box->setInformativeText(u"• "_s + missing.join(u"\n• "_s));
    box->setDetailedText(message);
    QPushButton *skip = box->addButton(tr("Import &without them"), QMessageBox::AcceptRole);
    skip->setObjectName(u"importSkippingMissingButton"_s);
    box->setDefaultButton(QMessageBox::Cancel);
    box->setAttribute(Qt::WA_DeleteOnClose);
    connect(box, &QMessageBox::buttonClicked, this, [this, box, skip, path](QAbstractButton *b) {
        if (b == skip)
            importSecurity(path, SecurityExport::MissingReferences::Skip);
        Q_UNUSED(box)
    });
    box->open();
    Q_EMIT importRefused(missing);
}

} // namespace Bulwark::Ui
