//! Accounts: users, API tokens (`tokens`), signing in, and the scopes principals get.

pub mod ports;
pub mod tokens;

use crate::error::{AppError, FieldError};
use crate::ports::AuditDraft;
use crate::scope::{Owned, ScopeFilter, authorize_change, authorize_read, region_owners};
use crate::{App, now};
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::{Argon2, password_hash::rand_core::OsRng};
use ports::UserRecord;
use serde::Serialize;
use serde_json::json;
use sportello_domain::access::{Actor, Owners, Scope};
use sportello_domain::accounts::USERS_MANAGE;
use sportello_domain::credentials::{NewPassword, Username};
use sportello_domain::places::region_code;
use sportello_domain::role::Role;
use time::Duration;
use uuid::Uuid;

/// Failed attempts after which an account is locked, and for how long.
pub const MAX_FAILED_LOGINS: i32 = 5;
pub const LOCK_DURATION: Duration = Duration::minutes(15);

#[derive(Debug, Clone)]
pub struct NewUser {
    pub username: String,
    pub display_name: String,
    pub email: Option<String>,
    pub password: String,
    pub role: Role,
    pub scope: Scope,
}

/// What an administrator may change of an account (its role and scope stay: a different
/// job is a different account).
#[derive(Debug, Clone, Default, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct UserChange {
    #[serde(default)]
    pub display_name: String,
    pub email: Option<String>,
    /// False deactivates the account (it stops working at its next request); absent
    /// leaves it as it is.
    pub active: Option<bool>,
}

/// What others may see of a user: never the hash.
#[derive(Debug, Clone, Serialize)]
pub struct UserView {
    pub id: Uuid,
    pub username: String,
    pub display_name: String,
    pub email: Option<String>,
    pub role: Role,
    pub scope: Scope,
    pub active: bool,
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: time::OffsetDateTime,
}

impl From<&UserRecord> for UserView {
    fn from(u: &UserRecord) -> Self {
        Self {
            id: u.id,
            username: u.username.clone(),
            display_name: u.display_name.clone(),
            email: u.email.clone(),
            role: u.role,
            scope: u.scope.clone(),
            active: u.active,
            created_at: u.created_at,
        }
    }
}

/// A user belongs to the region its scope lies in: what a regional administrator manages.
impl Owned for UserRecord {
    fn owners(&self) -> Owners {
        region_owners(self.region.as_deref())
    }
}

impl UserRecord {
    pub fn actor(&self) -> Actor {
        Actor {
            user_id: Some(self.id),
            token_id: None,
            name: self.username.clone(),
            role: self.role,
            scope: self.scope.clone(),
        }
    }
}

/// Argon2id with the crate's defaults (19 MiB, 2 passes): hashed off the async threads.
pub async fn hash_password(password: String) -> Result<String, AppError> {
    tokio::task::spawn_blocking(move || {
        let salt = SaltString::generate(&mut OsRng);
        Argon2::default()
            .hash_password(password.as_bytes(), &salt)
            .map(|h| h.to_string())
            .map_err(|e| AppError::Internal(e.to_string()))
    })
    .await
    .map_err(|e| AppError::Internal(e.to_string()))?
}

async fn verify_password(password: String, hash: String) -> bool {
    tokio::task::spawn_blocking(move || {
        PasswordHash::new(&hash)
            .map(|h| {
                Argon2::default()
                    .verify_password(password.as_bytes(), &h)
                    .is_ok()
            })
            .unwrap_or(false)
    })
    .await
    .unwrap_or(false)
}

pub fn audit_draft(actor: &Actor, action: &str, entity: &str, id: Option<String>) -> AuditDraft {
    AuditDraft {
        actor: actor.name.clone(),
        role: actor.role.code().to_owned(),
        action: action.to_owned(),
        entity: entity.to_owned(),
        entity_id: id,
        before: None,
        after: None,
        address: None,
    }
}

