// The German catalogue is embedded in the console and actually translates
// what users see.
#include "ui/Console.h"

#include <QApplication>
#include <QTest>
#include <QTranslator>

using namespace Qt::StringLiterals;

class TestTranslations final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void germanCatalogueIsEmbedded();
    void installsForGermanLocale();
};

void TestTranslations::germanCatalogueIsEmbedded()
{
    QTranslator translator;
    QVERIFY(translator.load(u":/i18n/bulwark_de.qm"_s));
    const QString newThing = translator.translate("Bulwark::Ui::ThingsPage", "&New Thing…");
    QVERIFY(!newThing.isEmpty());
    QVERIFY(newThing != u"&New Thing…"_s);
    QVERIFY(!translator.translate("Bulwark::Ui::ConsoleWindow", "Connected").isEmpty());
    QVERIFY(!translator.translate("Bulwark::Models::EntityName", "Enter a name.").isEmpty());
}

void TestTranslations::installsForGermanLocale()
{
    QLocale::setDefault(QLocale(QLocale::German, QLocale::Germany));
    QVERIFY(Bulwark::Ui::installTranslators(*qApp));
    QCOMPARE(QCoreApplication::translate("Bulwark::Ui::ConsoleWindow", "Disconnected"),
             u"Getrennt"_s);
    QLocale::setDefault(QLocale::c());
}

QTEST_MAIN(TestTranslations)
#include "tst_translations.moc"
