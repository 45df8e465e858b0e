#include "PermissionCellDelegate.h"

#include "models/PermissionMatrixModel.h"

#include <QApplication>
#include <QKeyEvent>
#include <QMouseEvent>
#include <QPainter>

namespace Bulwark::Ui {

using namespace Qt::StringLiterals;
using Models::CellState;
using Models::PermissionMatrixModel;

namespace {

bool isDark(const QPalette &palette)
{
    return palette.color(QPalette::Base).lightness() < 128;
}

QColor backgroundFor(CellState state, const QPalette &palette)
{
    const bool dark = isDark(palette);
    switch (state) {
    case CellState::Allow:
        return dark ? QColor(0x1e, 0x4d, 0x2b) : QColor(0xdc, 0xf1, 0xde);
    case CellState::Deny:
        return dark ? QColor(0x5c, 0x1f, 0x24) : QColor(0xfb, 0xdd, 0xdf);
    case CellState::Inherit:
        break;
    }
    return palette.color(QPalette::Base);
}

} // namespace

PermissionCellDelegate::PermissionCellDelegate(QObject *parent)
    : QStyledItemDelegate(parent)
    , m_allow(u":/icons/allow.svg"_s)
    , m_deny(u":/icons/deny.svg"_s)
    , m_inherit(u":/icons/inherit.svg"_s)
{}

void PermissionCellDelegate::paint(QPainter *painter, const QStyleOptionViewItem &option,
                                   const QModelIndex &index) const
{
    if (!PermissionMatrixModel::isPermissionColumn(index.column())) {
        QStyledItemDelegate::paint(painter, option, index);
        return;
    }
    const bool applicable = index.data(PermissionMatrixModel::ApplicableRole).toBool();
    const auto state = CellState(index.data(PermissionMatrixModel::CellStateRole).toInt());
    const bool changed = index.data(PermissionMatrixModel::ChangedRole).toBool();
    const bool conflict = index.data(PermissionMatrixModel::ConflictRole).toBool();
    const QPalette &palette = option.palette;
    const QRect rect = option.rect;

    painter->save();
    painter->fillRect(rect, applicable ? backgroundFor(state, palette)
                                       : palette.color(QPalette::AlternateBase));
    if (option.state & QStyle::State_Selected) {
        QColor highlight = palette.color(QPalette::Highlight);
        highlight.setAlpha(70);
        painter->fillRect(rect, highlight);
    }
    if (changed || conflict) {
        // A staged change gets a frame; a conflict a thicker one in warning colour.
        QPen pen(conflict ? QColor(0xe6, 0x7e, 0x00) : palette.color(QPalette::Highlight));
        pen.setWidth(conflict ? 3 : 2);
        if (!conflict)
            pen.setStyle(Qt::DashLine);
        painter->setPen(pen);
        painter->drawRect(rect.adjusted(1, 1, -2, -2));
    }
    if (option.state & QStyle::State_HasFocus) {
        painter->setPen(QPen(palette.color(QPalette::Text), 1, Qt::DotLine));
        painter->drawRect(rect.adjusted(3, 3, -4, -4));
    }

    const QString text = index.data(Qt::DisplayRole).toString();
    QFont font = option.font;
    font.setBold(changed);
    painter->setFont(font);
    painter->setPen(
        palette.color(applicable ? QPalette::Active : QPalette::Disabled, QPalette::Text));
    const int iconSize = option.decorationSize.height() > 0 ? option.decorationSize.height() : 16;
    const QFontMetrics metrics(font);
    const int textWidth = metrics.horizontalAdvance(text);
    const int spacing = 4;
    const int total = applicable ? iconSize + spacing + textWidth : textWidth;
    int x = rect.left() + std::max(2, (rect.width() - total) / 2);
    if (applicable) {
        const QIcon &icon = state == CellState::Allow  ? m_allow
                            : state == CellState::Deny ? m_deny
                                                       : m_inherit;
        icon.paint(painter,
                   QRect(x, rect.top() + (rect.height() - iconSize) / 2, iconSize, iconSize));
        x += iconSize + spacing;
    }
    painter->drawText(QRect(x, rect.top(), rect.right() - x, rect.height()),
                      Qt::AlignVCenter | Qt::AlignLeft, text);
    if (conflict)
        painter->drawText(rect.adjusted(0, 0, -4, 0), Qt::AlignVCenter | Qt::AlignRight, u"!"_s);
    painter->restore();
}

QSize PermissionCellDelegate::sizeHint(const QStyleOptionViewItem &option,
                                       const QModelIndex &index) const
{
    QSize size = QStyledItemDelegate::sizeHint(option, index);
    if (PermissionMatrixModel::isPermissionColumn(index.column()))
        size.setWidth(size.width() + 28);
    size.setHeight(std::max(size.height(), 24));
    return size;
}

QWidget *PermissionCellDelegate::createEditor(QWidget *, const QStyleOptionViewItem &,
                                              const QModelIndex &) const
{
    return nullptr;
}

bool PermissionCellDelegate::editorEvent(QEvent *event, QAbstractItemModel *model,
                                         const QStyleOptionViewItem &option,
                                         const QModelIndex &index)
{
    if (!PermissionMatrixModel::isPermissionColumn(index.column()) ||
        !(model->flags(index) & Qt::ItemIsEditable))
        return QStyledItemDelegate::editorEvent(event, model, option, index);
    switch (event->type()) {
    case QEvent::MouseButtonRelease: {
        const auto *mouse = static_cast<QMouseEvent *>(event);
        if (mouse->button() != Qt::LeftButton || !option.rect.contains(mouse->position().toPoint()))
            return false;
        break;
    }
    case QEvent::MouseButtonDblClick:
        return true; // the two clicks already cycled twice; no editor
    case QEvent::KeyPress: {
        const auto *key = static_cast<QKeyEvent *>(event);
        if (key->key() != Qt::Key_Space && key->key() != Qt::Key_Select)
            return false;
        break;
    }
    default:
        return false;
    }
    const auto current = CellState(index.data(PermissionMatrixModel::CellStateRole).toInt());
    return model->setData(index, int(PermissionMatrixModel::nextState(current)), Qt::EditRole);
}

} // namespace Bulwark::Ui