fn validate_scope(role: Role, scope: &Scope) -> Result<(), FieldError> {
    if role.scope_kind() == scope.kind() {
        Ok(())
    } else {
        Err(FieldError::new(
            "scope",
            "scope_mismatch",
            format!(
                "Il ruolo «{}» richiede un ambito di tipo «{:?}»",
                role.label(),
                role.scope_kind()
            ),
        ))
    }
}

impl App {
    /// Creates a user. `actor` is `None` only for the command line and the demo seed,
    /// which act as the system.
    pub async fn create_user(
        &self,
        actor: Option<&Actor>,
        new: NewUser,
    ) -> Result<UserView, AppError> {
        let system = system_actor();
        let actor = match actor {
            Some(a) if !a.may(USERS_MANAGE) => return Err(AppError::Forbidden),
            Some(a) => a,
            None => &system,
        };
        let mut errors = Vec::new();
        let username = Username::parse(&new.username)
            .map_err(|e| errors.push(FieldError::new("username", "username", e.to_string())))
            .ok();
        let password = NewPassword::parse(&new.password)
            .map_err(|e| errors.push(FieldError::new("password", "password", e.to_string())))
            .ok();
        let display_name = new.display_name.trim().to_owned();
        if display_name.is_empty() || display_name.chars().count() > 200 {
            errors.push(FieldError::new(
                "display_name",
                "required",
                "Indicare nome e cognome (al massimo 200 caratteri)",
            ));
        }
        let email = new
            .email
            .map(|e| e.trim().to_owned())
            .filter(|e| !e.is_empty());
        if let Some(e) = &email
            && !(e.contains('@') && e.len() <= 254 && !e.contains(' '))
        {
            errors.push(FieldError::new(
                "email",
                "email",
                "Indirizzo e-mail non valido",
            ));
        }
        let mut region = None;
        match validate_scope(new.role, &new.scope) {
            Err(e) => errors.push(e),
            Ok(()) => match self.grantable(actor, &new.scope).await {
                Ok(r) => region = r,
                Err(e) => errors.push(e),
            },
        }
        let (Some(username), Some(password), true) = (username, password, errors.is_empty()) else {
            return Err(AppError::Validation(errors));
        };
        if self
            .store
            .user_by_username(username.as_str())
            .await?
            .is_some()
        {
            return Err(AppError::Conflict {
                message: format!("Il nome utente «{username}» è già in uso"),
                existing: None,
            });
        }
        let record = UserRecord {
            id: Uuid::now_v7(),
            username: username.as_str().to_owned(),
            display_name,
            email,
            password_hash: hash_password(password.expose().to_owned()).await?,
            role: new.role,
            scope: new.scope,
            region,
            active: true,
            failed_logins: 0,
            locked_until: None,
            created_at: now(),
        };
        let view = UserView::from(&record);
        let mut tx = self.begin().await?;
        let record = authorize_change(actor, USERS_MANAGE, None, record, || {
            AppError::invalid("scope", "out_of_scope", not_in_scope(view.scope.kind()))
        })?;
        tx.users().insert_user(&record).await?;
        let mut audit = audit_draft(actor, "create", "user", Some(record.id.to_string()));
        audit.after = Some(json!(view));
        tx.audit(audit);
        tx.commit().await?;
        Ok(view)
    }

    pub async fn list_users(
        &self,
        actor: &Actor,
        after: Option<Uuid>,
        limit: u64,
    ) -> Result<Vec<UserView>, AppError> {
        if !actor.may(USERS_MANAGE) {
            return Err(AppError::Forbidden);
        }
        let users = self
            .store
            .list_users(&ScopeFilter::of(actor), after, limit)
            .await?;
        Ok(users.iter().map(UserView::from).collect())
    }

