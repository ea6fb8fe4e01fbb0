#pragma once
// The subcommands of veridicor-cli. Each lives in its own file and is a thin shell over a library call.

#include <QStringList>

namespace veridicor::cli {

/// A subcommand: `args[0]` is "veridicor-cli <name>", the rest are its arguments. Returns the exit code.
struct Command {
    const char* name = nullptr;
    const char* summary = nullptr;
    int (*run)(const QStringList& args) = nullptr;
    bool needsGui = false; ///< renders with OpenGL: needs a QGuiApplication (and a display; use xvfb-run -a)
    /// Paints without a display (a PDF: fonts need a QGuiApplication): on the offscreen platform unless
    /// QT_QPA_PLATFORM says otherwise.
    bool offscreenGui = false;
};

int runDicomIndex(const QStringList& args);
int runEcgInfo(const QStringList& args);
int runEcgExport(const QStringList& args);
int runEcgRender(const QStringList& args);
int runCineInfo(const QStringList& args);
int runCineFrame(const QStringList& args);
int runVerify(const QStringList& args);
int runSignFinding(const QStringList& args);
int runSignModel(const QStringList& args);
int runVerifyModel(const QStringList& args);
int runAuditVerify(const QStringList& args);
int runMakeDemoPki(const QStringList& args);
int runInputDigest(const QStringList& args);
int runPolicyUpgrade(const QStringList& args);
int runReadingSign(const QStringList& args);
int runReadingVerify(const QStringList& args);
int runReadingShow(const QStringList& args);
int runReport(const QStringList& args);
int runAdjudicationSign(const QStringList& args);
int runAdjudicationVerify(const QStringList& args);
int runAgreement(const QStringList& args);

} // namespace veridicor::cli
