<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="de_DE">
<context>
    <name>Bulwark::Models::ApiClient</name>
    <message>
        <source>The server at %1 presented a certificate whose fingerprint does not match the trusted one. The connection was refused to protect your credentials.</source>
        <translation>Der Server unter %1 hat ein Zertifikat vorgelegt, dessen Fingerabdruck nicht mit dem vertrauenswürdigen übereinstimmt. Die Verbindung wurde abgelehnt, um Ihre Zugangsdaten zu schützen.</translation>
    </message>
    <message>
        <source>Cannot reach the server at %1: %2</source>
        <translation>Der Server unter %1 ist nicht erreichbar: %2</translation>
    </message>
    <message>
        <source>The user name or password was not accepted.</source>
        <translation>Benutzername oder Passwort wurden nicht akzeptiert.</translation>
    </message>
    <message>
        <source>The server does not know this item (it may have been deleted).</source>
        <translation>Der Server kennt dieses Element nicht (möglicherweise wurde es gelöscht).</translation>
    </message>
    <message>
        <source>The server refused the request (HTTP status %1).</source>
        <translation>Der Server hat die Anfrage abgelehnt (HTTP-Status %1).</translation>
    </message>
</context>
<context>
    <name>Bulwark::Models::AppKeysModel</name>
    <message>
        <source>Expired</source>
        <translation>Abgelaufen</translation>
    </message>
    <message>
        <source>Disabled</source>
        <translation>Deaktiviert</translation>
    </message>
    <message>
        <source>Active</source>
        <translation>Aktiv</translation>
    </message>
    <message>
        <source>This key has not been used yet.</source>
        <translation>Dieser Schlüssel wurde noch nicht verwendet.</translation>
    </message>
    <message>
        <source>Last used at %1 from %2</source>
        <translation>Zuletzt verwendet am %1 von %2</translation>
    </message>
    <message>
        <source>The key is accepted from any address.</source>
        <translation>Der Schlüssel wird von jeder Adresse akzeptiert.</translation>
    </message>
    <message>
        <source>The key is accepted only from: %1</source>
        <translation>Der Schlüssel wird nur akzeptiert von: %1</translation>
    </message>
    <message>
        <source>Never</source>
        <translation>Nie</translation>
    </message>
    <message>
        <source>%1 from %2</source>
        <translation>%1 von %2</translation>
    </message>
    <message>
        <source>Any</source>
        <translation>Beliebig</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>Name</translation>
    </message>
    <message>
        <source>User</source>
        <translation>Benutzer</translation>
    </message>
    <message>
        <source>Expires</source>
        <translation>Läuft ab</translation>
    </message>
    <message>
        <source>Last used</source>
        <translation>Zuletzt verwendet</translation>
    </message>
    <message>
        <source>Allowed addresses</source>
        <translation>Erlaubte Adressen</translation>
    </message>
    <message>
        <source>State</source>
        <translation>Status</translation>
    </message>
</context>
<context>
    <name>Bulwark::Models::AuditModel</name>
    <message>
        <source>The audit chain is intact: %1 records verified.</source>
        <translation>Die Audit-Kette ist intakt: %1 Einträge geprüft.</translation>
    </message>
    <message>
        <source>The audit chain is broken at record %1: %2 Restore the database from a backup and find out who had access to it.</source>
        <translation>Die Audit-Kette ist bei Eintrag %1 unterbrochen: %2 Stellen Sie die Datenbank aus einer Sicherung wieder her und finden Sie heraus, wer Zugriff darauf hatte.</translation>
    </message>
    <message>
        <source>The audit chain is broken: %1</source>
        <translation>Die Audit-Kette ist unterbrochen: %1</translation>
    </message>
    <message>
        <source>(anonymous)</source>
        <translation>(anonym)</translation>
    </message>
    <message>
        <source>No.</source>
        <translation>Nr.</translation>
    </message>
    <message>
        <source>Time</source>
        <translation>Zeit</translation>
    </message>
    <message>
        <source>Actor</source>
        <translation>Akteur</translation>
    </message>
    <message>
        <source>Source</source>
        <translation>Quelle</translation>
    </message>
    <message>
        <source>Category</source>
        <translation>Kategorie</translation>
    </message>
    <message>
        <source>Action</source>
        <translation>Aktion</translation>
    </message>
    <message>
        <source>Entity</source>
        <translation>Entität</translation>
    </message>
    <message>
        <source>Outcome</source>
        <translation>Ergebnis</translation>
    </message>
</context>
<context>
    <name>Bulwark::Models::CertificateProbe</name>
    <message>
        <source>The server did not present a certificate.</source>
        <translation>Der Server hat kein Zertifikat vorgelegt.</translation>
    </message>
    <message>
        <source>Cannot fetch the server&apos;s certificate: %1</source>
        <translation>Das Zertifikat des Servers kann nicht abgerufen werden: %1</translation>
    </message>
    <message>
        <source>The server did not answer within %1 seconds.</source>
        <translation>Der Server hat nicht innerhalb von %1 Sekunden geantwortet.</translation>
    </message>
    <message>
        <source>Enter a server address of the form https://host:port.</source>
        <translation>Geben Sie eine Serveradresse der Form https://host:port ein.</translation>
    </message>
</context>
<context>
    <name>Bulwark::Models::DeviceMonitorModel</name>
    <message>
        <source>Measured from the next refresh of the counters on.</source>
        <translation>Wird ab der nächsten Aktualisierung der Zähler gemessen.</translation>
    </message>
    <message>
        <source>Messages from the device per second, from the server&apos;s counters and the live events since the last refresh.</source>
        <translation>Nachrichten des Geräts pro Sekunde, ermittelt aus den Zählern des Servers und den Live-Ereignissen seit der letzten Aktualisierung.</translation>
    </message>
    <message>
        <source>The server does not report traffic counters for this session.</source>
        <translation>Der Server meldet für diese Sitzung keine Datenverkehrszähler.</translation>
    </message>
    <message>
        <source>Counted by the server for the device session that speaks for this Thing.</source>
        <translation>Vom Server gezählt für die Gerätesitzung, die für dieses Thing spricht.</translation>
    </message>
    <message>
        <source>Device</source>
        <translation>Gerät</translation>
    </message>
    <message>
        <source>Address</source>
        <translation>Adresse</translation>
    </message>
    <message>
        <source>User</source>
        <translation>Benutzer</translation>
    </message>
    <message>
        <source>Connected since</source>
        <translation>Verbunden seit</translation>
    </message>
    <message>
        <source>Last message</source>
        <translation>Letzte Nachricht</translation>
    </message>
    <message>
        <source>Messages/s</source>
        <translation>Nachrichten/s</translation>
    </message>
    <message>
        <source>Messages in</source>
        <translation>Nachrichten ein</translation>
    </message>
    <message>
        <source>Messages out</source>
        <translation>Nachrichten aus</translation>
    </message>
    <message>
        <source>Bytes in</source>
        <translation>Bytes ein</translation>
    </message>
    <message>
        <source>Bytes out</source>
        <translation>Bytes aus</translation>
    </message>
</context>
<context>
    <name>Bulwark::Models::EntityName</name>
    <message>
        <source>Enter a name.</source>
        <translation>Geben Sie einen Namen ein.</translation>
    </message>
    <message>
        <source>A name can have at most %1 characters.</source>
        <translation>Ein Name darf höchstens %1 Zeichen lang sein.</translation>
    </message>
    <message>
        <source>A name must start with a letter (A–Z, a–z) or a digit.</source>
        <translation>Ein Name muss mit einem Buchstaben (A–Z, a–z) oder einer Ziffer beginnen.</translation>
    </message>
    <message>
        <source>“%1” is not allowed in a name: use letters (A–Z, a–z), digits, &apos;_&apos;, &apos;-&apos; or &apos;.&apos;.</source>
        <translation>„%1“ ist in einem Namen nicht erlaubt: Verwenden Sie Buchstaben (A–Z, a–z), Ziffern, &apos;_&apos;, &apos;-&apos; oder &apos;.&apos;.</translation>
    </message>
</context>
<context>
    <name>Bulwark::Models::GroupsTreeModel</name>
    <message>
        <source>Contains a group above it (a cycle); not expanded again.</source>
        <translation>Enthält eine übergeordnete Gruppe (ein Zyklus); wird nicht erneut aufgeklappt.</translation>
    </message>
    <message>
        <source>User</source>
        <translation>Benutzer</translation>
    </message>
    <message>
        <source>User %1, a member of %2</source>
        <translation>Benutzer %1, Mitglied von %2</translation>
    </message>
    <message>
        <source>Group %1: its members have the rights of %2 too</source>
        <translation>Gruppe %1: Ihre Mitglieder haben auch die Rechte von %2</translation>
    </message>
    <message>
        <source>Group %1</source>
        <translation>Gruppe %1</translation>
    </message>
    <message>
        <source>Group or user</source>
        <translation>Gruppe oder Benutzer</translation>
    </message>
    <message>
        <source>Description</source>
        <translation>Beschreibung</translation>
    </message>
</context>
<context>
    <name>Bulwark::Models::LivePropertiesModel</name>
    <message>
        <source>The Thing “%1” was deleted.</source>
        <translation>Das Thing „%1“ wurde gelöscht.</translation>
    </message>
    <message>
        <source>Never written</source>
        <translation>Nie geschrieben</translation>
    </message>
    <message>
        <source>No value</source>
        <translation>Kein Wert</translation>
    </message>
    <message>
        <source>good</source>
        <translation>gut</translation>
    </message>
    <message>
        <source>uncertain</source>
        <translation>unsicher</translation>
    </message>
    <message>
        <source>bad</source>
        <translation>schlecht</translation>
    </message>
    <message>
        <source>Property</source>
        <translation>Eigenschaft</translation>
    </message>
    <message>
        <source>Value</source>
        <translation>Wert</translation>
    </message>
    <message>
        <source>Type</source>
        <translation>Typ</translation>
    </message>
    <message>
        <source>Updated</source>
        <translation>Aktualisiert</translation>
    </message>
    <message>
        <source>Quality</source>
        <translation>Qualität</translation>
    </message>
</context>
<context>
    <name>Bulwark::Models::OrganizationsMembership</name>
    <message>
        <source>%1 is a member of this unit.</source>
        <translation>%1 ist Mitglied dieser Einheit.</translation>
    </message>
    <message>
        <source>%1 is a member through group %2 (%3).</source>
        <translation>%1 ist über die Gruppe %2 Mitglied (%3).</translation>
    </message>
</context>
<context>
    <name>Bulwark::Models::OrganizationsModel</name>
    <message>
        <source>Unit %1</source>
        <translation>Einheit %1</translation>
    </message>
    <message>
        <source>Organization %1 (its root unit)</source>
        <translation>Organisation %1 (ihre Stammeinheit)</translation>
    </message>
    <message>
        <source>Organization / unit</source>
        <translation>Organisation / Einheit</translation>
    </message>
    <message>
        <source>Description</source>
        <translation>Beschreibung</translation>
    </message>
</context>
<context>
    <name>Bulwark::Models::PermissionEffectiveModel</name>
    <message>
        <source>What the server decides for user %1</source>
        <translation>Was der Server für Benutzer %1 entscheidet</translation>
    </message>
    <message>
        <source>Allowed</source>
        <translation>Erlaubt</translation>
    </message>
    <message>
        <source>Denied (no rule)</source>
        <translation>Verweigert (keine Regel)</translation>
    </message>
    <message>
        <source>Denied</source>
        <translation>Verweigert</translation>
    </message>
    <message>
        <source>This permission does not apply here.</source>
        <translation>Diese Berechtigung gilt hier nicht.</translation>
    </message>
    <message>
        <source>%1 for %2, decided at level “%3”. Select the cell to see why.</source>
        <translation>%1 für %2, entschieden auf Ebene „%3“. Wählen Sie die Zelle aus, um den Grund zu sehen.</translation>
    </message>
    <message>
        <source>User</source>
        <translation>Benutzer</translation>
    </message>
</context>
<context>
    <name>Bulwark::Models::PermissionMatrixModel</name>
    <message>
        <source>every entity of the collection %1</source>
        <translation>jede Entität der Sammlung %1</translation>
    </message>
    <message>
        <source>every Thing built from the template %1</source>
        <translation>jedes Thing, das aus der Vorlage %1 erstellt wurde</translation>
    </message>
    <message>
        <source>%1 %2</source>
        <translation>%1 %2</translation>
    </message>
    <message>
        <source>the property %1 of %2 %3</source>
        <translation>die Eigenschaft %1 von %2 %3</translation>
    </message>
    <message>
        <source>the service %1 of %2 %3</source>
        <translation>den Dienst %1 von %2 %3</translation>
    </message>
    <message>
        <source>the event %1 of %2 %3</source>
        <translation>das Ereignis %1 von %2 %3</translation>
    </message>
    <message>
        <source>user %1</source>
        <translation>Benutzer %1</translation>
    </message>
    <message>
        <source>group %1</source>
        <translation>Gruppe %1</translation>
    </message>
    <message>
        <source>Allow %1 to %2</source>
        <translation>%1 für %2 erlauben</translation>
    </message>
    <message>
        <source>Allow %1 to %2 (was Deny)</source>
        <translation>%1 für %2 erlauben (bisher verweigert)</translation>
    </message>
    <message>
        <source>Deny %1 to %2</source>
        <translation>%1 für %2 verweigern</translation>
    </message>
    <message>
        <source>Deny %1 to %2 (was Allow)</source>
        <translation>%1 für %2 verweigern (bisher erlaubt)</translation>
    </message>
    <message>
        <source>Remove the Allow of %1 for %2 (inherit)</source>
        <translation>Erlaubnis von %1 für %2 entfernen (erben)</translation>
    </message>
    <message>
        <source>Remove the Deny of %1 for %2 (inherit)</source>
        <translation>Verweigerung von %1 für %2 entfernen (erben)</translation>
    </message>
    <message>
        <source> — changed on the server since you loaded it</source>
        <translation> — seit dem Laden auf dem Server geändert</translation>
    </message>
    <message>
        <source>Allow</source>
        <translation>Erlauben</translation>
    </message>
    <message>
        <source>Deny</source>
        <translation>Verweigern</translation>
    </message>
    <message>
        <source>Inherit</source>
        <translation>Erben</translation>
    </message>
    <message>
        <source>User %1</source>
        <translation>Benutzer %1</translation>
    </message>
    <message>
        <source>Group %1</source>
        <translation>Gruppe %1</translation>
    </message>
    <message>
        <source>%1 cannot be set at this level.</source>
        <translation>%1 kann auf dieser Ebene nicht gesetzt werden.</translation>
    </message>
    <message>
        <source>%1 for %2: %3</source>
        <translation>%1 für %2: %3</translation>
    </message>
    <message>
        <source>Changed from %1; not applied yet.</source>
        <translation>Geändert (vorher: %1); noch nicht angewendet.</translation>
    </message>
    <message>
        <source>Someone changed this cell on the server since you loaded it: review it before applying.</source>
        <translation>Jemand hat diese Zelle auf dem Server geändert, seit Sie sie geladen haben: Prüfen Sie sie vor dem Anwenden.</translation>
    </message>
    <message>
        <source>User or group</source>
        <translation>Benutzer oder Gruppe</translation>
    </message>
    <message>
        <source>Click a cell or press Space to cycle Inherit → Allow → Deny.</source>
        <translation>Klicken Sie auf eine Zelle oder drücken Sie die Leertaste, um zwischen Erben → Erlauben → Verweigern zu wechseln.</translation>
    </message>
    <message>
        <source>This permission cannot be set at this level.</source>
        <translation>Diese Berechtigung kann auf dieser Ebene nicht gesetzt werden.</translation>
    </message>
</context>
<context>
    <name>Bulwark::Models::PrincipalsModel</name>
    <message>
        <source>User</source>
        <translation>Benutzer</translation>
    </message>
    <message>
        <source>Group</source>
        <translation>Gruppe</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>Name</translation>
    </message>
    <message>
        <source>Kind</source>
        <translation>Art</translation>
    </message>
    <message>
        <source>Description</source>
        <translation>Beschreibung</translation>
    </message>
</context>
<context>
    <name>Bulwark::Models::RecentServers</name>
    <message>
        <source>The system keychain refused: %1</source>
        <translation>Der System-Schlüsselbund hat abgelehnt: %1</translation>
    </message>
    <message>
        <source>No system keychain is available (no Secret Service is running), so the password cannot be remembered: you will be asked for it each time. Bulwark never stores passwords in plain text.</source>
        <translation>Es ist kein System-Schlüsselbund verfügbar (kein Secret Service aktiv), daher kann das Passwort nicht gespeichert werden: Sie werden jedes Mal danach gefragt. Bulwark speichert Passwörter nie im Klartext.</translation>
    </message>
</context>
<context>
    <name>Bulwark::Models::ThingsModel</name>
    <message>
        <source>Name</source>
        <translation>Name</translation>
    </message>
    <message>
        <source>Description</source>
        <translation>Beschreibung</translation>
    </message>
    <message>
        <source>Template</source>
        <translation>Vorlage</translation>
    </message>
    <message>
        <source>Modified</source>
        <translation>Geändert</translation>
    </message>
