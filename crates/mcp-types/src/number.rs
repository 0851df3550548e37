//! Serialization of the schema's `number` fields, which this crate holds as `f64`.
//!
//! A whole number is written without a fraction (`50`, not `50.0`), so a value read from the wire
//! is written back exactly as it came for every number a JSON peer can send losslessly.

use serde::Serializer;

/// The largest magnitude below which every whole `f64` is an exact integer (2^53).
const MAX_EXACT: f64 = 9_007_199_254_740_992.0;

/// Writes an `f64`, as an integer when it is a whole number.
pub(crate) fn serialize<S: Serializer>(value: &f64, serializer: S) -> Result<S::Ok, S::Error> {
    let v = *value;
    if v.fract() == 0.0 && v.abs() <= MAX_EXACT {
        if v >= 0.0 {
            serializer.serialize_u64(v as u64)
        } else {
            serializer.serialize_i64(v as i64)
        }
    } else {
        serializer.serialize_f64(v)
    }
}

/// [`serialize`] for an optional field (used with `skip_serializing_if = "Option::is_none"`).
pub(crate) fn serialize_opt<S: Serializer>(
    value: &Option<f64>,
    serializer: S,
) -> Result<S::Ok, S::Error> {
    match value {
        Some(v) => serialize(v, serializer),
        None => serializer.serialize_none(),
    }
}

#[cfg(test)]
mod tests {
    use serde::Serialize;

    #[derive(Serialize)]
    struct N(#[serde(serialize_with = "super::serialize")] f64);

    fn text(v: f64) -> String {
        serde_json::to_string(&N(v)).unwrap()
    }

    #[test]
    fn whole_numbers_are_written_as_integers() {
        assert_eq!(text(50.0), "50");
        assert_eq!(text(-3.0), "-3");
        assert_eq!(text(0.0), "0");
        assert_eq!(text(0.5), "0.5");
        assert_eq!(text(1e300), "1e+300");
        assert_eq!(text(f64::NAN), "null");
    }

    #[test]
    fn numbers_round_trip_through_f64() {
        for input in ["50", "0.8", "-12", "100000", "3.14159", "9007199254740992"] {
            let v: f64 = serde_json::from_str(input).unwrap();
            assert_eq!(text(v), input);
        }
    }
}
