//! The login Lambda: JSON logs, services and settings from the environment, the router under
//! `lambda_http`.

use web::WebState;

#[tokio::main]
async fn main() -> Result<(), lambda_http::Error> {
    app::logs::init_lambda_json();
    let (services, site) = app::Services::from_env::<login::SettingsParts>().await?;
    let router = web::with_not_found(login::router(WebState::new(services, site)))
        .layer(axum::middleware::from_fn(web::flood::client_from_lambda));
    lambda_http::run(router).await
}
