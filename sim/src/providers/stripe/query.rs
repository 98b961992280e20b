//! Stripe's query style: form-encoded, arrays as `types[]=a&types[]=b` (or `types[0]=a`),
//! ranges as `created[gte]=…`; unknown parameters are refused as Stripe does.

use axum::response::Response;

use crate::errors;

/// The decoded `key=value` pairs of a query string, in order.
pub struct Params(Vec<(String, String)>);

impl Params {
    pub fn parse(query: Option<&str>) -> Params {
        let pairs = query
            .unwrap_or("")
            .split('&')
            .filter(|p| !p.is_empty())
            .map(|p| {
                let (k, v) = p.split_once('=').unwrap_or((p, ""));
                (decode(k), decode(v))
            })
            .collect();
        Params(pairs)
    }

    /// A plain parameter (`limit=10`).
    pub fn get(&self, name: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    /// An array parameter: `name[]=…` or `name[N]=…`.
    pub fn list(&self, name: &str) -> Vec<String> {
        self.0
            .iter()
            .filter(|(k, _)| {
                bracket(k).is_some_and(|(base, sub)| {
                    base == name && sub.chars().all(|c| c.is_ascii_digit())
                })
            })
            .map(|(_, v)| v.clone())
            .collect()
    }

    /// A hash parameter's entries: `name[gte]=…` → `("gte", …)`.
    pub fn hash(&self, name: &str) -> Vec<(String, String)> {
        self.0
            .iter()
            .filter_map(|(k, v)| match bracket(k) {
                Some((base, sub))
                    if base == name
                        && !sub.is_empty()
                        && !sub.chars().all(|c| c.is_ascii_digit()) =>
                {
                    Some((sub.to_string(), v.clone()))
                }
                _ => None,
            })
            .collect()
    }

    /// 400 `parameter_unknown` for a parameter the operation does not take.
    pub fn only(&self, known: &[&str]) -> Result<(), Response> {
        match self
            .0
            .iter()
            .find(|(k, _)| !known.contains(&bracket(k).map_or(k.as_str(), |(b, _)| b)))
        {
            Some((k, _)) => Err(errors::stripe(
                400,
                Some("parameter_unknown"),
                &format!("Received unknown parameter: {k}"),
                Some(k),
            )),
            None => Ok(()),
        }
    }

    /// `expand[]` paths.
    pub fn expand(&self) -> Vec<String> {
        self.list("expand")
    }

    /// An optional boolean (`true`/`false`).
    pub fn boolean(&self, name: &str) -> Result<Option<bool>, Response> {
        match self.get(name) {
            None => Ok(None),
            Some("true") => Ok(Some(true)),
            Some("false") => Ok(Some(false)),
            Some(v) => Err(errors::stripe(
                400,
                Some("parameter_invalid_boolean"),
                &format!("Invalid boolean: {v}"),
                Some(name),
            )),
        }
    }
}

/// `base[sub]` → `(base, sub)`.
fn bracket(key: &str) -> Option<(&str, &str)> {
    let open = key.find('[')?;
    let inner = key[open + 1..].strip_suffix(']')?;
    Some((&key[..open], inner))
}

/// Percent-decoding of a form value (`+` is a space).
fn decode(s: &str) -> String {
    let hex = |b: u8| (b as char).to_digit(16);
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let pair = bytes.get(i + 1).zip(bytes.get(i + 2));
        match (
            bytes[i],
            pair.and_then(|(h, l)| Some(hex(*h)? * 16 + hex(*l)?)),
        ) {
            (b'%', Some(b)) => {
                out.push(b as u8);
                i += 2;
            }
            (b'+', _) => out.push(b' '),
            (b, _) => out.push(b),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// A whole number, else 400 `parameter_invalid_integer` naming the parameter.
pub fn integer(param: &str, v: &str) -> Result<i64, Response> {
    v.parse::<i64>().map_err(|_| {
        errors::stripe(
            400,
            Some("parameter_invalid_integer"),
            &format!("Invalid integer: {v}"),
            Some(param),
        )
    })
}

/// `created` as an integer (equal) or `created[gt|gte|lt|lte]`: a predicate on unix seconds.
pub fn created_filter(p: &Params) -> Result<Box<dyn Fn(i64) -> bool + Send>, Response> {
    range_filter(p, "created")
}

/// A time parameter (`range_query_specs`): an integer (equal) or `name[gt|gte|lt|lte]`.
pub fn range_filter(p: &Params, name: &str) -> Result<Box<dyn Fn(i64) -> bool + Send>, Response> {
    let mut bounds: Vec<(String, i64)> = Vec::new();
    if let Some(v) = p.get(name) {
        bounds.push(("eq".into(), integer(name, v)?));
    }
    for (op, v) in p.hash(name) {
        let param = format!("{name}[{op}]");
        if !matches!(op.as_str(), "gt" | "gte" | "lt" | "lte") {
            return Err(errors::stripe(
                400,
                Some("parameter_unknown"),
                &format!("Received unknown parameter: {param}"),
                Some(&param),
            ));
        }
        bounds.push((op, integer(&param, &v)?));
    }
    Ok(Box::new(move |t| {
        bounds.iter().all(|(op, b)| match op.as_str() {
            "gt" => t > *b,
            "gte" => t >= *b,
            "lt" => t < *b,
            "lte" => t <= *b,
            _ => t == *b,
        })
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn brackets_arrays_and_hashes_are_read_as_stripe_sends_them() {
        let p = Params::parse(Some(
            "types%5B%5D=invoice.paid&types[1]=customer.created&created%5Bgte%5D=10&limit=5&q=a+b%21",
        ));
        assert_eq!(p.list("types"), ["invoice.paid", "customer.created"]);
        assert_eq!(p.hash("created"), [("gte".to_string(), "10".to_string())]);
        assert_eq!((p.get("limit"), p.get("q")), (Some("5"), Some("a b!")));
        assert!(p.only(&["types", "created", "limit", "q"]).is_ok());
        assert!(p.only(&["types", "limit", "q"]).is_err());
        let f = created_filter(&p).ok().unwrap();
        assert!(f(10) && !f(9));
    }
}
