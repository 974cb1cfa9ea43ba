//! A Kubernetes API server and control-plane simulator (see README of the issue tracker).
