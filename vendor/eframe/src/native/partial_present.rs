//! Partial present: redraw and show only the part of a window that changed.
//!
//! Not in upstream eframe: counterqr's patch (see `PATCHED.md` at the crate's root). A payment
//! display changes four digits of a countdown once a second; on a software renderer (llvmpipe)
//! redrawing the whole window for that costs more than all the rest of the app.
//!
//! How it stays right:
//! - What changed is found by comparing this frame's shapes with the last presented frame's, shape
//!   by shape ([`Damage::plan`]). Any doubt — a different number of shapes, new or changed
//!   textures, a new size or scale, a window the windowing system may have spoiled (an expose),
//!   a first frame — and the whole window is drawn and swapped as usual.
//! - The changed region is cleared and every shape that touches it is drawn again, clipped to it,
//!   so inside the region the pixels are exactly those of a whole frame.
//! - Only that region is then copied to the window (`glXCopySubBufferMESA`); what the back buffer
//!   holds outside it is never shown. The window keeps the rest from earlier frames.
//! - Unless the X server throws it away: where another window covered it, without a compositor.
//!   The server then sends an Expose event. winit turns that into a `RedrawRequested`
//!   indistinguishable from one eframe asked for, so [`ExposeWatch`] listens for Expose on a
//!   connection of its own, and an exposed window is drawn whole.
//! - Without GLX's `GLX_MESA_copy_sub_buffer` (EGL, Wayland, Windows, some drivers) every frame
//!   is whole, as in upstream eframe.

use egui::epaint::{ClippedPrimitive, ClippedShape, Primitive, textures::TexturesDelta};
use egui::{Rect, TextureId, pos2};

/// Pixels added around a changed region, for anti-aliasing feathering (about one pixel) that
/// reaches past a shape's bounding rectangle.
const MARGIN_PX: f32 = 2.0;

/// A region bigger than this share of the window is presented whole: the copy saves nothing.
const MOST_OF_THE_WINDOW: f32 = 0.5;

/// A rectangle of pixels, origin top left.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct PixelRect {
    pub x: u32,
    pub y: u32,
    pub width: u32,
    pub height: u32,
}

/// What a frame has to draw and present.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Plan {
    /// Nothing on screen would change: draw nothing, present nothing.
    Nothing,

    /// Draw and swap the whole window.
    All,

    /// Draw and present only this region.
    Region(PixelRect),
}

/// One window's last presented frame, to compare the next one with.
#[derive(Default)]
pub(crate) struct Damage {
    last: Option<Presented>,

    /// The window's pixels may have been lost (an expose).
    window_spoiled: bool,

    /// Its exposes are watched ([`ExposeWatch::watch`]); until they are, every frame is whole.
    watched: bool,

    /// Other windows cover all of it (the X server said so): nothing drawn shows.
    covered: bool,
}

struct Presented {
    shapes: Vec<ClippedShape>,
    pixels_per_point: f32,
    size_px: [u32; 2],
    textures: u64,
    clear_color: [f32; 4],
}

impl Damage {
    /// A new window's record, drawn whole until `watched` (its exposes are being listened for).
    pub fn new(watched: bool) -> Self {
        Self {
            watched,
            ..Self::default()
        }
    }

    /// The windowing system may have thrown the window's pixels away: present it whole next.
    pub fn window_spoiled(&mut self) {
        self.window_spoiled = true;
    }

    /// Other windows cover all of this one (`true`), or no longer do. While covered nothing is
    /// drawn; the first frame after is whole (the X server also sends an Expose then).
    pub fn window_covered(&mut self, covered: bool) {
        if self.covered && !covered {
            self.window_spoiled = true;
        }
        self.covered = covered;
    }