    /// Changes an account's name, e-mail and whether it may sign in. Deactivating takes
    /// effect at the user's next request (sessions look the account up each time).
    pub async fn update_user(
        &self,
        actor: &Actor,
        id: Uuid,
        change: &UserChange,
    ) -> Result<UserView, AppError> {
        let stored = self.user_record(actor, id).await?;
        let before = UserView::from(&stored);
        let active = change.active.unwrap_or(before.active);
        if actor.user_id == Some(id) && !active {
            return Err(AppError::invalid(
                "active",
                "self",
                "Non è possibile disattivare il proprio account",
            ));
        }
        let mut e = Vec::new();
        let display_name = change.display_name.trim().to_owned();
        if display_name.is_empty() || display_name.chars().count() > 200 {
            e.push(FieldError::new(
                "display_name",
                "required",
                "Indicare nome e cognome (al massimo 200 caratteri)",
            ));
        } else if sportello_domain::text::forbidden_char(&display_name).is_some() {
            e.push(FieldError::new(
                "display_name",
                "characters",
                "Contiene caratteri non ammessi",
            ));
        }
        let email = change
            .email
            .as_deref()
            .map(str::trim)
            .filter(|v| !v.is_empty())
            .map(str::to_owned);
        if let Some(v) = &email
            && !(v.contains('@') && v.len() <= 254 && !v.contains(char::is_whitespace))
        {
            e.push(FieldError::new(
                "email",
                "email",
                "Indirizzo e-mail non valido",
            ));
        }
        if !e.is_empty() {
            return Err(AppError::Validation(e));
        }
        let after = UserView {
            display_name: display_name.clone(),
            email: email.clone(),
            active,
            ..before.clone()
        };
        let changed = UserRecord {
            display_name,
            email,
            active,
            ..stored.clone()
        };
        let changed = authorize_change(actor, USERS_MANAGE, Some(&stored), changed, || {
            AppError::NotFound
        })?;
        let mut tx = self.begin().await?;
        tx.users().update_user(&changed).await?;
        let mut audit = audit_draft(actor, "update", "user", Some(id.to_string()));
        audit.before = Some(json!(before));
        audit.after = Some(json!(after));
        tx.audit(audit);
        tx.commit().await?;
        Ok(after)
    }

    /// Sets a new password chosen by the administrator (to be handed over and changed);
    /// clears the failed sign-ins and any lock. The hash never reaches the audit log.
    pub async fn reset_password(
        &self,
        actor: &Actor,
        id: Uuid,
        password: &str,
    ) -> Result<(), AppError> {
        let user = self.user_record(actor, id).await?;
        let password = NewPassword::parse(password)
            .map_err(|e| AppError::invalid("password", "password", e.to_string()))?;
        let hash = hash_password(password.expose().to_owned()).await?;
        let user = authorize_change(actor, USERS_MANAGE, Some(&user), user.clone(), || {
            AppError::NotFound
        })?;
        let mut tx = self.begin().await?;
        tx.users().set_password(&user, &hash).await?;
        tx.audit(audit_draft(
            actor,
            "reset_password",
            "user",
            Some(id.to_string()),
        ));
        Ok(tx.commit().await?)
    }

    async fn user_record(&self, actor: &Actor, id: Uuid) -> Result<UserRecord, AppError> {
        authorize_read(actor, USERS_MANAGE, self.store.user_by_id(id).await?)
    }

    /// One user, if it lies in the administrator's scope.
    pub async fn get_user(&self, actor: &Actor, id: Uuid) -> Result<UserView, AppError> {
        Ok(UserView::from(&self.user_record(actor, id).await?))
    }

