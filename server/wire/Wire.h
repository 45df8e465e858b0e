// Names shared by the server and its clients (console, SDKs): REST paths,
// JSON field names, live-event types and error codes. One copy, included by
// both sides, so that a rename cannot silently break the wire.
#pragma once

#include <QLatin1StringView>

namespace Bulwark::Wire {

using namespace Qt::StringLiterals;

// Collections under /api/
inline constexpr auto Things = "Things"_L1;
inline constexpr auto ThingTemplates = "ThingTemplates"_L1;
inline constexpr auto Users = "Users"_L1;
inline constexpr auto Groups = "Groups"_L1;
inline constexpr auto Organizations = "Organizations"_L1;

// Authorization paths (docs/rest-api.md, "Permissions and visibility")
inline constexpr auto CollectionsPseudo = "Collections"_L1;     // /api/Collections/{c}/Permissions
inline constexpr auto PermissionsCollection = "Permissions"_L1; // /api/Permissions/explain
inline constexpr auto ExplainQuery = "explain"_L1;
inline constexpr auto EffectiveQuery = "effective"_L1;
inline constexpr auto PermissionsPart = "Permissions"_L1;
inline constexpr auto InstancePermissionsPart = "InstancePermissions"_L1;
inline constexpr auto VisibilityPart = "Visibility"_L1;
inline constexpr auto InstanceVisibilityPart = "InstanceVisibility"_L1;
inline constexpr auto SecurityPart = "Security"_L1;
inline constexpr auto UnitsPart = "Units"_L1;
inline constexpr auto MembersPart = "Members"_L1;
inline constexpr auto VisiblePart = "Visible"_L1;

// Built-in principals
inline constexpr auto AdministratorUser = "Administrator"_L1;
inline constexpr auto AdministratorsGroup = "Administrators"_L1;

// Paths
inline constexpr auto ApiPrefix = "/api/"_L1;
inline constexpr auto HealthPath = "/api/health"_L1;
inline constexpr auto EventsPath = "/api/events"_L1;
inline constexpr auto EdgePath = "/edge"_L1;

// Common JSON fields
inline constexpr auto Name = "name"_L1;
inline constexpr auto Description = "description"_L1;
inline constexpr auto Items = "items"_L1;
inline constexpr auto Created = "created"_L1;
inline constexpr auto Modified = "modified"_L1;
inline constexpr auto Template = "template"_L1;
inline constexpr auto BaseTemplate = "baseTemplate"_L1;
inline constexpr auto Properties = "properties"_L1;
inline constexpr auto Services = "services"_L1;
inline constexpr auto Events = "events"_L1;
inline constexpr auto BaseType = "baseType"_L1;
inline constexpr auto DefaultValue = "defaultValue"_L1;
inline constexpr auto InheritedFrom = "inheritedFrom"_L1;
inline constexpr auto Inputs = "inputs"_L1;
inline constexpr auto Output = "output"_L1;
inline constexpr auto Value = "value"_L1;
inline constexpr auto Values = "values"_L1;
inline constexpr auto Time = "time"_L1;
inline constexpr auto IsSet = "isSet"_L1;
inline constexpr auto PasswordMask = "********"_L1; // what reads show for a set PASSWORD value
inline constexpr auto Enabled = "enabled"_L1;
inline constexpr auto AuthSource = "authSource"_L1;
inline constexpr auto Locked = "locked"_L1;
inline constexpr auto LockedUntil = "lockedUntil"_L1;
inline constexpr auto LastLogin = "lastLogin"_L1;
inline constexpr auto LastLoginAddress = "lastLoginAddress"_L1;
inline constexpr auto Password = "password"_L1;
inline constexpr auto Members = "members"_L1;
inline constexpr auto Type = "type"_L1;
inline constexpr auto Units = "units"_L1;
inline constexpr auto Parent = "parent"_L1;

// Health
inline constexpr auto Status = "status"_L1;
inline constexpr auto Version = "version"_L1;
inline constexpr auto Storage = "storage"_L1;
inline constexpr auto SchemaVersion = "schemaVersion"_L1;

// Errors: {"error":{"code":"…","message":"…"}}
inline constexpr auto Error = "error"_L1;
inline constexpr auto Code = "code"_L1;
inline constexpr auto Message = "message"_L1;

// Live events on /api/events: {"type":"…","collection":"…","name":"…", …}
inline constexpr auto Collection = "collection"_L1;
inline constexpr auto Thing = "thing"_L1;
inline constexpr auto Property = "property"_L1;
inline constexpr auto EventHello = "hello"_L1;
inline constexpr auto EventEntityCreated = "entityCreated"_L1;
inline constexpr auto EventEntityUpdated = "entityUpdated"_L1;
inline constexpr auto EventEntityDeleted = "entityDeleted"_L1;
inline constexpr auto EventPropertyChanged = "propertyChanged"_L1;
inline constexpr auto User = "user"_L1;

// Directory services (LDAP delegation): /api/DirectoryServices[/{name}[/Test]]
inline constexpr auto DirectoryServices = "DirectoryServices"_L1;
inline constexpr auto DirectoryTest = "Test"_L1;
inline constexpr auto Url = "url"_L1;
inline constexpr auto CaFile = "caFile"_L1;
inline constexpr auto Insecure = "insecure"_L1;
inline constexpr auto BindDn = "bindDn"_L1;
inline constexpr auto BindPassword = "bindPassword"_L1; // accepted on write, never answered
inline constexpr auto HasBindPassword = "hasBindPassword"_L1;
inline constexpr auto UserBase = "userBase"_L1;
inline constexpr auto UserFilter = "userFilter"_L1;
inline constexpr auto GroupBase = "groupBase"_L1;
inline constexpr auto GroupFilter = "groupFilter"_L1;
inline constexpr auto GroupMapping = "groupMapping"_L1;
inline constexpr auto ProvisionUsers = "provisionUsers"_L1;
inline constexpr auto TimeoutSeconds = "timeoutSeconds"_L1;
inline constexpr auto Ok = "ok"_L1;
inline constexpr auto Steps = "steps"_L1;
inline constexpr auto Step = "step"_L1;
// end of directory services

// Audit log: GET /api/Audit?from=&to=&actor=&entity=&category=&outcome=&offset=&limit=
// and GET /api/Audit/Verify (administrators only)
inline constexpr auto Audit = "Audit"_L1;
inline constexpr auto AuditVerify = "Verify"_L1;
inline constexpr auto AuditId = "id"_L1;
inline constexpr auto AuditActor = "actor"_L1;
inline constexpr auto AuditSource = "source"_L1;
inline constexpr auto AuditCategory = "category"_L1;
inline constexpr auto AuditAction = "action"_L1;
inline constexpr auto AuditEntity = "entity"_L1;
inline constexpr auto AuditOutcome = "outcome"_L1;
inline constexpr auto AuditDetails = "details"_L1;
inline constexpr auto AuditPreviousHash = "previousHash"_L1;
inline constexpr auto AuditHash = "hash"_L1;
inline constexpr auto AuditFrom = "from"_L1;
inline constexpr auto AuditTo = "to"_L1;
inline constexpr auto AuditOffset = "offset"_L1;
inline constexpr auto AuditLimit = "limit"_L1;
inline constexpr auto AuditTotal = "total"_L1;
inline constexpr auto AuditIntact = "intact"_L1;
inline constexpr auto AuditChecked = "checked"_L1;
inline constexpr auto AuditFirstBadId = "firstBadId"_L1;
// Application keys: /api/ApplicationKeys[/{name}] (also name, description,
// user, enabled, created, modified above)
inline constexpr auto ApplicationKeys = "ApplicationKeys"_L1;
inline constexpr auto AppKeyExpires = "expires"_L1;
inline constexpr auto AppKeyExpiresInSeconds = "expiresInSeconds"_L1;
inline constexpr auto AppKeyIpAllowlist = "ipAllowlist"_L1;
inline constexpr auto AppKeyLastUsed = "lastUsed"_L1;
inline constexpr auto AppKeyLastAddress = "lastAddress"_L1;
inline constexpr auto AppKeyExpired = "expired"_L1;
inline constexpr auto AppKeySecret = "secret"_L1; // answered once, at creation
inline constexpr auto AppKeyNote = "note"_L1;
// end of audit log and application keys

// Sign-in and sessions: /api/auth/…
inline constexpr auto LoginPath = "/api/auth/login"_L1;
inline constexpr auto LogoutPath = "/api/auth/logout"_L1;
inline constexpr auto SessionPath = "/api/auth/session"_L1;
inline constexpr auto PasswordPath = "/api/auth/password"_L1;
inline constexpr auto PasswordCheckPath = "/api/auth/password-check"_L1;
inline constexpr auto Acceptable = "acceptable"_L1;
inline constexpr auto Token = "token"_L1;
inline constexpr auto CsrfToken = "csrfToken"_L1;
inline constexpr auto CsrfHeader = "X-CSRF-Token"_L1;
inline constexpr auto IdleTimeoutSeconds = "idleTimeoutSeconds"_L1;
inline constexpr auto Administrator = "administrator"_L1;
inline constexpr auto Method = "method"_L1;
inline constexpr auto AppKey = "appKey"_L1; // also the request header's name
inline constexpr auto CurrentPassword = "currentPassword"_L1;
inline constexpr auto NewPassword = "newPassword"_L1;
// Actions on users: POST /api/Users/{name}/Unlock, …/EndSessions
inline constexpr auto UnlockAction = "Unlock"_L1;
inline constexpr auto EndSessionsAction = "EndSessions"_L1;
inline constexpr auto WasLocked = "wasLocked"_L1;
// end of sign-in and sessions

// Authorization bodies (rules, visibility, security export/import, units,
// explain/effective); the paths are above. Also name, type, members, units,
// version, items, user.
inline constexpr auto AccessHolder = "holder"_L1;
inline constexpr auto AccessLevel = "level"_L1;
inline constexpr auto AccessRules = "rules"_L1;
inline constexpr auto AccessPrincipal = "principal"_L1;
inline constexpr auto AccessPermission = "permission"_L1;
inline constexpr auto AccessPermissions = "permissions"_L1;
inline constexpr auto AccessEffect = "effect"_L1;
inline constexpr auto AccessMember = "member"_L1;
inline constexpr auto AccessKind = "kind"_L1;
inline constexpr auto AccessEntity = "entity"_L1;
inline constexpr auto AccessGroup = "group"_L1;
inline constexpr auto AccessUnit = "unit"_L1;
inline constexpr auto AccessOrganization = "organization"_L1;
inline constexpr auto AccessGrantedOn = "grantedOn"_L1;
inline constexpr auto AccessVisibility = "visibility"_L1;
inline constexpr auto AccessDecision = "decision"_L1;
inline constexpr auto AccessResolution = "resolution"_L1;
inline constexpr auto AccessFormat = "format"_L1;
inline constexpr auto AccessSecurityFormat = "bulwark-security/1"_L1;
inline constexpr auto AccessInstanceRules = "instanceRules"_L1;
inline constexpr auto AccessInstanceVisibility = "instanceVisibility"_L1;
inline constexpr auto AccessPrincipals = "principals"_L1;
inline constexpr auto AccessApplied = "applied"_L1;
inline constexpr auto AccessSkipped = "skipped"_L1;
inline constexpr auto AccessGrants = "grants"_L1;
inline constexpr auto AccessMissing = "missing"_L1;
inline constexpr auto AccessMissingReferences = "missing-references"_L1; // the 409's code
inline constexpr auto AccessSkipMissing = "skipMissing"_L1;              // query of an import
inline constexpr auto EventPermissionsChanged = "permissionsChanged"_L1;
inline constexpr auto EventVisibilityChanged = "visibilityChanged"_L1;
// end of authorization bodies

// Edge protocol version 1 (docs/protocol.md) and what it adds to REST and live events.
// 2 adds files: transfers, directories (docs/protocol.md "Version 2: files").
inline constexpr int EdgeProtocolVersion = 2;
inline constexpr auto ServicesPart = "Services"_L1;     // /api/Things/{n}/Services/{s}
inline constexpr auto ConnectionPart = "Connection"_L1; // /api/Things/{n}/Connection
inline constexpr auto Quality = "quality"_L1;           // "good" | "uncertain" | "bad"
inline constexpr auto QualityGood = "good"_L1;
inline constexpr auto QualityUncertain = "uncertain"_L1;
inline constexpr auto QualityBad = "bad"_L1;
inline constexpr auto Source = "source"_L1; // of a propertyChanged: "rest" | "edge"
inline constexpr auto SourceEdge = "edge"_L1;
inline constexpr auto SourceRest = "rest"_L1;
inline constexpr auto Connection = "connection"_L1;
inline constexpr auto Connected = "connected"_L1;
inline constexpr auto Since = "since"_L1;
inline constexpr auto RemoteAddress = "remoteAddress"_L1;
inline constexpr auto LastMessage = "lastMessage"_L1;
// Traffic of the session holding a Thing (GET /api/Connections).
inline constexpr auto ConnectionsCollection = "Connections"_L1;
inline constexpr auto MessagesIn = "messagesIn"_L1;
inline constexpr auto MessagesOut = "messagesOut"_L1;
inline constexpr auto BytesIn = "bytesIn"_L1;
inline constexpr auto BytesOut = "bytesOut"_L1;
inline constexpr auto EdgeSession = "session"_L1;
inline constexpr auto Parameters = "parameters"_L1;
inline constexpr auto Event = "event"_L1;
inline constexpr auto Data = "data"_L1;
inline constexpr auto Service = "service"_L1;
inline constexpr auto EventThingEvent = "thingEvent"_L1;
inline constexpr auto EventConnectionChanged = "connectionChanged"_L1;
inline constexpr auto EdgeDeviceRefused = "device-refused"_L1; // REST error codes
inline constexpr auto EdgeDeviceTimeout = "device-timeout"_L1;
inline constexpr auto EdgeNotConnected = "not-connected"_L1;
// end of edge protocol version 1
// Edge protocol version 2: file transfers (docs/protocol.md "Version 2: files").
inline constexpr auto EventTransferChanged = "transferChanged"_L1;
inline constexpr auto Transfers = "Transfers"_L1;

} // namespace Bulwark::Wire
