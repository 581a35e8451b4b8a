//! The `http` connector: an app's REST API described in the policy file —
//! how to authenticate, how to list accounts page by page, where each
//! account field is in a record, and one request template per change — so
//! that an app without SCIM or a vendor connector is reached without
//! writing Rust. What the templates and paths may say is checked in
//! `compile/connectors/http`; the requests are sent by
//! `keyward-connectors`.

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::csv_export::AccountStatusValues;
use super::google::NameOrder;
use crate::resources::shared::SecretRef;

/// An app's REST API, described declaratively.
///
/// Paths into JSON (`records`, `fields`, cursors, totals) are JSONPath
/// queries (RFC 9535): `$.users`, `$.profile.email`, `$.teams[*].name`.
/// Request paths, query values and bodies are templates: `{{person.email}}`
/// is replaced by the value, percent-encoded in a path or query, and in a
/// JSON body written as a JSON value (a string placeholder inside a longer
/// string is escaped into it), so names with quotes, backslashes or
/// Japanese arrive byte for byte.
///
/// Placeholders: `account.id`, `account.email`, `account.username`,
/// `account.displayName`, `account.externalId` (the account changed; for a
/// create, the one to be made); `person.id`, `person.email`, `person.name`,
/// `person.givenName`, `person.familyName` (split by `nameOrder`),
/// `person.department`, `person.title`, `person.employmentType` (creates
/// only); `role` (the app's value for the role, through `roleValues`),
/// `roleName` (keyward's role name), `group` (one group, in `addGroup` and
/// `removeGroup`), `groups` (every group of a create, a JSON array),
/// `initialPassword` (creates only: a random password nobody sees, for
/// APIs that require one; the user gets in through single sign-on or a
/// reset); and `cursor` in a paging request.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct HttpConnector {
    /// Base URL of the API (`https://api.example.com/v2`); request paths
    /// are appended to it. HTTPS, or plain HTTP to a loopback address.
    pub base_url: String,
    /// How requests authenticate. Omit for an API without authentication
    /// (rare; a test server).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub auth: Option<HttpAuth>,
    /// Further headers sent with every request, by name: an API version
    /// pin (`Notion-Version: "2022-06-28"`). Never a credential: those go
    /// in `auth`.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub headers: BTreeMap<String, String>,
    /// Seconds before one HTTP request is abandoned (and retried).
    /// Default 30.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub timeout_seconds: Option<u32>,
    /// How the API says "too many requests, wait". 429 and 503 with
    /// `Retry-After` are always understood.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub throttle: Option<HttpThrottle>,
    /// How accounts are listed and read.
    pub accounts: HttpListing,
    /// The request templates of the changes the API allows. A change
    /// without a template is a checklist item for a human, as for a
    /// read-only app.
    #[serde(default, skip_serializing_if = "HttpChanges::is_empty")]
    pub changes: HttpChanges,
    /// How a person's name splits into `person.givenName` and
    /// `person.familyName`: `givenFirst` (default) or `familyFirst`
    /// ("山田 花子").
    #[serde(default)]
    pub name_order: NameOrder,
}

/// How requests authenticate. Set exactly one.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
#[schemars(transform = crate::resources::admission::http_auth)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct HttpAuth {
    /// `Authorization: Bearer <token>`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bearer: Option<HttpBearerAuth>,
    /// A credential in a header of its own (`X-Cybozu-API-Token`,
    /// `X-ChatWorkToken`), or `Authorization` with a scheme of the API's
    /// own (`prefix: "SSWS "`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub api_key: Option<HttpApiKeyAuth>,
    /// HTTP basic authentication (RFC 7617).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub basic: Option<HttpBasicAuth>,
    /// OAuth 2.0 client credentials (RFC 6749 §4.4): a token fetched from
    /// `tokenUrl`, kept until a minute before it expires, fetched anew
    /// once when the API refuses it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub oauth2: Option<HttpOAuth2Auth>,
    /// An RS256 assertion signed with a private key and exchanged for
    /// access tokens (RFC 7523), as LINE WORKS service accounts do.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub jwt_bearer: Option<HttpJwtBearerAuth>,
}

