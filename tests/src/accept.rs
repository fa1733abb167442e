//! The `APIGEN_ACCEPT` switch that lets a snapshot-style test rewrite its expected
//! file instead of comparing against it.

/// The environment variable that switches tests from comparing to rewriting.
pub const VARIABLE: &str = "APIGEN_ACCEPT";

/// Reads the switch: `1` accepts, unset or `0` compares. Any other value is a mistake
/// (`APIGEN_ACCEPT=yes`, `=true`, an empty value) and gets an error rather than a guess,
/// so a typo never rewrites expected files nor silently skips the rewrite.
pub fn parse(value: Option<&str>) -> Result<bool, String> {
    match value {
        None | Some("0") => Ok(false),
        Some("1") => Ok(true),
        Some(other) => Err(format!(
            "{VARIABLE}={other:?} is not understood: set {VARIABLE}=1 to accept, or leave it unset"
        )),
    }
}

/// Refuses accepting under CI: there, expected files are only ever compared, so a CI
/// job that sets the variable cannot make a stale snapshot pass by rewriting it.
pub fn allowed(accepting: bool, in_ci: bool) -> Result<bool, String> {
    if accepting && in_ci {
        return Err(format!(
            "{VARIABLE}=1 is refused under CI (CI=true): accept snapshots locally and commit them"
        ));
    }
    Ok(accepting)
}

/// Whether this run should rewrite expected files (see [`parse`] and [`allowed`]).
/// Panics, failing the calling test with the reason, when the variable holds anything
/// but `0` or `1`, or is `1` under CI.
pub fn accepting() -> bool {
    let value = std::env::var(VARIABLE).ok();
    parse(value.as_deref())
        .and_then(|accepting| allowed(accepting, in_ci()))
        .unwrap_or_else(|message| panic!("{message}"))
}

/// `CI=true` or `CI=1`, as `xtask::corpus::in_ci` reads it.
fn in_ci() -> bool {
    std::env::var("CI").is_ok_and(|value| value == "true" || value == "1")
}

#[cfg(test)]
mod tests {
    use super::{allowed, parse};

    #[test]
    fn accepting_is_refused_under_ci() {
        assert_eq!(allowed(true, false), Ok(true));
        assert_eq!(allowed(false, true), Ok(false));
        let error = allowed(true, true).expect_err("refused under CI");
        assert!(error.contains("refused under CI"), "{error}");
    }

    #[test]
    fn only_one_accepts_and_zero_or_unset_compare() {
        assert_eq!(parse(None), Ok(false));
        assert_eq!(parse(Some("0")), Ok(false));
        assert_eq!(parse(Some("1")), Ok(true));
    }

    #[test]
    fn other_values_are_errors() {
        for value in ["", "true", "yes", "2", " 1"] {
            let error = parse(Some(value)).expect_err(value);
            assert!(error.contains("APIGEN_ACCEPT=1"), "{error}");
        }
    }
}
