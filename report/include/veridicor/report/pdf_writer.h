#pragma once
/// \file
/// Writes a ReportData as a PDF with QPdfWriter (Qt Gui; no widgets): page 1 the recording on true-scale
/// paper, drawn in millimetres of the A4 landscape page (25 mm/s, 10 mm/mV, 1 mm and 5 mm grid, a 1 mV
/// calibration pulse opening each row, the viewer's default 3×4 + rhythm strip layout, lead labels), as
/// vector strokes; then the sections of report.h as real text (QPainter::drawText, searchable), on as many
/// pages as they take, each page numbered. Needs a QGuiApplication (fonts); the offscreen platform will do.

#include <veridicor/base/expected.h>
#include <veridicor/report/report.h>

#include <filesystem>

namespace veridicor::report {

/// The page's resolution (dots per inch of the PDF's device): every length is millimetres × dpi / 25.4.
inline constexpr int kPdfResolution = 1200;
/// Where the paper sits on page 1 (mm from the page's top-left): tests find the calibration pulse from here.
inline constexpr double kPaperLeftMm = 12.0;
inline constexpr double kPaperTopMm = 42.0;

/// Writes the report to `path` through a temporary file that replaces `path` only once the PDF is complete,
/// so a failure leaves no partial PDF. Errors: Unwritable (the folder cannot be written, or writing
/// failed), Invalid (no recording in `data`).
Expected<void, Error> writeReportPdf(const ReportData& data, const std::filesystem::path& path);

} // namespace veridicor::report