/// A private key whose signed assertions are exchanged for access tokens.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct HttpJwtBearerAuth {
    /// The token endpoint (HTTPS).
    pub token_url: String,
    /// Where the RSA private key (PEM) is read from when keyward runs.
    pub private_key: SecretRef,
    /// The assertion's `iss` (LINE WORKS: the client id).
    pub issuer: String,
    /// The assertion's `sub` (LINE WORKS: the service account).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subject: Option<String>,
    /// The assertion's `aud`, for APIs that check it. Default none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub audience: Option<String>,
    /// Scopes asked for in the token request.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub scopes: Vec<String>,
    /// A client id sent beside the assertion (with `clientSecret`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub client_id: Option<String>,
    /// Where the client secret sent beside the assertion is read from.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub client_secret: Option<SecretRef>,
}

/// A fixed bearer token.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct HttpBearerAuth {
    /// Where the token is read from when keyward runs.
    pub token: SecretRef,
}

/// A credential sent in a header as it is.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct HttpApiKeyAuth {
    /// The header's name.
    pub header: String,
    /// Written before the key (`"SSWS "`, `"Token "`). Default none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub prefix: Option<String>,
    /// Where the key is read from when keyward runs.
    pub key: SecretRef,
}

/// A user name and password.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct HttpBasicAuth {
    /// The user name (not secret).
    pub username: String,
    /// Where the password is read from when keyward runs.
    pub password: SecretRef,
}

/// OAuth 2.0 client credentials.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct HttpOAuth2Auth {
    /// The token endpoint (HTTPS).
    pub token_url: String,
    /// The client id (not secret).
    pub client_id: String,
    /// Where the client secret is read from when keyward runs.
    pub client_secret: SecretRef,
    /// Scopes asked for, joined with spaces. Default none.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub scopes: Vec<String>,
    /// A long-lived refresh token, for APIs whose apps get access tokens
    /// only that way (Dropbox): sent as `refresh_token` with
    /// `grant_type=refresh_token`. Not for APIs that replace the refresh
    /// token at each use (keyward cannot store the new one).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub refresh_token: Option<SecretRef>,
    /// The `grant_type` sent. Default `client_credentials`
    /// (`refresh_token` with `refreshToken`); Zoom's server-to-server apps
    /// use `account_credentials`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub grant_type: Option<String>,
    /// Further form fields of the token request (`account_id` for Zoom,
    /// `box_subject_type`/`box_subject_id` for Box). Not secret.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub params: BTreeMap<String, String>,
    /// How the client authenticates to the token endpoint: `body`
    /// (default; `client_id` and `client_secret` in the form) or `basic`
    /// (HTTP basic, RFC 6749 §2.3.1).
    #[serde(default)]
    pub client_auth: ClientAuth,
}

/// Where client credentials go in a token request.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub enum ClientAuth {
    /// In the form body.
    #[default]
    Body,
    /// As HTTP basic authentication.
    Basic,
}

/// An API's own throttling signal, beside the standard 429/503 with
/// `Retry-After`.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct HttpThrottle {
    /// Further statuses that mean "wait" (some APIs throttle with 403).
    /// 429 and 503 always do.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub statuses: Vec<u16>,
    /// A header holding when the limit resets, read when `Retry-After` is
    /// absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reset_header: Option<String>,
    /// What `resetHeader` holds: `epochSeconds` (default), `seconds` (to
    /// wait) or `date` (RFC 3339 / ISO 8601).
    #[serde(default)]
    pub reset_format: ResetFormat,
}

/// The meaning of a rate-limit reset header.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub enum ResetFormat {
    /// Seconds since 1970 when the limit resets.
    #[default]
    EpochSeconds,
    /// Seconds to wait.
    Seconds,
    /// An RFC 3339 date.
    Date,
}

/// One request: method, path, query and, for methods that carry one, a
/// JSON body template.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct HttpRequest {
    /// `GET` (default for listings), `POST`, `PUT`, `PATCH` or `DELETE`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub method: Option<String>,
    /// Path under `baseUrl`, with placeholders (`/users/{{account.id}}`).
    pub path: String,
    /// Query parameters, values with placeholders.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub query: BTreeMap<String, String>,
    /// Query parameters sent once per value, in order
    /// (`role[]: [agent, admin]` sends `role[]=agent&role[]=admin`).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub query_all: BTreeMap<String, Vec<String>>,
    /// The JSON body, as JSON text with placeholders in strings:
    /// `{"email": "{{person.email}}", "active": false}`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub body: Option<String>,
    /// Statuses that mean success. Default: any 2xx.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub accept: Vec<u16>,
    /// Statuses that mean the change was already made (a 404 on delete, a
    /// 409 on a suspend of a suspended account): the change is recorded as
    /// already done. Default none.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub already_done: Vec<u16>,
    /// For APIs that answer every refusal with one status (Dropbox's 409):
    /// an `alreadyDone` status counts only when the answer also says this
    /// (`{path: "$.error['.tag']", values: [suspend_inactive_user]}`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub already_done_when: Option<HttpMatch>,
}