    /// What this frame must draw, given what was presented last; `shapes` is then taken as
    /// presented. Call it only for a frame that will be presented.
    ///
    /// `textures` counts the texture changes of all windows so far (textures are shared, and one
    /// may change in place under unchanged shapes); `clear_color` is what the window is cleared
    /// to. `bounds_of` gives where shapes put pixels: eframe tessellates them and takes the
    /// meshes' bounds, since a shape's `visual_bounding_rect` can be short of what it paints
    /// (an outside stroke on a path, an underline, a scale after tessellation).
    pub fn plan(
        &mut self,
        shapes: &[ClippedShape],
        pixels_per_point: f32,
        size_px: [u32; 2],
        textures: u64,
        clear_color: [f32; 4],
        bounds_of: impl FnOnce(Vec<ClippedShape>) -> Rect,
    ) -> Plan {
        if self.covered && self.watched {
            // Nothing drawn would show. What it showed last is kept, and it is drawn whole
            // once uncovered.
            return Plan::Nothing;
        }
        let last = self.last.replace(Presented {
            shapes: shapes.to_vec(),
            pixels_per_point,
            size_px,
            textures,
            clear_color,
        });
        let spoiled = core::mem::take(&mut self.window_spoiled);
        let Some(last) = last else {
            return Plan::All;
        };
        let whole = if !self.watched {
            Some("its exposes are not watched")
        } else if spoiled {
            Some("the window may have lost its pixels")
        } else if last.textures != textures {
            Some("textures changed")
        } else if last.clear_color != clear_color {
            Some("a new clear colour")
        } else if last.pixels_per_point != pixels_per_point || last.size_px != size_px {
            Some("new size or scale")
        } else if last.shapes.len() != shapes.len() {
            Some("a different number of shapes")
        } else {
            None
        };
        if let Some(why) = whole {
            log::trace!("drawing the whole window: {why}");
            return Plan::All;
        }
        let changed: Vec<ClippedShape> = last
            .shapes
            .into_iter()
            .zip(shapes)
            .filter(|(was, is)| !same(was, is))
            .flat_map(|(was, is)| [was, is.clone()])
            .collect();
        if changed.is_empty() {
            return Plan::Nothing;
        }
        region_in_pixels(bounds_of(changed), pixels_per_point, size_px)
    }
}

impl Damage {
    /// This frame's plan, and the primitives that carry it out: none, all, or all those that touch
    /// the region, clipped to it. `partial` says whether partial present is on (without it every
    /// frame is whole); `whole` asks for a whole frame anyway (a screenshot reads the whole back
    /// buffer); `tessellate` is egui's tessellator at `pixels_per_point`. The other arguments
    /// are [`Damage::plan`]'s.
    #[expect(clippy::too_many_arguments)]
    pub fn frame(
        &mut self,
        partial: bool,
        whole: bool,
        shapes: Vec<ClippedShape>,
        pixels_per_point: f32,
        size_px: [u32; 2],
        textures: u64,
        clear_color: [f32; 4],
        tessellate: impl Fn(Vec<ClippedShape>) -> Vec<ClippedPrimitive>,
    ) -> (Plan, Vec<ClippedPrimitive>) {
        let plan = if partial {
            let plan = self.plan(
                &shapes,
                pixels_per_point,
                size_px,
                textures,
                clear_color,
                |changed| painted_bounds(&tessellate(changed)),
            );
            if whole { Plan::All } else { plan }
        } else {
            Plan::All
        };
        let primitives = match plan {
            Plan::All => tessellate(shapes),
            Plan::Region(region) => clip_to(tessellate(shapes), region, pixels_per_point),
            Plan::Nothing => Vec::new(),
        };
        (plan, primitives)
    }
}

impl Plan {
    /// Clears what this plan redraws, to `color`: the region, or the whole back buffer unless
    /// `cleared` says eframe already cleared it (before the update).
    pub fn clear(self, gl: &glow::Context, size_px: [u32; 2], color: [f32; 4], cleared: bool) {
        match self {
            Self::All if !cleared => egui_glow::painter::clear(gl, size_px, color),
            Self::Region(region) => clear_region(gl, size_px, region, color),
            Self::All | Self::Nothing => {}
        }
    }

    /// Shows what this plan drew: the whole back buffer swapped, only the region copied (with
    /// `copy`), or nothing. If the copy fails, `damage` is spoiled and `window` asked to redraw,
    /// so the next frame is drawn whole.
    pub fn present(
        self,
        copy: Option<CopySubBuffer>,
        surface: &glutin::surface::Surface<glutin::surface::WindowSurface>,
        context: &glutin::context::PossiblyCurrentContext,
        size_px: [u32; 2],
        damage: &mut Damage,
        window: &winit::window::Window,
    ) -> glutin::error::Result<()> {
        use glutin::surface::GlSurface as _;
        match (self, copy) {
            (Self::Region(region), Some(copy)) => {
                if !copy.present(surface, size_px, region) {
                    log::warn!("partial present failed: the next frame is drawn whole");
                    damage.window_spoiled();
                    window.request_redraw();
                }
                Ok(())
            }
            (Self::Nothing, _) => Ok(()),
            _ => surface.swap_buffers(context),
        }
    }
}

