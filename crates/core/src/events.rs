//! Events as values: what a decision wants recorded on an object (reason, type, message). The
//! runtime turns them into core/v1 Events.
//!
//! Owns: the event value type. Must not: emit anything.

/// Normal or Warning.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum EventType {
    /// Something expected happened.
    Normal,
    /// Something needs attention.
    Warning,
}

/// One event to record.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Event {
    /// Normal or Warning.
    pub type_: EventType,
    /// The reason (see `flotilla_api::constants::events`).
    pub reason: &'static str,
    /// Human-readable message.
    pub message: String,
}

impl Event {
    /// A Normal event.
    pub fn normal(reason: &'static str, message: impl Into<String>) -> Self {
        Event {
            type_: EventType::Normal,
            reason,
            message: message.into(),
        }
    }

    /// A Warning event.
    pub fn warning(reason: &'static str, message: impl Into<String>) -> Self {
        Event {
            type_: EventType::Warning,
            reason,
            message: message.into(),
        }
    }
}

impl Event {
    /// True for Warning events.
    pub fn is_warning(&self) -> bool {
        self.type_ == EventType::Warning
    }

    /// The Kubernetes event type: `Warning` or `Normal`.
    pub fn event_type(&self) -> &'static str {
        match self.type_ {
            EventType::Normal => "Normal",
            EventType::Warning => "Warning",
        }
    }
}
