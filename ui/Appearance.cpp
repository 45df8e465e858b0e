#include "Appearance.h"

#include <QApplication>
#include <QEvent>
#include <QSettings>
#include <QStyle>
#include <QStyleFactory>
#include <QTimer>

namespace Bulwark::Ui {

using namespace Qt::StringLiterals;

namespace {

const QString SettingsKey = u"appearance/mode"_s;

QString modeName(AppearanceMode mode)
{
    switch (mode) {
    case AppearanceMode::Light:
        return u"light"_s;
    case AppearanceMode::Dark:
        return u"dark"_s;
    case AppearanceMode::System:
        break;
    }
    return u"system"_s;
}

} // namespace

Appearance::Appearance(QObject *parent)
    : QObject(parent)
{}

Appearance *Appearance::instance()
{
    static QPointer<Appearance> the;
    if (!the) {
        if (QStyle *fusion = QStyleFactory::create(u"Fusion"_s))
            QApplication::setStyle(fusion); // the application owns it
        the = new Appearance(qApp);
        the->m_systemDark = the->readSystemDark();
        qApp->installEventFilter(the);
    }
    return the;
}

QPalette Appearance::lightPalette()
{
    QPalette palette(QColor(0xf3, 0xf4, 0xf6)); // window
    palette.setColor(QPalette::WindowText, QColor(0x1f, 0x23, 0x28));
    palette.setColor(QPalette::Base, Qt::white);
    palette.setColor(QPalette::AlternateBase, QColor(0xf6, 0xf8, 0xfa));
    palette.setColor(QPalette::Text, QColor(0x1f, 0x23, 0x28));
    palette.setColor(QPalette::Button, QColor(0xf6, 0xf8, 0xfa));
    palette.setColor(QPalette::ButtonText, QColor(0x1f, 0x23, 0x28));
    palette.setColor(QPalette::BrightText, Qt::white);
    palette.setColor(QPalette::ToolTipBase, QColor(0xff, 0xff, 0xe1));
    palette.setColor(QPalette::ToolTipText, QColor(0x1f, 0x23, 0x28));
    palette.setColor(QPalette::PlaceholderText, QColor(0x6e, 0x77, 0x81));
    palette.setColor(QPalette::Highlight, QColor(0x09, 0x69, 0xda));
    palette.setColor(QPalette::HighlightedText, Qt::white);
    palette.setColor(QPalette::Link, QColor(0x09, 0x69, 0xda));
    palette.setColor(QPalette::LinkVisited, QColor(0x82, 0x50, 0xdf));
    palette.setColor(QPalette::Disabled, QPalette::WindowText, QColor(0x8c, 0x95, 0x9f));
    palette.setColor(QPalette::Disabled, QPalette::Text, QColor(0x8c, 0x95, 0x9f));
    palette.setColor(QPalette::Disabled, QPalette::ButtonText, QColor(0x8c, 0x95, 0x9f));
    return palette;
}

QPalette Appearance::darkPalette()
{
    const QColor text(0xe6, 0xed, 0xf3);
    const QColor disabled(0x7d, 0x85, 0x90);
    QPalette palette(QColor(0x2b, 0x2f, 0x36)); // button, window derived
    palette.setColor(QPalette::Window, QColor(0x22, 0x27, 0x2e));
    palette.setColor(QPalette::WindowText, text);
    palette.setColor(QPalette::Base, QColor(0x16, 0x1b, 0x22));
    palette.setColor(QPalette::AlternateBase, QColor(0x1c, 0x21, 0x28));
    palette.setColor(QPalette::Text, text);
    palette.setColor(QPalette::Button, QColor(0x2d, 0x33, 0x3b));
    palette.setColor(QPalette::ButtonText, text);
    palette.setColor(QPalette::BrightText, QColor(0xff, 0x7b, 0x72));
    palette.setColor(QPalette::ToolTipBase, QColor(0x2d, 0x33, 0x3b));
    palette.setColor(QPalette::ToolTipText, text);
    palette.setColor(QPalette::PlaceholderText, disabled);
    palette.setColor(QPalette::Highlight, QColor(0x1f, 0x6f, 0xeb));
    palette.setColor(QPalette::HighlightedText, Qt::white);
    palette.setColor(QPalette::Link, QColor(0x58, 0xa6, 0xff));
    palette.setColor(QPalette::LinkVisited, QColor(0xbc, 0x8c, 0xff));
    palette.setColor(QPalette::Light, QColor(0x3d, 0x44, 0x4d));
    palette.setColor(QPalette::Midlight, QColor(0x30, 0x36, 0x3d));
    palette.setColor(QPalette::Mid, QColor(0x21, 0x26, 0x2d));
    palette.setColor(QPalette::Dark, QColor(0x0d, 0x11, 0x17));
    palette.setColor(QPalette::Shadow, Qt::black);
    palette.setColor(QPalette::Disabled, QPalette::WindowText, disabled);
    palette.setColor(QPalette::Disabled, QPalette::Text, disabled);
    palette.setColor(QPalette::Disabled, QPalette::ButtonText, disabled);
    palette.setColor(QPalette::Disabled, QPalette::Highlight, QColor(0x30, 0x36, 0x3d));
    return palette;
}

bool Appearance::isDark(const QPalette &palette)
{
    // Dark schemes have a dark window behind light text.
    return palette.color(QPalette::Window).lightness() <
           palette.color(QPalette::WindowText).lightness();
}

bool Appearance::readSystemDark()
{
    // A palette with no role set resets the application palette to the
    // platform theme's (resolved against the style's): the system's own.
    m_applying = true;
    QApplication::setPalette(QPalette());
    const bool dark = isDark(QApplication::palette());
    m_applying = false;
    return dark;
}

AppearanceMode Appearance::storedMode()
{
    const QString name = QSettings().value(SettingsKey).toString();
    if (name == u"light")
        return AppearanceMode::Light;
    if (name == u"dark")
        return AppearanceMode::Dark;
    return AppearanceMode::System;
}

void Appearance::applyStoredMode()
{
    m_mode = storedMode();
    apply();
}

void Appearance::setMode(AppearanceMode mode)
{
    QSettings().setValue(SettingsKey, modeName(mode));
    m_mode = mode;
    apply();
}

void Appearance::apply()
{
    if (m_mode == AppearanceMode::System)
        m_systemDark = readSystemDark();
    const bool dark =
        m_mode == AppearanceMode::Dark || (m_mode == AppearanceMode::System && m_systemDark);
    m_applied = dark ? darkPalette() : lightPalette();
    m_applying = true;
    QApplication::setPalette(m_applied);
    m_applying = false;
    if (dark != m_darkActive) {
        m_darkActive = dark;
        Q_EMIT darkActiveChanged(dark);
    }
}

bool Appearance::eventFilter(QObject *watched, QEvent *event)
{
    // The platform sends ThemeChange to each window when its theme (and so
    // perhaps its colour scheme) changes; ApplicationPaletteChange counts
    // only when someone other than us replaced the palette. Several windows
    // and events coalesce into one check.
    const bool themeChanged = event->type() == QEvent::ThemeChange;
    const bool paletteReplaced = event->type() == QEvent::ApplicationPaletteChange &&
                                 watched == qApp && QApplication::palette() != m_applied;
    if (!m_applying && !m_recheckPending && m_mode == AppearanceMode::System &&
        (themeChanged || paletteReplaced)) {
        m_recheckPending = true;
        QTimer::singleShot(0, this, [this] {
            m_recheckPending = false;
            if (m_mode == AppearanceMode::System)
                apply();
        });
    }
    return QObject::eventFilter(watched, event);
}

} // namespace Bulwark::Ui
