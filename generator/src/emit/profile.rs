//! Emits the generated crate's `API` constant: the runtime's `ApiProfile` for this
//! API (default base URL, user agent, error code/message pointers, request-id and
//! rate-limit headers), so the runtime itself stays API-neutral.

use crate::ir::{ApiConventions, ResetFormat};
use proc_macro2::TokenStream;
use quote::quote;

/// `pub const API: ApiProfile = …;`, referring to `DEFAULT_BASE_URL` and `USER_AGENT`
/// (and `SECURITY_SCHEMES` through the `security` setter, when the spec has schemes).
pub fn api_const(conventions: &ApiConventions, security: TokenStream) -> TokenStream {
    let mut setters = TokenStream::new();
    if !conventions.error_code.is_empty() {
        let pointers = &conventions.error_code;
        setters.extend(quote! { .error_code(&[#(#pointers),*]) });
    }
    if !conventions.error_message.is_empty() {
        let pointers = &conventions.error_message;
        setters.extend(quote! { .error_message(&[#(#pointers),*]) });
    }
    if let Some(name) = &conventions.request_id_header {
        setters.extend(quote! { .request_id_header(#name) });
    }
    let mut headers = TokenStream::new();
    if let Some(name) = &conventions.rate_limit_limit {
        headers.extend(quote! { .limit(#name) });
    }
    if let Some(name) = &conventions.rate_limit_remaining {
        headers.extend(quote! { .remaining(#name) });
    }
    if let Some(name) = &conventions.rate_limit_reset {
        let format = match conventions.reset_format {
            ResetFormat::UnixSeconds => quote! { UnixSeconds },
            ResetFormat::DeltaSeconds => quote! { DeltaSeconds },
            ResetFormat::Auto => quote! { Auto },
        };
        headers.extend(quote! { .reset(#name, apigen_runtime::ResetFormat::#format) });
    }
    if !headers.is_empty() {
        setters.extend(quote! { .rate_limit_headers(apigen_runtime::RateLimitHeaders::NONE #headers) });
    }
    if !conventions.stream_end_markers.is_empty() {
        let markers = &conventions.stream_end_markers;
        setters.extend(quote! { .stream_end_markers(&[#(#markers),*]) });
    }
    if let Some(bytes) = conventions.max_stream_item {
        let bytes = proc_macro2::Literal::usize_unsuffixed(usize::try_from(bytes).unwrap_or(usize::MAX));
        setters.extend(quote! { .max_stream_item_size(#bytes) });
    }
    setters.extend(security);
    quote! {
        /// This API's conventions as the runtime needs them: base URL, `User-Agent`,
        /// where error bodies keep the code and message, and the request-id and
        /// rate-limit headers, the end markers of event streams (from the spec and its
        /// `x-apigen-conventions` extension).
        pub const API: apigen_runtime::ApiProfile =
            apigen_runtime::ApiProfile::new(DEFAULT_BASE_URL, USER_AGENT) #setters;
    }
}