    /// Signs a user in. Failures say nothing about which part was wrong; both the
    /// address and the account are rate-limited, and repeated failures lock the account.
    pub async fn login(
        &self,
        username: &str,
        password: &str,
        address: &str,
    ) -> Result<UserRecord, AppError> {
        let at = now();
        self.limits.login_by_address.hit(address, at)?;
        let key = username.trim().to_lowercase();
        self.limits.login_by_account.hit(&key, at)?;
        let user = match self.store.user_by_username(&key).await? {
            Some(u) if u.active => u,
            _ => {
                // Spend the same time as a real check so timing does not reveal accounts.
                let _ = verify_password(password.to_owned(), DUMMY_HASH.clone()).await;
                return Err(AppError::BadCredentials);
            }
        };
        if let Some(until) = user.locked_until
            && until > at
        {
            return Err(AppError::RateLimited {
                retry_after_secs: (until - at).whole_seconds().max(1) as u64,
            });
        }
        let ok = verify_password(password.to_owned(), user.password_hash.clone()).await;
        let mut audit = audit_draft(
            &user.actor(),
            if ok { "login" } else { "login_failed" },
            "user",
            Some(user.id.to_string()),
        );
        audit.address = Some(address.to_owned());
        let mut tx = self.begin().await?;
        if ok {
            tx.users().clear_failed_logins(user.id).await?;
        } else {
            tx.users()
                .count_failed_login(user.id, MAX_FAILED_LOGINS, at + LOCK_DURATION)
                .await?;
        }
        tx.audit(audit);
        tx.commit().await?;
        if ok {
            Ok(user)
        } else {
            Err(AppError::BadCredentials)
        }
    }

    pub async fn logout(&self, actor: &Actor, address: &str) -> Result<(), AppError> {
        let mut audit = audit_draft(
            actor,
            "logout",
            "user",
            actor.user_id.map(|i| i.to_string()),
        );
        audit.address = Some(address.to_owned());
        self.record(audit).await
    }

    /// Whether an account with this username exists (the demo seed asks, before creating
    /// its accounts).
    pub async fn username_taken(&self, username: &str) -> Result<bool, AppError> {
        Ok(self
            .store
            .user_by_username(&username.trim().to_lowercase())
            .await?
            .is_some())
    }

    /// The current state of a signed-in user: a deactivated account stops working at once.
    pub async fn session_user(&self, id: Uuid) -> Result<UserRecord, AppError> {
        match self.store.user_by_id(id).await? {
            Some(u) if u.active => Ok(u),
            _ => Err(AppError::Unauthenticated),
        }
    }
}

impl App {
    /// Reads the scope a form, the API or the command line gives for a role: the UUID of
    /// the record, a codice fiscale for a citizen (the account is bound to that person),
    /// a tax code for an employer, an ISTAT region code (or nothing, for every region).
    /// The record must exist and lie within the actor's own scope; one outside it is
    /// answered as if it did not exist.
    pub async fn resolve_scope(
        &self,
        actor: Option<&Actor>,
        role: &str,
        reference: &str,
    ) -> Result<(Role, Scope), AppError> {
        use sportello_domain::role::ScopeKind;
        let role: Role = role
            .trim()
            .parse()
            .map_err(|_| AppError::invalid("role", "role", "Selezionare un ruolo"))?;
        let r = reference.trim();
        // One message for "does not exist" and "outside your scope": neither reveals the other.
        let missing =
            || AppError::invalid("scope_ref", "scope_ref", not_in_scope(role.scope_kind()));
        let uuid = Uuid::parse_str(r).ok();
        // Names are looked up within the administrator's region (all regions for the system).
        let within = actor.and_then(|a| principal_region(a).ok()).flatten();
        let scope = match role.scope_kind() {
            ScopeKind::Person => {
                let found = match uuid {
                    Some(id) => self.store.person(id).await?,
                    None => self.store.person_by_cf(&r.to_uppercase()).await?,
                };
                Scope::Person(found.ok_or_else(missing)?.id)
            }
            ScopeKind::Employer => {
                let found = match uuid {
                    Some(id) => self.store.employer(id).await?,
                    None => self.store.employer_by_tax_code(&r.to_uppercase()).await?,
                };
                Scope::Employer(found.ok_or_else(missing)?.id)
            }
            ScopeKind::Office => Scope::Office(match uuid {
                Some(id) => id,
                None => self
                    .office_named(within.as_deref(), r)
                    .await?
                    .ok_or_else(missing)?,
            }),
            ScopeKind::Organisation => Scope::Organisation(match uuid {
                Some(id) => id,
                None => self
                    .organisation_named(within.as_deref(), r)
                    .await?
                    .ok_or_else(missing)?,
            }),
            ScopeKind::Region if r.is_empty() => Scope::Region(None),
            ScopeKind::Region if r.len() == 2 && r.chars().all(|c| c.is_ascii_digit()) => {
                Scope::Region(Some(r.to_owned()))
            }
            ScopeKind::Region if region_code(r).is_some() => {
                Scope::Region(region_code(r).map(str::to_owned))
            }
            ScopeKind::Region => {
                return Err(AppError::invalid(
                    "scope_ref",
                    "scope_ref",
                    "Per l'amministratore regionale indicare il codice ISTAT della regione (due cifre) o lasciare vuoto per tutte",
                ));
            }
            ScopeKind::Global => Scope::Global,
        };
        let system = system_actor();
        self.grantable(actor.unwrap_or(&system), &scope)
            .await
            .map_err(|_| missing())?;
        Ok((role, scope))
    }