/// Whether two shapes are equal, a shape holding a NaN being equal to nothing. emath's
/// `PartialEq` for positions asserts, in debug builds, that neither is NaN; upstream never
/// compares shapes, so a NaN shape must not crash a debug build here (release builds compare
/// NaN as unequal anyway).
fn same(was: &ClippedShape, is: &ClippedShape) -> bool {
    if cfg!(debug_assertions) {
        std::panic::catch_unwind(core::panic::AssertUnwindSafe(|| was == is)).unwrap_or(false)
    } else {
        was == is
    }
}

/// The textures uploaded so far, to tell a new texture (which only new shapes can show) from one
/// changed under shapes that may already be on screen.
#[derive(Default)]
pub(crate) struct Textures {
    known: ahash::HashSet<TextureId>,

    /// How many changes there have been to textures already in use.
    changes: u64,
}

impl Textures {
    /// Notes a frame's texture delta, before it is painted.
    #[expect(clippy::iter_over_hash_type)] // order doesn't matter: all are looked at
    pub fn note(&mut self, delta: &TexturesDelta) {
        let mut changed = false;
        for (id, deltas) in &delta.set {
            let known = !self.known.insert(*id);
            changed |= deltas.iter().any(|delta| match delta.pos {
                // A whole new image for a texture shapes may show already:
                None => known,
                // New glyphs are written into unused space of the font atlas; the glyphs already
                // drawn keep their pixels. Any other texture's part may be under a shape.
                Some(_) => *id != TextureId::default(),
            });
        }
        for id in &delta.free {
            self.known.remove(id);
        }
        if changed {
            self.changes = self.changes.wrapping_add(1);
        }
    }

    /// Changes to textures in use so far; a frame after a new one is drawn whole.
    pub fn changes(&self) -> u64 {
        self.changes
    }
}

/// Where tessellated shapes put pixels: each mesh's vertices (feathering included) and each
/// callback's rectangle, inside its clip rectangle.
pub(crate) fn painted_bounds(primitives: &[ClippedPrimitive]) -> Rect {
    primitives
        .iter()
        .map(|primitive| {
            let bounds = match &primitive.primitive {
                Primitive::Mesh(mesh) => mesh.calc_bounds(),
                Primitive::Callback(callback) => callback.rect,
            };
            primitive.clip_rect.intersect(bounds)
        })
        .fold(Rect::NOTHING, Rect::union)
}

/// The changed rectangle (points) as a plan in whole pixels, with a margin.
fn region_in_pixels(changed: Rect, pixels_per_point: f32, size_px: [u32; 2]) -> Plan {
    let corners = [changed.min.x, changed.min.y, changed.max.x, changed.max.y];
    if corners.iter().any(|c| c.is_nan()) || !pixels_per_point.is_finite() {
        return Plan::All;
    }
    if !changed.is_positive() {
        return Plan::Nothing;
    }
    let [w, h] = size_px.map(|side| side as f32);
    let x0 = (changed.min.x * pixels_per_point - MARGIN_PX)
        .floor()
        .clamp(0.0, w);
    let y0 = (changed.min.y * pixels_per_point - MARGIN_PX)
        .floor()
        .clamp(0.0, h);
    let x1 = (changed.max.x * pixels_per_point + MARGIN_PX)
        .ceil()
        .clamp(0.0, w);
    let y1 = (changed.max.y * pixels_per_point + MARGIN_PX)
        .ceil()
        .clamp(0.0, h);
    if x1 <= x0 || y1 <= y0 {
        return Plan::Nothing;
    }
    if (x1 - x0) * (y1 - y0) > MOST_OF_THE_WINDOW * w * h {
        return Plan::All;
    }
    // Whole numbers from 0 to the window's side: the casts are exact.
    Plan::Region(PixelRect {
        x: x0 as u32,
        y: y0 as u32,
        width: (x1 - x0) as u32,
        height: (y1 - y0) as u32,
    })
}

