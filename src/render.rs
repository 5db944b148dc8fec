//! QR payloads to pixels: a module matrix with the 4-module quiet zone, and grey images of it.
//! The payload's bytes go into the QR exactly as given.

use qrcode::{Color, EcLevel, QrCode};

/// The quiet zone around the QR, in modules, as ISO/IEC 18004 asks for.
pub const QUIET_ZONE_MODULES: usize = 4;

/// A QR as a square grid of dark/light modules, quiet zone included.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QrMatrix {
    /// Modules per side, quiet zone included.
    size: usize,
    /// Row-major, `true` = dark.
    dark: Vec<bool>,
}

/// Why a payload could not be drawn.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("The QR text is too long to draw as a QR code ({0} bytes)")]
pub struct RenderError(usize);

impl QrMatrix {
    /// Encodes `payload` at error-correction level M (what UPI apps and PayU use).
    pub fn encode(payload: &str) -> Result<Self, RenderError> {
        let code = QrCode::with_error_correction_level(payload.as_bytes(), EcLevel::M)
            .map_err(|_| RenderError(payload.len()))?;
        let inner = code.width();
        let size = inner + 2 * QUIET_ZONE_MODULES;
        let mut dark = vec![false; size * size];
        for (i, color) in code.to_colors().into_iter().enumerate() {
            let (y, x) = (i / inner, i % inner);
            dark[(y + QUIET_ZONE_MODULES) * size + x + QUIET_ZONE_MODULES] = color == Color::Dark;
        }
        Ok(Self { size, dark })
    }

    /// Modules per side, quiet zone included.
    pub fn size(&self) -> usize {
        self.size
    }

    /// Whether the module at column `x`, row `y` is dark.
    pub fn is_dark(&self, x: usize, y: usize) -> bool {
        self.dark[y * self.size + x]
    }

    /// One byte per module, 0 = black, 255 = white, row by row.
    pub fn luma_bytes(&self) -> Vec<u8> {
        self.dark.iter().map(|&d| if d { 0 } else { 255 }).collect()
    }

    /// A black-on-white image with `module_px` pixels per module side.
    pub fn to_image(&self, module_px: u32) -> image::GrayImage {
        let side = self.size as u32 * module_px.max(1);
        let module_px = module_px.max(1);
        image::GrayImage::from_fn(side, side, |x, y| {
            let dark = self.is_dark((x / module_px) as usize, (y / module_px) as usize);
            image::Luma([if dark { 0 } else { 255 }])
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn has_a_quiet_zone_and_finder_patterns() {
        let qr = QrMatrix::encode("upi://pay?pa=a@b&am=1.00").expect("short payload");
        let q = QUIET_ZONE_MODULES;
        for i in 0..qr.size() {
            assert!(
                !qr.is_dark(i, 0) && !qr.is_dark(0, i),
                "quiet zone must be light"
            );
            assert!(!qr.is_dark(i, qr.size() - 1) && !qr.is_dark(qr.size() - 1, i));
        }
        // The top-left finder pattern's corner and centre are dark.
        assert!(qr.is_dark(q, q));
        assert!(qr.is_dark(q + 3, q + 3));
        assert!(!qr.is_dark(q + 1, q + 1));
    }

    #[test]
    fn image_scales_each_module_to_a_square() {
        let qr = QrMatrix::encode("hello").expect("short payload");
        let img = qr.to_image(3);
        assert_eq!(img.width() as usize, qr.size() * 3);
        let q = QUIET_ZONE_MODULES as u32 * 3;
        assert_eq!(img.get_pixel(q, q).0, [0]);
        assert_eq!(img.get_pixel(q + 2, q + 2).0, [0]);
        assert_eq!(img.get_pixel(0, 0).0, [255]);
    }

    #[test]
    fn refuses_what_cannot_fit() {
        assert!(QrMatrix::encode(&"x".repeat(5000)).is_err());
    }
}