    /// The office called `name` (as the scope picker lists them), if exactly one is.
    async fn office_named(
        &self,
        region: Option<&str>,
        name: &str,
    ) -> Result<Option<Uuid>, AppError> {
        let found = self
            .store
            .offices(region, None, 500)
            .await?
            .into_iter()
            .filter(|o| o.name.eq_ignore_ascii_case(name))
            .map(|o| o.id);
        Ok(the_only(found))
    }

    /// The organisation called `name`, or with this tax code, if exactly one is.
    async fn organisation_named(
        &self,
        region: Option<&str>,
        name: &str,
    ) -> Result<Option<Uuid>, AppError> {
        let found = self
            .store
            .organisations(region, None, 500)
            .await?
            .into_iter()
            .filter(|o| o.name.eq_ignore_ascii_case(name) || o.tax_code.eq_ignore_ascii_case(name))
            .map(|o| o.id);
        Ok(the_only(found))
    }

    /// What the scope picker of the user and token forms offers: the offices and the
    /// accredited organisations in the administrator's scope and its regions, by name.
    pub async fn scope_choices(&self, actor: &Actor) -> Result<Vec<String>, AppError> {
        let region = principal_region(actor)?;
        let mut out: Vec<String> = self
            .store
            .offices(region.as_deref(), None, 500)
            .await?
            .into_iter()
            .map(|o| o.name)
            .collect();
        out.extend(
            self.store
                .organisations(region.as_deref(), None, 500)
                .await?
                .into_iter()
                .map(|o| o.name),
        );
        out.extend(
            sportello_domain::places::REGIONS
                .iter()
                .filter(|(code, _)| region.as_deref().is_none_or(|r| r == *code))
                .map(|(_, name)| (*name).to_owned()),
        );
        Ok(out)
    }

    /// A principal's scope as an administrator reads it in a list: a person by name and
    /// codice fiscale, the rest as `describe_scope` names them.
    pub async fn scope_label(&self, scope: &Scope) -> Result<String, AppError> {
        match scope {
            Scope::Person(id) => Ok(match self.store.person(*id).await? {
                Some(p) => format!("{} {} ({})", p.surname, p.name, p.codice_fiscale),
                None => "persona non più registrata".to_owned(),
            }),
            other => self.describe_scope(other).await,
        }
    }

    /// A scope as a person reads it: the office, organisation, employer or region by name.
    pub async fn describe_scope(&self, scope: &Scope) -> Result<String, AppError> {
        use sportello_domain::places::region_name;
        Ok(match scope {
            Scope::Person(_) => "i propri dati".to_owned(),
            Scope::Office(id) => match self.store.office(*id).await? {
                Some(o) => o.name,
                None => "ufficio non più esistente".to_owned(),
            },
            Scope::Organisation(id) => match self.store.organisation(*id).await? {
                Some(o) => o.name,
                None => "organizzazione non più esistente".to_owned(),
            },
            Scope::Employer(id) => match self.store.employer(*id).await? {
                Some(e) => e.name,
                None => "datore di lavoro non più esistente".to_owned(),
            },
            Scope::Region(Some(r)) => format!("Regione {}", region_name(r).unwrap_or(r)),
            Scope::Region(None) => "tutte le regioni".to_owned(),
            Scope::Global => "intero sistema (sola lettura)".to_owned(),
        })
    }

