// A table model over a list of rows that each have a key (a name, an id): the
// list models of users, app keys, Things and transfers. replaceRows() brings
// the list to a new snapshot from the server the way views like it: vanished
// rows removed in contiguous runs, changed rows updated in place (selections
// and scroll positions stay), new rows appended.
#pragma once

#include <QAbstractTableModel>
#include <QHash>
#include <QList>
#include <QSet>

namespace Bulwark::Models {

template <typename Row> class KeyedTableModel : public QAbstractTableModel
{
public:
    using QAbstractTableModel::QAbstractTableModel;

    [[nodiscard]] int rowCount(const QModelIndex &parent = {}) const override
    {
        return parent.isValid() ? 0 : int(m_rows.size());
    }

    // The row whose key is `key`, or -1.
    [[nodiscard]] int rowOf(const QString &key) const
    {
        for (int row = 0; row < m_rows.size(); ++row) {
            if (rowKey(m_rows.at(row)) == key)
                return row;
        }
        return -1;
    }

protected:
    [[nodiscard]] virtual QString rowKey(const Row &row) const = 0;

    void replaceRows(const QList<Row> &rows)
    {
        QHash<QString, qsizetype> incoming;
        incoming.reserve(rows.size());
        for (qsizetype i = 0; i < rows.size(); ++i)
            incoming.insert(rowKey(rows.at(i)), i);

        // Remove vanished rows, back to front, in contiguous runs.
        for (int row = int(m_rows.size()) - 1; row >= 0;) {
            if (incoming.contains(rowKey(m_rows.at(row)))) {
                --row;
                continue;
            }
            int first = row;
            while (first > 0 && !incoming.contains(rowKey(m_rows.at(first - 1))))
                --first;
            beginRemoveRows({}, first, row);
            m_rows.remove(first, row - first + 1);
            endRemoveRows();
            row = first - 1;
        }

        // Update the rows that stayed, then append the new ones.
        const int lastColumn = columnCount() - 1;
        QSet<QString> present;
        for (int row = 0; row < m_rows.size(); ++row) {
            const Row &updated = rows.at(incoming.value(rowKey(m_rows.at(row))));
            present.insert(rowKey(updated));
            if (m_rows.at(row) != updated) {
                m_rows[row] = updated;
                Q_EMIT this->dataChanged(index(row, 0), index(row, lastColumn));
            }
        }
        QList<Row> added;
        for (const Row &row : rows) {
            if (!present.contains(rowKey(row)))
                added.append(row);
        }
        if (!added.isEmpty()) {
            const int first = int(m_rows.size());
            beginInsertRows({}, first, first + int(added.size()) - 1);
            m_rows.append(added);
            endInsertRows();
        }
    }

    QList<Row> m_rows;
};

} // namespace Bulwark::Models