/// A whole frame's tessellation clipped to `region`, so that drawing it redraws that region, as
/// the whole frame would, and nothing else. (Clipping the shapes before tessellating would not
/// do: the tessellator culls a shape by its `visual_bounding_rect`, which can fall short of its
/// pixels.)
///
/// `egui_glow` turns a clip rectangle into a scissor by rounding `clip * pixels_per_point`; the
/// region's edges are whole pixels, so each scissor is its old one cut to the region, exactly.
pub(crate) fn clip_to(
    primitives: Vec<ClippedPrimitive>,
    region: PixelRect,
    pixels_per_point: f32,
) -> Vec<ClippedPrimitive> {
    let points = |px: u32| px as f32 / pixels_per_point;
    let clip = Rect::from_min_max(
        pos2(points(region.x), points(region.y)),
        pos2(
            points(region.x + region.width),
            points(region.y + region.height),
        ),
    );
    primitives
        .into_iter()
        .filter_map(|mut primitive| {
            primitive.clip_rect = primitive.clip_rect.intersect(clip);
            primitive.clip_rect.is_positive().then_some(primitive)
        })
        .collect()
}

/// Clears `region` of the back buffer to `color` (linear 0–1, as eframe's clear colour).
#[expect(unsafe_code)]
pub(crate) fn clear_region(
    gl: &glow::Context,
    size_px: [u32; 2],
    region: PixelRect,
    color: [f32; 4],
) {
    use glow::HasContext as _;
    let bottom = size_px[1].saturating_sub(region.y + region.height);
    // SAFETY: plain GL state calls on the current context, with in-range values.
    unsafe {
        gl.enable(glow::SCISSOR_TEST);
        gl.scissor(
            region.x as i32,
            bottom as i32,
            region.width as i32,
            region.height as i32,
        );
        gl.viewport(0, 0, size_px[0] as i32, size_px[1] as i32);
        let [r, g, b, a] = color;
        gl.clear_color(r, g, b, a);
        gl.clear(glow::COLOR_BUFFER_BIT);
        gl.disable(glow::SCISSOR_TEST);
    }
}

/// Spaces the root viewport's frames (each with all immediate viewports in it) as a 60 Hz vsync
/// would, since partial presents do not swap and so never wait for one.
#[derive(Default)]
pub(crate) struct FramePacer {
    last: Option<std::time::Instant>,
}

impl FramePacer {
    pub const MIN_INTERVAL: core::time::Duration = core::time::Duration::from_micros(16_667);

    /// Sleeps until `MIN_INTERVAL` has passed since the last call, if it has not.
    pub fn pace(&mut self) {
        if let Some(wait) = self
            .last
            .and_then(|last| Self::MIN_INTERVAL.checked_sub(last.elapsed()))
        {
            std::thread::sleep(wait);
        }
        self.last = Some(std::time::Instant::now());
    }
}

/// Copies a region of the back buffer to the window: `glXCopySubBufferMESA`.
#[derive(Clone, Copy)]
pub(crate) struct CopySubBuffer {
    #[cfg(all(feature = "x11", target_os = "linux"))]
    copy: CopySubBufferFn,
    #[cfg(all(feature = "x11", target_os = "linux"))]
    display: *mut core::ffi::c_void,
}

#[cfg(all(feature = "x11", target_os = "linux"))]
type CopySubBufferFn = unsafe extern "C" fn(
    *mut core::ffi::c_void,
    core::ffi::c_ulong,
    core::ffi::c_int,
    core::ffi::c_int,
    core::ffi::c_int,
    core::ffi::c_int,
);

impl CopySubBuffer {
    /// The GLX display's `glXCopySubBufferMESA`, if it has one.
    #[cfg(all(feature = "x11", target_os = "linux"))]
    #[expect(unsafe_code)]
    pub fn of(display: &glutin::display::Display) -> Option<Self> {
        use glutin::display::{AsRawDisplay as _, GetDisplayExtensions as _, GlDisplay as _};
        let glutin::display::Display::Glx(glx) = display else {
            return None;
        };
        if !glx.extensions().contains("GLX_MESA_copy_sub_buffer") {
            return None;
        }
        let glutin::display::RawDisplay::Glx(raw) = display.raw_display() else {
            return None;
        };
        let address = display.get_proc_address(c"glXCopySubBufferMESA");
        if address.is_null() || raw.is_null() {
            return None;
        }
        // SAFETY: GLX_MESA_copy_sub_buffer is advertised, and this is its one function, with
        // the signature the extension's specification gives.
        let copy =
            unsafe { core::mem::transmute::<*const core::ffi::c_void, CopySubBufferFn>(address) };
        Some(Self {
            copy,
            display: raw.cast_mut(),
        })
    }

