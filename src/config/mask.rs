//! Showing a secret without revealing it.

/// `****` and the last four characters, as kanboard-cli's `config show` prints a token.
pub fn mask(secret: &str) -> String {
    let n = secret.chars().count();
    if n <= 4 {
        "****".into()
    } else {
        let tail: String = secret.chars().skip(n - 4).collect();
        format!("****{tail}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mask_keeps_last_four() {
        assert_eq!(mask("abcdefgh"), "****efgh");
        assert_eq!(mask("abcd"), "****");
        assert_eq!(mask(""), "****");
    }
}
