#pragma once
/// \file
/// AI finding overlays on the ECG paper: the maths the view draws them from. No Qt, no GL.
///
/// - The relevance colour map: perceptual (CIE L* falls linearly with relevance while the hue turns from pale
///   yellow through green and teal to blue-violet: viridis' path, run from light to dark so that more
///   relevance is darker on white paper, and far from the red and pink of the grid), transparent at 0, and
///   how it blends on the paper at the reader's opacity.
/// - `RelevanceTrack`: one lead's relevance (uint8, read in place) with a max pyramid, so a band costs work
///   proportional to the pixel columns shown, never to the samples (the envelope's idea, for relevance).
/// - `PreparedOverlay::resolve`: which leads of an `application/vnd.veridicor.ecg-relevance` attachment and
/// of
///   the finding's region match the recording's channels (by standard short name), whether the attachment's
///   shape fits the rhythm, and what cannot be drawn, in plain words. Nothing is ever drawn on a lead it was
///   not made for.

#include <veridicor/base/colour.h>

#include <array>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace veridicor::ecg {

struct Rgb8 {
    std::uint8_t r = 0;
    std::uint8_t g = 0;
    std::uint8_t b = 0;
    friend bool operator==(const Rgb8&, const Rgb8&) = default;
};

/// A colour with straight (not premultiplied) alpha, sRGB-encoded.
using Rgba8 = veridicor::Rgba8;

/// The colour map's design, in CIE L*C*h (D65): relevance v ∈ [0, 1] maps to L* = 94 − 48·v,
/// h = 100° + 190°·v, C* = 50 (reduced where sRGB cannot show it), and alpha √v (0 at v = 0).
inline constexpr double kRelevanceLightnessAt0 = 94.0;
inline constexpr double kRelevanceLightnessAt1 = 42.0;
inline constexpr double kRelevanceHueAt0Degrees = 100.0;
inline constexpr double kRelevanceHueAt1Degrees = 290.0;
inline constexpr double kRelevanceChroma = 50.0;
/// The opacity the view starts with (the reader's slider scales every alpha by it).
inline constexpr double kDefaultRelevanceOpacity = 0.6;

/// The colour of relevance v (clamped to [0, 1]; NaN counts as 0). Alpha is 0 only at v = 0: a band is
/// transparent exactly where the model gave no relevance.
Rgba8 relevanceColour(double v);

/// relevanceColour(i / 255) for i = 0 … 255: the look-up table the GPU reads (a stored byte i is relevance
/// i/255).
const std::array<Rgba8, 256>& relevanceColourTable();

/// What the paper shows where colour `c` is drawn over `paper` at `opacity` (clamped to [0, 1]): the
/// source-over blend paper·(1 − a) + c·a with a = c.a/255 · opacity, per sRGB channel, rounded.
Rgb8 blendOnPaper(Rgb8 paper, Rgba8 c, double opacity);

/// One lead's relevance, uint8 per sample (value i means i/255), read in place, with a max pyramid over it.
/// Sample i holds its value from position i to i + 1 (until the next sample), so a band drawn from the track
/// covers [first, last + 1) samples exactly.
class RelevanceTrack {
public:
    /// The finest stored level groups 2^5 = 32 samples (1/32 byte per sample on top of the values).
    static constexpr unsigned kBaseShift = 5;

    RelevanceTrack() = default;
    /// `values` must outlive the track (the view keeps the attachment's bytes alive beside it).
    RelevanceTrack(const std::uint8_t* values, std::size_t count);

