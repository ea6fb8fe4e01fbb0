#pragma once

#include <QByteArray>
#include <QPolygonF>
#include <QString>
#include <QStringList>

namespace veridicor::registry {

/// One AI finding as a view draws it: its region and its explanation attachment. ui/ builds these only from a
/// verified payload held in memory (or, for an untrusted finding, only after the reader chose "Show anyway");
/// views never read finding files themselves.
struct FindingOverlay {
    QString key;          ///< unique per (bundle, finding id); used by focusFinding()
    QString label;        ///< short text shown beside the overlay (code meaning or finding text)
    bool trusted = false; ///< false: shown anyway; the view marks it UNTRUSTED wherever it draws it
    bool visible = true;  ///< the reader's per-finding toggle

    // Region, ECG (`region.kind` "ecg"): the leads by standard short name and the time range in seconds from
    // the first sample of the rhythm group.
    bool hasEcgRegion = false;
    QStringList leads;
    double startSeconds = 0.0;
    double endSeconds = 0.0;

    // Explanation, ECG (`application/vnd.veridicor.ecg-relevance`): leads × samples uint8, lead-major;
    // value v means relevance v/255 at that sample (same sampling as the input).
    QStringList relevanceLeads;
    int relevanceSamples = 0;
    QByteArray relevance;

    // Region, cine (`region.kind` "cine"): frames from 0, inclusive; polygon in image pixel coordinates
    // (may be empty).
    bool hasCineRegion = false;
    int firstFrame = 0;
    int lastFrame = 0;
    QPolygonF polygon;

    // Explanation, cine (`application/vnd.veridicor.cine-heatmap`): frames × rows × cols uint8, frame-major;
    // the grid covers the whole image and is scaled to it.
    int heatmapFrames = 0;
    int heatmapRows = 0;
    int heatmapCols = 0;
    QByteArray heatmap;
};

} // namespace veridicor::registry
