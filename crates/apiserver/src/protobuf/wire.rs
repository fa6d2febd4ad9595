//! The protobuf wire format, read by hand: varints, tags, length-delimited payloads, and skipping
//! of fields nobody asked for. Every error carries the absolute byte offset into the request body.
//!
//! Owns: bytes → (field, wire type, payload). Must not: know any message schema.

use super::ProtobufError;

/// The wire types a reader can meet (groups, 3 and 4, are rejected as malformed).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum WireType {
    /// 0: a varint.
    Varint,
    /// 1: eight bytes.
    Fixed64,
    /// 2: a varint length, then that many bytes.
    Len,
    /// 5: four bytes.
    Fixed32,
}

impl WireType {
    /// The number on the wire.
    pub(super) fn code(self) -> u8 {
        match self {
            Self::Varint => 0,
            Self::Fixed64 => 1,
            Self::Len => 2,
            Self::Fixed32 => 5,
        }
    }
}

/// One field's key: its number, wire type, and the offset of the key's first byte.
#[derive(Clone, Copy, Debug)]
pub(super) struct Tag {
    /// Field number (1 ..= 2^29 - 1).
    pub(super) field: u32,
    /// How the value is laid out.
    pub(super) wire: WireType,
    /// Absolute offset of the key.
    pub(super) offset: usize,
}

/// A cursor over one message's bytes; `base` is the absolute offset of `buf[0]` in the body.
pub(super) struct Reader<'a> {
    buf: &'a [u8],
    pos: usize,
    base: usize,
}

impl<'a> Reader<'a> {
    /// Reads `buf`, which starts at absolute offset `base`.
    pub(super) fn new(buf: &'a [u8], base: usize) -> Self {
        Self { buf, pos: 0, base }
    }

    /// Absolute offset of the next unread byte.
    pub(super) fn offset(&self) -> usize {
        self.base + self.pos
    }

    /// A base-128 varint of at most ten bytes.
    pub(super) fn varint(&mut self) -> Result<u64, ProtobufError> {
        let start = self.offset();
        let mut value = 0u64;
        for i in 0..10 {
            let Some(&byte) = self.buf.get(self.pos) else {
                return Err(ProtobufError::Truncated { offset: start });
            };
            self.pos += 1;
            if i == 9 && byte > 1 {
                return Err(ProtobufError::VarintOverflow { offset: start });
            }
            value |= u64::from(byte & 0x7f) << (7 * i);
            if byte < 0x80 {
                return Ok(value);
            }
        }
        Err(ProtobufError::VarintOverflow { offset: start })
    }

    /// The next field key, or `None` at the end of the message.
    pub(super) fn tag(&mut self) -> Result<Option<Tag>, ProtobufError> {
        if self.pos >= self.buf.len() {
            return Ok(None);
        }
        let offset = self.offset();
        let key = self.varint()?;
        let field = u32::try_from(key >> 3)
            .ok()
            .filter(|f| (1..1 << 29).contains(f));
        let Some(field) = field else {
            return Err(ProtobufError::BadFieldNumber { offset });
        };
        let wire = match key & 7 {
            0 => WireType::Varint,
            1 => WireType::Fixed64,
            2 => WireType::Len,
            5 => WireType::Fixed32,
            other => {
                return Err(ProtobufError::BadWireType {
                    wire_type: other as u8,
                    offset,
                });
            }
        };
        Ok(Some(Tag {
            field,
            wire,
            offset,
        }))
    }

    /// A length-delimited payload and its absolute start offset.
    pub(super) fn bytes(&mut self) -> Result<(&'a [u8], usize), ProtobufError> {
        let start = self.offset();
        let len = self.varint()?;
        let begin = self.pos;
        let end = usize::try_from(len)
            .ok()
            .and_then(|len| begin.checked_add(len))
            .filter(|&end| end <= self.buf.len())
            .ok_or(ProtobufError::Truncated { offset: start })?;
        self.pos = end;
        Ok((&self.buf[begin..end], self.base + begin))
    }

    /// Skips a fixed-width value.
    fn fixed(&mut self, width: usize) -> Result<(), ProtobufError> {
        if self.buf.len() - self.pos < width {
            return Err(ProtobufError::Truncated {
                offset: self.offset(),
            });
        }
        self.pos += width;
        Ok(())
    }

    /// Skips the value of a field that has no schema entry.
    pub(super) fn skip(&mut self, wire: WireType) -> Result<(), ProtobufError> {
        match wire {
            WireType::Varint => self.varint().map(drop),
            WireType::Fixed64 => self.fixed(8),
            WireType::Len => self.bytes().map(drop),
            WireType::Fixed32 => self.fixed(4),
        }
    }
}
