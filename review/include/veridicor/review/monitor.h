#pragma once
/// \file
/// Model monitoring (review/README.md, "Model monitoring"): per model version and category, the AI's positive
/// rate and its agreement with the clinician (PPA, NPA) over a rolling window, and an alert when one of them
/// moves away from the model's first window.
///
/// **Detector: a one-sided Bernoulli CUSUM** (Page 1954; the Bernoulli form of Reynolds & Stoumbos 1999, J
/// Qual Technol 31:87–108) per figure, not a two-proportion z-test. Why: the check runs after every reading,
/// and a z-test repeated after every reading has no bounded false-alarm rate (each look is another chance),
/// while the CUSUM is built for sequential looks and accumulates a small sustained shift until it is
/// unmistakable. Four CUSUMs per (model, version, category), each watching a rate for an increase:
///  - PositiveRateUp: x = AI positive, over all readings;
///  - PositiveRateDown: x = AI negative, over all readings;
///  - PpaDown: x = AI negative, over the readings the clinician called positive (1 − PPA rising);
///  - NpaDown: x = AI positive, over the readings the clinician called negative (1 − NPA rising).
/// Each figure's baseline is its first `window` observations (so PPA's baseline is the first `window`
/// clinician-positive readings): the estimate k/window, kept within [0.5/window, 1 − 0.5/window] so that a
/// baseline without events cannot make the log-likelihood infinite, is then moved `baselineGuard` (1.5)
/// standard errors toward the alternative: p0 = p̂ + 1.5 sqrt(p̂(1 − p̂)/window). Without that guard band an
/// estimate that came out low by chance reads as a shift: in the tests' simulation (positive rate 0.13,
/// window 200) 29 % of stable runs raised a false alarm without it, 1.75 % with it (Jones, Champ & Rigdon
/// 2004, J Qual Technol 36:95–108, on CUSUMs with estimated parameters). The price is detection: a baseline
/// estimated high by chance can hide a doubling (the tests measure both). The design shift is an odds ratio of 2 (as in
/// Steiner, Cook, Farewell & Treasure 2000, Biostatistics 1:441–452): p1 = 2 p0 / (1 + p0), about a doubling
/// of a small rate. Each observation adds W = x ln(p1/p0) + (1 − x) ln((1 − p1)/(1 − p0)); S = max(0, S + W);
/// the alert fires when S ≥ h and S restarts at 0.
///
/// **Threshold**: h = ln(horizon / alpha) (defaults 1000 and 0.01: h ≈ 11.5). For a known p0 the
/// likelihood ratio from any start point is a martingale, so by Ville's inequality it reaches e^h with
/// probability ≤ e^−h; a union over the ≤ horizon start points in `horizon` observations bounds the
/// probability of a false alarm of one CUSUM within them by horizon · e^−h = alpha. p0 is estimated from the
/// first window, which the bound does not cover; the guard band above is what keeps the real rate under it,
/// and tst_review_monitor measures it.

#include <veridicor/review/categories.h>

#include <cstddef>
#include <cstdint>
#include <deque>
#include <map>
#include <optional>
#include <string>
#include <tuple>
#include <vector>

namespace veridicor::review {

struct MonitorSettings {
    std::size_t window = 200;  ///< the rolling window and the baseline, in observations of each figure
    double alpha = 0.01;       ///< false-alarm bound per CUSUM within `horizon` observations (known p0)
    double horizon = 1000;
    double oddsRatio = 2;      ///< the design shift
    /// The baseline rate is moved this many standard errors (sqrt(p(1 − p)/window)) toward the alternative
    /// before it is used as p0: an estimate that came out low by chance must not look like a shift.
    double baselineGuard = 1.5;
    [[nodiscard]] double threshold() const;
};

enum class MonitorFigure { PositiveRateUp, PositiveRateDown, PpaDown, NpaDown };
inline constexpr std::size_t kMonitorFigureCount = 4;

/// "positive rate up", "positive rate down", "PPA down", "NPA down".
std::string_view monitorFigureName(MonitorFigure figure);

struct Alert {
    std::string modelName;
    std::string modelVersion;
    Category category = Category::EcgOverall;
    MonitorFigure figure = MonitorFigure::PositiveRateUp;
    double baseline = 0;       ///< the figure (positive rate, PPA or NPA) over the first window
    double current = 0;        ///< the same figure over the rolling window when the alert fired
    std::uint64_t reading = 0; ///< the number of readings of this (model, version, category) so far
    double statistic = 0;      ///< the CUSUM's S when it fired
    double threshold = 0;
};

/// The rolling state of one figure.
struct FigureState {
    std::size_t baselineCount = 0; ///< observations taken into the baseline so far (≤ window)
    std::size_t baselineEvents = 0;
    std::deque<bool> recent;       ///< the last `window` values of the figure (true: AI positive)
    [[nodiscard]] bool ready(std::size_t window) const { return baselineCount >= window; }
};

class ModelMonitor {
public:
    explicit ModelMonitor(MonitorSettings settings = {});

    /// One signed, verified reading of a (model, version, category): the AI's and the clinician's call.
    /// Returns the alerts it set off (usually none).
    std::vector<Alert> add(const std::string& modelName, const std::string& modelVersion, Category category,
                           bool aiPositive, bool clinicianPositive);

    /// The figure over the rolling window (positive rate, PPA or NPA: up and down share it), or nullopt when
    /// no observation has been made.
    [[nodiscard]] std::optional<double> current(const std::string& modelName, const std::string& modelVersion,
                                                Category category, MonitorFigure figure) const;
    /// The figure over the first window, or nullopt until that window is full.
    [[nodiscard]] std::optional<double> baseline(const std::string& modelName, const std::string& modelVersion,
                                                 Category category, MonitorFigure figure) const;
    [[nodiscard]] const MonitorSettings& settings() const { return settings_; }

private:
    using Key = std::tuple<std::string, std::string, Category>;
    struct Stream {
        std::uint64_t readings = 0;
        FigureState positive; ///< x = AI positive, all readings
        FigureState ppa;      ///< x = AI positive, clinician positive
        FigureState npa;      ///< x = AI positive, clinician negative
        double sPosUp = 0;
        double sPosDown = 0;
        double sPpaDown = 0;
        double sNpaDown = 0;
    };
    MonitorSettings settings_;
    std::map<Key, Stream> streams_;
};

} // namespace veridicor::review