/// How accounts are listed.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct HttpListing {
    /// The first page's request.
    pub request: HttpRequest,
    /// Further listings whose accounts belong to the same app, each read
    /// to its end the same way: for APIs that list one status per request
    /// (Zoom's `status=inactive` and `status=pending`). An account found in
    /// two of them refuses the listing.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub more_requests: Vec<HttpRequest>,
    /// Where the records are in a page (`$.users`): an array, or a query
    /// selecting each record (`$.users[*]`).
    pub records: String,
    /// How to get the next page. Without it, the first page is all.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub paging: Option<HttpPaging>,
    /// Where a page says how many accounts there are in all (`$.total`):
    /// a listing that read fewer is refused as incomplete.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub total: Option<String>,
    /// Where each account field is in a record.
    pub fields: HttpAccountFields,
    /// Which values of the status field mean what, as in `csvExport`.
    /// Booleans are `true` and `false`. When omitted, common English and
    /// Japanese words are understood; an unknown value is an error, never
    /// a guess.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status_values: Option<AccountStatusValues>,
    /// The app's role value → keyward's role name (`"3": admin`). Unmapped
    /// values are used as they are; changes send the app's value.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub role_values: BTreeMap<String, String>,
    /// The request that finds one person's account by e-mail
    /// (`{{email}}`), for the controller's reconcile after an HR event: it
    /// then reads this instead of the whole listing, when the app matches
    /// accounts by e-mail alone. A 404 is no account.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lookup: Option<HttpRequest>,
    /// Where the accounts are in the lookup's answer. Default: `records`;
    /// `$` when the answer is the account itself.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lookup_records: Option<String>,
    /// Most pages read before the listing is refused as runaway. Default
    /// 10000.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_pages: Option<u32>,
}

/// How to ask for the next page. Set exactly one.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
#[schemars(transform = crate::resources::admission::http_paging)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct HttpPaging {
    /// Numbered pages (`?page=2&per_page=100`); the listing ends at a page
    /// with fewer records than asked for.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub page_number: Option<PageNumberPaging>,
    /// An offset and a limit (`?offset=200&limit=100`); the listing ends at
    /// a page with fewer records than the limit.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub offset: Option<OffsetPaging>,
    /// A cursor taken from the body, sent back as a query parameter or in
    /// a request of its own; the listing ends when there is none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cursor: Option<CursorPaging>,
    /// The next page's URL taken from the body (`$.next`), on the API's
    /// own origin.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next_url: Option<NextUrlPaging>,
    /// RFC 8288 `Link: <…>; rel="next"` headers, on the API's own origin.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub link_header: Option<LinkHeaderPaging>,
}

/// Numbered pages.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct PageNumberPaging {
    /// The page number's query parameter (`page`).
    pub param: String,
    /// The first page's number. Default 1.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub start: Option<u32>,
    /// The page size's query parameter (`per_page`).
    pub size_param: String,
    /// Records asked for per page.
    pub size: u32,
}

/// Offset and limit.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct OffsetPaging {
    /// The offset's query parameter (`offset`).
    pub param: String,
    /// The limit's query parameter (`limit`, `size`).
    pub limit_param: String,
    /// Records asked for per page.
    pub limit: u32,
}

/// A cursor from the body.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct CursorPaging {
    /// Where the next cursor is (`$.paging.next.after`); absent, `null` or
    /// empty ends the listing.
    pub from: String,
    /// Where a page says whether more follow (`$.has_more`), for APIs that
    /// send a cursor on the last page too.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub has_more: Option<String>,
    /// The query parameter the cursor is sent back in (`after`). Set this
    /// or `request`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub param: Option<String>,
    /// The request for the next pages, with `{{cursor}}` (Dropbox's
    /// `/list/continue`). Set this or `param`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub request: Option<HttpRequest>,
}

/// A next-page URL from the body.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct NextUrlPaging {
    /// Where the URL is (`$.next`, `$.links.next`); absent, `null` or empty
    /// ends the listing. A relative URL is resolved against the page's.
    pub from: String,
}

/// `Link` headers.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct LinkHeaderPaging {}

