//! A picture as pixels: what a gateway drew (PayU's `image` output) or the shop's logo, decoded.
//! Decoding and reading a QR out of it live in `render`; this is only the data.

/// Row-major RGBA pixels.
#[derive(Clone, PartialEq, Eq)]
pub struct Picture {
    width: usize,
    height: usize,
    rgba: Vec<u8>,
}

impl std::fmt::Debug for Picture {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Picture({}x{})", self.width, self.height)
    }
}

impl Picture {
    /// A picture of `width` × `height` pixels; `None` unless `rgba` holds exactly 4 bytes each.
    pub fn new(width: usize, height: usize, rgba: Vec<u8>) -> Option<Self> {
        let expected = width.checked_mul(height)?.checked_mul(4)?;
        (rgba.len() == expected).then_some(Self {
            width,
            height,
            rgba,
        })
    }

    /// `[width, height]` in pixels.
    pub fn size(&self) -> [usize; 2] {
        [self.width, self.height]
    }

    /// Row-major RGBA bytes, 4 per pixel.
    pub fn rgba(&self) -> &[u8] {
        &self.rgba
    }
}
