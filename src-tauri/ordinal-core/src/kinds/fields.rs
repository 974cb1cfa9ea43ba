//! [`Fields`]: the small string-keyed map a row's cells, sort values and facts live in.
//!
//! A watch over 50,000 pods holds 50,000 rows, each with a handful of cells. A `BTreeMap`
//! allocates a whole node (room for 11 entries) for the first one, so a pod row with five cells,
//! three sort values and one status parameter carried about 2 KB of empty node space. `Fields`
//! is a vector sorted by key, sized exactly, whose keys are usually `&'static str` column ids
//! (no allocation). It serialises as the same JSON object, in the same (sorted) order.

use std::borrow::{Borrow, Cow};
use std::fmt;
use std::marker::PhantomData;

use serde::de::{MapAccess, Visitor};
use serde::ser::SerializeMap;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

pub type FieldKey = Cow<'static, str>;

/// A map from column id (or parameter name) to a value, sorted by key.
#[derive(Clone, PartialEq)]
pub struct Fields<V>(Vec<(FieldKey, V)>);

impl<V> Default for Fields<V> {
    fn default() -> Self {
        Fields(Vec::new())
    }
}

impl<V> Fields<V> {
    pub fn new() -> Self {
        Self::default()
    }

    fn find(&self, key: &str) -> Result<usize, usize> {
        self.0.binary_search_by(|(k, _)| k.as_ref().cmp(key))
    }

    /// Sets `key` to `value`, returning the value it replaces. Grows by exactly one entry.
    pub fn insert(&mut self, key: impl Into<FieldKey>, value: V) -> Option<V> {
        let key = key.into();
        match self.find(&key) {
            Ok(i) => Some(std::mem::replace(&mut self.0[i].1, value)),
            Err(i) => {
                self.0.reserve_exact(1);
                self.0.insert(i, (key, value));
                None
            }
        }
    }

    pub fn get<Q: Borrow<str> + ?Sized>(&self, key: &Q) -> Option<&V> {
        self.find(key.borrow()).ok().map(|i| &self.0[i].1)
    }

    pub fn get_mut(&mut self, key: &str) -> Option<&mut V> {
        self.find(key).ok().map(|i| &mut self.0[i].1)
    }

    pub fn contains_key(&self, key: &str) -> bool {
        self.find(key).is_ok()
    }

    pub fn remove(&mut self, key: &str) -> Option<V> {
        self.find(key).ok().map(|i| self.0.remove(i).1)
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// In key order.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &V)> {
        self.0.iter().map(|(k, v)| (k.as_ref(), v))
    }

    pub fn keys(&self) -> impl Iterator<Item = &str> {
        self.0.iter().map(|(k, _)| k.as_ref())
    }

    pub fn values(&self) -> impl Iterator<Item = &V> {
        self.0.iter().map(|(_, v)| v)
    }
}

impl<V> std::ops::Index<&str> for Fields<V> {
    type Output = V;
    /// Panics when `key` is missing, as `BTreeMap`'s does.
    fn index(&self, key: &str) -> &V {
        self.get(key).unwrap_or_else(|| panic!("no field {key:?}"))
    }
}

impl<V: fmt::Debug> fmt::Debug for Fields<V> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_map().entries(self.iter()).finish()
    }
}

impl<K: Into<FieldKey>, V> FromIterator<(K, V)> for Fields<V> {
    fn from_iter<I: IntoIterator<Item = (K, V)>>(iter: I) -> Self {
        let mut fields = Fields::new();
        for (k, v) in iter {
            fields.insert(k, v);
        }
        fields
    }
}

impl<K: Into<FieldKey>, V, const N: usize> From<[(K, V); N]> for Fields<V> {
    fn from(entries: [(K, V); N]) -> Self {
        entries.into_iter().collect()
    }
}

impl<V: Serialize> Serialize for Fields<V> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(self.0.len()))?;
        for (k, v) in &self.0 {
            map.serialize_entry(k.as_ref(), v)?;
        }
        map.end()
    }
}

impl<'de, V: Deserialize<'de>> Deserialize<'de> for Fields<V> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct FieldsVisitor<V>(PhantomData<V>);
        impl<'de, V: Deserialize<'de>> Visitor<'de> for FieldsVisitor<V> {
            type Value = Fields<V>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a map")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut access: A) -> Result<Self::Value, A::Error> {
                let mut fields = Fields::new();
                while let Some((k, v)) = access.next_entry::<String, V>()? {
                    fields.insert(k, v);
                }
                Ok(fields)
            }
        }
        deserializer.deserialize_map(FieldsVisitor(PhantomData))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;

    #[test]
    fn behaves_as_a_sorted_map_and_serialises_like_one() {
        let mut f = Fields::new();
        assert_eq!(f.insert("status", 1), None);
        assert_eq!(f.insert("age", 2), None);
        assert_eq!(f.insert(String::from("name"), 3), None);
        assert_eq!(f.insert("age", 4), Some(2));
        assert_eq!(f.get("age"), Some(&4));
        assert_eq!(f.get("missing"), None);
        assert_eq!(f.keys().collect::<Vec<_>>(), ["age", "name", "status"]);
        // exactly sized: a row keeps no spare room
        assert_eq!(f.0.capacity(), 3);

        let map: BTreeMap<&str, i32> = [("status", 1), ("age", 4), ("name", 3)].into();
        let json = serde_json::to_string(&f).unwrap();
        assert_eq!(json, serde_json::to_string(&map).unwrap());
        let back: Fields<i32> = serde_json::from_str(&json).unwrap();
        assert_eq!(back, f);
        assert_eq!(f.remove("name"), Some(3));
        assert_eq!(f.len(), 2);
    }
}
