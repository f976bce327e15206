use crate::access::{ClientAddress, CurrentActor, SESSION_LOGIN_AT, SESSION_USER};
use crate::csrf;
use crate::error::PageError;
use crate::extract::Form;
use crate::extract::Query;
use crate::page::{Chrome, FormErrors};
use crate::state::AppState;
use askama::Template;
use askama_web::WebTemplate;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use sportello_app::{AppError, FieldError};
use tower_sessions::Session;

#[derive(Template, WebTemplate)]
#[template(path = "accounts/login.html")]
pub struct LoginPage {
    pub c: Chrome,
    pub username: String,
    pub next: String,
    pub message: Option<String>,
    pub errors: FormErrors,
}

#[derive(Deserialize, Default)]
pub struct NextQuery {
    next: Option<String>,
}

/// Where to go after signing in: only a path of this site that parses back to itself.
/// Browsers drop tabs and newlines and read `\\` as `/`, so `/%09/evil.example` or
/// `/\\evil.example` would leave the site; anything unusual goes home instead.
fn safe_next(next: Option<&str>) -> String {
    let Some(n) = next else {
        return "/".to_owned();
    };
    let plain = n.starts_with('/')
        && !n.starts_with("//")
        && !n
            .chars()
            .any(|c| c == '\\' || c.is_whitespace() || c.is_control());
    let same_path = plain
        && n.parse::<axum::http::Uri>().is_ok_and(|u| {
            u.scheme().is_none()
                && u.authority().is_none()
                && u.path_and_query().is_some_and(|p| p.as_str() == n)
        });
    if same_path {
        n.to_owned()
    } else {
        "/".to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::safe_next;

    #[test]
    fn next_stays_on_this_site() {
        for ok in ["/", "/persons?q=rossi", "/persons/0190a1b2-c3d4"] {
            assert_eq!(safe_next(Some(ok)), ok);
        }
        for bad in [
            "//evil.example",
            "/\t/evil.example",
            "/\\evil.example",
            "\\\\evil.example",
            "/\n/evil.example",
            "/\r\nSet-Cookie: x=1",
            "https://evil.example",
            "evil.example",
            "/ /evil.example",
            "",
        ] {
            assert_eq!(safe_next(Some(bad)), "/", "{bad:?}");
        }
        assert_eq!(safe_next(None), "/");
    }
}

pub async fn login_form(c: Chrome, Query(q): Query<NextQuery>) -> Response {
    if c.actor.is_some() {
        return Redirect::to(&safe_next(q.next.as_deref())).into_response();
    }
    LoginPage {
        c,
        username: String::new(),
        next: safe_next(q.next.as_deref()),
        message: None,
        errors: FormErrors::default(),
    }
    .into_response()
}

#[derive(Deserialize)]
pub struct LoginForm {
    #[serde(default)]
    username: String,
    #[serde(default)]
    password: String,
    next: Option<String>,
}

pub async fn login(
    State(st): State<AppState>,
    session: Session,
    c: Chrome,
    ClientAddress(address): ClientAddress,
    Form(f): Form<LoginForm>,
) -> Result<Response, PageError> {
    let next = safe_next(f.next.as_deref());
    let mut missing = Vec::new();
    if f.username.trim().is_empty() {
        missing.push(FieldError::new(
            "username",
            "required",
            "Inserire il nome utente",
        ));
    }
    if f.password.is_empty() {
        missing.push(FieldError::new(
            "password",
            "required",
            "Inserire la password",
        ));
    }
    let result = if missing.is_empty() {
        st.app.login(&f.username, &f.password, &address).await
    } else {
        Err(AppError::Validation(missing))
    };
    let (status, message, errors) = match result {
        Ok(user) => {
            // A new id at login: a session id planted before login is worth nothing after.
            let err = |e: tower_sessions::session::Error| AppError::Internal(e.to_string());
            session.cycle_id().await.map_err(err)?;
            session.insert(SESSION_USER, user.id).await.map_err(err)?;
            session
                .insert(
                    SESSION_LOGIN_AT,
                    time::OffsetDateTime::now_utc().unix_timestamp(),
                )
                .await
                .map_err(err)?;
            session
                .remove::<String>(csrf::SESSION_CSRF)
                .await
                .map_err(err)?;
            return Ok(Redirect::to(&next).into_response());
        }
        Err(AppError::Validation(fs)) => (StatusCode::UNPROCESSABLE_ENTITY, None, fs),
        Err(AppError::BadCredentials) => (
            StatusCode::UNAUTHORIZED,
            Some("Nome utente o password non corretti.".to_owned()),
            vec![],
        ),
        Err(e @ AppError::RateLimited { .. }) => (
            StatusCode::TOO_MANY_REQUESTS,
            Some(format!(
                "{e}. Per sicurezza l'accesso è temporaneamente sospeso."
            )),
            vec![],
        ),
        Err(e) => return Err(e.into()),
    };
    let page = LoginPage {
        c,
        username: f.username,
        next,
        message,
        errors: FormErrors(errors),
    };
    Ok((status, page).into_response())
}

pub async fn logout(
    State(st): State<AppState>,
    session: Session,
    CurrentActor(actor): CurrentActor,
    ClientAddress(address): ClientAddress,
) -> Result<Response, PageError> {
    st.app.logout(&actor, &address).await?;
    session
        .flush()
        .await
        .map_err(|e| AppError::Internal(e.to_string()))?;
    Ok(Redirect::to("/login").into_response())
}
