//! Resolving local `$ref`s (`#/components/<kind>/<name>`), following chains and
//! refusing loops.

use openapiv3::{Components, ReferenceOr};

/// The component name of a local reference of `kind` (`schemas`, `parameters`, …).
pub fn component_name<'r>(reference: &'r str, kind: &str) -> Option<&'r str> {
    let rest = reference.strip_prefix("#/components/")?;
    let name = rest.strip_prefix(kind)?.strip_prefix('/')?;
    if name.contains('/') {
        None
    } else {
        Some(name)
    }
}

/// Decodes JSON-pointer escapes in a reference token.
pub fn unescape(token: &str) -> String {
    token.replace("~1", "/").replace("~0", "~")
}

/// Follows `item` through `$ref`s into `components.<kind>`, returning the target and
/// the pointer it lives at; the error message names both ends of a broken link.
pub fn resolve<'a, T>(
    item: &'a ReferenceOr<T>,
    pointer: &str,
    kind: &str,
    components: Option<&'a Components>,
    lookup: impl Fn(&'a Components) -> &'a indexmap::IndexMap<String, ReferenceOr<T>>,
) -> Result<(&'a T, String), String> {
    let mut current = item;
    let mut here = pointer.to_owned();
    for _ in 0..32 {
        match current {
            ReferenceOr::Item(target) => return Ok((target, here)),
            ReferenceOr::Reference { reference } => {
                let Some(name) = component_name(reference, kind) else {
                    return Err(format!(
                        "$ref {reference:?} at #{here} is not a local reference to #/components/{kind}"
                    ));
                };
                let name = unescape(name);
                let Some(next) = components.and_then(|all| lookup(all).get(&name)) else {
                    return Err(format!(
                        "$ref at #{here} points to #/components/{kind}/{name}, which does not exist"
                    ));
                };
                here = crate::pointer::join(&format!("/components/{kind}"), &name);
                current = next;
            }
        }
    }
    Err(format!(
        "$ref chain starting at #{pointer} is longer than 32 links (a loop?)"
    ))
}
