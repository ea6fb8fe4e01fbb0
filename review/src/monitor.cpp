#include <veridicor/review/monitor.h>

#include <algorithm>
#include <cmath>

namespace veridicor::review {

namespace {

double fraction(std::size_t k, std::size_t n) { return static_cast<double>(k) / static_cast<double>(n); }

double recentFraction(const std::deque<bool>& d) {
    return fraction(static_cast<std::size_t>(std::count(d.begin(), d.end(), true)), d.size());
}

/// Takes one observation into a figure: into its baseline until that is full (returns false: no CUSUM
/// step yet), and into the rolling window always.
bool observe(FigureState& f, bool x, std::size_t window) {
    const bool wasReady = f.ready(window);
    if (!wasReady) {
        ++f.baselineCount;
        f.baselineEvents += x ? 1 : 0;
    }
    f.recent.push_back(x);
    while (f.recent.size() > window) {
        f.recent.pop_front();
    }
    return wasReady;
}

/// One step of the CUSUM that watches the rate of `event` for an increase from p0 (the baseline's rate of
/// that event, kept off 0 and 1) to the design rate p1 = R p0 / (1 − p0 + R p0).
double cusumStep(double s, bool event, double baselineRate, const MonitorSettings& m) {
    const auto w = static_cast<double>(m.window);
    const double estimate = std::clamp(baselineRate, 0.5 / w, 1 - 0.5 / w);
    const double guard = m.baselineGuard * std::sqrt(estimate * (1 - estimate) / w);
    const double p0 = std::min(estimate + guard, 1 - 0.5 / w);
    const double p1 = m.oddsRatio * p0 / (1 - p0 + m.oddsRatio * p0);
    const double step = event ? std::log(p1 / p0) : std::log((1 - p1) / (1 - p0));
    return std::max(0.0, s + step);
}

} // namespace

double MonitorSettings::threshold() const { return std::log(horizon / alpha); }

std::string_view monitorFigureName(MonitorFigure figure) {
    switch (figure) {
    case MonitorFigure::PositiveRateUp:
        return "positive rate up";
    case MonitorFigure::PositiveRateDown:
        return "positive rate down";
    case MonitorFigure::PpaDown:
        return "PPA down";
    case MonitorFigure::NpaDown:
        return "NPA down";
    }
    return "";
}

ModelMonitor::ModelMonitor(MonitorSettings settings) : settings_(settings) {
    settings_.window = std::max<std::size_t>(settings_.window, 1);
}

std::vector<Alert> ModelMonitor::add(const std::string& modelName, const std::string& modelVersion,
                                     Category category, bool aiPositive, bool clinicianPositive) {
    std::vector<Alert> alerts;
    Stream& st = streams_[Key{modelName, modelVersion, category}];
    ++st.readings;
    const std::size_t w = settings_.window;
    const double h = settings_.threshold();
    auto check = [&](double& s, MonitorFigure figure, double baselineFigure, double currentFigure) {
        if (s >= h) {
            alerts.push_back(Alert{modelName, modelVersion, category, figure, baselineFigure, currentFigure,
                                   st.readings, s, h});
            s = 0;
        }
    };

    if (observe(st.positive, aiPositive, w)) {
        const double rate = fraction(st.positive.baselineEvents, w);
        st.sPosUp = cusumStep(st.sPosUp, aiPositive, rate, settings_);
        st.sPosDown = cusumStep(st.sPosDown, !aiPositive, 1 - rate, settings_);
        const double now = recentFraction(st.positive.recent);
        check(st.sPosUp, MonitorFigure::PositiveRateUp, rate, now);
        check(st.sPosDown, MonitorFigure::PositiveRateDown, rate, now);
    }
    if (clinicianPositive) {
        if (observe(st.ppa, aiPositive, w)) {
            const double ppa = fraction(st.ppa.baselineEvents, w);
            st.sPpaDown = cusumStep(st.sPpaDown, !aiPositive, 1 - ppa, settings_);
            check(st.sPpaDown, MonitorFigure::PpaDown, ppa, recentFraction(st.ppa.recent));
        }
    } else {
        if (observe(st.npa, aiPositive, w)) {
            const double fpRate = fraction(st.npa.baselineEvents, w);
            st.sNpaDown = cusumStep(st.sNpaDown, aiPositive, fpRate, settings_);
            check(st.sNpaDown, MonitorFigure::NpaDown, 1 - fpRate, 1 - recentFraction(st.npa.recent));
        }
    }
    return alerts;
}

std::optional<double> ModelMonitor::current(const std::string& modelName, const std::string& modelVersion,
                                            Category category, MonitorFigure figure) const {
    const auto it = streams_.find(Key{modelName, modelVersion, category});
    if (it == streams_.end()) {
        return std::nullopt;
    }
    const Stream& st = it->second;
    switch (figure) {
    case MonitorFigure::PositiveRateUp:
    case MonitorFigure::PositiveRateDown:
        return st.positive.recent.empty() ? std::nullopt : std::optional(recentFraction(st.positive.recent));
    case MonitorFigure::PpaDown:
        return st.ppa.recent.empty() ? std::nullopt : std::optional(recentFraction(st.ppa.recent));
    case MonitorFigure::NpaDown:
        return st.npa.recent.empty() ? std::nullopt : std::optional(1 - recentFraction(st.npa.recent));
    }
    return std::nullopt;
}

std::optional<double> ModelMonitor::baseline(const std::string& modelName, const std::string& modelVersion,
                                             Category category, MonitorFigure figure) const {
    const auto it = streams_.find(Key{modelName, modelVersion, category});
    if (it == streams_.end()) {
        return std::nullopt;
    }
    const Stream& st = it->second;
    const std::size_t w = settings_.window;
    switch (figure) {
    case MonitorFigure::PositiveRateUp:
    case MonitorFigure::PositiveRateDown:
        return st.positive.ready(w) ? std::optional(fraction(st.positive.baselineEvents, w)) : std::nullopt;
    case MonitorFigure::PpaDown:
        return st.ppa.ready(w) ? std::optional(fraction(st.ppa.baselineEvents, w)) : std::nullopt;
    case MonitorFigure::NpaDown:
        return st.npa.ready(w) ? std::optional(1 - fraction(st.npa.baselineEvents, w)) : std::nullopt;
    }
    return std::nullopt;
}

} // namespace veridicor::review
