// Paints a permission cell with an icon, a word and a background per state
// (never colour alone), marks staged and conflicting cells with a frame, and
// cycles an editable cell Inherit → Allow → Deny → Inherit on a click or Space.
#pragma once

#include <QIcon>
#include <QStyledItemDelegate>

namespace Bulwark::Ui {

class PermissionCellDelegate final : public QStyledItemDelegate
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(PermissionCellDelegate)

public:
    explicit PermissionCellDelegate(QObject *parent = nullptr);

    void paint(QPainter *painter, const QStyleOptionViewItem &option,
               const QModelIndex &index) const override;
    [[nodiscard]] QSize sizeHint(const QStyleOptionViewItem &option,
                                 const QModelIndex &index) const override;
    // No editor widget: a click or Space changes the cell directly.
    [[nodiscard]] QWidget *createEditor(QWidget *parent, const QStyleOptionViewItem &option,
                                        const QModelIndex &index) const override;

protected:
    bool editorEvent(QEvent *event, QAbstractItemModel *model, const QStyleOptionViewItem &option,
                     const QModelIndex &index) override;

private:
    QIcon m_allow;
    QIcon m_deny;
    QIcon m_inherit;
};

} // namespace Bulwark::Ui