</context>
<context>
    <name>Bulwark::Models::TransfersModel</name>
    <message>
        <source>chunk authentication</source>
        <translation>Blockauthentifizierung</translation>
    </message>
    <message>
        <source>size</source>
        <translation>Größe</translation>
    </message>
    <message>
        <source>unknown error</source>
        <translation>unbekannter Fehler</translation>
    </message>
    <message>
        <source>queued</source>
        <translation>in Warteschlange</translation>
    </message>
    <message>
        <source>running</source>
        <translation>läuft</translation>
    </message>
    <message>
        <source>verifying</source>
        <translation>wird geprüft</translation>
    </message>
    <message>
        <source>done</source>
        <translation>fertig</translation>
    </message>
    <message>
        <source>failed</source>
        <translation>fehlgeschlagen</translation>
    </message>
    <message>
        <source>cancelled</source>
        <translation>abgebrochen</translation>
    </message>
    <message>
        <source>MD5 %1  SHA-256 %2  chunks %3</source>
        <translation>MD5 %1  SHA-256 %2  Blöcke %3</translation>
    </message>
    <message>
        <source>%1/s</source>
        <translation>%1/s</translation>
    </message>
    <message numerus="yes">
        <source>%n s</source>
        <translation>
            <numerusform>%n s</numerusform>
            <numerusform>%n s</numerusform>
        </translation>
    </message>
    <message>
        <source>%1 min %2 s</source>
        <translation>%1 min %2 s</translation>
    </message>
    <message>
        <source>%1 h %2 min</source>
        <translation>%1 h %2 min</translation>
    </message>
    <message>
        <source>%1:%2 → %3:%4</source>
        <translation>%1:%2 → %3:%4</translation>
    </message>
    <message>
        <source>%1 → %2</source>
        <translation>%1 → %2</translation>
    </message>
    <message>
        <source>%1 %</source>
        <translation>%1 %</translation>
    </message>
    <message>
        <source>%1 / %2</source>
        <translation>%1 / %2</translation>
    </message>
    <message>
        <source>Source → target</source>
        <translation>Quelle → Ziel</translation>
    </message>
    <message>
        <source>File</source>
        <translation>Datei</translation>
    </message>
    <message>
        <source>State</source>
        <translation>Status</translation>
    </message>
    <message>
        <source>Progress</source>
        <translation>Fortschritt</translation>
    </message>
    <message>
        <source>Bytes</source>
        <translation>Bytes</translation>
    </message>
    <message>
        <source>Speed</source>
        <translation>Geschwindigkeit</translation>
    </message>
    <message>
        <source>Time left</source>
        <translation>Restzeit</translation>
    </message>
    <message>
        <source>Resumes</source>
        <translation>Fortsetzungen</translation>
    </message>
    <message>
        <source>Verification</source>
        <translation>Prüfung</translation>
    </message>
    <message>
        <source>Created</source>
        <translation>Erstellt</translation>
    </message>
</context>
<context>
    <name>Bulwark::Models::UsersModel</name>
    <message>
        <source>This user has not signed in yet.</source>
        <translation>Dieser Benutzer hat sich noch nicht angemeldet.</translation>
    </message>
    <message>
        <source>Last signed in at %1 from %2</source>
        <translation>Zuletzt angemeldet am %1 von %2</translation>
    </message>
    <message>
        <source>an unknown address</source>
        <translation>einer unbekannten Adresse</translation>
    </message>
    <message>
        <source>Too many wrong passwords: every sign-in is refused until the lock ends or an administrator unlocks the account.</source>
        <translation>Zu viele falsche Passwörter: Jede Anmeldung wird abgelehnt, bis die Sperre endet oder ein Administrator das Konto entsperrt.</translation>
    </message>
    <message>
        <source>Local</source>
        <translation>Lokal</translation>
    </message>
    <message>
        <source>Directory: %1</source>
        <translation>Verzeichnis: %1</translation>
    </message>
    <message>
        <source>Never</source>
        <translation>Nie</translation>
    </message>
    <message>
        <source>Locked</source>
        <translation>Gesperrt</translation>
    </message>
    <message>
        <source>Locked until %1</source>
        <translation>Gesperrt bis %1</translation>
    </message>
    <message>
        <source>Enabled</source>
        <translation>Aktiviert</translation>
    </message>
    <message>
        <source>Disabled</source>
        <translation>Deaktiviert</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>Name</translation>
    </message>
    <message>
        <source>Authentication</source>
        <translation>Authentifizierung</translation>
    </message>
    <message>
        <source>Groups</source>
        <translation>Gruppen</translation>
    </message>
    <message>
        <source>Last login</source>
        <translation>Letzte Anmeldung</translation>
    </message>
    <message>
        <source>State</source>
        <translation>Status</translation>
    </message>
</context>
<context>
    <name>Bulwark::Ui::AppKeyDialog</name>
    <message>
        <source>New Application Key</source>
        <translation>Neuer App-Schlüssel</translation>
    </message>
    <message>
        <source>e.g. backup-script</source>
        <translation>z. B. backup-script</translation>
    </message>
    <message>
        <source>Optional: what uses this key</source>
        <translation>Optional: was diesen Schlüssel verwendet</translation>
    </message>
    <message>
        <source>The key acts with exactly this user&apos;s rights. It cannot change later.</source>
        <translation>Der Schlüssel handelt mit genau den Rechten dieses Benutzers. Das lässt sich später nicht ändern.</translation>
    </message>
    <message>
        <source>Optional: e.g. 192.0.2.7, 10.0.0.0/8 (empty: any)</source>
        <translation>Optional: z. B. 192.0.2.7, 10.0.0.0/8 (leer: beliebig)</translation>
    </message>
    <message>
        <source>&amp;Name:</source>
        <translation>&amp;Name:</translation>
    </message>
    <message>
        <source>&amp;Description:</source>
        <translation>&amp;Beschreibung:</translation>
    </message>
    <message>
        <source>Acts as &amp;user:</source>
        <translation>Handelt als Ben&amp;utzer:</translation>
    </message>
    <message>
        <source>&amp;Expires:</source>
        <translation>&amp;Läuft ab:</translation>
    </message>
    <message>
        <source>Allowed &amp;addresses:</source>
        <translation>Erlaubte &amp;Adressen:</translation>
    </message>
    <message>
        <source>&amp;Create Key</source>
        <translation>Schlüssel &amp;erstellen</translation>
    </message>
    <message>
        <source>The server created the key but sent no secret; revoke it and try again.</source>
        <translation>Der Server hat den Schlüssel erstellt, aber kein Geheimnis gesendet; widerrufen Sie ihn und versuchen Sie es erneut.</translation>
    </message>
</context>
<context>
    <name>Bulwark::Ui::AppKeySecretDialog</name>
    <message>
        <source>&amp;Copy</source>
        <translation>&amp;Kopieren</translation>
    </message>
    <message>
        <source>Secret of %1</source>
        <translation>Geheimnis von %1</translation>
    </message>
    <message>
        <source>&lt;b&gt;Store this secret now.&lt;/b&gt; It is shown only this once: the server keeps only its hash and cannot show it again. If it is lost, revoke the key and create a new one.&lt;br&gt;Send it in the &lt;tt&gt;appKey&lt;/tt&gt; header or as &lt;tt&gt;Authorization: Bearer&lt;/tt&gt;, never in a URL.</source>
        <translation>&lt;b&gt;Speichern Sie dieses Geheimnis jetzt.&lt;/b&gt; Es wird nur dieses eine Mal angezeigt: Der Server speichert nur seinen Hash und kann es nicht erneut anzeigen. Geht es verloren, widerrufen Sie den Schlüssel und erstellen Sie einen neuen.&lt;br&gt;Senden Sie es im Header &lt;tt&gt;appKey&lt;/tt&gt; oder als &lt;tt&gt;Authorization: Bearer&lt;/tt&gt;, niemals in einer URL.</translation>
    </message>
    <message>
        <source>I Have Stored It</source>
        <translation>Ich habe es gespeichert</translation>
    </message>
    <message>
        <source>Copied</source>
        <translation>Kopiert</translation>
    </message>
    <message>
        <source>The clipboard is cleared in one minute if it still holds the key.</source>
        <translation>Die Zwischenablage wird nach einer Minute geleert, falls sie den Schlüssel dann noch enthält.</translation>
    </message>
</context>
<context>
    <name>Bulwark::Ui::AppKeysPage</name>
    <message>
        <source>Search keys by name, user, address or state</source>
        <translation>Schlüssel nach Name, Benutzer, Adresse oder Status durchsuchen</translation>
    </message>
    <message>
        <source>New Key…</source>
        <translation>Neuer Schlüssel…</translation>
    </message>
    <message>
        <source>Create a key that lets a program act as a user</source>
        <translation>Einen Schlüssel erstellen, mit dem ein Programm als Benutzer handeln kann</translation>
    </message>
    <message>
        <source>Revoke</source>
        <translation>Widerrufen</translation>
    </message>
    <message>
        <source>Delete the selected key: programs using it are refused at once</source>
        <translation>Den ausgewählten Schlüssel löschen: Programme, die ihn verwenden, werden sofort abgewiesen</translation>
    </message>
    <message>
        <source>Refresh</source>
        <translation>Aktualisieren</translation>
    </message>
    <message>
        <source>Load the keys again (for example to see their last use)</source>
        <translation>Die Schlüssel neu laden (etwa um ihre letzte Verwendung zu sehen)</translation>
    </message>
    <message>
        <source>Could not load the application keys: %1</source>
        <translation>Die App-Schlüssel konnten nicht geladen werden: %1</translation>
    </message>
    <message>
        <source>Not connected to a server. Application keys appear here once the console is connected.</source>
        <translation>Nicht mit einem Server verbunden. App-Schlüssel erscheinen hier, sobald die Konsole verbunden ist.</translation>
    </message>
    <message>
        <source>The keys cannot be shown: %1</source>
        <translation>Die Schlüssel können nicht angezeigt werden: %1</translation>
    </message>
    <message>
        <source>Loading application keys…</source>
        <translation>App-Schlüssel werden geladen…</translation>
    </message>
    <message>
        <source>No application keys yet — create one with New Key… A key lets a script or another system act as a user without their password.</source>
        <translation>Noch keine App-Schlüssel — erstellen Sie einen mit „Neuer Schlüssel…“. Ein Schlüssel erlaubt es einem Skript oder einem anderen System, ohne dessen Passwort als ein Benutzer zu handeln.</translation>
    </message>
    <message>
        <source>Created the application key %1.</source>
        <translation>App-Schlüssel %1 erstellt.</translation>
    </message>
    <message>
        <source>Revoke Application Key</source>
        <translation>App-Schlüssel widerrufen</translation>
    </message>
    <message>
        <source>Revoke the key “%1” of %2? Every program that uses it is refused from the next request on, and its open live connections close. This cannot be undone: a new key gets a new secret.</source>
        <translation>Den Schlüssel „%1“ von %2 widerrufen? Jedes Programm, das ihn verwendet, wird ab der nächsten Anfrage abgewiesen, und seine offenen Live-Verbindungen werden geschlossen. Dies kann nicht rückgängig gemacht werden: Ein neuer Schlüssel erhält ein neues Geheimnis.</translation>
    </message>
    <message>
        <source>Revoked the key %1.</source>
        <translation>Schlüssel %1 widerrufen.</translation>
    </message>
    <message>
        <source>Could not revoke %1: %2</source>
        <translation>%1 konnte nicht widerrufen werden: %2</translation>
    </message>
</context>
<context>
    <name>Bulwark::Ui::AuditPage</name>
    <message>
        <source>Re&amp;load</source>
        <translation>&amp;Neu laden</translation>
    </message>
    <message>
        <source>&amp;Verify chain</source>
        <translation>Kette &amp;prüfen</translation>
    </message>
    <message>
        <source>&amp;From:</source>
        <translation>&amp;Von:</translation>
    </message>
    <message>
        <source>&amp;To:</source>
        <translation>&amp;Bis:</translation>
    </message>
    <message>
        <source>&amp;Apply filter</source>
        <translation>Filter an&amp;wenden</translation>
    </message>
    <message>
        <source>C&amp;lear</source>
        <translation>Zu&amp;rücksetzen</translation>
    </message>
    <message>
        <source>Load &amp;more</source>
        <translation>&amp;Mehr laden</translation>
    </message>
    <message>
        <source>Load the newest records again</source>
        <translation>Die neuesten Einträge neu laden</translation>
    </message>
    <message>
        <source>Check every record&apos;s hash and the signed head: shows whether anyone altered or deleted records. Takes a while on a large log.</source>
        <translation>Den Hash jedes Eintrags und den signierten Kopf prüfen: zeigt, ob jemand Einträge verändert oder gelöscht hat. Dauert bei einem großen Protokoll eine Weile.</translation>
    </message>
    <message>
        <source>exact user name, or system</source>
        <translation>exakter Benutzername oder system</translation>
    </message>
    <message>
        <source>Any category</source>
        <translation>Alle Kategorien</translation>
    </message>
    <message>
        <source>Any outcome</source>
        <translation>Alle Ergebnisse</translation>
    </message>
    <message>
        <source>success</source>
        <translation>Erfolg</translation>
    </message>
    <message>
        <source>failure</source>
        <translation>Fehlschlag</translation>
    </message>
    <message>
        <source>denied</source>
        <translation>verweigert</translation>
    </message>
    <message>
        <source>e.g. Things/Pump1 (and everything below it)</source>
        <translation>z. B. Things/Pump1 (und alles darunter)</translation>
    </message>
    <message>
        <source>Records to load from the server</source>
        <translation>Anzahl der vom Server zu ladenden Einträge</translation>
    </message>
    <message>
        <source>Actor:</source>
        <translation>Akteur:</translation>
    </message>
    <message>
        <source>Category:</source>
        <translation>Kategorie:</translation>
    </message>
    <message>
        <source>Outcome:</source>
        <translation>Ergebnis:</translation>
    </message>
    <message>
        <source>Entity:</source>
        <translation>Entität:</translation>
    </message>
    <message>
        <source>Search the loaded records</source>
        <translation>Die geladenen Einträge durchsuchen</translation>
    </message>
    <message>
        <source>Could not load the audit log: %1</source>
        <translation>Das Audit-Protokoll konnte nicht geladen werden: %1</translation>
    </message>
    <message>
        <source>Could not verify the audit chain: %1</source>
        <translation>Die Audit-Kette konnte nicht geprüft werden: %1</translation>
    </message>
    <message>
        <source>Verifying the audit chain… every record is read, so this takes a while on a large log.</source>
        <translation>Audit-Kette wird geprüft… Jeder Eintrag wird gelesen, daher dauert dies bei einem großen Protokoll eine Weile.</translation>
    </message>
    <message>
        <source>Intact</source>
        <translation>Intakt</translation>
    </message>
    <message>
        <source>Broken</source>
        <translation>Unterbrochen</translation>
    </message>
    <message>
        <source>Showing %1 of %2 records matching the filter.</source>
        <translation>Angezeigt werden %1 von %2 Einträgen, die dem Filter entsprechen.</translation>
    </message>
    <message>
        <source>Not connected to a server. The audit log appears here once the console is connected.</source>
        <translation>Nicht mit einem Server verbunden. Das Audit-Protokoll erscheint hier, sobald die Konsole verbunden ist.</translation>
    </message>
    <message>
        <source>The audit log could not be loaded (see the message above). Only administrators may read it.</source>
        <translation>Das Audit-Protokoll konnte nicht geladen werden (siehe Meldung oben). Nur Administratoren dürfen es lesen.</translation>
    </message>
    <message>
        <source>Loading the audit log…</source>
        <translation>Audit-Protokoll wird geladen…</translation>
    </message>
    <message>
        <source>No audit records match the filter. Clear the filter to see every record.</source>
        <translation>Keine Audit-Einträge entsprechen dem Filter. Setzen Sie den Filter zurück, um alle Einträge zu sehen.</translation>
    </message>
    <message>
        <source>None of the loaded records contains “%1”.</source>
        <translation>Keiner der geladenen Einträge enthält „%1“.</translation>
    </message>
    <message>
        <source>Select a record to see all it says.</source>
        <translation>Wählen Sie einen Eintrag aus, um alle seine Angaben zu sehen.</translation>
    </message>
    <message>
        <source>Record</source>
        <translation>Eintrag</translation>
    </message>
    <message>
        <source>Time</source>
        <translation>Zeit</translation>
    </message>
    <message>
        <source>Actor</source>
        <translation>Akteur</translation>
    </message>
    <message>
        <source>(anonymous)</source>
        <translation>(anonym)</translation>
    </message>
    <message>
        <source>Source</source>
        <translation>Quelle</translation>
    </message>
    <message>
        <source>Category</source>
        <translation>Kategorie</translation>
    </message>
    <message>
        <source>Action</source>
        <translation>Aktion</translation>
    </message>
    <message>
        <source>Entity</source>
        <translation>Entität</translation>
    </message>
    <message>
        <source>Outcome</source>
        <translation>Ergebnis</translation>
    </message>
    <message>
        <source>Previous hash</source>
        <translation>Vorheriger Hash</translation>
    </message>
    <message>
        <source>Hash</source>
        <translation>Hash</translation>
    </message>
</context>
<context>
    <name>Bulwark::Ui::ConnectDeviceHelpDialog</name>
    <message>
        <source>(not connected: connect to a server first)</source>
        <translation>(nicht verbunden: verbinden Sie sich zuerst mit einem Server)</translation>
    </message>
    <message>
        <source>Connect the example device (a simulated pump) to %1</source>
        <translation>Das Beispielgerät (eine simulierte Pumpe) mit %1 verbinden</translation>
    </message>
    <message>
        <source>1. Set up the shell. curl checks the server against its certificate:</source>
        <translation>1. Die Shell einrichten. curl prüft den Server anhand seines Zertifikats:</translation>
    </message>
    <message>
        <source>   save it, then check that its fingerprint is %1:</source>
        <translation>   speichern Sie es und prüfen Sie dann, ob sein Fingerabdruck %1 lautet:</translation>
    </message>
    <message>
        <source>2. Create the device&apos;s Thing and a file repository for its log:</source>
        <translation>2. Das Thing des Geräts und ein Dateirepository für sein Protokoll anlegen:</translation>
    </message>
    <message>
        <source>3. Create an app key for the device (its secret is shown only once):</source>
        <translation>3. Einen App-Schlüssel für das Gerät erstellen (sein Geheimnis wird nur einmal angezeigt):</translation>
    </message>
    <message>
        <source>4. Start the device; it pins the server&apos;s certificate by its fingerprint:</source>
        <translation>4. Das Gerät starten; es pinnt das Zertifikat des Servers anhand seines Fingerabdrucks:</translation>
    </message>
    <message>
        <source>5. Watch it here: Devices shows the connection and live values, File transfers the upload of its log. A real device gets a key of its own user with only the rights it needs (see docs/security-model.md).</source>
        <translation>5. Hier beobachten: „Geräte“ zeigt die Verbindung und die Live-Werte, „Dateiübertragungen“ das Hochladen seines Protokolls. Ein echtes Gerät erhält einen Schlüssel eines eigenen Benutzers mit nur den Rechten, die es braucht (siehe docs/security-model.md).</translation>
    </message>
    <message>
        <source>Connect a Device</source>
        <translation>Gerät verbinden</translation>
    </message>
    <message>
        <source>Run these commands in a terminal on a machine that can reach the server. Replace YOUR-PASSWORD with the password of %1.</source>
        <translation>Führen Sie diese Befehle in einem Terminal auf einem Rechner aus, der den Server erreichen kann. Ersetzen Sie YOUR-PASSWORD durch das Passwort von %1.</translation>
    </message>
    <message>
        <source>&amp;Copy All</source>
        <translation>Alles &amp;kopieren</translation>
    </message>
