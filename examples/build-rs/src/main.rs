//! `build-rs-example BASE_URL`: lists the books of the Bookshelf API at `BASE_URL`.

use build_rs_example::Client;

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let base_url = std::env::args().nth(1).ok_or("usage: build-rs-example BASE_URL")?;
    let client = Client::builder().base_url(base_url).max_retries(0).build()?;
    for book in client.list_books().await? {
        println!(
            "{} ({:?}, {})",
            book.title,
            book.genre,
            book.year.map_or("?".into(), |year| year.to_string())
        );
    }
    Ok(())
}
