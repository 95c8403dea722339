//! What a call made for a newer Kanboard does on an older one: `createProject` with `email`
//! (Kanboard 1.2.45 and later) is refused before anything is sent, since an older server would
//! drop the address without an error; the same call without it goes through.
//!
//! `cargo run --example older_server` (KANBOARD_URL and KANBOARD_TOKEN set)

use kanboard::{Error, KanboardClient};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let (Ok(url), Ok(token)) = (
        std::env::var("KANBOARD_URL"),
        std::env::var("KANBOARD_TOKEN"),
    ) else {
        eprintln!("set KANBOARD_URL (…/jsonrpc.php) and KANBOARD_TOKEN (Settings → API) first");
        std::process::exit(2);
    };
    let kb = KanboardClient::new(url, token)?;
    let name = format!("older-server-{}", std::process::id());
    let before = kb.projects().get_all_projects().send().await?.len();
    match kb
        .projects()
        .create_project(&name)
        .email("team@example.org")
        .send()
        .await
    {
        Ok(id) => {
            println!("created project #{id} with its email (the server has it)");
            kb.projects().remove_project(id).send().await?;
        }
        Err(e @ Error::NotInRelease { .. }) => {
            println!("refused: {e}");
            let after = kb.projects().get_all_projects().send().await?.len();
            println!("projects before: {before}, after: {after} (nothing was sent)");
            let id = kb.projects().create_project(&name).send().await?;
            println!("created project #{id} without the email");
            kb.projects().remove_project(id).send().await?;
        }
        Err(e) => return Err(e.into()),
    }
    Ok(())
}