    #[cfg(not(all(feature = "x11", target_os = "linux")))]
    pub fn of(_display: &glutin::display::Display) -> Option<Self> {
        None
    }

    /// Shows `region` of `surface`'s back buffer. False if the surface is not a GLX one.
    #[cfg(all(feature = "x11", target_os = "linux"))]
    #[expect(unsafe_code)]
    #[expect(trivial_numeric_casts)] // an XID is a C `unsigned long`: 64 bits here, 32 elsewhere
    pub fn present(
        self,
        surface: &glutin::surface::Surface<glutin::surface::WindowSurface>,
        size_px: [u32; 2],
        region: PixelRect,
    ) -> bool {
        use glutin::surface::AsRawSurface as _;
        let glutin::surface::RawSurface::Glx(drawable) = surface.raw_surface() else {
            return false;
        };
        let bottom = size_px[1].saturating_sub(region.y + region.height);
        // SAFETY: the display is the one the surface was made on, the surface's context is
        // current (the frame was just drawn), and the rectangle lies inside the window.
        unsafe {
            (self.copy)(
                self.display,
                drawable as core::ffi::c_ulong,
                region.x as i32,
                bottom as i32,
                region.width as i32,
                region.height as i32,
            );
        }
        true
    }

    #[cfg(not(all(feature = "x11", target_os = "linux")))]
    pub fn present(
        self,
        _surface: &glutin::surface::Surface<glutin::surface::WindowSurface>,
        _size_px: [u32; 2],
        _region: PixelRect,
    ) -> bool {
        false
    }
}

/// Expose events of the windows drawn with partial present, on an X connection of its own (event
/// masks are per client, so winit's own are untouched).
pub(crate) struct ExposeWatch {
    #[cfg(all(feature = "x11", target_os = "linux"))]
    connection: x11rb::rust_connection::RustConnection,
}

impl ExposeWatch {
    /// Connects to the X server of `$DISPLAY`, as winit does.
    #[cfg(all(feature = "x11", target_os = "linux"))]
    pub fn connect() -> Option<Self> {
        match x11rb::connect(None) {
            Ok((connection, _screen)) => Some(Self { connection }),
            Err(err) => {
                log::warn!("partial present: cannot watch for exposes ({err}); it is off");
                None
            }
        }
    }

    #[cfg(not(all(feature = "x11", target_os = "linux")))]
    pub fn connect() -> Option<Self> {
        None
    }

    /// Starts listening for `window`'s Expose events. False if that failed: the window must
    /// then always be drawn whole.
    #[cfg(all(feature = "x11", target_os = "linux"))]
    pub fn watch(&self, window: &winit::window::Window) -> bool {
        use raw_window_handle::{HasWindowHandle as _, RawWindowHandle};
        use x11rb::connection::Connection as _;
        use x11rb::protocol::xproto::{ChangeWindowAttributesAux, ConnectionExt as _, EventMask};
        let xid = match window.window_handle().map(|handle| handle.as_raw()) {
            Ok(RawWindowHandle::Xlib(handle)) => u32::try_from(handle.window).ok(),
            Ok(RawWindowHandle::Xcb(handle)) => Some(handle.window.get()),
            _ => None,
        };
        let Some(xid) = xid else {
            return false;
        };
        let attributes = ChangeWindowAttributesAux::new()
            .event_mask(EventMask::EXPOSURE | EventMask::VISIBILITY_CHANGE);
        let selected = self
            .connection
            .change_window_attributes(xid, &attributes)
            .ok()
            .and_then(|cookie| cookie.check().ok())
            .is_some();
        selected && self.connection.flush().is_ok()
    }

    #[cfg(not(all(feature = "x11", target_os = "linux")))]
    pub fn watch(&self, _window: &winit::window::Window) -> bool {
        false
    }

