#include "TransferFileBrowser.h"

#include "models/ApiClient.h"
#include "models/TransfersModel.h"
#include "wire/Wire.h"

#include <QDateTime>
#include <QHeaderView>
#include <QJsonArray>
#include <QLocale>
#include <QStyle>
#include <QUrl>

namespace Bulwark::Ui {

using namespace Qt::StringLiterals;
using Models::ApiResult;

namespace {
enum BrowserColumn
{
    NameColumn,
    SizeColumn,
    ModifiedColumn
};
} // namespace

TransferFileBrowser::TransferFileBrowser(QWidget *parent)
    : QTreeWidget(parent)
{
    setColumnCount(3);
    setHeaderLabels({tr("Name"), tr("Size"), tr("Modified")});
    header()->setSectionResizeMode(NameColumn, QHeaderView::Stretch);
    header()->setSectionResizeMode(SizeColumn, QHeaderView::ResizeToContents);
    header()->setSectionResizeMode(ModifiedColumn, QHeaderView::ResizeToContents);
    header()->setStretchLastSection(false);
    setUniformRowHeights(true);
    setSelectionMode(QAbstractItemView::SingleSelection);
    connect(this, &QTreeWidget::itemExpanded, this, [this](QTreeWidgetItem *item) {
        if (!item->data(NameColumn, LoadedRole).toBool())
            load(item, item->data(NameColumn, PathRole).toString());
    });
    connect(this, &QTreeWidget::currentItemChanged, this, [this](QTreeWidgetItem *item) {
        if (item && !item->data(NameColumn, PathRole).toString().isEmpty())
            Q_EMIT pathChosen(item->data(NameColumn, PathRole).toString(),
                              item->data(NameColumn, IsDirectoryRole).toBool());
    });
}

void TransferFileBrowser::setThing(Models::ApiClient *client, const QString &thing)
{
    ++m_generation;
    m_client = client;
    m_thing = thing;
    m_error.clear();
    clear();
    if (client && !thing.isEmpty())
        load(nullptr, {});
}

QTreeWidgetItem *TransferFileBrowser::itemForPath(const QString &path) const
{
    QTreeWidgetItemIterator it(const_cast<TransferFileBrowser *>(this));
    for (; *it; ++it) {
        if ((*it)->data(NameColumn, PathRole).toString() == path)
            return *it;
    }
    return nullptr;
}

void TransferFileBrowser::load(QTreeWidgetItem *parent, const QString &directory)
{
    if (!m_client)
        return;
    if (parent) {
        parent->setData(NameColumn, LoadedRole, true);
        qDeleteAll(parent->takeChildren());
        auto *loading = new QTreeWidgetItem(parent, {tr("Loading…")});
        loading->setFlags(Qt::NoItemFlags);
    }
    QString path = Models::ApiClient::entityPath(Wire::Things, m_thing) + u"/Files"_s;
    if (!directory.isEmpty())
        path += u"?path="_s + QString::fromLatin1(QUrl::toPercentEncoding(directory));
    const quint64 generation = m_generation;
    // The item may be gone when the answer comes (another Thing chosen): the
    // generation says so, and then `parent` is not touched.
    m_client->get(path, this, [this, generation, parent, directory](const ApiResult &result) {
        if (generation != m_generation)
            return;
        if (parent)
            qDeleteAll(parent->takeChildren());
        const auto addItem = [this, parent](const QStringList &texts) {
            return parent ? new QTreeWidgetItem(parent, texts) : new QTreeWidgetItem(this, texts);
        };
        if (!result.isOk()) {
            m_error = result.errorMessage;
            QTreeWidgetItem *item = addItem({result.errorMessage});
            item->setFlags(Qt::ItemIsEnabled);
            item->setToolTip(NameColumn, result.errorMessage);
            item->setFirstColumnSpanned(true);
            Q_EMIT listed(directory);
            return;
        }
        m_error.clear();
        const QJsonArray entries = result.body.object().value("entries"_L1).toArray();
        if (entries.isEmpty()) {
            QTreeWidgetItem *item = addItem({tr("(empty)")});
            item->setFlags(Qt::NoItemFlags);
        }
        for (const QJsonValue &value : entries) {
            const QJsonObject entry = value.toObject();
            const QString name = entry.value(Wire::Name).toString();
            const bool isDirectory = entry.value("type"_L1).toString() == "directory"_L1;
            const QDateTime modified =
                QDateTime::fromString(entry.value(Wire::Modified).toString(), Qt::ISODateWithMs);
            QTreeWidgetItem *item = addItem(
                {name,
                 isDirectory
                     ? QString()
                     : Models::TransfersModel::formatBytes(entry.value("size"_L1).toInteger()),
                 modified.isValid()
                     ? QLocale().toString(modified.toLocalTime(), QLocale::ShortFormat)
                     : QString()});
            item->setData(NameColumn, PathRole,
                          directory.isEmpty() ? name : directory + u'/' + name);
            item->setData(NameColumn, IsDirectoryRole, isDirectory);
            item->setIcon(NameColumn, style()->standardIcon(isDirectory ? QStyle::SP_DirIcon
                                                                        : QStyle::SP_FileIcon));
            if (isDirectory)
                item->setChildIndicatorPolicy(QTreeWidgetItem::ShowIndicator);
        }
        Q_EMIT listed(directory);
    });
}

} // namespace Bulwark::Ui
