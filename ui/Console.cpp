#include "Console.h"

#include "ConsoleWindow.h"

#include <QApplication>
#include <QLibraryInfo>
#include <QLocale>
#include <QTranslator>

#include <memory>

namespace Bulwark::Ui {

using namespace Qt::StringLiterals;

namespace {

// Installs a translator only if it loads; the application then owns it.
bool installIfLoaded(QCoreApplication &app, std::unique_ptr<QTranslator> translator, bool loaded)
{
    if (!loaded)
        return false;
    translator->setParent(&app);
    return QCoreApplication::installTranslator(translator.release());
}

} // namespace

bool installTranslators(QCoreApplication &app)
{
    const QLocale locale;
    // Qt's own strings (standard buttons, context menus) first, ours on top.
    auto qtTranslator = std::make_unique<QTranslator>();
    const bool qtLoaded = qtTranslator->load(locale, u"qtbase"_s, u"_"_s,
                                             QLibraryInfo::path(QLibraryInfo::TranslationsPath));
    installIfLoaded(app, std::move(qtTranslator), qtLoaded);

    // Embedded by qt_add_translations under :/i18n.
    auto translator = std::make_unique<QTranslator>();
    const bool loaded = translator->load(locale, u"bulwark"_s, u"_"_s, u":/i18n"_s);
    return installIfLoaded(app, std::move(translator), loaded);
}

int runConsole(QApplication &app, const ConsoleOptions &options)
{
    installTranslators(app);
    QApplication::setApplicationDisplayName(ConsoleWindow::tr("Bulwark Console"));
    ConsoleWindow window(options);
    window.show();
    window.start();
    return QApplication::exec();
}

} // namespace Bulwark::Ui