    /// What happened to the windows since the last call, by winit's window id. `None` if the
    /// connection failed: every window must then be drawn whole, from now on.
    #[cfg(all(feature = "x11", target_os = "linux"))]
    pub fn news(&self) -> Option<Vec<(winit::window::WindowId, News)>> {
        use x11rb::connection::Connection as _;
        use x11rb::protocol::Event;
        use x11rb::wrapper::ConnectionExt as _;
        // A round trip first: every Expose the server sent before it (so every one winit has
        // seen, and answered with this frame) is then in hand.
        if let Err(err) = self.connection.sync() {
            log::warn!("partial present: lost the X connection for exposes ({err})");
            return None;
        }
        let id = |window: u32| winit::window::WindowId::from(u64::from(window));
        let mut news = Vec::new();
        loop {
            match self.connection.poll_for_event() {
                Ok(Some(Event::Expose(expose))) => {
                    news.push((id(expose.window), News::Exposed));
                }
                Ok(Some(Event::VisibilityNotify(notify))) => {
                    let hidden =
                        notify.state == x11rb::protocol::xproto::Visibility::FULLY_OBSCURED;
                    news.push((id(notify.window), News::FullyCovered(hidden)));
                }
                Ok(Some(_)) => {}
                Ok(None) => return Some(news),
                Err(err) => {
                    log::warn!("partial present: lost the X connection for exposes ({err})");
                    return None;
                }
            }
        }
    }

    #[cfg(not(all(feature = "x11", target_os = "linux")))]
    pub fn news(&self) -> Option<Vec<(winit::window::WindowId, News)>> {
        None
    }
}

/// What the X server said about a window.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum News {
    /// Part of it must be drawn again (Expose).
    Exposed,

    /// Other windows now cover all of it (`true`), or no longer do (`VisibilityNotify`). A
    /// compositor keeps every window's pixels and reports none as covered.
    FullyCovered(bool),
}

#[cfg(test)]
mod tests {
    use super::*;
    use egui::epaint::{CornerRadius, RectShape, Shape, Stroke};
    use egui::{Color32, Vec2};

    fn square(x: f32, color: Color32) -> ClippedShape {
        ClippedShape::new(
            Rect::EVERYTHING,
            Shape::Rect(RectShape::new(
                Rect::from_min_size(pos2(x, 10.0), Vec2::splat(20.0)),
                CornerRadius::ZERO,
                color,
                Stroke::NONE,
                egui::StrokeKind::Inside,
            )),
        )
    }

    fn frame() -> Vec<ClippedShape> {
        vec![square(10.0, Color32::RED), square(100.0, Color32::BLUE)]
    }

    const GREY: [f32; 4] = [0.5, 0.5, 0.5, 1.0];

    /// Where the shapes say they paint (eframe tessellates them instead).
    #[expect(clippy::needless_pass_by_value)] // the shape of `Damage::plan`'s `bounds_of`
    fn visual(shapes: Vec<ClippedShape>) -> Rect {
        shapes
            .iter()
            .map(|s| {
                let bounds = s.transform_after_tessellation * s.shape.visual_bounding_rect();
                s.clip_rect.intersect(bounds)
            })
            .fold(Rect::NOTHING, Rect::union)
    }

    /// `damage.plan` with a grey clear colour and the shapes' own bounds.
    fn plan(
        damage: &mut Damage,
        shapes: &[ClippedShape],
        ppp: f32,
        size: [u32; 2],
        t: u64,
    ) -> Plan {
        damage.plan(shapes, ppp, size, t, GREY, visual)
    }

    /// Tessellated as eframe does.
    fn tessellate(shapes: Vec<ClippedShape>) -> Vec<ClippedPrimitive> {
        let ctx = egui::Context::default();
        ctx.run_ui(egui::RawInput::default(), |_| {})
            .textures_delta
            .clear();
        ctx.tessellate(shapes, 1.0)
    }

    #[test]
    fn a_first_frame_is_whole_and_an_unchanged_one_draws_nothing() {
        let mut damage = Damage::new(true);
        assert_eq!(plan(&mut damage, &frame(), 1.0, [400, 300], 0), Plan::All);
        assert_eq!(
            plan(&mut damage, &frame(), 1.0, [400, 300], 0),
            Plan::Nothing
        );
    }

    #[test]
    fn an_unwatched_window_is_always_whole() {
        let mut damage = Damage::default();
        assert_eq!(plan(&mut damage, &frame(), 1.0, [400, 300], 0), Plan::All);
        assert_eq!(plan(&mut damage, &frame(), 1.0, [400, 300], 0), Plan::All);
    }

