//! The login Lambda: JSON logs, services from the environment, the router under
//! `lambda_http`.

use web::{SiteSettings, WebState};

#[tokio::main]
async fn main() -> Result<(), lambda_http::Error> {
    app::logs::init_lambda_json();
    let services = app::Services::from_env().await?;
    // Through app::secrets: in AWS, WEB_SECRET comes from Secrets Manager (WEB_SECRET_SECRET_ARN).
    let site = SiteSettings::from_lookup(app::secrets::lookup)?;
    let router = web::with_not_found(login::router(WebState::new(services, site)))
        .layer(axum::middleware::from_fn(web::flood::client_from_lambda));
    lambda_http::run(router).await
}