    /// The owners of the record a scope points at: what `Scope::contains` compares.
    pub async fn scope_owners(&self, scope: &Scope) -> Result<Owners, AppError> {
        Ok(match scope {
            Scope::Global | Scope::Region(None) => Owners::default(),
            Scope::Region(Some(r)) => region_owners(Some(r)),
            Scope::Person(id) => self
                .store
                .person(*id)
                .await?
                .ok_or(AppError::NotFound)?
                .owners(),
            Scope::Employer(id) => self
                .store
                .employer(*id)
                .await?
                .ok_or(AppError::NotFound)?
                .owners(),
            Scope::Office(id) => self
                .store
                .office(*id)
                .await?
                .ok_or(AppError::NotFound)?
                .owners(),
            Scope::Organisation(id) => self
                .store
                .organisation(*id)
                .await?
                .ok_or(AppError::NotFound)?
                .owners(),
        })
    }

    /// Whether `actor` may give `scope` to a new user or token: it must lie inside the
    /// actor's own scope. Answers the region the scope lies in (`None` if national),
    /// which the principal keeps for scoped listings.
    pub(crate) async fn grantable(
        &self,
        actor: &Actor,
        scope: &Scope,
    ) -> Result<Option<String>, FieldError> {
        let refused = || FieldError::new("scope", "out_of_scope", not_in_scope(scope.kind()));
        let owners = self.scope_owners(scope).await.map_err(|_| refused())?;
        if actor.scope.contains(scope, &owners) {
            Ok(if scope.is_national() {
                None
            } else {
                owners.region
            })
        } else {
            Err(refused())
        }
    }
}

/// What an administrator reads when the scope they give does not exist or lies outside
/// their own: the same words for both.
pub(crate) fn not_in_scope(kind: sportello_domain::role::ScopeKind) -> &'static str {
    use sportello_domain::role::ScopeKind;
    match kind {
        ScopeKind::Person => {
            "Nessuna persona con questo codice fiscale o identificativo nel suo ambito di competenza"
        }
        ScopeKind::Employer => {
            "Nessun datore di lavoro con questo codice fiscale, partita IVA o identificativo nel suo ambito di competenza"
        }
        ScopeKind::Office => {
            "Nessun ufficio con questo identificativo nel suo ambito di competenza"
        }
        ScopeKind::Organisation => {
            "Nessuna organizzazione accreditata con questo identificativo nel suo ambito di competenza"
        }
        ScopeKind::Region | ScopeKind::Global => {
            "Questo ambito è più ampio del suo: può indicare solo la regione di sua competenza"
        }
    }
}

/// The one id a name matches; none when it matches none or several (ambiguous).
fn the_only(mut ids: impl Iterator<Item = Uuid>) -> Option<Uuid> {
    match (ids.next(), ids.next()) {
        (Some(id), None) => Some(id),
        _ => None,
    }
}

/// Which principals an administrator sees: every one for a national scope, those of
/// the region for a regional one; no other scope manages principals.
pub(crate) fn principal_region(actor: &Actor) -> Result<Option<String>, AppError> {
    match &actor.scope {
        s if s.is_national() => Ok(None),
        Scope::Region(Some(r)) => Ok(Some(r.clone())),
        _ => Err(AppError::Forbidden),
    }
}

/// The actor used by the command line and the demo seed.
pub fn system_actor() -> Actor {
    Actor {
        user_id: None,
        token_id: None,
        name: "sistema".to_owned(),
        role: Role::RegionalAdmin,
        scope: Scope::Region(None),
    }
}

/// A real Argon2id hash of nothing anyone knows, for refusals that take as long as a check.
static DUMMY_HASH: std::sync::LazyLock<String> = std::sync::LazyLock::new(|| {
    let salt = SaltString::generate(&mut OsRng);
    Argon2::default()
        .hash_password(Uuid::new_v4().as_bytes(), &salt)
        .map(|h| h.to_string())
        .unwrap_or_default()
});