    #[test]
    fn a_covered_window_is_not_drawn_and_is_drawn_whole_once_uncovered() {
        let mut damage = Damage::new(true);
        plan(&mut damage, &frame(), 1.0, [400, 300], 0);
        damage.window_covered(true);
        let mut next = frame();
        next[0] = square(10.0, Color32::GREEN);
        assert_eq!(plan(&mut damage, &next, 1.0, [400, 300], 0), Plan::Nothing);
        damage.window_covered(true);
        assert_eq!(plan(&mut damage, &next, 1.0, [400, 300], 0), Plan::Nothing);
        damage.window_covered(false);
        assert_eq!(plan(&mut damage, &next, 1.0, [400, 300], 0), Plan::All);
        assert_eq!(plan(&mut damage, &next, 1.0, [400, 300], 0), Plan::Nothing);
        let mut unwatched = Damage::default();
        unwatched.window_covered(true);
        assert_eq!(plan(&mut unwatched, &next, 1.0, [400, 300], 0), Plan::All);
    }

    #[test]
    fn a_changed_shape_is_redrawn_with_a_margin() {
        let mut damage = Damage::new(true);
        plan(&mut damage, &frame(), 2.0, [800, 600], 0);
        let mut next = frame();
        next[1] = square(100.0, Color32::GREEN);
        let region = PixelRect {
            x: 198,
            y: 18,
            width: 44,
            height: 44,
        };
        assert_eq!(
            plan(&mut damage, &next, 2.0, [800, 600], 0),
            Plan::Region(region)
        );
    }

    #[test]
    fn a_moved_shape_repaints_where_it_was_and_where_it_is() {
        let mut damage = Damage::new(true);
        plan(&mut damage, &frame(), 1.0, [400, 300], 0);
        let mut next = frame();
        next[0] = square(50.0, Color32::RED);
        let Plan::Region(region) = plan(&mut damage, &next, 1.0, [400, 300], 0) else {
            panic!("a small change is a region");
        };
        assert_eq!((region.x, region.width), (8, 64));
    }

    #[test]
    fn any_doubt_draws_the_whole_window() {
        let mut damage = Damage::new(true);
        plan(&mut damage, &frame(), 1.0, [400, 300], 0);
        assert_eq!(plan(&mut damage, &frame(), 1.0, [400, 300], 1), Plan::All);
        assert_eq!(plan(&mut damage, &frame(), 1.5, [400, 300], 1), Plan::All);
        assert_eq!(plan(&mut damage, &frame(), 1.5, [401, 300], 1), Plan::All);
        assert_eq!(
            plan(&mut damage, &frame()[..1], 1.5, [401, 300], 1),
            Plan::All
        );
        plan(&mut damage, &frame(), 1.5, [401, 300], 1);
        damage.window_spoiled();
        assert_eq!(plan(&mut damage, &frame(), 1.5, [401, 300], 1), Plan::All);
        assert_eq!(
            plan(&mut damage, &frame(), 1.5, [401, 300], 1),
            Plan::Nothing
        );
    }

    #[test]
    fn a_transformed_shape_is_redrawn_where_it_lands() {
        let mut damage = Damage::new(true);
        plan(&mut damage, &frame(), 1.0, [400, 300], 0);
        let mut next = frame();
        next[1].transform_after_tessellation =
            egui::emath::TSTransform::from_translation(Vec2::new(0.0, 200.0));
        let Plan::Region(region) = plan(&mut damage, &next, 1.0, [400, 300], 0) else {
            panic!("a small change is a region");
        };
        assert_eq!(
            (region.y, region.height),
            (8, 224),
            "from y = 10 to y = 230"
        );
    }

    #[test]
    fn a_change_over_most_of_the_window_is_drawn_whole() {
        let mut damage = Damage::new(true);
        plan(&mut damage, &frame(), 1.0, [30, 30], 0);
        let mut next = frame();
        next[0] = square(10.0, Color32::GREEN);
        assert_eq!(plan(&mut damage, &next, 1.0, [30, 30], 0), Plan::All);
    }

