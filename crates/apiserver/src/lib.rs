//! Flotilla's Kubernetes-compatible API server (kube-api.md): the resource registry, discovery,
//! CRUD and watch over `flotilla-store`, patches, admission of Flotilla's kinds, and Status
//! errors — so that the real kubectl and kube-rs work against it.
//!
//! Owns: the HTTP API's behaviour. Must not: make failover or scheduling decisions.

pub mod apply;
pub mod auth;
pub mod base64;
pub mod builtin_schema;
pub mod cascade;
pub mod crd;
pub mod crd_schema;
pub mod discovery;
pub mod events;
pub mod fieldset;
pub mod gc;
pub mod kubeconfig;
pub mod objects;
pub mod openapi;
pub mod patch;
pub mod printers;
pub mod protobuf;
pub mod query;
pub mod registry;
pub mod route;
pub mod selectors;
pub mod server;
pub mod status;
pub mod table;
pub mod tls;
