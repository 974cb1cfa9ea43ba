//! The OS keyring behind a store trait. (In progress.)