</context>
<context>
    <name>Bulwark::Ui::ConnectDialog</name>
    <message>
        <source>&amp;Fetch Certificate</source>
        <translation>Zertifikat &amp;abrufen</translation>
    </message>
    <message>
        <source>Connect to Server</source>
        <translation>Mit Server verbinden</translation>
    </message>
    <message>
        <source>https://server.example.com:8443</source>
        <translation>https://server.example.com:8443</translation>
    </message>
    <message>
        <source>Fetch the server&apos;s certificate to see its fingerprint.</source>
        <translation>Rufen Sie das Zertifikat des Servers ab, um seinen Fingerabdruck zu sehen.</translation>
    </message>
    <message>
        <source>I compared this fingerprint with the one the server shows and trust it</source>
        <translation>Ich habe diesen Fingerabdruck mit dem vom Server angezeigten verglichen und vertraue ihm</translation>
    </message>
    <message>
        <source>&amp;Server:</source>
        <translation>&amp;Server:</translation>
    </message>
    <message>
        <source>&amp;User:</source>
        <translation>&amp;Benutzer:</translation>
    </message>
    <message>
        <source>&amp;Password:</source>
        <translation>&amp;Passwort:</translation>
    </message>
    <message>
        <source>Certificate SHA-256:</source>
        <translation>Zertifikat SHA-256:</translation>
    </message>
    <message>
        <source>&amp;Connect</source>
        <translation>&amp;Verbinden</translation>
    </message>
    <message>
        <source>Enter a server address of the form https://host:port.</source>
        <translation>Geben Sie eine Serveradresse der Form https://host:port ein.</translation>
    </message>
    <message>
        <source>Fetching the certificate of %1…</source>
        <translation>Zertifikat von %1 wird abgerufen…</translation>
    </message>
    <message>
        <source>No certificate.</source>
        <translation>Kein Zertifikat.</translation>
    </message>
    <message>
        <source>%1
(issued to “%2”; %3)</source>
        <translation>%1
(ausgestellt für „%2“; %3)</translation>
    </message>
    <message>
        <source>also trusted by this computer&apos;s certificate authorities</source>
        <translation>auch von den Zertifizierungsstellen dieses Computers als vertrauenswürdig eingestuft</translation>
    </message>
    <message>
        <source>self-signed or not trusted by this computer: compare it carefully</source>
        <translation>selbstsigniert oder von diesem Computer nicht als vertrauenswürdig eingestuft: sorgfältig vergleichen</translation>
    </message>
    <message>
        <source>&amp;Forget</source>
        <translation>Ver&amp;gessen</translation>
    </message>
    <message>
        <source>&amp;Remember password in the system keychain</source>
        <translation>Passwort im System-Schlüsselbund &amp;merken</translation>
    </message>
    <message>
        <source>Remove this server from the list, and its password from the system keychain</source>
        <translation>Diesen Server aus der Liste und sein Passwort aus dem System-Schlüsselbund entfernen</translation>
    </message>
    <message>
        <source>The password is kept only in the system keychain, never in Bulwark&apos;s settings.</source>
        <translation>Das Passwort wird nur im System-Schlüsselbund aufbewahrt, nie in den Einstellungen von Bulwark.</translation>
    </message>
    <message>
        <source>R&amp;ecent:</source>
        <translation>&amp;Zuletzt verwendet:</translation>
    </message>
    <message>
        <source>New server…</source>
        <translation>Neuer Server…</translation>
    </message>
    <message>
        <source>%1
(accepted when you last connected; fetch the certificate again to compare it with the server&apos;s)</source>
        <translation>%1
(bei der letzten Verbindung akzeptiert; rufen Sie das Zertifikat erneut ab, um es mit dem des Servers zu vergleichen)</translation>
    </message>
</context>
<context>
    <name>Bulwark::Ui::ConnectionManager</name>
    <message>
        <source>The embedded server could not start: %1</source>
        <translation>Der eingebettete Server konnte nicht starten: %1</translation>
    </message>
    <message>
        <source>Enter the password of %1 for the embedded server.</source>
        <translation>Geben Sie das Passwort von %1 für den eingebetteten Server ein.</translation>
    </message>
</context>
<context>
    <name>Bulwark::Ui::ConsoleWindow</name>
    <message>
        <source>Bulwark Console</source>
        <translation>Bulwark-Konsole</translation>
    </message>
    <message>
        <source>&amp;File</source>
        <translation>&amp;Datei</translation>
    </message>
    <message>
        <source>&amp;Connect to Server…</source>
        <translation>Mit Server &amp;verbinden…</translation>
    </message>
    <message>
        <source>&amp;Quit</source>
        <translation>&amp;Beenden</translation>
    </message>
    <message>
        <source>&amp;Help</source>
        <translation>&amp;Hilfe</translation>
    </message>
    <message>
        <source>&amp;About Bulwark</source>
        <translation>&amp;Über Bulwark</translation>
    </message>
    <message>
        <source>Organizations</source>
        <translation>Organisationen</translation>
    </message>
    <message>
        <source>Users &amp; Groups</source>
        <translation>Benutzer &amp; Gruppen</translation>
    </message>
    <message>
        <source>Things</source>
        <translation>Things</translation>
    </message>
    <message>
        <source>Permissions</source>
        <translation>Berechtigungen</translation>
    </message>
    <message>
        <source>Devices</source>
        <translation>Geräte</translation>
    </message>
    <message>
        <source>File transfers</source>
        <translation>Dateiübertragungen</translation>
    </message>
    <message>
        <source>Audit</source>
        <translation>Audit</translation>
    </message>
    <message>
        <source>No server</source>
        <translation>Kein Server</translation>
    </message>
    <message>
        <source>%1 (embedded)</source>
        <translation>%1 (eingebettet)</translation>
    </message>
    <message>
        <source>User: %1</source>
        <translation>Benutzer: %1</translation>
    </message>
    <message>
        <source>Starting embedded server…</source>
        <translation>Eingebetteter Server startet…</translation>
    </message>
    <message>
        <source>Connecting…</source>
        <translation>Verbinde…</translation>
    </message>
    <message>
        <source>Connected</source>
        <translation>Verbunden</translation>
    </message>
    <message>
        <source>Disconnected</source>
        <translation>Getrennt</translation>
    </message>
    <message>
        <source>Live events: on</source>
        <translation>Live-Ereignisse: an</translation>
    </message>
    <message>
        <source>Live events: connecting…</source>
        <translation>Live-Ereignisse: verbinde…</translation>
    </message>
    <message>
        <source>Live events: off</source>
        <translation>Live-Ereignisse: aus</translation>
    </message>
    <message>
        <source>Log In</source>
        <translation>Anmelden</translation>
    </message>
    <message>
        <source>%1

Password of %2 at %3:</source>
        <translation>%1

Passwort von %2 auf %3:</translation>
    </message>
    <message>
        <source>Administrator Password</source>
        <translation>Administrator-Passwort</translation>
    </message>
    <message>
        <source>The server created the user Administrator with this password:</source>
        <translation>Der Server hat den Benutzer Administrator mit diesem Passwort angelegt:</translation>
    </message>
    <message>
        <source>Store it in your password manager now: it is shown only this once and cannot be recovered.</source>
        <translation>Speichern Sie es jetzt in Ihrem Passwort-Manager: Es wird nur dieses eine Mal angezeigt und kann nicht wiederhergestellt werden.</translation>
    </message>
    <message>
        <source>About Bulwark</source>
        <translation>Über Bulwark</translation>
    </message>
    <message>
        <source>&lt;h3&gt;Bulwark Console %1&lt;/h3&gt;&lt;p&gt;Administration console for the Bulwark secure IoT platform.&lt;/p&gt;&lt;p&gt;Built with Qt %2.&lt;/p&gt;</source>
        <translation>&lt;h3&gt;Bulwark-Konsole %1&lt;/h3&gt;&lt;p&gt;Verwaltungskonsole für die sichere IoT-Plattform Bulwark.&lt;/p&gt;&lt;p&gt;Erstellt mit Qt %2.&lt;/p&gt;</translation>
    </message>
    <message>
        <source>App keys</source>
        <translation>App-Schlüssel</translation>
    </message>
    <message>
        <source>Directory services</source>
        <translation>Verzeichnisdienste</translation>
    </message>
    <message>
        <source>&amp;Reconnect Now</source>
        <translation>&amp;Jetzt neu verbinden</translation>
    </message>
    <message>
        <source>Try to reach the server again now, without waiting</source>
        <translation>Jetzt erneut versuchen, den Server zu erreichen, ohne zu warten</translation>
    </message>
    <message>
        <source>&amp;Edit</source>
        <translation>&amp;Bearbeiten</translation>
    </message>
    <message>
        <source>&amp;Find in This Area</source>
        <translation>In diesem Bereich &amp;suchen</translation>
    </message>
    <message>
        <source>&amp;Preferences…</source>
        <translation>&amp;Einstellungen…</translation>
    </message>
    <message>
        <source>&amp;View</source>
        <translation>&amp;Ansicht</translation>
    </message>
    <message>
        <source>&amp;Reload</source>
        <translation>&amp;Neu laden</translation>
    </message>
    <message>
        <source>Connect a &amp;Device…</source>
        <translation>&amp;Gerät verbinden…</translation>
    </message>
    <message>
        <source>&amp;Keyboard Shortcuts</source>
        <translation>&amp;Tastenkürzel</translation>
    </message>
    <message>
        <source>Reconnecting…</source>
        <translation>Verbinde erneut…</translation>
    </message>
    <message>
        <source>The link to the server dropped (is it restarting?). The console keeps trying; the pages show what they had loaded and reload once it is back.</source>
        <translation>Die Verbindung zum Server ist abgebrochen (wird er neu gestartet?). Die Konsole versucht es weiter; die Seiten zeigen, was sie geladen hatten, und laden neu, sobald er wieder erreichbar ist.</translation>
    </message>
    <message numerus="yes">
        <source>Server unreachable — retrying in %n s</source>
        <translation>
            <numerusform>Server nicht erreichbar — neuer Versuch in %n s</numerusform>
            <numerusform>Server nicht erreichbar — neuer Versuch in %n s</numerusform>
        </translation>
    </message>
    <message>
        <source>Keyboard Shortcuts</source>
        <translation>Tastenkürzel</translation>
    </message>
    <message>
        <source>Action</source>
        <translation>Aktion</translation>
    </message>
    <message>
        <source>Shortcut</source>
        <translation>Tastenkürzel</translation>
    </message>
    <message>
        <source>Go to %1</source>
        <translation>Zu %1 wechseln</translation>
    </message>
</context>
<context>
    <name>Bulwark::Ui::DevicesPage</name>
    <message>
        <source>How to Connect a Device…</source>
        <translation>Anleitung: Gerät verbinden…</translation>
    </message>
    <message>
        <source>The list of connected devices could not be refreshed: %1</source>
        <translation>Die Liste der verbundenen Geräte konnte nicht aktualisiert werden: %1</translation>
    </message>
    <message>
        <source>The properties could not be loaded: %1</source>
        <translation>Die Eigenschaften konnten nicht geladen werden: %1</translation>
    </message>
    <message>
        <source>Filter devices by name, address or user</source>
        <translation>Geräte nach Name, Adresse oder Benutzer filtern</translation>
    </message>
    <message>
        <source>Find</source>
        <translation>Suchen</translation>
    </message>
    <message>
        <source>&amp;Refresh</source>
        <translation>&amp;Aktualisieren</translation>
    </message>
    <message>
        <source>Reload the connected devices and their counters (%1)</source>
        <translation>Die verbundenen Geräte und ihre Zähler neu laden (%1)</translation>
    </message>
    <message>
        <source>Select a device to watch its properties live, write them or call its services.</source>
        <translation>Wählen Sie ein Gerät aus, um seine Eigenschaften live zu beobachten, sie zu schreiben oder seine Dienste aufzurufen.</translation>
    </message>
    <message>
        <source>&amp;Write Property…</source>
        <translation>Eigenschaft &amp;schreiben…</translation>
    </message>
    <message>
        <source>&amp;Invoke Service…</source>
        <translation>&amp;Dienst aufrufen…</translation>
    </message>
    <message>
        <source>1 device connected</source>
        <translation>1 Gerät verbunden</translation>
    </message>
    <message>
        <source>%1 devices connected</source>
        <translation>%1 Geräte verbunden</translation>
    </message>
    <message>
        <source>%1 of %2 devices shown</source>
        <translation>%1 von %2 Geräten angezeigt</translation>
    </message>
    <message>
        <source>Not connected to a server. Connected devices appear here once the console is connected.</source>
        <translation>Nicht mit einem Server verbunden. Verbundene Geräte erscheinen hier, sobald die Konsole verbunden ist.</translation>
    </message>
    <message>
        <source>The server did not list the connected devices: %1</source>
        <translation>Der Server hat die verbundenen Geräte nicht aufgelistet: %1</translation>
    </message>
    <message>
        <source>Loading connected devices…</source>
        <translation>Verbundene Geräte werden geladen…</translation>
    </message>
    <message>
        <source>No devices connected yet — see Help → Connect a device</source>
        <translation>Noch keine Geräte verbunden — siehe Hilfe → Gerät verbinden</translation>
    </message>
    <message>
        <source>No connected device matches “%1” — change or clear the filter.</source>
        <translation>Kein verbundenes Gerät entspricht „%1“ — ändern oder leeren Sie den Filter.</translation>
    </message>
    <message>
        <source>Connected from %1 since %2.</source>
        <translation>Verbunden von %1 seit %2.</translation>
    </message>
    <message>
        <source>Connected from %1 since %2 as %3.</source>
        <translation>Verbunden von %1 seit %2 als %3.</translation>
    </message>
    <message>
        <source>Not connected now. A value written now is stored, and the device reads it when it connects again.</source>
        <translation>Derzeit nicht verbunden. Ein jetzt geschriebener Wert wird gespeichert, und das Gerät liest ihn, sobald es sich wieder verbindet.</translation>
    </message>
    <message>
        <source>Select a device first.</source>
        <translation>Wählen Sie zuerst ein Gerät aus.</translation>
    </message>
    <message>
        <source>Select a property to write (or double-click it).</source>
        <translation>Wählen Sie eine Eigenschaft zum Schreiben aus (oder doppelklicken Sie darauf).</translation>
    </message>
    <message>
        <source>You may not write “%1”.</source>
        <translation>Sie dürfen „%1“ nicht schreiben.</translation>
    </message>
    <message>
        <source>Write “%1” (%2)</source>
        <translation>„%1“ schreiben (%2)</translation>
    </message>
    <message>
        <source>Loading the Thing&apos;s services…</source>
        <translation>Dienste des Things werden geladen…</translation>
    </message>
    <message>
        <source>This Thing declares no services.</source>
        <translation>Dieses Thing deklariert keine Dienste.</translation>
    </message>
    <message>
        <source>You may not invoke any service of this Thing.</source>
        <translation>Sie dürfen keinen Dienst dieses Things aufrufen.</translation>
    </message>
    <message>
        <source>Call a service on the device (%1)</source>
        <translation>Einen Dienst auf dem Gerät aufrufen (%1)</translation>
    </message>
    <message>
        <source>You may read “%1” but not write it: PropertyWrite is not granted to you on it. An administrator can grant it under Permissions.</source>
        <translation>Sie dürfen „%1“ lesen, aber nicht schreiben: PropertyWrite ist Ihnen dafür nicht gewährt. Ein Administrator kann es unter „Berechtigungen“ gewähren.</translation>
    </message>
    <message>
        <source>You may not invoke this Thing&apos;s services: ServiceInvoke is not granted to you.</source>
        <translation>Sie dürfen die Dienste dieses Things nicht aufrufen: ServiceInvoke ist Ihnen nicht gewährt.</translation>
    </message>
