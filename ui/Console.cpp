#include "Console.h"

#include "Appearance.h"
#include "ConsoleWindow.h"

#include <QApplication>
#include <QLibraryInfo>
#include <QSettings>
#include <QTranslator>

#include <memory>

namespace Bulwark::Ui {

using namespace Qt::StringLiterals;

namespace {

const QString LanguageKey = u"appearance/language"_s;
// Names our translators so that a later call can find and replace them.
const QString TranslatorName = u"bulwarkTranslator"_s;

// Installs a translator only if it loads; the application then owns it.
bool installIfLoaded(QCoreApplication &app, std::unique_ptr<QTranslator> translator, bool loaded)
{
    if (!loaded)
        return false;
    translator->setObjectName(TranslatorName);
    translator->setParent(&app);
    return QCoreApplication::installTranslator(translator.release());
}

} // namespace

bool installTranslators(QCoreApplication &app, const QLocale &locale)
{
    const auto previous =
        app.findChildren<QTranslator *>(TranslatorName, Qt::FindDirectChildrenOnly);
    for (QTranslator *translator : previous) {
        QCoreApplication::removeTranslator(translator);
        translator->deleteLater();
    }

    // Qt's own strings (standard buttons, context menus) first, ours on top.
    auto qtTranslator = std::make_unique<QTranslator>();
    const bool qtLoaded = qtTranslator->load(locale, u"qtbase"_s, u"_"_s,
                                             QLibraryInfo::path(QLibraryInfo::TranslationsPath));
    installIfLoaded(app, std::move(qtTranslator), qtLoaded);

    // Embedded by qt_add_translations under :/i18n.
    auto translator = std::make_unique<QTranslator>();
    const bool loaded = translator->load(locale, u"bulwark"_s, u"_"_s, u":/i18n"_s);
    const bool installed = installIfLoaded(app, std::move(translator), loaded);
    if (!installed && !previous.isEmpty()) {
        // Nothing new was installed, so Qt sent no LanguageChange for the
        // removal: widgets must still go back to the source language.
        QEvent change(QEvent::LanguageChange);
        QCoreApplication::sendEvent(&app, &change);
    }
    return installed;
}

QLocale localeFor(Language language)
{
    switch (language) {
    case Language::English:
        return QLocale(QLocale::English, QLocale::UnitedStates);
    case Language::German:
        return QLocale(QLocale::German, QLocale::Germany);
    case Language::System:
        break;
    }
    return QLocale::system();
}

Language storedLanguage()
{
    const QString name = QSettings().value(LanguageKey).toString();
    if (name == u"en")
        return Language::English;
    if (name == u"de")
        return Language::German;
    return Language::System;
}

void applyLanguage(QCoreApplication &app, Language language)
{
    QSettings().setValue(LanguageKey, language == Language::English  ? u"en"_s
                                      : language == Language::German ? u"de"_s
                                                                     : u"system"_s);
    const QLocale locale = localeFor(language);
    QLocale::setDefault(locale);
    installTranslators(app, locale);
}

int runConsole(QApplication &app, const ConsoleOptions &options)
{
    // High DPI: Qt 6 always scales by the screen's device pixel ratio
    // (AA_EnableHighDpiScaling and AA_UseHighDpiPixmaps are no-ops there) and
    // keeps fractional factors (PassThrough rounding) by default; our icons
    // are SVG, sharp at any ratio. So no attribute is set here.
    const QLocale locale = localeFor(storedLanguage());
    QLocale::setDefault(locale);
    installTranslators(app, locale);
    Appearance::instance()->applyStoredMode();
    QApplication::setApplicationDisplayName(ConsoleWindow::tr("Bulwark Console"));
    ConsoleWindow window(options);
    window.show();
    window.start();
    return QApplication::exec();
}

} // namespace Bulwark::Ui