    #[test]
    fn only_a_texture_changed_under_shapes_counts() {
        use egui::epaint::ImageDelta;
        use egui::{ColorImage, TextureOptions};
        let whole = |id: u64| {
            let mut delta = TexturesDelta::default();
            let image = ColorImage::filled([4, 4], Color32::WHITE);
            delta.set.insert(
                TextureId::Managed(id),
                core::iter::once(ImageDelta::full(image, TextureOptions::NEAREST)).collect(),
            );
            delta
        };
        let part = |id: u64| {
            let mut delta = TexturesDelta::default();
            let image = ColorImage::filled([2, 2], Color32::WHITE);
            delta.set.insert(
                TextureId::Managed(id),
                core::iter::once(ImageDelta::partial([1, 1], image, TextureOptions::NEAREST))
                    .collect(),
            );
            delta
        };
        let mut textures = Textures::default();
        let mut note = |mut delta: TexturesDelta| {
            textures.note(&delta);
            delta.clear(); // nothing to paint here
            textures.changes()
        };
        note(whole(0));
        assert_eq!(note(whole(7)), 0, "new textures: only new shapes show them");
        assert_eq!(note(part(0)), 0, "glyphs added to the font atlas");
        assert_eq!(note(part(7)), 1, "part of a picture replaced");
        assert_eq!(note(whole(0)), 2, "the font atlas rebuilt");
        let mut free = TexturesDelta::default();
        free.free.insert(TextureId::Managed(7));
        note(free);
        assert_eq!(note(whole(7)), 2, "an id freed and set again is new");
    }

    #[test]
    fn a_shape_with_a_nan_is_a_change_not_a_crash() {
        let nan = || {
            let line = Shape::line_segment(
                [pos2(f32::NAN, 20.0), pos2(30.0, 20.0)],
                Stroke::new(1.0, Color32::RED),
            );
            ClippedShape::new(Rect::EVERYTHING, line)
        };
        let mut damage = Damage::new(true);
        plan(&mut damage, &[nan()], 1.0, [400, 300], 0);
        assert_ne!(
            plan(&mut damage, &[nan()], 1.0, [400, 300], 0),
            Plan::Nothing
        );
    }

    #[test]
    fn a_new_clear_colour_redraws_the_window() {
        let mut damage = Damage::new(true);
        plan(&mut damage, &frame(), 1.0, [400, 300], 0);
        let white = [1.0; 4];
        let plan = damage.plan(&frame(), 1.0, [400, 300], 0, white, visual);
        assert_eq!(plan, Plan::All);
    }

    #[test]
    fn the_region_is_where_the_meshes_are_not_where_shapes_say() {
        // A closed path with a wide stroke outside it: its `visual_bounding_rect` leaves the
        // outer half of the stroke out.
        let ring = |color| {
            let points = vec![
                pos2(100.0, 100.0),
                pos2(140.0, 100.0),
                pos2(140.0, 140.0),
                pos2(100.0, 140.0),
            ];
            let mut path = egui::epaint::PathShape::closed_line(points, Stroke::new(8.0, color));
            path.stroke.kind = egui::StrokeKind::Outside;
            ClippedShape::new(Rect::EVERYTHING, Shape::Path(path))
        };
        let painted = painted_bounds(&tessellate(vec![ring(Color32::RED)]));
        assert!(
            painted.min.x <= 92.0 && painted.max.x >= 148.0,
            "{painted:?}"
        );
        let mut damage = Damage::new(true);
        let tessellated = |shapes: Vec<ClippedShape>| painted_bounds(&tessellate(shapes));
        damage.plan(&[ring(Color32::RED)], 1.0, [400, 300], 0, GREY, tessellated);
        let plan = damage.plan(
            &[ring(Color32::GREEN)],
            1.0,
            [400, 300],
            0,
            GREY,
            tessellated,
        );
        let Plan::Region(region) = plan else {
            panic!("{plan:?}");
        };
        assert!(
            region.x <= 90 && region.x + region.width >= 150,
            "{region:?}"
        );
    }

    #[test]
    fn clipping_keeps_only_what_touches_the_region() {
        let mut shapes = frame();
        shapes[0].clip_rect = Rect::from_min_max(pos2(0.0, 0.0), pos2(40.0, 40.0));
        shapes[1].clip_rect = Rect::from_min_max(pos2(90.0, 0.0), pos2(130.0, 40.0));
        let region = PixelRect {
            x: 0,
            y: 0,
            width: 50,
            height: 50,
        };
        let clipped = clip_to(tessellate(shapes), region, 1.0);
        assert_eq!(clipped.len(), 1, "the square at x = 100 lies outside");
        assert_eq!(
            clipped[0].clip_rect,
            Rect::from_min_max(pos2(0.0, 0.0), pos2(40.0, 40.0))
        );
    }
}