    [[nodiscard]] std::size_t size() const { return m_count; }
    [[nodiscard]] std::uint8_t at(std::size_t i) const { return m_values[i]; }
    /// Maximum of samples [first, last) (last clamped to size()); 0 for an empty range. O(32 + log n).
    [[nodiscard]] std::uint8_t maxIn(std::size_t first, std::size_t last) const;
    /// Column maxima for a band: column k (0 ≤ k < columns) covers the sample positions
    /// [firstSample + k·samplesPerColumn, firstSample + (k+1)·samplesPerColumn) and takes the maximum of
    /// every sample whose interval [i, i + 1) meets it; samples outside [begin, end) (a cell's time range)
    /// count as 0. Writes `columns` bytes to `out`.
    void columnMaxima(double firstSample, double samplesPerColumn, int columns, std::size_t begin,
                      std::size_t end, std::uint8_t* out) const;
    /// [first, last) of the samples with a non-zero value, or nullopt when every value is 0. O(n / 32).
    [[nodiscard]] std::optional<std::pair<std::size_t, std::size_t>> nonZeroExtent() const;
    /// Bytes held by the levels (the values are not copied).
    [[nodiscard]] std::size_t memoryBytes() const;

private:
    const std::uint8_t* m_values = nullptr;
    std::size_t m_count = 0;
    std::vector<std::vector<std::uint8_t>>
        m_levels; // level k: max of each bucket of 2^(kBaseShift + k) samples
};

/// A finding as the ECG paper draws it (the view-neutral registry::FindingOverlay without Qt).
struct EcgFindingOverlay {
    std::string key;
    std::string label;
    bool trusted = false; ///< false: shown anyway by the reader; marked UNTRUSTED wherever drawn
    bool visible = true;  ///< false: nothing of it is drawn, painted or reported

    bool hasRegion = false;
    std::vector<std::string> regionLeads;
    double startSeconds = 0.0;
    double endSeconds = 0.0;

    std::vector<std::string> relevanceLeads;
    long long relevanceSamples = 0;
    const std::uint8_t* relevance = nullptr; ///< relevanceLeads × relevanceSamples bytes, lead-major
    std::size_t relevanceBytes = 0;
    std::shared_ptr<const void> keepAlive; ///< owns the memory `relevance` points to
};

/// A relevance lead matched to a channel of the recording.
struct ResolvedBand {
    std::size_t channel = 0;    ///< index into the rhythm group's channels
    std::size_t trackIndex = 0; ///< index into PreparedOverlay::tracks() (the attachment's lead order)
};

/// What of one overlay can be drawn on a recording, and what cannot (in plain words).
struct OverlayResolution {
    std::vector<ResolvedBand> bands;
    std::vector<std::size_t> regionChannels; ///< the region's leads that match, in the finding's order
    bool regionShown = false;        ///< a valid time range inside the recording and ≥ 1 matched lead
    double regionStartSeconds = 0.0; ///< clamped to the recording
    double regionEndSeconds = 0.0;
    std::vector<std::string>
        unmatchedLeads;                ///< lead names (relevance or region) no channel of the recording has
    std::vector<std::string> problems; ///< why something is not drawn, one sentence each
    /// The time range to bring into view: the region, else the non-zero extent of the matched bands.
    std::optional<std::pair<double, double>> focusSeconds;
};

/// The channel whose label is `name` (standard short names, compared without regard to case: "AVR" is aVR),
/// or nullopt when no channel, or more than one, has it.
std::optional<std::size_t> matchLead(const std::string& name, const std::vector<std::string>& channelLabels);

/// An overlay with its relevance tracks built once (independent of the recording shown, so layout, speed,
/// gain and filter changes reuse them).
class PreparedOverlay {
public:
    explicit PreparedOverlay(EcgFindingOverlay overlay);

    [[nodiscard]] const EcgFindingOverlay& overlay() const { return m_overlay; }
    /// One track per relevance lead when the attachment holds exactly leads × samples bytes; empty otherwise.
    [[nodiscard]] const std::vector<RelevanceTrack>& tracks() const { return m_tracks; }

    /// Matches the overlay to a rhythm group: its channels' labels, sample count and rate. Bands are drawn
    /// only when relevanceSamples equals `samples` (same sampling as the rhythm); relevance leads or region
    /// leads that no channel carries are listed and never drawn on another lead.
    [[nodiscard]] OverlayResolution resolve(const std::vector<std::string>& channelLabels,
                                            std::size_t samples, double samplingHz) const;

private:
    EcgFindingOverlay m_overlay;
    std::vector<RelevanceTrack> m_tracks;
    std::string m_shapeProblem; // set when the bytes do not make leads × samples
};

} // namespace veridicor::ecg