/// Where each account field is in a record: JSONPath queries relative to
/// the record (`$.email`). `id` is required; an absent or `null` value is
/// no value.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct HttpAccountFields {
    /// The app's id for the account, used in change paths.
    pub id: String,
    /// E-mail address.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    /// Login name or handle.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub username: Option<String>,
    /// Display name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub display_name: Option<String>,
    /// Parts joined with a space into the display name when `displayName`
    /// is not set (`[$.last_name, $.first_name]`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub display_name_parts: Vec<String>,
    /// The HR employee number stored in the app.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub external_id: Option<String>,
    /// The account's status (mapped by `statusValues`). Without it every
    /// account is active.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<String>,
    /// For APIs that say it with a flag: `true` here means the account is
    /// suspended (`$.isSuspended`), whatever `status` says.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub suspended: Option<String>,
    /// `true` here means an invitation not accepted yet (`$.isPending`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub invited: Option<String>,
    /// `true` here means a deleted account the API still lists
    /// (`$.isDeleted`): not an account.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deleted: Option<String>,
    /// The account's role (mapped by `roleValues`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub role: Option<String>,
    /// The account's groups: every value the query selects
    /// (`$.groups[*].name`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub groups: Option<String>,
    /// Last sign-in (a date or an RFC 3339 time).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_active: Option<String>,
    /// `true` (or a status value listed as `bot`) marks an integration
    /// account, never matched to people nor changed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bot: Option<String>,
    /// Further fields kept as named account attributes, usable as a
    /// correlator's `accountField`.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub attributes: BTreeMap<String, String>,
}

/// Request templates of the changes. Omitted ones are checklist items.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct HttpChanges {
    /// Creates an account for a joiner.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub create: Option<HttpCreate>,
    /// Sets the account's role (`{{role}}`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub update_role: Option<HttpRequest>,
    /// Adds the account to one group (`{{group}}`), once per group.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub add_group: Option<HttpRequest>,
    /// Removes the account from one group (`{{group}}`), once per group.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub remove_group: Option<HttpRequest>,
    /// Suspends (deactivates) the account, keeping its data.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub suspend: Option<HttpRequest>,
    /// Restores a suspended account.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub restore: Option<HttpRequest>,
    /// Deletes the account.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub delete: Option<HttpRequest>,
    /// Changes the lifecycle needs that are left to a human on purpose
    /// (`[delete]`): they become checklist items without a warning.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub manual: Vec<ManualChange>,
}

impl HttpChanges {
    /// `true` when no change is described: the app is read only.
    pub fn is_empty(&self) -> bool {
        self.create.is_none()
            && self.update_role.is_none()
            && self.add_group.is_none()
            && self.remove_group.is_none()
            && self.suspend.is_none()
            && self.restore.is_none()
            && self.delete.is_none()
            && self.manual.is_empty()
    }
}

/// A change left to a human.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub enum ManualChange {
    /// Creating accounts.
    Create,
    /// Suspending accounts.
    Suspend,
    /// Restoring accounts.
    Restore,
    /// Deleting accounts.
    Delete,
    /// Changing roles.
    UpdateRole,
    /// Changing group memberships.
    Groups,
}

/// The create request, and what to do when the account already exists.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct HttpCreate {
    /// The request.
    #[serde(flatten)]
    pub request: HttpRequest,
    /// Where the new account's id is in the answer (`$.id`). Without it,
    /// the id is read with the `conflict.find` request.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// How an account that already exists is found and adopted instead of
    /// a second one being made.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub conflict: Option<HttpConflict>,
}

/// An "already exists" answer to a create, and how to find that account.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct HttpConflict {
    /// Statuses that mean "already exists". Default `[409]`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub statuses: Vec<u16>,
    /// Where the answer says so, for APIs that answer 400 with a code
    /// (`$.errorCode`), and the values that mean it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub when: Option<HttpMatch>,
    /// The request that finds the existing account
    /// (`GET /users?email={{person.email}}`); its records are read with
    /// the listing's `records` and `fields` unless `records` is given, and
    /// the one whose e-mail or username is the new account's is adopted.
    pub find: HttpRequest,
    /// Where the records are in the find request's answer. Default: the
    /// listing's `records`. `$` when the answer is the account itself.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub records: Option<String>,
}

/// A value in an answer, and what it must be.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct HttpMatch {
    /// Where the value is (`$.errorCode`).
    pub path: String,
    /// The values that match.
    pub values: Vec<String>,
}
