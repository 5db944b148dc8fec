//! QR payloads to pixels: a module matrix with the 4-module quiet zone, and grey images of it.
//! The payload's bytes go into the QR exactly as given.

use qrcode::{Color, EcLevel, QrCode};

use crate::domain::Picture;

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

/// Why a gateway's picture cannot be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PictureError {
    #[error("the QR image could not be read ({0})")]
    Image(String),
    #[error("the QR image is {0}x{1} pixels: too large to be a QR")]
    TooLarge(u32, u32),
    #[error("no QR code could be read in the image")]
    NoQr,
    #[error("the image holds {0} QR codes, not one")]
    SeveralQrs(usize),
}

/// The largest side accepted for a picture: a gateway's QR image, the shop's logo.
pub const MAX_PICTURE_SIDE: u32 = 4096;

/// Decodes a PNG or JPEG (the format is read from the bytes, not trusted from a header).
pub fn decode_picture(bytes: &[u8]) -> Result<Picture, PictureError> {
    let reader = image::ImageReader::new(std::io::Cursor::new(bytes))
        .with_guessed_format()
        .map_err(|e| PictureError::Image(e.to_string()))?;
    let (w, h) = reader
        .into_dimensions()
        .map_err(|e| PictureError::Image(e.to_string()))?;
    if w > MAX_PICTURE_SIDE || h > MAX_PICTURE_SIDE {
        return Err(PictureError::TooLarge(w, h));
    }
    let decoded = image::load_from_memory(bytes).map_err(|e| PictureError::Image(e.to_string()))?;
    let rgba = decoded.to_rgba8();
    let (width, height) = (rgba.width() as usize, rgba.height() as usize);
    Picture::new(width, height, rgba.into_raw())
        .ok_or_else(|| PictureError::Image("the decoded pixels do not fill the image".to_owned()))
}

/// Reads a PNG or JPEG file (a shop logo), saying in words what is wrong with it.
pub fn load_picture(path: &std::path::Path) -> Result<Picture, String> {
    let bytes = std::fs::read(path).map_err(|e| format!("Cannot read {}: {e}", path.display()))?;
    decode_picture(&bytes)
        .map_err(|e| format!("{} is not a PNG or JPEG image: {e}", path.display()))
}

/// True when `bytes` start like an image this module can decode.
pub fn looks_like_image(bytes: &[u8]) -> bool {
    image::guess_format(bytes)
        .is_ok_and(|f| matches!(f, image::ImageFormat::Png | image::ImageFormat::Jpeg))
}

/// Reads the one QR code in the picture: the text a customer's phone would get from it.
pub fn read_qr(picture: &Picture) -> Result<String, PictureError> {
    let luma: Vec<u8> = picture
        .rgba()
        .chunks_exact(4)
        .map(|p| {
            // Transparent pixels are paper, as on a white screen.
            let alpha = u32::from(p[3]);
            let grey =
                (299 * u32::from(p[0]) + 587 * u32::from(p[1]) + 114 * u32::from(p[2])) / 1000;
            (grey * alpha / 255 + (255 - alpha)) as u8
        })
        .collect();
    let [w, h] = picture.size();
    let mut prepared = rqrr::PreparedImage::prepare_from_greyscale(w, h, |x, y| luma[y * w + x]);
    let grids = prepared.detect_grids();
    match grids.as_slice() {
        [] => Err(PictureError::NoQr),
        [grid] => grid
            .decode()
            .map(|(_, text)| text)
            .map_err(|_| PictureError::NoQr),
        several => Err(PictureError::SeveralQrs(several.len())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pictures_decode_and_read_back() {
        let payload = "upi://pay?pa=shop@hdfc&am=500.00&cu=INR";
        let png = {
            let mut bytes = Vec::new();
            QrMatrix::encode(payload)
                .expect("short payload")
                .to_image(6)
                .write_to(
                    &mut std::io::Cursor::new(&mut bytes),
                    image::ImageFormat::Png,
                )
                .expect("png");
            bytes
        };
        assert!(looks_like_image(&png));
        assert!(!looks_like_image(b"{\"qrString\":1}"));
        let picture = decode_picture(&png).expect("decodes");
        assert_eq!(read_qr(&picture).expect("readable"), payload);
        let blank = image::GrayImage::from_pixel(50, 50, image::Luma([255]));
        let mut bytes = Vec::new();
        blank
            .write_to(
                &mut std::io::Cursor::new(&mut bytes),
                image::ImageFormat::Png,
            )
            .expect("png");
        let blank = decode_picture(&bytes).expect("decodes");
        assert_eq!(read_qr(&blank), Err(PictureError::NoQr));
        assert!(matches!(
            decode_picture(b"\x89PNG\r\n\x1a\nbroken"),
            Err(PictureError::Image(_))
        ));
    }

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
