// Browses one Thing's files through GET /api/Things/{thing}/Files?path=…: a
// repository's stored files, or the directories a connected device declared
// (the server asks the device). Directories load when expanded; the device's
// or the server's refusal is shown in place of the entries.
#pragma once

#include <QPointer>
#include <QTreeWidget>

namespace Bulwark::Models {
class ApiClient;
}

namespace Bulwark::Ui {

class TransferFileBrowser final : public QTreeWidget
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(TransferFileBrowser)

public:
    enum Role
    {
        PathRole = Qt::UserRole + 1, // the entry's path from the Thing's root
        IsDirectoryRole,
        LoadedRole, // a directory's entries are in
    };

    explicit TransferFileBrowser(QWidget *parent = nullptr);

    // Shows `thing`'s root (empty: nothing).
    void setThing(Models::ApiClient *client, const QString &thing);
    [[nodiscard]] QString thing() const { return m_thing; }
    // The last refusal, empty once a listing arrived.
    [[nodiscard]] QString errorMessage() const { return m_error; }
    // The item showing `path`, or null while it is not loaded.
    [[nodiscard]] QTreeWidgetItem *itemForPath(const QString &path) const;

Q_SIGNALS:
    // The user picked an entry.
    void pathChosen(const QString &path, bool isDirectory);
    // A directory's entries (or a refusal) arrived.
    void listed(const QString &directory);

private:
    void load(QTreeWidgetItem *parent, const QString &directory);

    QPointer<Models::ApiClient> m_client;
    QString m_thing;
    QString m_error;
    quint64 m_generation = 0;
};

} // namespace Bulwark::Ui