</context>
<context>
    <name>Bulwark::Ui::DirectoryServiceForm</name>
    <message>
        <source>Allow ldap:// without StartTLS (a lab only: the password travels in clear text)</source>
        <translation>ldap:// ohne StartTLS erlauben (nur für Testumgebungen: das Passwort wird im Klartext übertragen)</translation>
    </message>
    <message>
        <source>Create a user on their first sign-in, in the mapped groups</source>
        <translation>Benutzer bei der ersten Anmeldung anlegen, in den zugeordneten Gruppen</translation>
    </message>
    <message>
        <source>Enabled: this directory&apos;s users can sign in</source>
        <translation>Aktiviert: Die Benutzer dieses Verzeichnisses können sich anmelden</translation>
    </message>
    <message>
        <source>e.g. corp (users name it as their authentication)</source>
        <translation>z. B. corp (Benutzer geben ihn als ihre Authentifizierung an)</translation>
    </message>
    <message>
        <source>ldaps://ldap.example.com, or ldap://host:389 with StartTLS</source>
        <translation>ldaps://ldap.example.com oder ldap://host:389 mit StartTLS</translation>
    </message>
    <message>
        <source>Optional: absolute path of a PEM CA bundle on the server; empty: system CAs</source>
        <translation>Optional: absoluter Pfad eines PEM-CA-Bundles auf dem Server; leer: System-CAs</translation>
    </message>
    <message>
        <source>e.g. cn=bulwark,ou=services,dc=example,dc=com</source>
        <translation>z. B. cn=bulwark,ou=services,dc=example,dc=com</translation>
    </message>
    <message>
        <source>e.g. ou=people,dc=example,dc=com</source>
        <translation>z. B. ou=people,dc=example,dc=com</translation>
    </message>
    <message>
        <source>Must contain {user}, replaced by the escaped user name.</source>
        <translation>Muss {user} enthalten; es wird durch den maskierten Benutzernamen ersetzt.</translation>
    </message>
    <message>
        <source>Optional: e.g. ou=groups,dc=example,dc=com</source>
        <translation>Optional: z. B. ou=groups,dc=example,dc=com</translation>
    </message>
    <message>
        <source>Contains {dn} (the user&apos;s DN) or {user}.</source>
        <translation>Enthält {dn} (den DN des Benutzers) oder {user}.</translation>
    </message>
    <message>
        <source>Directory group DN</source>
        <translation>DN der Verzeichnisgruppe</translation>
    </message>
    <message>
        <source>Platform group</source>
        <translation>Plattformgruppe</translation>
    </message>
    <message>
        <source> s</source>
        <translation> s</translation>
    </message>
    <message>
        <source>Bound on connecting, TLS and every directory operation.</source>
        <translation>Gilt für Verbindungsaufbau, TLS und jede Verzeichnisoperation.</translation>
    </message>
    <message>
        <source>Add Mapping</source>
        <translation>Zuordnung hinzufügen</translation>
    </message>
    <message>
        <source>Remove Mapping</source>
        <translation>Zuordnung entfernen</translation>
    </message>
    <message>
        <source>&amp;Name:</source>
        <translation>&amp;Name:</translation>
    </message>
    <message>
        <source>&amp;Description:</source>
        <translation>&amp;Beschreibung:</translation>
    </message>
    <message>
        <source>&amp;URL:</source>
        <translation>&amp;URL:</translation>
    </message>
    <message>
        <source>&amp;CA file:</source>
        <translation>&amp;CA-Datei:</translation>
    </message>
    <message>
        <source>&amp;Bind DN:</source>
        <translation>Bind-&amp;DN:</translation>
    </message>
    <message>
        <source>Bind &amp;password:</source>
        <translation>Bind-&amp;Passwort:</translation>
    </message>
    <message>
        <source>User &amp;base:</source>
        <translation>Benutzerb&amp;asis:</translation>
    </message>
    <message>
        <source>User &amp;filter:</source>
        <translation>Benutzer&amp;filter:</translation>
    </message>
    <message>
        <source>&amp;Group base:</source>
        <translation>&amp;Gruppenbasis:</translation>
    </message>
    <message>
        <source>Group filte&amp;r:</source>
        <translation>Gruppenfilte&amp;r:</translation>
    </message>
    <message>
        <source>Group &amp;mapping:</source>
        <translation>Gruppen&amp;zuordnung:</translation>
    </message>
    <message>
        <source>&amp;Timeout:</source>
        <translation>Zei&amp;tlimit:</translation>
    </message>
    <message>
        <source>Required: the service account&apos;s password. It is stored encrypted and never shown again.</source>
        <translation>Erforderlich: das Passwort des Dienstkontos. Es wird verschlüsselt gespeichert und nie wieder angezeigt.</translation>
    </message>
    <message>
        <source>Stored — leave empty to keep it</source>
        <translation>Gespeichert — leer lassen, um es zu behalten</translation>
    </message>
    <message>
        <source>The service account&apos;s password</source>
        <translation>Das Passwort des Dienstkontos</translation>
    </message>
    <message>
        <source>A password is stored (never shown). Changing the URL, bind DN, CA file or the TLS option needs it typed again.</source>
        <translation>Ein Passwort ist gespeichert (wird nie angezeigt). Wenn Sie URL, Bind-DN, CA-Datei oder die TLS-Option ändern, müssen Sie es erneut eingeben.</translation>
    </message>
    <message>
        <source>No password is stored yet.</source>
        <translation>Es ist noch kein Passwort gespeichert.</translation>
    </message>
    <message>
        <source>Give the directory a name.</source>
        <translation>Geben Sie dem Verzeichnis einen Namen.</translation>
    </message>
    <message>
        <source>Give the directory&apos;s URL (ldaps://… or ldap://…).</source>
        <translation>Geben Sie die URL des Verzeichnisses an (ldaps://… oder ldap://…).</translation>
    </message>
    <message>
        <source>Type the service account&apos;s bind password.</source>
        <translation>Geben Sie das Bind-Passwort des Dienstkontos ein.</translation>
    </message>
</context>
<context>
    <name>Bulwark::Ui::DirectoryServicesPage</name>
    <message>
        <source>Connect</source>
        <translation>Verbindungsaufbau</translation>
    </message>
    <message>
        <source>TLS</source>
        <translation>TLS</translation>
    </message>
    <message>
        <source>Service account</source>
        <translation>Dienstkonto</translation>
    </message>
    <message>
        <source>User base</source>
        <translation>Benutzerbasis</translation>
    </message>
    <message>
        <source>Login</source>
        <translation>Anmeldung</translation>
    </message>
    <message>
        <source>Groups</source>
        <translation>Gruppen</translation>
    </message>
    <message>
        <source>&amp;Save</source>
        <translation>&amp;Speichern</translation>
    </message>
    <message>
        <source>Test &amp;Connection</source>
        <translation>&amp;Verbindung testen</translation>
    </message>
    <message>
        <source>Test &amp;Login</source>
        <translation>Anme&amp;ldung testen</translation>
    </message>
    <message>
        <source>Connect, secure the connection, sign in with the service account and read the user base, with the saved settings.</source>
        <translation>Mit den gespeicherten Einstellungen verbinden, die Verbindung absichern, mit dem Dienstkonto anmelden und die Benutzerbasis lesen.</translation>
    </message>
    <message>
        <source>Directory user name</source>
        <translation>Benutzername im Verzeichnis</translation>
    </message>
    <message>
        <source>Their password (not stored)</source>
        <translation>Passwort des Benutzers (wird nicht gespeichert)</translation>
    </message>
    <message>
        <source>Also find the user, check the password with the directory and read their groups. Not subject to lockout; audited.</source>
        <translation>Zusätzlich den Benutzer suchen, das Passwort beim Verzeichnis prüfen und die Gruppen des Benutzers lesen. Unterliegt keiner Sperre; wird protokolliert.</translation>
    </message>
    <message>
        <source>New Directory</source>
        <translation>Neues Verzeichnis</translation>
    </message>
    <message>
        <source>Delete</source>
        <translation>Löschen</translation>
    </message>
    <message>
        <source>Refresh</source>
        <translation>Aktualisieren</translation>
    </message>
    <message>
        <source>Test a sign-in</source>
        <translation>Anmeldung testen</translation>
    </message>
    <message>
        <source>Could not save the directory %1: %2</source>
        <translation>Das Verzeichnis %1 konnte nicht gespeichert werden: %2</translation>
    </message>
    <message>
        <source>Saved the directory %1.</source>
        <translation>Das Verzeichnis %1 wurde gespeichert.</translation>
    </message>
    <message>
        <source>Testing %1…</source>
        <translation>%1 wird getestet…</translation>
    </message>
    <message>
        <source>The test of %1 could not run: %2</source>
        <translation>Der Test von %1 konnte nicht ausgeführt werden: %2</translation>
    </message>
    <message>
        <source>%1 %2: %3</source>
        <translation>%1 %2: %3</translation>
    </message>
    <message>
        <source>The test failed at “%1”: %2</source>
        <translation>Der Test ist bei „%1“ fehlgeschlagen: %2</translation>
    </message>
    <message>
        <source>The test failed without saying at which step.</source>
        <translation>Der Test ist fehlgeschlagen, ohne den Schritt anzugeben.</translation>
    </message>
    <message>
        <source>The connection works: Bulwark reached the directory, secured the connection, signed in with the service account and can read the user base.</source>
        <translation>Die Verbindung funktioniert: Bulwark hat das Verzeichnis erreicht, die Verbindung abgesichert, sich mit dem Dienstkonto angemeldet und kann die Benutzerbasis lesen.</translation>
    </message>
    <message>
        <source>The login works: the directory accepted the password.</source>
        <translation>Die Anmeldung funktioniert: Das Verzeichnis hat das Passwort akzeptiert.</translation>
    </message>
    <message>
        <source>The login works: the directory accepted the password. %1</source>
        <translation>Die Anmeldung funktioniert: Das Verzeichnis hat das Passwort akzeptiert. %1</translation>
    </message>
    <message>
        <source>Delete Directory</source>
        <translation>Verzeichnis löschen</translation>
    </message>
    <message>
        <source>Delete the directory “%1”? Its users stay, but cannot sign in until their authentication changes, and their sessions end at once.</source>
        <translation>Das Verzeichnis „%1“ löschen? Seine Benutzer bleiben erhalten, können sich aber erst wieder anmelden, wenn ihre Authentifizierung geändert wird, und ihre Sitzungen enden sofort.</translation>
    </message>
    <message>
        <source>Deleted the directory %1.</source>
        <translation>Das Verzeichnis %1 wurde gelöscht.</translation>
    </message>
    <message>
        <source>Could not delete %1: %2</source>
        <translation>%1 konnte nicht gelöscht werden: %2</translation>
    </message>
    <message>
        <source>Not connected to a server. LDAP directories appear here once the console is connected.</source>
        <translation>Nicht mit einem Server verbunden. LDAP-Verzeichnisse erscheinen hier, sobald die Konsole verbunden ist.</translation>
    </message>
    <message>
        <source>The directories cannot be shown: %1</source>
        <translation>Die Verzeichnisse können nicht angezeigt werden: %1</translation>
    </message>
</context>
<context>
    <name>Bulwark::Ui::ExplainPane</name>
    <message>
        <source>level 1, a member override on the entity</source>
        <translation>Ebene 1, eine Mitgliedsüberschreibung an der Entität</translation>
    </message>
    <message>
        <source>level 2, the entity&apos;s own rules</source>
        <translation>Ebene 2, die eigenen Regeln der Entität</translation>
    </message>
    <message>
        <source>level 3, a member override in a template&apos;s instance rules</source>
        <translation>Ebene 3, eine Mitgliedsüberschreibung in den Instanzregeln einer Vorlage</translation>
    </message>
    <message>
        <source>level 3, a template&apos;s instance rules</source>
        <translation>Ebene 3, die Instanzregeln einer Vorlage</translation>
    </message>
    <message>
        <source>level 4, the collection&apos;s rules</source>
        <translation>Ebene 4, die Regeln der Sammlung</translation>
    </message>
    <message>
        <source>group %1</source>
        <translation>Gruppe %1</translation>
    </message>
    <message>
        <source>user %1</source>
        <translation>Benutzer %1</translation>
    </message>
    <message>
        <source>%1 on member %2</source>
        <translation>%1 auf Mitglied %2</translation>
    </message>
    <message>
        <source>Deny %1 for %2</source>
        <translation>Verweigern: %1 für %2</translation>
    </message>
    <message>
        <source>Allow %1 for %2</source>
        <translation>Erlauben: %1 für %2</translation>
    </message>
    <message>
        <source>%1 sees %2 as a member of Administrators.</source>
        <translation>%1 sieht %2 als Mitglied von Administrators.</translation>
    </message>
    <message>
        <source>%1 sees %2 because they created it.</source>
        <translation>%1 sieht %2 als Ersteller.</translation>
    </message>
    <message>
        <source>%1 sees %2 because it is their own user.</source>
        <translation>%1 sieht %2, da es das eigene Benutzerkonto ist.</translation>
    </message>
    <message>
        <source>%1 sees %2 through the unit %3 of the organization %4</source>
        <translation>%1 sieht %2 über die Einheit %3 der Organisation %4</translation>
    </message>
    <message>
        <source>, which the visibility list of %1 grants (to unit %2)</source>
        <translation>, die in der Sichtbarkeitsliste von %1 freigegeben ist (für Einheit %2)</translation>
    </message>
    <message>
        <source>; %1 is a member of it through %2</source>
        <translation>; %1 ist über %2 Mitglied davon</translation>
    </message>
    <message>
        <source>%2 is not visible to %1: for them it does not exist (they get “not found”). What the rules alone would decide is shown below.</source>
        <translation>%2 ist für %1 nicht sichtbar: Für diesen Benutzer existiert es nicht (Antwort „nicht gefunden“). Was die Regeln allein entscheiden würden, wird unten angezeigt.</translation>
    </message>
    <message>
        <source>Turn on “Effective for” and select a cell to see why the server decides as it does.</source>
        <translation>Schalten Sie „Effektiv für“ ein und wählen Sie eine Zelle aus, um zu sehen, warum der Server so entscheidet.</translation>
    </message>
    <message>
        <source>Explanation</source>
        <translation>Erklärung</translation>
    </message>
    <message>
        <source>No explanation</source>
        <translation>Keine Erklärung</translation>
    </message>
    <message>
        <source>The server could not explain this decision: %1</source>
        <translation>Der Server konnte diese Entscheidung nicht erklären: %1</translation>
    </message>
    <message>
        <source>Allowed</source>
        <translation>Erlaubt</translation>
    </message>
    <message>
        <source>Denied</source>
        <translation>Verweigert</translation>
    </message>
    <message>
        <source>the member %1 of %2</source>
        <translation>das Mitglied %1 von %2</translation>
    </message>
    <message>
        <source>%1 may use %2 on %3.</source>
        <translation>%1 darf %2 auf %3 verwenden.</translation>
    </message>
    <message>
        <source>%1 may not use %2 on %3.</source>
        <translation>%1 darf %2 auf %3 nicht verwenden.</translation>
    </message>
    <message>
        <source>%1 is a member of Administrators, who may do everything: no rule is looked at.</source>
        <translation>%1 ist Mitglied von Administrators und darf alles: Es wird keine Regel geprüft.</translation>
    </message>
    <message>
        <source>No rule for %1 names %2 or one of their groups at any level, so it is denied by default.</source>
        <translation>Keine Regel für %1 nennt auf irgendeiner Ebene %2 oder eine der Gruppen von %2, daher wird standardmäßig verweigert.</translation>
    </message>
    <message>
        <source>The deciding rule is “%1”, set on %2 (%3).</source>
        <translation>Die entscheidende Regel ist „%1“, gesetzt auf %2 (%3).</translation>
    </message>
    <message>
        <source>It reaches %1 through the groups %2.</source>
        <translation>Sie betrifft %1 über die Gruppen %2.</translation>
    </message>
    <message>
        <source>It names %1 directly.</source>
        <translation>Sie nennt %1 direkt.</translation>
    </message>
    <message>
        <source>Within one level, a Deny wins over any Allow.</source>
        <translation>Innerhalb einer Ebene hat ein Verweigern Vorrang vor jedem Erlauben.</translation>
    </message>
    <message>
        <source>Other rules at the same level also match: %1.</source>
        <translation>Weitere Regeln derselben Ebene treffen ebenfalls zu: %1.</translation>
    </message>
</context>
<context>
    <name>Bulwark::Ui::GroupDialog</name>
    <message>
        <source>New Group</source>
        <translation>Neue Gruppe</translation>
    </message>
    <message>
        <source>Members of %1</source>
        <translation>Mitglieder von %1</translation>
    </message>
    <message>
        <source>e.g. Operators</source>
        <translation>z. B. Operators</translation>
    </message>
    <message>
        <source>Search users and groups</source>
        <translation>Benutzer und Gruppen suchen</translation>
    </message>
    <message>
        <source>Checked users and groups are direct members. A member group&apos;s members belong to this group too.</source>
        <translation>Markierte Benutzer und Gruppen sind direkte Mitglieder. Die Mitglieder einer Mitgliedsgruppe gehören ebenfalls zu dieser Gruppe.</translation>
    </message>
    <message>
        <source>&amp;Name:</source>
        <translation>&amp;Name:</translation>
    </message>
    <message>
        <source>&amp;Description:</source>
        <translation>&amp;Beschreibung:</translation>
    </message>
    <message>
        <source>&amp;Members:</source>
        <translation>&amp;Mitglieder:</translation>
    </message>
    <message>
        <source>&amp;Create Group</source>
        <translation>Gruppe &amp;erstellen</translation>
    </message>
    <message>
        <source>&amp;Save</source>
        <translation>&amp;Speichern</translation>
    </message>
    <message>
        <source>Group %1</source>
        <translation>Gruppe %1</translation>
    </message>
    <message>
        <source>Someone changed this group since you opened it; nothing was saved. Close this dialog and open the group again to see their change.</source>
        <translation>Jemand hat diese Gruppe geändert, seit Sie sie geöffnet haben; es wurde nichts gespeichert. Schließen Sie diesen Dialog und öffnen Sie die Gruppe erneut, um die Änderung zu sehen.</translation>
    </message>
</context>
<context>
    <name>Bulwark::Ui::InvokeServiceDialog</name>
    <message>
        <source>Invoke Service</source>
        <translation>Dienst aufrufen</translation>
    </message>
    <message>
        <source>Call a service of &lt;b&gt;%1&lt;/b&gt; on its device</source>
        <translation>Einen Dienst von &lt;b&gt;%1&lt;/b&gt; auf seinem Gerät aufrufen</translation>
    </message>
    <message>
        <source>%1 (not permitted for you)</source>
        <translation>%1 (für Sie nicht erlaubt)</translation>
    </message>
    <message>
        <source>{&quot;level&quot;: 2}</source>
        <translation>{&quot;level&quot;: 2}</translation>
    </message>
    <message>
        <source>&amp;Fields</source>
        <translation>&amp;Felder</translation>
    </message>
    <message>
        <source>&amp;JSON</source>
        <translation>&amp;JSON</translation>
    </message>
    <message>
        <source>The service&apos;s output appears here.</source>
        <translation>Die Ausgabe des Dienstes erscheint hier.</translation>
    </message>
    <message>
        <source>&amp;Invoke</source>
        <translation>&amp;Aufrufen</translation>
    </message>
    <message>
        <source>&amp;Service:</source>
        <translation>&amp;Dienst:</translation>
    </message>
    <message>
        <source>This service takes no parameters.</source>
        <translation>Dieser Dienst hat keine Parameter.</translation>
    </message>
    <message>
        <source>The parameters are not valid JSON: %1.</source>
        <translation>Die Parameter sind kein gültiges JSON: %1.</translation>
    </message>
    <message>
        <source>The parameters must be a JSON object, such as {&quot;level&quot;: 2}.</source>
        <translation>Die Parameter müssen ein JSON-Objekt sein, etwa {&quot;level&quot;: 2}.</translation>
    </message>
    <message>
        <source>%1: %2</source>
        <translation>%1: %2</translation>
    </message>
    <message>
        <source>You may not invoke “%1”: ServiceInvoke is not granted to you on this service. An administrator can grant it under Permissions.</source>
        <translation>Sie dürfen „%1“ nicht aufrufen: ServiceInvoke ist Ihnen für diesen Dienst nicht gewährt. Ein Administrator kann es unter „Berechtigungen“ gewähren.</translation>
    </message>
    <message>
        <source>Waiting for the device…</source>
        <translation>Warten auf das Gerät…</translation>
    </message>
    <message>
        <source>“%1” ran; it returns nothing.</source>
        <translation>„%1“ wurde ausgeführt; kein Rückgabewert.</translation>
    </message>
    <message>
        <source>“%1” answered:</source>
        <translation>„%1“ hat geantwortet:</translation>
    </message>
    <message>
        <source>The device did not answer in time; the service may or may not have run. %1</source>
        <translation>Das Gerät hat nicht rechtzeitig geantwortet; der Dienst wurde möglicherweise ausgeführt oder auch nicht. %1</translation>
    </message>
    <message>
        <source>You may not invoke this service. %1</source>
        <translation>Sie dürfen diesen Dienst nicht aufrufen. %1</translation>
    </message>
    <message>
        <source>The call failed. %1</source>
        <translation>Der Aufruf ist fehlgeschlagen. %1</translation>
    </message>
</context>
<context>
    <name>Bulwark::Ui::NewThingDialog</name>
    <message>
        <source>New Thing</source>
        <translation>Neues Thing</translation>
    </message>
    <message>
        <source>e.g. Pump-07</source>
        <translation>z. B. Pump-07</translation>
    </message>
    <message>
        <source>Optional: the Thing inherits the template&apos;s properties, services and events.</source>
        <translation>Optional: Das Thing erbt die Eigenschaften, Dienste und Ereignisse der Vorlage.</translation>
    </message>
    <message>
        <source>&amp;Name:</source>
        <translation>&amp;Name:</translation>
    </message>
    <message>
        <source>&amp;Description:</source>
        <translation>&amp;Beschreibung:</translation>
    </message>
    <message>
        <source>&amp;Template:</source>
        <translation>&amp;Vorlage:</translation>
    </message>
    <message>
        <source>&amp;Create</source>
        <translation>&amp;Erstellen</translation>
    </message>
</context>
<context>
    <name>Bulwark::Ui::NewTransferDialog</name>
    <message>
        <source>&amp;Replace the target file if it exists</source>
        <translation>Zieldatei &amp;ersetzen, falls vorhanden</translation>
    </message>
    <message>
        <source>New File Transfer</source>
        <translation>Neue Dateiübertragung</translation>
    </message>
    <message>
        <source>Repository → device</source>
        <translation>Repository → Gerät</translation>
    </message>
    <message>
        <source>Device → repository</source>
        <translation>Gerät → Repository</translation>
    </message>
    <message>
        <source>e.g. firmware/v2.bin</source>
        <translation>z. B. firmware/v2.bin</translation>
    </message>
    <message>
        <source>The device&apos;s Thing. Its directories can be browsed while its device is connected.</source>
        <translation>Das Thing des Geräts. Seine Verzeichnisse können durchsucht werden, solange sein Gerät verbunden ist.</translation>
    </message>
    <message>
        <source>a directory the device declared, then the file: e.g. firmware/v2.bin</source>
        <translation>ein vom Gerät deklariertes Verzeichnis, dann die Datei: z. B. firmware/v2.bin</translation>
    </message>
    <message>
        <source>Re&amp;pository:</source>
        <translation>&amp;Repository:</translation>
    </message>
    <message>
        <source>&amp;Path:</source>
        <translation>&amp;Pfad:</translation>
    </message>
    <message>
        <source>&amp;Thing:</source>
        <translation>&amp;Thing:</translation>
    </message>
    <message>
        <source>Pa&amp;th:</source>
        <translation>Pf&amp;ad:</translation>
    </message>
    <message>
        <source>&amp;Direction:</source>
        <translation>R&amp;ichtung:</translation>
    </message>
    <message>
        <source>&amp;Start transfer</source>
        <translation>Übertragung &amp;starten</translation>
    </message>
    <message>
        <source>Could not list the file repositories: %1</source>
        <translation>Die Dateirepositorys konnten nicht aufgelistet werden: %1</translation>
    </message>
    <message>
        <source>There is no file repository you may read. Create a Thing from the template FileRepository first.</source>
        <translation>Es gibt kein Dateirepository, das Sie lesen dürfen. Erstellen Sie zuerst ein Thing aus der Vorlage FileRepository.</translation>
    </message>
    <message>
        <source>From the repository</source>
        <translation>Aus dem Repository</translation>
    </message>
    <message>
        <source>Into the repository</source>
        <translation>In das Repository</translation>
    </message>
    <message>
        <source>To the device</source>
        <translation>Auf das Gerät</translation>
    </message>
    <message>
        <source>From the device</source>
        <translation>Vom Gerät</translation>
    </message>
    <message>
        <source>The server did not start the transfer: %1</source>
        <translation>Der Server hat die Übertragung nicht gestartet: %1</translation>
    </message>
</context>
<context>
    <name>Bulwark::Ui::OrganizationNameDialog</name>
    <message>
        <source>Letters, digits, _ - . (e.g. Plant1)</source>
        <translation>Buchstaben, Ziffern, _ - . (z. B. Plant1)</translation>
    </message>
    <message>
        <source>Optional: what it stands for</source>
        <translation>Optional: wofür sie steht</translation>
    </message>
    <message>
        <source>&amp;Name:</source>
        <translation>&amp;Name:</translation>
    </message>
    <message>
        <source>&amp;Description:</source>
        <translation>&amp;Beschreibung:</translation>
    </message>
</context>
<context>
    <name>Bulwark::Ui::OrganizationOperations</name>
    <message>
        <source>Not connected to a server: connect and try again.</source>
        <translation>Nicht mit einem Server verbunden: Verbinden Sie sich und versuchen Sie es erneut.</translation>
    </message>
    <message>
        <source>The server answered with another organization than “%1”; reload and check.</source>
        <translation>Der Server hat mit einer anderen Organisation als „%1“ geantwortet; laden Sie neu und prüfen Sie.</translation>
    </message>
    <message>
        <source>Units were added to “%1” since it was created; it was left as it is.</source>
        <translation>Zu „%1“ wurden seit der Erstellung Einheiten hinzugefügt; sie wurde unverändert gelassen.</translation>
    </message>
    <message>
        <source>The server did not create unit “%1” below “%2” as asked; reload and check.</source>
        <translation>Der Server hat die Einheit „%1“ nicht wie angefordert unter „%2“ erstellt; laden Sie neu und prüfen Sie.</translation>
    </message>
    <message>
        <source>The server did not rename the unit to “%1”; reload and check.</source>
        <translation>Der Server hat die Einheit nicht in „%1“ umbenannt; laden Sie neu und prüfen Sie.</translation>
    </message>
    <message>
        <source>The server did not move “%1” below “%2”; reload and check.</source>
        <translation>Der Server hat „%1“ nicht unter „%2“ verschoben; laden Sie neu und prüfen Sie.</translation>
    </message>
    <message>
        <source>Unit “%1”: %2</source>
        <translation>Einheit „%1“: %2</translation>
    </message>
    <message>
        <source>Visibility of %1: %2</source>
        <translation>Sichtbarkeit von %1: %2</translation>
    </message>
    <message>
        <source>Not every member of “%1” could be restored; check its members.</source>
        <translation>Nicht alle Mitglieder von „%1“ konnten wiederhergestellt werden; prüfen Sie die Mitglieder.</translation>
    </message>
</context>
<context>
    <name>Bulwark::Ui::OrganizationVisiblePanel</name>
    <message>
        <source>Entity</source>
        <translation>Entität</translation>
    </message>
    <message>
        <source>Granted on</source>
        <translation>Freigegeben an</translation>
    </message>
    <message>
        <source>To unit</source>
        <translation>Für Einheit</translation>
    </message>
    <message>
        <source>Filter by entity, where it was granted or unit</source>
        <translation>Nach Entität, Ort der Freigabe oder Einheit filtern</translation>
    </message>
    <message>
        <source>Select a unit to see what its members see through it.</source>
        <translation>Wählen Sie eine Einheit aus, um zu sehen, was ihre Mitglieder über sie sehen.</translation>
    </message>
    <message>
        <source>Loading…</source>
        <translation>Wird geladen…</translation>
    </message>
    <message>
        <source>Only administrators can see what a unit sees. The server said: %1</source>
        <translation>Nur Administratoren können sehen, was eine Einheit sieht. Antwort des Servers: %1</translation>
    </message>
    <message>
        <source>Could not load what the unit sees: %1</source>
        <translation>Was die Einheit sieht, konnte nicht geladen werden: %1</translation>
    </message>
    <message>
        <source>Nothing is visible through %1/%2 yet. Add the unit (or a unit below it) to an entity&apos;s visibility in the Permissions area.</source>
        <translation>Über %1/%2 ist noch nichts sichtbar. Fügen Sie die Einheit (oder eine Einheit darunter) im Bereich „Berechtigungen“ zur Sichtbarkeit einer Entität hinzu.</translation>
    </message>
</context>
<context>
    <name>Bulwark::Ui::OrganizationsPage</name>
    <message numerus="yes">
        <source>%1 and %n more</source>
        <translation>
            <numerusform>%1 und %n weitere</numerusform>
            <numerusform>%1 und %n weitere</numerusform>
        </translation>
    </message>
    <message>
        <source>Show &amp;units</source>
        <translation>Einheiten an&amp;zeigen</translation>
    </message>
    <message>
        <source>Filter organizations and units by name or description</source>
        <translation>Organisationen und Einheiten nach Name oder Beschreibung filtern</translation>
    </message>
    <message>
        <source>Drag a unit onto another unit of the same organization to move it.</source>
        <translation>Ziehen Sie eine Einheit auf eine andere Einheit derselben Organisation, um sie zu verschieben.</translation>
    </message>
    <message>
        <source>Members</source>
        <translation>Mitglieder</translation>
    </message>
    <message>
        <source>Can see</source>
        <translation>Sieht</translation>
    </message>
    <message>
        <source>Show units of &amp;user:</source>
        <translation>Einheiten des &amp;Benutzers anzeigen:</translation>
    </message>
    <message>
        <source>Could not reload the organizations: %1</source>
        <translation>Die Organisationen konnten nicht neu geladen werden: %1</translation>
    </message>
    <message>
        <source>Move %1 below %2</source>
        <translation>%1 unter %2 verschieben</translation>
    </message>
    <message>
        <source>The server refused the move: %1</source>
        <translation>Der Server hat das Verschieben abgelehnt: %1</translation>
    </message>
    <message>
        <source>Could not look up the units of %1: %2</source>
        <translation>Die Einheiten von %1 konnten nicht ermittelt werden: %2</translation>
    </message>
    <message>
        <source>Add &amp;organization…</source>
        <translation>&amp;Organisation hinzufügen…</translation>
    </message>
    <message>
        <source>Create an organization (%1)</source>
        <translation>Eine Organisation erstellen (%1)</translation>
    </message>
    <message>
        <source>Add u&amp;nit…</source>
        <translation>&amp;Einheit hinzufügen…</translation>
    </message>
    <message>
        <source>Add a unit below the selected one (Ctrl+Shift+N)</source>
        <translation>Eine Einheit unter der ausgewählten hinzufügen (Ctrl+Shift+N)</translation>
    </message>
    <message>
        <source>&amp;Rename…</source>
        <translation>&amp;Umbenennen…</translation>
    </message>
    <message>
        <source>Rename the selected unit (F2); members and grants follow</source>
        <translation>Die ausgewählte Einheit umbenennen (F2); Mitglieder und Freigaben bleiben erhalten</translation>
    </message>
    <message>
        <source>&amp;Delete…</source>
        <translation>&amp;Löschen…</translation>
    </message>
    <message>
        <source>Delete the selected unit or organization (Del)</source>
        <translation>Die ausgewählte Einheit oder Organisation löschen (Del)</translation>
    </message>
    <message>
        <source>&amp;Undo</source>
        <translation>&amp;Rückgängig</translation>
    </message>
    <message>
        <source>Re&amp;load</source>
        <translation>&amp;Neu laden</translation>
    </message>
    <message>
        <source>Load the organizations from the server again</source>
        <translation>Die Organisationen erneut vom Server laden</translation>
    </message>
    <message>
        <source>Type a user name</source>
        <translation>Benutzernamen eingeben</translation>
    </message>
    <message>
        <source>Mark the units this user belongs to, directly or through groups, in every organization</source>
        <translation>Die Einheiten markieren, denen dieser Benutzer direkt oder über Gruppen angehört, in allen Organisationen</translation>
    </message>
    <message>
        <source>Clear</source>
        <translation>Leeren</translation>
    </message>
    <message>
        <source>Stop marking the units of a user</source>
        <translation>Die Einheiten eines Benutzers nicht mehr markieren</translation>
    </message>
    <message>
        <source>&amp;Undo %1</source>
        <translation>&amp;Rückgängig: %1</translation>
    </message>
    <message>
        <source>Not connected to a server. Organizations appear here once the console is connected.</source>
        <translation>Nicht mit einem Server verbunden. Organisationen erscheinen hier, sobald die Konsole verbunden ist.</translation>
    </message>
    <message>
        <source>Only administrators can manage organizations and units. Sign in as a member of the Administrators group.

The server said: %1</source>
        <translation>Nur Administratoren können Organisationen und Einheiten verwalten. Melden Sie sich als Mitglied der Gruppe Administrators an.

Antwort des Servers: %1</translation>
    </message>
    <message>
        <source>Could not load the organizations: %1</source>
        <translation>Die Organisationen konnten nicht geladen werden: %1</translation>
    </message>
    <message>
        <source>Loading organizations…</source>
        <translation>Organisationen werden geladen…</translation>
    </message>
    <message>
        <source>No organizations yet.

Create an organization to decide who sees which Things: give it units (sites, departments, teams), add users and groups to them, and make entities visible to the units that should see them.

Start with Add organization…</source>
        <translation>Noch keine Organisationen.

Erstellen Sie eine Organisation, um festzulegen, wer welche Things sieht: Geben Sie ihr Einheiten (Standorte, Abteilungen, Teams), fügen Sie diesen Benutzer und Gruppen hinzu und machen Sie Entitäten für die Einheiten sichtbar, die sie sehen sollen.

Beginnen Sie mit „Organisation hinzufügen…“</translation>
    </message>
    <message>
        <source>Select a unit to see its members and what it can see.</source>
        <translation>Wählen Sie eine Einheit aus, um ihre Mitglieder und das, was sie sehen kann, anzuzeigen.</translation>
    </message>
    <message>
        <source>Not connected to a server.</source>
        <translation>Nicht mit einem Server verbunden.</translation>
    </message>
    <message>
        <source>Could not undo “%1”: %2 The tree shows what the server holds now; earlier changes can no longer be undone here.</source>
        <translation>„%1“ konnte nicht rückgängig gemacht werden: %2 Der Baum zeigt den aktuellen Stand auf dem Server; frühere Änderungen können hier nicht mehr rückgängig gemacht werden.</translation>
    </message>
    <message>
        <source>Add organization</source>
        <translation>Organisation hinzufügen</translation>
    </message>
    <message>
        <source>An organization is a tree of units; its root unit bears its name. Users and groups in its units see the entities made visible to them.</source>
        <translation>Eine Organisation ist ein Baum von Einheiten; ihre Stammeinheit trägt ihren Namen. Benutzer und Gruppen in ihren Einheiten sehen die Entitäten, die für sie sichtbar gemacht wurden.</translation>
    </message>
    <message>
        <source>Create</source>
        <translation>Erstellen</translation>
    </message>
    <message>
        <source>Add organization %1</source>
        <translation>Organisation %1 hinzufügen</translation>
    </message>
    <message>
        <source>Could not create the organization “%1”: %2</source>
        <translation>Die Organisation „%1“ konnte nicht erstellt werden: %2</translation>
    </message>
    <message>
        <source>Add unit</source>
        <translation>Einheit hinzufügen</translation>
    </message>
    <message>
        <source>The new unit goes below %1/%2. Its members see what is granted to it or to a unit below it.</source>
        <translation>Die neue Einheit wird unter %1/%2 angelegt. Ihre Mitglieder sehen, was für sie oder für eine Einheit darunter freigegeben ist.</translation>
    </message>
    <message>
        <source>Add</source>
        <translation>Hinzufügen</translation>
    </message>
    <message>
        <source>Add unit %1</source>
        <translation>Einheit %1 hinzufügen</translation>
    </message>
    <message>
        <source>Could not add the unit “%1”: %2</source>
        <translation>Die Einheit „%1“ konnte nicht hinzugefügt werden: %2</translation>
    </message>
    <message>
        <source>Rename unit</source>
        <translation>Einheit umbenennen</translation>
    </message>
    <message>
        <source>Rename %1/%2. Its members stay, and every grant to it follows the new name.</source>
        <translation>%1/%2 umbenennen. Ihre Mitglieder bleiben, und jede Freigabe für sie geht auf den neuen Namen über.</translation>
    </message>
    <message>
        <source>Rename</source>
        <translation>Umbenennen</translation>
    </message>
    <message>
        <source>Rename %1 to %2</source>
        <translation>%1 in %2 umbenennen</translation>
    </message>
    <message>
        <source>Could not rename “%1”: %2</source>
        <translation>„%1“ konnte nicht umbenannt werden: %2</translation>
    </message>
    <message>
        <source>Could not read what the deletion would affect: %1</source>
        <translation>Die Auswirkungen des Löschens konnten nicht ermittelt werden: %1</translation>
    </message>
    <message>
        <source>Delete the organization “%1” with all its units?</source>
        <translation>Die Organisation „%1“ mit allen ihren Einheiten löschen?</translation>
    </message>
    <message>
        <source>Delete the unit “%1/%2”?</source>
        <translation>Die Einheit „%1/%2“ löschen?</translation>
    </message>
    <message numerus="yes">
        <source>Units below it that go too (%n): %1.</source>
        <translation>
            <numerusform>Darunterliegende Einheit, die ebenfalls gelöscht wird (%n): %1.</numerusform>
            <numerusform>Darunterliegende Einheiten, die ebenfalls gelöscht werden (%n): %1.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Memberships of users and groups that end: %n.</source>
        <translation>
            <numerusform>Endende Mitgliedschaften von Benutzern und Gruppen: %n.</numerusform>
            <numerusform>Endende Mitgliedschaften von Benutzern und Gruppen: %n.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Visibility grants to these units that are removed: %n. Their members no longer see those entities through them.</source>
        <translation>
            <numerusform>Entfernte Sichtbarkeitsfreigaben für diese Einheiten: %n. Ihre Mitglieder sehen die betreffende Entität dann nicht mehr über sie.</numerusform>
            <numerusform>Entfernte Sichtbarkeitsfreigaben für diese Einheiten: %n. Ihre Mitglieder sehen die betreffenden Entitäten dann nicht mehr über sie.</numerusform>
        </translation>
    </message>
    <message>
        <source>Undo restores the units, their members and the grants.</source>
        <translation>Rückgängig stellt die Einheiten, ihre Mitglieder und die Freigaben wieder her.</translation>
    </message>
    <message>
        <source>Delete organization</source>
        <translation>Organisation löschen</translation>
    </message>
    <message>
        <source>Delete unit</source>
        <translation>Einheit löschen</translation>
    </message>
    <message>
        <source>Delete</source>
        <translation>Löschen</translation>
    </message>
    <message>
        <source>Delete organization %1</source>
        <translation>Organisation %1 löschen</translation>
    </message>
    <message>
        <source>Delete unit %1</source>
        <translation>Einheit %1 löschen</translation>
    </message>
    <message>
        <source>Could not delete “%1”: %2</source>
        <translation>„%1“ konnte nicht gelöscht werden: %2</translation>
    </message>
    <message>
        <source>Looking up the units of %1…</source>
        <translation>Einheiten von %1 werden ermittelt…</translation>
    </message>
    <message>
        <source>%1 is not a member of any unit, directly or through groups.</source>
        <translation>%1 ist weder direkt noch über Gruppen Mitglied einer Einheit.</translation>
    </message>
    <message numerus="yes">
        <source>Units %1 belongs to: %n, in organizations: %2. They are marked in bold with a person icon.</source>
        <translation>
            <numerusform>Einheit, der %1 angehört: %n, in der Organisation %2. Sie ist fett und mit einem Personensymbol markiert.</numerusform>
            <numerusform>Einheiten, denen %1 angehört: %n, in den Organisationen: %2. Sie sind fett und mit einem Personensymbol markiert.</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>Bulwark::Ui::PermissionApplyDialog</name>
    <message>
        <source>Apply permission changes</source>
        <translation>Berechtigungsänderungen anwenden</translation>
    </message>
    <message numerus="yes">
        <source>These %n change(s) will be written to the rules of %1:</source>
        <translation>
            <numerusform>Diese %n Änderung wird in die Regeln von %1 geschrieben:</numerusform>
            <numerusform>Diese %n Änderungen werden in die Regeln von %1 geschrieben:</numerusform>
        </translation>
    </message>
    <message>
        <source>If someone changed these rules since you loaded them, nothing is written and you will see what changed.</source>
        <translation>Falls jemand diese Regeln seit dem Laden geändert hat, wird nichts geschrieben, und Sie sehen, was sich geändert hat.</translation>
    </message>
    <message>
        <source>&amp;Apply changes</source>
        <translation>Änderungen &amp;anwenden</translation>
    </message>
</context>
<context>
    <name>Bulwark::Ui::PermissionPrincipalPicker</name>
    <message>
        <source>Add users or groups</source>
        <translation>Benutzer oder Gruppen hinzufügen</translation>
    </message>
    <message>
        <source>Search users and groups</source>
        <translation>Benutzer und Gruppen suchen</translation>
    </message>
    <message>
        <source>&amp;Add</source>
        <translation>&amp;Hinzufügen</translation>
    </message>
    <message>
        <source>Choose the users and groups to add as rows of the matrix. They get rules only when you set a cell and apply.</source>
        <translation>Wählen Sie die Benutzer und Gruppen aus, die als Zeilen der Matrix hinzugefügt werden sollen. Sie erhalten erst Regeln, wenn Sie eine Zelle setzen und anwenden.</translation>
    </message>
    <message>
        <source>Loading users and groups…</source>
        <translation>Benutzer und Gruppen werden geladen…</translation>
    </message>
    <message>
        <source>Not connected to a server.</source>
        <translation>Nicht mit einem Server verbunden.</translation>
    </message>
    <message>
        <source>Users could not be listed: %1</source>
        <translation>Die Benutzer konnten nicht aufgelistet werden: %1</translation>
    </message>
    <message>
        <source>Groups could not be listed: %1</source>
        <translation>Die Gruppen konnten nicht aufgelistet werden: %1</translation>
    </message>
    <message>
        <source>%1 (user)</source>
        <translation>%1 (Benutzer)</translation>
    </message>
    <message>
        <source>%1 (group)</source>
        <translation>%1 (Gruppe)</translation>
    </message>
    <message numerus="yes">
        <source>%n user(s) and group(s).</source>
        <translation>
            <numerusform>%n Benutzer oder Gruppe.</numerusform>
            <numerusform>%n Benutzer und Gruppen.</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>Bulwark::Ui::PermissionsPage</name>
    <message>
        <source>Collection</source>
        <translation>Sammlung</translation>
    </message>
    <message>
        <source>Template instances</source>
        <translation>Vorlageninstanzen</translation>
    </message>
    <message>
        <source>Entity</source>
        <translation>Entität</translation>
    </message>
    <message>
        <source>Property, service or event</source>
        <translation>Eigenschaft, Dienst oder Ereignis</translation>
    </message>
    <message>
        <source>Where the rules are set: a whole collection, every Thing built from a template, one entity, or one member of a Thing</source>
        <translation>Wo die Regeln gesetzt werden: eine ganze Sammlung, jedes aus einer Vorlage erstellte Thing, eine Entität oder ein Mitglied eines Things</translation>
    </message>
    <message>
        <source>&amp;Entity:</source>
        <translation>&amp;Entität:</translation>
    </message>
    <message>
        <source>Type or pick a name</source>
        <translation>Namen eingeben oder auswählen</translation>
    </message>
    <message>
        <source>&amp;Member:</source>
        <translation>&amp;Mitglied:</translation>
    </message>
    <message>
        <source>&amp;Reload</source>
        <translation>&amp;Neu laden</translation>
    </message>
    <message>
        <source>Load the rules again from the server (F5)</source>
        <translation>Die Regeln erneut vom Server laden (F5)</translation>
    </message>
    <message>
        <source>Search users and groups</source>
        <translation>Benutzer und Gruppen suchen</translation>
    </message>
    <message>
        <source>&amp;Add principal…</source>
        <translation>Benutzer oder Gruppe &amp;hinzufügen…</translation>
    </message>
    <message>
        <source>Add a user or group as a row of the matrix</source>
        <translation>Einen Benutzer oder eine Gruppe als Zeile der Matrix hinzufügen</translation>
    </message>
    <message>
        <source>E&amp;ffective for</source>
        <translation>E&amp;ffektiv für</translation>
    </message>
    <message>
        <source>Show what the server decides for one user on this entity, and why</source>
        <translation>Anzeigen, was der Server für einen Benutzer bei dieser Entität entscheidet und warum</translation>
    </message>
    <message>
        <source>User</source>
        <translation>Benutzer</translation>
    </message>
    <message>
        <source>E&amp;xport…</source>
        <translation>E&amp;xportieren…</translation>
    </message>
    <message>
        <source>Save this entity&apos;s rules and visibility to a file</source>
        <translation>Regeln und Sichtbarkeit dieser Entität in einer Datei speichern</translation>
    </message>
    <message>
        <source>&amp;Import…</source>
        <translation>&amp;Importieren…</translation>
    </message>
    <message>
        <source>Replace this entity&apos;s rules and visibility with those of a file</source>
        <translation>Regeln und Sichtbarkeit dieser Entität durch die aus einer Datei ersetzen</translation>
    </message>
    <message>
        <source>&amp;Design-time</source>
        <translation>Ent&amp;wurfszeit</translation>
    </message>
    <message>
        <source>R&amp;un-time</source>
        <translation>La&amp;ufzeit</translation>
    </message>
    <message>
        <source>D&amp;iscard</source>
        <translation>&amp;Verwerfen</translation>
    </message>
    <message>
        <source>Forget the changes not applied yet</source>
        <translation>Noch nicht angewendete Änderungen verwerfen</translation>
    </message>
    <message>
        <source>&amp;Apply…</source>
        <translation>&amp;Anwenden…</translation>
    </message>
    <message>
        <source>Review the changes and write them to the server (%1)</source>
        <translation>Änderungen prüfen und auf den Server schreiben (%1)</translation>
    </message>
    <message>
        <source>&amp;Level:</source>
        <translation>E&amp;bene:</translation>
    </message>
    <message>
        <source>Discard changes</source>
        <translation>Änderungen verwerfen</translation>
    </message>
    <message numerus="yes">
        <source>Discard %n change(s) not applied to %1? The matrix goes back to the rules as loaded from the server.</source>
        <translation>
            <numerusform>%n noch nicht angewendete Änderung für %1 verwerfen? Die Matrix kehrt zu den Regeln zurück, wie sie vom Server geladen wurden.</numerusform>
            <numerusform>%n noch nicht angewendete Änderungen für %1 verwerfen? Die Matrix kehrt zu den Regeln zurück, wie sie vom Server geladen wurden.</numerusform>
        </translation>
    </message>
    <message>
        <source>Turn on “Effective for” and select a cell to see why the server decides as it does.</source>
        <translation>Schalten Sie „Effektiv für“ ein und wählen Sie eine Zelle aus, um zu sehen, warum der Server so entscheidet.</translation>
    </message>
    <message>
        <source>The names in %1 could not be listed: %2</source>
        <translation>Die Namen in %1 konnten nicht aufgelistet werden: %2</translation>
    </message>
    <message>
        <source>The members of Thing %1 could not be read: %2</source>
        <translation>Die Mitglieder des Things %1 konnten nicht gelesen werden: %2</translation>
    </message>
    <message>
        <source>Property %1</source>
        <translation>Eigenschaft %1</translation>
    </message>
    <message>
        <source>Service %1</source>
        <translation>Dienst %1</translation>
    </message>
    <message>
        <source>Event %1</source>
        <translation>Ereignis %1</translation>
    </message>
    <message>
        <source>Thing %1 has no properties, services or events to override.</source>
        <translation>Das Thing %1 hat keine Eigenschaften, Dienste oder Ereignisse, die überschrieben werden können.</translation>
    </message>
    <message>
        <source>%1 %2 was deleted on the server, and its rules with it. Choose another entity.</source>
        <translation>%1 %2 wurde auf dem Server gelöscht, die zugehörigen Regeln ebenfalls. Wählen Sie eine andere Entität.</translation>
    </message>
    <message>
        <source>&amp;Template:</source>
        <translation>V&amp;orlage:</translation>
    </message>
    <message>
        <source>&amp;Thing:</source>
        <translation>&amp;Thing:</translation>
    </message>
    <message>
        <source>The rules of %1 could not be loaded: %2</source>
        <translation>Die Regeln für %1 konnten nicht geladen werden: %2</translation>
    </message>
    <message>
        <source>Nothing was changed: the server refused the rules of %1. %2</source>
        <translation>Es wurde nichts geändert: Der Server hat die Regeln für %1 abgelehnt. %2</translation>
    </message>
    <message numerus="yes">
        <source>Applied %n change(s) to %1.</source>
        <translation>
            <numerusform>%n Änderung für %1 angewendet.</numerusform>
            <numerusform>%n Änderungen für %1 angewendet.</numerusform>
        </translation>
    </message>
    <message>
        <source>The current rules of %1 could not be loaded: %2</source>
        <translation>Die aktuellen Regeln für %1 konnten nicht geladen werden: %2</translation>
    </message>
    <message>
        <source>The rules on the server have not changed; your changes are kept.</source>
        <translation>Die Regeln auf dem Server haben sich nicht geändert; Ihre Änderungen bleiben erhalten.</translation>
    </message>
    <message numerus="yes">
        <source>Someone changed the rules of %1 since you loaded them, so nothing was written. The matrix now shows the server&apos;s current rules with your %n change(s) on top.</source>
        <translation>
            <numerusform>Jemand hat die Regeln für %1 geändert, seit Sie sie geladen haben, daher wurde nichts geschrieben. Die Matrix zeigt jetzt die aktuellen Regeln des Servers und darüber Ihre Änderung (%n).</numerusform>
            <numerusform>Jemand hat die Regeln für %1 geändert, seit Sie sie geladen haben, daher wurde nichts geschrieben. Die Matrix zeigt jetzt die aktuellen Regeln des Servers und darüber Ihre %n Änderungen.</numerusform>
        </translation>
    </message>
    <message>
        <source>None of your changes touches a cell that changed there. Review and apply again.</source>
        <translation>Keine Ihrer Änderungen betrifft eine dort geänderte Zelle. Prüfen Sie sie und wenden Sie sie erneut an.</translation>
    </message>
    <message numerus="yes">
        <source>%n of your changes touch cells that changed there (framed in orange):</source>
        <translation>
            <numerusform>%n Ihrer Änderungen betrifft eine dort geänderte Zelle (orange umrandet):</numerusform>
            <numerusform>%n Ihrer Änderungen betreffen dort geänderte Zellen (orange umrandet):</numerusform>
        </translation>
    </message>
    <message>
        <source>Decide for each, then apply again.</source>
        <translation>Entscheiden Sie jeweils, und wenden Sie dann erneut an.</translation>
    </message>
    <message>
        <source>Apply or discard your changes before choosing another scope.</source>
        <translation>Wenden Sie Ihre Änderungen an oder verwerfen Sie sie, bevor Sie einen anderen Bereich wählen.</translation>
    </message>
    <message>
        <source>Applying…</source>
        <translation>Wird angewendet…</translation>
    </message>
    <message>
        <source>No changes waiting to be applied.</source>
        <translation>Keine Änderungen, die auf das Anwenden warten.</translation>
    </message>
    <message numerus="yes">
        <source>%n change(s) not applied yet</source>
        <translation>
            <numerusform>%n Änderung noch nicht angewendet</numerusform>
            <numerusform>%n Änderungen noch nicht angewendet</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n conflict(s) with changes made on the server</source>
        <translation>
            <numerusform>%n Konflikt mit Änderungen auf dem Server</numerusform>
            <numerusform>%n Konflikte mit Änderungen auf dem Server</numerusform>
        </translation>
    </message>
    <message>
        <source>Not connected to a server. Rules appear here once the console is connected.</source>
        <translation>Nicht mit einem Server verbunden. Regeln erscheinen hier, sobald die Konsole verbunden ist.</translation>
    </message>
    <message>
        <source>Loading the rules…</source>
        <translation>Regeln werden geladen…</translation>
    </message>
    <message>
        <source>The rules could not be loaded; see the message above.</source>
        <translation>Die Regeln konnten nicht geladen werden; siehe die Meldung oben.</translation>
    </message>
    <message>
        <source>Choose a level and an entity above to see and edit its rules.</source>
        <translation>Wählen Sie oben eine Ebene und eine Entität, um deren Regeln zu sehen und zu bearbeiten.</translation>
    </message>
    <message>
        <source>Pick a user next to “Effective for” to see what the server decides for them.</source>
        <translation>Wählen Sie neben „Effektiv für“ einen Benutzer, um zu sehen, was der Server für ihn entscheidet.</translation>
    </message>
    <message>
        <source>No rules are set on %1 yet, so a less specific level decides. Add a user or group with Add principal… and set its cells.</source>
        <translation>Für %1 sind noch keine Regeln festgelegt, daher entscheidet eine weniger spezifische Ebene. Fügen Sie mit „Benutzer oder Gruppe hinzufügen…“ einen Benutzer oder eine Gruppe hinzu und setzen Sie deren Zellen.</translation>
    </message>
    <message>
        <source>Effective mode answers for one user on one entity: choose the level Entity or Property, service or event, and a user.</source>
        <translation>Der Effektiv-Modus gilt für einen Benutzer auf einer Entität: Wählen Sie die Ebene „Entität“ oder „Eigenschaft, Dienst oder Ereignis“ und einen Benutzer.</translation>
    </message>
    <message>
        <source>Loading what the server decides for %1…</source>
        <translation>Entscheidungen des Servers für %1 werden geladen…</translation>
    </message>
    <message>
        <source>What the server decides for %1 could not be read: %2</source>
        <translation>Die Entscheidungen des Servers für %1 konnten nicht gelesen werden: %2</translation>
    </message>
    <message>
        <source>Select a cell to see why %1 is allowed or denied.</source>
        <translation>Wählen Sie eine Zelle aus, um zu sehen, warum %1 erlaubt oder verweigert wird.</translation>
    </message>
    <message>
        <source>Asking the server why…</source>
        <translation>Server wird nach dem Grund gefragt…</translation>
    </message>
    <message>
        <source>Export the security of %1</source>
        <translation>Sicherheitseinstellungen von %1 exportieren</translation>
    </message>
    <message>
        <source>Security exports (*.json)</source>
        <translation>Sicherheitsexporte (*.json)</translation>
    </message>
    <message>
        <source>Import security into %1</source>
        <translation>Sicherheitseinstellungen in %1 importieren</translation>
    </message>
    <message>
        <source>Import security</source>
        <translation>Sicherheitseinstellungen importieren</translation>
    </message>
    <message>
        <source>Replace the rules and visibility of %1 %2 with those in %3? This cannot be undone (export first to keep the current ones).</source>
        <translation>Regeln und Sichtbarkeit von %1 %2 durch die aus %3 ersetzen? Dies kann nicht rückgängig gemacht werden (exportieren Sie zuerst, um die aktuellen zu behalten).</translation>
    </message>
    <message>
        <source>Import</source>
        <translation>Importieren</translation>
    </message>
    <message>
        <source>The security of %1 %2 could not be exported: %3</source>
        <translation>Die Sicherheitseinstellungen von %1 %2 konnten nicht exportiert werden: %3</translation>
    </message>
    <message>
        <source>Exported the rules and visibility of %1 %2 to %3.</source>
        <translation>Regeln und Sichtbarkeit von %1 %2 wurden nach %3 exportiert.</translation>
    </message>
    <message>
        <source>Apply or discard your changes before importing: the import replaces the rules of %1 %2.</source>
        <translation>Wenden Sie Ihre Änderungen an oder verwerfen Sie sie, bevor Sie importieren: Der Import ersetzt die Regeln von %1 %2.</translation>
    </message>
    <message>
        <source>Nothing was imported into %1 %2: %3</source>
        <translation>Es wurde nichts in %1 %2 importiert: %3</translation>
    </message>
    <message>
        <source>Imported the security of %1 %2 from %3.</source>
        <translation>Sicherheitseinstellungen von %1 %2 wurden aus %3 importiert.</translation>
    </message>
    <message>
        <source>Left out, because they do not exist here: %1.</source>
        <translation>Ausgelassen, weil hier nicht vorhanden: %1.</translation>
    </message>
    <message>
        <source>Nothing was imported: the file names what does not exist here: %1.</source>
        <translation>Es wurde nichts importiert: Die Datei nennt, was hier nicht existiert: %1.</translation>
    </message>
    <message>
        <source>Import refused</source>
        <translation>Import abgelehnt</translation>
    </message>
    <message>
        <source>Nothing was imported, because the file names users, groups or units that do not exist on this server. Create them and import again, or import without them (their rules and grants are left out).</source>
        <translation>Es wurde nichts importiert, weil die Datei Benutzer, Gruppen oder Einheiten nennt, die auf diesem Server nicht existieren. Legen Sie sie an und importieren Sie erneut, oder importieren Sie ohne sie (ihre Regeln und Berechtigungen werden ausgelassen).</translation>
    </message>
    <message>
        <source>Import &amp;without them</source>
        <translation>&amp;Ohne sie importieren</translation>
    </message>
</context>
<context>
    <name>Bulwark::Ui::PreferencesDialog</name>
    <message>
        <source>Preferences</source>
        <translation>Einstellungen</translation>
    </message>
    <message>
        <source>&amp;Appearance:</source>
        <translation>&amp;Erscheinungsbild:</translation>
    </message>
    <message>
        <source>&amp;Language:</source>
        <translation>&amp;Sprache:</translation>
    </message>
    <message>
        <source>Follow the system</source>
        <translation>Wie das System</translation>
    </message>
    <message>
        <source>Light</source>
        <translation>Hell</translation>
    </message>
    <message>
        <source>Dark</source>
        <translation>Dunkel</translation>
    </message>
    <message>
        <source>System language</source>
        <translation>Systemsprache</translation>
    </message>
</context>
<context>
    <name>Bulwark::Ui::PrincipalPickerDialog</name>
    <message>
        <source>Filter users and groups by name or description</source>
        <translation>Benutzer und Gruppen nach Name oder Beschreibung filtern</translation>
    </message>
    <message>
        <source>Loading users and groups…</source>
        <translation>Benutzer und Gruppen werden geladen…</translation>
    </message>
    <message>
        <source>Add</source>
        <translation>Hinzufügen</translation>
    </message>
    <message>
        <source>Could not load users and groups: %1</source>
        <translation>Benutzer und Gruppen konnten nicht geladen werden: %1</translation>
    </message>
</context>
<context>
    <name>Bulwark::Ui::SecurityExport</name>
    <message>
        <source>The server&apos;s answer is not a security document (format %1).</source>
        <translation>Die Antwort des Servers ist kein Sicherheitsdokument (Format %1).</translation>
    </message>
    <message>
        <source>Could not write %1: %2</source>
        <translation>%1 konnte nicht geschrieben werden: %2</translation>
    </message>
    <message>
        <source>Could not open %1: %2</source>
        <translation>%1 konnte nicht geöffnet werden: %2</translation>
    </message>
    <message>
        <source>%1 is larger than 1 MiB: it is not a security export.</source>
        <translation>%1 ist größer als 1 MiB: Es ist kein Sicherheitsexport.</translation>
    </message>
    <message>
        <source>%1 is not valid JSON (%2 at offset %3).</source>
        <translation>%1 ist kein gültiges JSON (%2 an Position %3).</translation>
    </message>
    <message>
        <source>%1 is not a Bulwark security export (expected the format “%2”).</source>
        <translation>%1 ist kein Bulwark-Sicherheitsexport (erwartet wurde das Format „%2“).</translation>
    </message>
    <message>
        <source>user “%1”</source>
        <translation>Benutzer „%1“</translation>
    </message>
    <message>
        <source>group “%1”</source>
        <translation>Gruppe „%1“</translation>
    </message>
    <message>
        <source>unit “%1”</source>
        <translation>Einheit „%1“</translation>
    </message>
    <message>
        <source>%1 “%2”</source>
        <translation>%1 „%2“</translation>
    </message>
    <message numerus="yes">
        <source> (%n rule(s) left out)</source>
        <translation>
            <numerusform> (%n Regel ausgelassen)</numerusform>
            <numerusform> (%n Regeln ausgelassen)</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>Bulwark::Ui::ThingsPage</name>
    <message>
        <source>&amp;New Thing…</source>
        <translation>&amp;Neues Thing…</translation>
    </message>
    <message>
        <source>&amp;Delete</source>
        <translation>&amp;Löschen</translation>
    </message>
    <message>
        <source>Filter Things by name, description or template</source>
        <translation>Things nach Name, Beschreibung oder Vorlage filtern</translation>
    </message>
    <message>
        <source>Not connected to a server. Things appear here once the console is connected.</source>
        <translation>Nicht mit einem Server verbunden. Things erscheinen hier, sobald die Konsole verbunden ist.</translation>
    </message>
    <message>
        <source>Loading Things…</source>
        <translation>Things werden geladen…</translation>
    </message>
    <message>
        <source>No Things yet — create one with New Thing…</source>
        <translation>Noch keine Things — erstellen Sie eines mit „Neues Thing…“</translation>
    </message>
    <message>
        <source>Delete Thing</source>
        <translation>Thing löschen</translation>
    </message>
    <message>
        <source>Delete the Thing “%1”? Its properties and history are deleted with it; this cannot be undone.</source>
        <translation>Das Thing „%1“ löschen? Seine Eigenschaften und sein Verlauf werden mit gelöscht; dies kann nicht rückgängig gemacht werden.</translation>
    </message>
    <message>
        <source>Delete</source>
        <translation>Löschen</translation>
    </message>
    <message>
        <source>Could not delete “%1”: %2</source>
        <translation>„%1“ konnte nicht gelöscht werden: %2</translation>
    </message>
</context>
<context>
    <name>Bulwark::Ui::TransferFileBrowser</name>
    <message>
        <source>Name</source>
        <translation>Name</translation>
    </message>
    <message>
        <source>Size</source>
        <translation>Größe</translation>
    </message>
    <message>
        <source>Modified</source>
        <translation>Geändert</translation>
    </message>
    <message>
        <source>Loading…</source>
        <translation>Wird geladen…</translation>
    </message>
    <message>
        <source>(empty)</source>
        <translation>(leer)</translation>
    </message>
</context>
<context>
    <name>Bulwark::Ui::TransferProgressDelegate</name>
    <message>
        <source>done — %1</source>
        <translation>fertig — %1</translation>
    </message>
    <message>
        <source>failed: %1</source>
        <translation>fehlgeschlagen: %1</translation>
    </message>
    <message>
        <source>cancelled</source>
        <translation>abgebrochen</translation>
    </message>
    <message>
        <source>queued</source>
        <translation>in Warteschlange</translation>
    </message>
    <message>
        <source>%1 % — verifying</source>
        <translation>%1 % — wird geprüft</translation>
    </message>
    <message>
        <source>starting — %1</source>
        <translation>startet — %1</translation>
    </message>
    <message>
        <source>%1 % — %2</source>
        <translation>%1 % — %2</translation>
    </message>
</context>
<context>
    <name>Bulwark::Ui::TransfersPage</name>
    <message>
        <source>&amp;New transfer…</source>
        <translation>&amp;Neue Übertragung…</translation>
    </message>
    <message>
        <source>&amp;Cancel transfer</source>
        <translation>Übertragung a&amp;bbrechen</translation>
    </message>
    <message>
        <source>&amp;Retry</source>
        <translation>&amp;Wiederholen</translation>
    </message>
    <message>
        <source>Re&amp;load</source>
        <translation>Neu &amp;laden</translation>
    </message>
    <message>
        <source>Copy a file between a repository and a device (%1)</source>
        <translation>Eine Datei zwischen einem Repository und einem Gerät kopieren (%1)</translation>
    </message>
    <message>
        <source>Stop the selected transfer; the partial file is deleted</source>
        <translation>Ausgewählte Übertragung stoppen; die unvollständige Datei wird gelöscht</translation>
    </message>
    <message>
        <source>Start the selected failed or cancelled transfer again</source>
        <translation>Ausgewählte fehlgeschlagene oder abgebrochene Übertragung erneut starten</translation>
    </message>
    <message>
        <source>Load the queue from the server again</source>
        <translation>Warteschlange erneut vom Server laden</translation>
    </message>
    <message>
        <source>All states</source>
        <translation>Alle Zustände</translation>
    </message>
    <message>
        <source>Filter by Thing, file or state</source>
        <translation>Nach Thing, Datei oder Zustand filtern</translation>
    </message>
    <message>
        <source>Could not load the transfers: %1</source>
        <translation>Die Übertragungen konnten nicht geladen werden: %1</translation>
    </message>
    <message>
        <source>Not connected to a server. File transfers appear here once the console is connected.</source>
        <translation>Nicht mit einem Server verbunden. Dateiübertragungen erscheinen hier, sobald die Konsole verbunden ist.</translation>
    </message>
    <message>
        <source>Loading file transfers…</source>
        <translation>Dateiübertragungen werden geladen…</translation>
    </message>
    <message>
        <source>No file transfers yet — start one with New transfer…, or let a device upload</source>
        <translation>Noch keine Dateiübertragungen — starten Sie eine mit „Neue Übertragung…“ oder lassen Sie ein Gerät hochladen</translation>
    </message>
    <message>
        <source>No transfer matches the filter.</source>
        <translation>Keine Übertragung entspricht dem Filter.</translation>
    </message>
    <message>
        <source>Select a transfer to see its details and verification.</source>
        <translation>Wählen Sie eine Übertragung aus, um Details und Prüfung zu sehen.</translation>
    </message>
    <message>
        <source>%1 from %2 to %3</source>
        <translation>%1 von %2 nach %3</translation>
    </message>
    <message>
        <source>Target: %1:%2</source>
        <translation>Ziel: %1:%2</translation>
    </message>
    <message>
        <source>State: %1</source>
        <translation>Zustand: %1</translation>
    </message>
    <message>
        <source>Error (%1): %2</source>
        <translation>Fehler (%1): %2</translation>
    </message>
    <message>
        <source>Transferred: %1 of %2 (%3 %)</source>
        <translation>Übertragen: %1 von %2 (%3 %)</translation>
    </message>
    <message>
        <source>Transferred: %1 (size not known yet)</source>
        <translation>Übertragen: %1 (Größe noch unbekannt)</translation>
    </message>
    <message>
        <source>Speed: %1</source>
        <translation>Geschwindigkeit: %1</translation>
    </message>
    <message>
        <source>Time left: %1</source>
        <translation>Restzeit: %1</translation>
    </message>
    <message>
        <source>Resumes after a lost connection: %1</source>
        <translation>Fortsetzungen nach Verbindungsabbruch: %1</translation>
    </message>
    <message>
        <source>Requested by %1</source>
        <translation>Angefordert von %1</translation>
    </message>
    <message>
        <source>Created %1</source>
        <translation>Erstellt am %1</translation>
    </message>
    <message>
        <source>Started %1</source>
        <translation>Gestartet am %1</translation>
    </message>
    <message>
        <source>Finished %1</source>
        <translation>Beendet am %1</translation>
    </message>
    <message>
        <source>Replaces an existing target file</source>
        <translation>Ersetzt eine vorhandene Zieldatei</translation>
    </message>
    <message>
        <source>Does not replace an existing target file</source>
        <translation>Ersetzt keine vorhandene Zieldatei</translation>
    </message>
    <message>
        <source>Verification</source>
        <translation>Prüfung</translation>
    </message>
    <message numerus="yes">
        <source>all %n chunks authenticated</source>
        <translation>
            <numerusform>%n Block authentifiziert</numerusform>
            <numerusform>alle %n Blöcke authentifiziert</numerusform>
        </translation>
    </message>
    <message>
        <source>all chunks authenticated</source>
        <translation>alle Blöcke authentifiziert</translation>
    </message>
    <message numerus="yes">
        <source>%1 of %n chunks authenticated so far</source>
        <translation>
            <numerusform>%1 von %n Block bisher authentifiziert</numerusform>
            <numerusform>%1 von %n Blöcken bisher authentifiziert</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n chunks authenticated so far</source>
        <translation>
            <numerusform>bisher %n Block authentifiziert</numerusform>
            <numerusform>bisher %n Blöcke authentifiziert</numerusform>
        </translation>
    </message>
    <message>
        <source>a chunk failed authentication: the data was altered or cut short</source>
        <translation>ein Block wurde nicht authentifiziert: Die Daten wurden verändert oder gekürzt</translation>
    </message>
    <message>
        <source>size matches (%1)</source>
        <translation>Größe stimmt überein (%1)</translation>
    </message>
    <message>
        <source>size does not match</source>
        <translation>Größe stimmt nicht überein</translation>
    </message>
    <message>
        <source>size not checked yet</source>
        <translation>Größe noch nicht geprüft</translation>
    </message>
    <message>
        <source>MD5 matches</source>
        <translation>MD5 stimmt überein</translation>
    </message>
    <message>
        <source>MD5 does not match</source>
        <translation>MD5 stimmt nicht überein</translation>
    </message>
    <message>
        <source>MD5 not checked yet</source>
        <translation>MD5 noch nicht geprüft</translation>
    </message>
    <message>
        <source>SHA-256 matches</source>
        <translation>SHA-256 stimmt überein</translation>
    </message>
    <message>
        <source>SHA-256 does not match</source>
        <translation>SHA-256 stimmt nicht überein</translation>
    </message>
    <message>
        <source>SHA-256 not checked yet</source>
        <translation>SHA-256 noch nicht geprüft</translation>
    </message>
    <message>
        <source>Transfer %1</source>
        <translation>Übertragung %1</translation>
    </message>
    <message>
        <source>Cancel Transfer</source>
        <translation>Übertragung abbrechen</translation>
    </message>
    <message>
        <source>Cancel the transfer of “%1” from %2 to %3? What was copied so far is deleted; you can start it again later with Retry.</source>
        <translation>Die Übertragung von „%1“ von %2 nach %3 abbrechen? Was bisher kopiert wurde, wird gelöscht; Sie können sie später mit „Wiederholen“ erneut starten.</translation>
    </message>
    <message>
        <source>Cancel transfer</source>
        <translation>Übertragung abbrechen</translation>
    </message>
    <message>
        <source>Keep it running</source>
        <translation>Weiterlaufen lassen</translation>
    </message>
    <message>
        <source>The transfer was not cancelled: %1</source>
        <translation>Die Übertragung wurde nicht abgebrochen: %1</translation>
    </message>
    <message>
        <source>The transfer was not started again: %1</source>
        <translation>Die Übertragung wurde nicht erneut gestartet: %1</translation>
    </message>
</context>
<context>
    <name>Bulwark::Ui::UnitMembersPanel</name>
    <message>
        <source>&amp;Add…</source>
        <translation>&amp;Hinzufügen…</translation>
    </message>
    <message>
        <source>&amp;Remove</source>
        <translation>&amp;Entfernen</translation>
    </message>
    <message>
        <source>Add users or groups to this unit</source>
        <translation>Benutzer oder Gruppen zu dieser Einheit hinzufügen</translation>
    </message>
    <message>
        <source>Remove the selected members from this unit</source>
        <translation>Ausgewählte Mitglieder aus dieser Einheit entfernen</translation>
    </message>
    <message>
        <source>Users and groups in unit %1/%2 (members of a group belong through it):</source>
        <translation>Benutzer und Gruppen in der Einheit %1/%2 (Mitglieder einer Gruppe gehören über diese dazu):</translation>
    </message>
    <message>
        <source>Only administrators can see and change the members of units. The server said: %1</source>
        <translation>Nur Administratoren können die Mitglieder von Einheiten sehen und ändern. Antwort des Servers: %1</translation>
    </message>
    <message>
        <source>Could not load the members: %1</source>
        <translation>Die Mitglieder konnten nicht geladen werden: %1</translation>
    </message>
    <message>
        <source>Add members to %1/%2</source>
        <translation>Mitglieder zu %1/%2 hinzufügen</translation>
    </message>
    <message>
        <source>add %1</source>
        <translation>%1 hinzuzufügen</translation>
    </message>
    <message>
        <source>remove %1</source>
        <translation>%1 zu entfernen</translation>
    </message>
    <message>
        <source>The members of %1/%2 were changed elsewhere since they were loaded, so nothing was written. The list now shows the current members: check it and %3 again if still needed.</source>
        <translation>Die Mitglieder von %1/%2 wurden seit dem Laden an anderer Stelle geändert, daher wurde nichts geschrieben. Die Liste zeigt jetzt die aktuellen Mitglieder: Prüfen Sie sie und versuchen Sie bei Bedarf erneut, %3.</translation>
    </message>
    <message>
        <source>Could not %1: %2</source>
        <translation>Es war nicht möglich, %1: %2</translation>
    </message>
</context>
<context>
    <name>Bulwark::Ui::UserDialog</name>
    <message>
        <source>The user can sign in</source>
        <translation>Der Benutzer kann sich anmelden</translation>
    </message>
    <message>
        <source>New User</source>
        <translation>Neuer Benutzer</translation>
    </message>
    <message>
        <source>Edit User %1</source>
        <translation>Benutzer %1 bearbeiten</translation>
    </message>
    <message>
        <source>Reset Password of %1</source>
        <translation>Passwort von %1 zurücksetzen</translation>
    </message>
    <message>
        <source>e.g. alice</source>
        <translation>z. B. alice</translation>
    </message>
    <message>
        <source>Optional, e.g. the person&apos;s full name</source>
        <translation>Optional, z. B. der vollständige Name der Person</translation>
    </message>
    <message>
        <source>Local: Bulwark stores the password</source>
        <translation>Lokal: Bulwark speichert das Passwort</translation>
    </message>
    <message>
        <source>Who checks this user&apos;s password: Bulwark itself, or an LDAP directory (configured under Directory services).</source>
        <translation>Wer das Passwort dieses Benutzers prüft: Bulwark selbst oder ein LDAP-Verzeichnis (eingerichtet unter „Verzeichnisdienste“).</translation>
    </message>
    <message>
        <source>A disabled user cannot sign in, and their sessions end.</source>
        <translation>Ein deaktivierter Benutzer kann sich nicht anmelden, und seine Sitzungen werden beendet.</translation>
    </message>
    <message>
        <source>Type the password again</source>
        <translation>Passwort erneut eingeben</translation>
    </message>
    <message>
        <source>Leave empty to keep the current password</source>
        <translation>Leer lassen, um das aktuelle Passwort zu behalten</translation>
    </message>
    <message>
        <source>At least 12 characters: a few unrelated words</source>
        <translation>Mindestens 12 Zeichen: einige Wörter ohne Zusammenhang</translation>
    </message>
    <message>
        <source>Directory: %1</source>
        <translation>Verzeichnis: %1</translation>
    </message>
    <message>
        <source>&amp;Name:</source>
        <translation>&amp;Name:</translation>
    </message>
    <message>
        <source>&amp;Description:</source>
        <translation>&amp;Beschreibung:</translation>
    </message>
    <message>
        <source>&amp;Authentication:</source>
        <translation>&amp;Authentifizierung:</translation>
    </message>
    <message>
        <source>&amp;Password:</source>
        <translation>&amp;Passwort:</translation>
    </message>
    <message>
        <source>New &amp;password:</source>
        <translation>Neues &amp;Passwort:</translation>
    </message>
    <message>
        <source>&amp;Confirm:</source>
        <translation>Bestäti&amp;gung:</translation>
    </message>
    <message>
        <source>&amp;Create User</source>
        <translation>Benutzer &amp;erstellen</translation>
    </message>
    <message>
        <source>&amp;Set Password</source>
        <translation>Passwort &amp;festlegen</translation>
    </message>
    <message>
        <source>&amp;Save</source>
        <translation>&amp;Speichern</translation>
    </message>
    <message>
        <source>Setting a password ends every session of %1 and closes their live connections; they sign in again with the new password.</source>
        <translation>Das Festlegen eines Passworts beendet alle Sitzungen von %1 und schließt die zugehörigen Live-Verbindungen; die erneute Anmeldung erfolgt mit dem neuen Passwort.</translation>
    </message>
    <message>
        <source>The directory checks this user&apos;s password; Bulwark stores none.</source>
        <translation>Das Verzeichnis prüft das Passwort dieses Benutzers; Bulwark speichert keines.</translation>
    </message>
    <message>
        <source>Without a password the user cannot sign in until one is set.</source>
        <translation>Ohne Passwort kann sich der Benutzer nicht anmelden, bis eines festgelegt ist.</translation>
    </message>
    <message>
        <source>The current password stays.</source>
        <translation>Das aktuelle Passwort bleibt erhalten.</translation>
    </message>
    <message>
        <source>Type the new password.</source>
        <translation>Geben Sie das neue Passwort ein.</translation>
    </message>
    <message>
        <source>1 character</source>
        <translation>1 Zeichen</translation>
    </message>
    <message>
        <source>%1 characters</source>
        <translation>%1 Zeichen</translation>
    </message>
    <message>
        <source>Checking the password against the policy…</source>
        <translation>Passwort wird anhand der Richtlinie geprüft…</translation>
    </message>
    <message>
        <source>Not connected: the password is checked when you save.</source>
        <translation>Nicht verbunden: Das Passwort wird beim Speichern geprüft.</translation>
    </message>
    <message>
        <source>The server could not check the password now (%1); it checks it when you save.</source>
        <translation>Der Server konnte das Passwort gerade nicht prüfen (%1); er prüft es beim Speichern.</translation>
    </message>
    <message>
        <source>The password meets the server&apos;s password policy.</source>
        <translation>Das Passwort erfüllt die Passwortrichtlinie des Servers.</translation>
    </message>
    <message>
        <source>The server&apos;s password policy refuses this password.</source>
        <translation>Die Passwortrichtlinie des Servers lehnt dieses Passwort ab.</translation>
    </message>
    <message>
        <source>The two passwords differ.</source>
        <translation>Die beiden Passwörter stimmen nicht überein.</translation>
    </message>
</context>
<context>
    <name>Bulwark::Ui::UsersPage</name>
    <message>
        <source>Search users by name, authentication, group or state</source>
        <translation>Benutzer nach Name, Authentifizierung, Gruppe oder Zustand suchen</translation>
    </message>
    <message>
        <source>Groups: the members of a group inside another belong to the outer group too</source>
        <translation>Gruppen: Die Mitglieder einer Gruppe in einer anderen gehören auch zur äußeren Gruppe</translation>
    </message>
    <message>
        <source>Could not load the users: %1</source>
        <translation>Die Benutzer konnten nicht geladen werden: %1</translation>
    </message>
    <message>
        <source>New User…</source>
        <translation>Neuer Benutzer…</translation>
    </message>
    <message>
        <source>Create a user account</source>
        <translation>Ein Benutzerkonto erstellen</translation>
    </message>
    <message>
        <source>Edit…</source>
        <translation>Bearbeiten…</translation>
    </message>
    <message>
        <source>Change the selected user&apos;s description, state or authentication</source>
        <translation>Beschreibung, Zustand oder Authentifizierung des ausgewählten Benutzers ändern</translation>
    </message>
    <message>
        <source>Disable</source>
        <translation>Deaktivieren</translation>
    </message>
    <message>
        <source>Disable or enable the selected user</source>
        <translation>Ausgewählten Benutzer deaktivieren oder aktivieren</translation>
    </message>
    <message>
        <source>Unlock</source>
        <translation>Entsperren</translation>
    </message>
    <message>
        <source>End the lockout after too many wrong passwords</source>
        <translation>Die Sperre nach zu vielen falschen Passwörtern aufheben</translation>
    </message>
    <message>
        <source>Reset Password…</source>
        <translation>Passwort zurücksetzen…</translation>
    </message>
    <message>
        <source>Set a new password for the selected user</source>
        <translation>Ein neues Passwort für den ausgewählten Benutzer festlegen</translation>
    </message>
    <message>
        <source>End Sessions</source>
        <translation>Sitzungen beenden</translation>
    </message>
    <message>
        <source>Sign the selected user out everywhere and close their live connections</source>
        <translation>Ausgewählten Benutzer überall abmelden und seine Live-Verbindungen schließen</translation>
    </message>
    <message>
        <source>Delete</source>
        <translation>Löschen</translation>
    </message>
    <message>
        <source>Delete the selected user</source>
        <translation>Ausgewählten Benutzer löschen</translation>
    </message>
    <message>
        <source>New Group…</source>
        <translation>Neue Gruppe…</translation>
    </message>
    <message>
        <source>Create a group</source>
        <translation>Eine Gruppe erstellen</translation>
    </message>
    <message>
        <source>Edit Members…</source>
        <translation>Mitglieder bearbeiten…</translation>
    </message>
    <message>
        <source>Change the members of the group selected in the tree</source>
        <translation>Mitglieder der im Baum ausgewählten Gruppe ändern</translation>
    </message>
    <message>
        <source>Delete Group</source>
        <translation>Gruppe löschen</translation>
    </message>
    <message>
        <source>Delete the group selected in the tree</source>
        <translation>Im Baum ausgewählte Gruppe löschen</translation>
    </message>
    <message>
        <source>Refresh</source>
        <translation>Aktualisieren</translation>
    </message>
    <message>
        <source>Load users and groups again</source>
        <translation>Benutzer und Gruppen erneut laden</translation>
    </message>
    <message>
        <source>Enable</source>
        <translation>Aktivieren</translation>
    </message>
    <message>
        <source>Not connected to a server. Users and groups appear here once the console is connected.</source>
        <translation>Nicht mit einem Server verbunden. Benutzer und Gruppen erscheinen hier, sobald die Konsole verbunden ist.</translation>
    </message>
    <message>
        <source>The users cannot be shown: %1</source>
        <translation>Die Benutzer können nicht angezeigt werden: %1</translation>
    </message>
    <message>
        <source>Loading users…</source>
        <translation>Benutzer werden geladen…</translation>
    </message>
    <message>
        <source>Created the user %1.</source>
        <translation>Benutzer %1 wurde erstellt.</translation>
    </message>
    <message>
        <source>Saved the user %1.</source>
        <translation>Benutzer %1 wurde gespeichert.</translation>
    </message>
    <message>
        <source>Set a new password for %1; their sessions have ended.</source>
        <translation>Neues Passwort für %1 festgelegt; die Sitzungen wurden beendet.</translation>
    </message>
    <message>
        <source>Enable the user “%1”? They can sign in again with their password or directory account.</source>
        <translation>Den Benutzer „%1“ aktivieren? Er kann sich dann wieder mit seinem Passwort oder Verzeichniskonto anmelden.</translation>
    </message>
    <message>
        <source>Disable the user “%1”? They can no longer sign in, every session of theirs ends and their live connections (event streams, device sessions) close at once. You can enable them again later.</source>
        <translation>Den Benutzer „%1“ deaktivieren? Er kann sich nicht mehr anmelden, alle seine Sitzungen enden und seine Live-Verbindungen (Ereignisströme, Gerätesitzungen) werden sofort geschlossen. Sie können ihn später wieder aktivieren.</translation>
    </message>
    <message>
        <source>Enable User</source>
        <translation>Benutzer aktivieren</translation>
    </message>
    <message>
        <source>Disable User</source>
        <translation>Benutzer deaktivieren</translation>
    </message>
    <message>
        <source>Enabled the user %1.</source>
        <translation>Benutzer %1 wurde aktiviert.</translation>
    </message>
    <message>
        <source>Disabled the user %1; their sessions have ended.</source>
        <translation>Benutzer %1 wurde deaktiviert; seine Sitzungen wurden beendet.</translation>
    </message>
    <message>
        <source>Could not change %1:</source>
        <translation>%1 konnte nicht geändert werden:</translation>
    </message>
    <message>
        <source>Unlock User</source>
        <translation>Benutzer entsperren</translation>
    </message>
    <message>
        <source>Unlock “%1”? The lockout ends and the count of wrong passwords starts again, so the next sign-in with the right password succeeds.</source>
        <translation>„%1“ entsperren? Die Sperre wird aufgehoben und die Zählung falscher Passwörter beginnt neu, sodass die nächste Anmeldung mit dem richtigen Passwort gelingt.</translation>
    </message>
    <message>
        <source>Unlocked %1.</source>
        <translation>%1 wurde entsperrt.</translation>
    </message>
    <message>
        <source>Could not unlock %1:</source>
        <translation>%1 konnte nicht entsperrt werden:</translation>
    </message>
    <message>
        <source>End every session of “%1”? They are signed out everywhere and their live connections (event streams and device sessions) close at once. Their password stays, so they can sign in again: use this for a lost laptop.</source>
        <translation>Alle Sitzungen von „%1“ beenden? Der Benutzer wird überall abgemeldet, und seine Live-Verbindungen (Ereignisströme und Gerätesitzungen) werden sofort geschlossen. Sein Passwort bleibt erhalten, sodass er sich wieder anmelden kann: Verwenden Sie dies etwa bei einem verlorenen Laptop.</translation>
    </message>
    <message>
        <source>Ended every session of %1.</source>
        <translation>Alle Sitzungen von %1 wurden beendet.</translation>
    </message>
    <message>
        <source>Could not end the sessions of %1:</source>
        <translation>Die Sitzungen von %1 konnten nicht beendet werden:</translation>
    </message>
    <message>
        <source>Delete User</source>
        <translation>Benutzer löschen</translation>
    </message>
    <message>
        <source>Delete the user “%1”? Their application keys are deleted too, they leave every group and their sessions end. This cannot be undone.</source>
        <translation>Den Benutzer „%1“ löschen? Seine App-Schlüssel werden ebenfalls gelöscht, er verlässt alle Gruppen und seine Sitzungen enden. Dies kann nicht rückgängig gemacht werden.</translation>
    </message>
    <message>
        <source>Deleted the user %1.</source>
        <translation>Benutzer %1 wurde gelöscht.</translation>
    </message>
    <message>
        <source>Could not delete %1:</source>
        <translation>%1 konnte nicht gelöscht werden:</translation>
    </message>
    <message>
        <source>Created the group %1.</source>
        <translation>Gruppe %1 wurde erstellt.</translation>
    </message>
    <message>
        <source>Saved the members of %1.</source>
        <translation>Die Mitglieder von %1 wurden gespeichert.</translation>
    </message>
    <message>
        <source>Delete the group “%1”? Its members lose the rights they had through it, and groups that contain it lose its members. The users themselves stay. This cannot be undone.</source>
        <translation>Die Gruppe „%1“ löschen? Ihre Mitglieder verlieren die Rechte, die sie über sie hatten, und Gruppen, die sie enthalten, verlieren ihre Mitglieder. Die Benutzer selbst bleiben erhalten. Dies kann nicht rückgängig gemacht werden.</translation>
    </message>
    <message>
        <source>Deleted the group %1.</source>
        <translation>Gruppe %1 wurde gelöscht.</translation>
    </message>
    <message>
        <source>Could not delete the group %1:</source>
        <translation>Die Gruppe %1 konnte nicht gelöscht werden:</translation>
    </message>
</context>
<context>
    <name>Bulwark::Ui::ValueEditor</name>
    <message>
        <source>Your local time; it is sent in UTC.</source>
        <translation>Ihre Ortszeit; sie wird in UTC gesendet.</translation>
    </message>
    <message>
        <source>A JSON object or array, e.g. {&quot;mode&quot;: 2}</source>
        <translation>Ein JSON-Objekt oder -Array, z. B. {&quot;mode&quot;: 2}</translation>
    </message>
    <message>
        <source>A JSON value</source>
        <translation>Ein JSON-Wert</translation>
    </message>
    <message>
        <source>The new password</source>
        <translation>Das neue Passwort</translation>
    </message>
    <message>
        <source>A number, e.g. 21.5</source>
        <translation>Eine Zahl, z. B. 21,5</translation>
    </message>
    <message>
        <source>A whole number, e.g. 42</source>
        <translation>Eine ganze Zahl, z. B. 42</translation>
    </message>
    <message>
        <source>No value</source>
        <translation>Kein Wert</translation>
    </message>
    <message>
        <source>Clears the stored password.</source>
        <translation>Löscht das gespeicherte Passwort.</translation>
    </message>
    <message>
        <source>Sends null: the property then has no value (reads give null).</source>
        <translation>Sendet null: Die Eigenschaft hat dann keinen Wert (Lesen ergibt null).</translation>
    </message>
    <message>
        <source>Type the new password, or tick “No value” to clear it.</source>
        <translation>Geben Sie das neue Passwort ein, oder aktivieren Sie „Kein Wert“, um es zu löschen.</translation>
    </message>
    <message>
        <source>“********” is what reads show for a password; type the new password itself.</source>
        <translation>„********“ wird beim Lesen für ein Passwort angezeigt; geben Sie das neue Passwort selbst ein.</translation>
    </message>
    <message>
        <source>Type a number, such as 21.5.</source>
        <translation>Geben Sie eine Zahl ein, etwa 21,5.</translation>
    </message>
    <message>
        <source>Type a whole number between −9007199254740991 and 9007199254740991.</source>
        <translation>Geben Sie eine ganze Zahl zwischen −9007199254740991 und 9007199254740991 ein.</translation>
    </message>
    <message>
        <source>Type a JSON object {…} or array […].</source>
        <translation>Geben Sie ein JSON-Objekt {…} oder -Array […] ein.</translation>
    </message>
    <message>
        <source>Type a JSON value.</source>
        <translation>Geben Sie einen JSON-Wert ein.</translation>
    </message>
    <message>
        <source>This is not valid JSON: %1.</source>
        <translation>Dies ist kein gültiges JSON: %1.</translation>
    </message>
    <message>
        <source>Type one JSON value, not a list separated by commas.</source>
        <translation>Geben Sie einen einzelnen JSON-Wert ein, keine durch Kommas getrennte Liste.</translation>
    </message>
    <message>
        <source>A JSON property holds an object {…} or an array […].</source>
        <translation>Eine JSON-Eigenschaft enthält ein Objekt {…} oder ein Array […].</translation>
    </message>
</context>
<context>
    <name>Bulwark::Ui::WritePropertyDialog</name>
    <message>
        <source>Write Property</source>
        <translation>Eigenschaft schreiben</translation>
    </message>
    <message>
        <source>Write &lt;b&gt;%1&lt;/b&gt; of &lt;b&gt;%2&lt;/b&gt;</source>
        <translation>&lt;b&gt;%1&lt;/b&gt; von &lt;b&gt;%2&lt;/b&gt; schreiben</translation>
    </message>
    <message>
        <source>%1 (written %2)</source>
        <translation>%1 (geschrieben am %2)</translation>
    </message>
    <message>
        <source>%1 (never written)</source>
        <translation>%1 (nie geschrieben)</translation>
    </message>
    <message>
        <source>Type:</source>
        <translation>Typ:</translation>
    </message>
    <message>
        <source>Current value:</source>
        <translation>Aktueller Wert:</translation>
    </message>
    <message>
        <source>&amp;New value:</source>
        <translation>&amp;Neuer Wert:</translation>
    </message>
    <message>
        <source>If a device is connected for this Thing, it receives the value first and may refuse it; the server waits for its answer.</source>
        <translation>Ist für dieses Thing ein Gerät verbunden, erhält es den Wert zuerst und kann ihn ablehnen; der Server wartet auf seine Antwort.</translation>
    </message>
    <message>
        <source>&amp;Write</source>
        <translation>&amp;Schreiben</translation>
    </message>
    <message>
        <source>Sending… (a connected device answers first)</source>
        <translation>Wird gesendet… (ein verbundenes Gerät antwortet zuerst)</translation>
    </message>
    <message>
        <source>Written: “%1” now holds %2.</source>
        <translation>Geschrieben: „%1“ enthält jetzt %2.</translation>
    </message>
    <message>
        <source>The device did not answer in time; it may or may not have applied the value. %1</source>
        <translation>Das Gerät hat nicht rechtzeitig geantwortet; es hat den Wert möglicherweise übernommen oder auch nicht. %1</translation>
    </message>
    <message>
        <source>You may not write this property. %1</source>
        <translation>Sie dürfen diese Eigenschaft nicht schreiben. %1</translation>
    </message>
    <message>
        <source>Not written. %1</source>
        <translation>Nicht geschrieben. %1</translation>
    </message>
</context>
</TS>
