// veridicor-cli — headless tools. Each subcommand is a thin shell over a library call (see commands.h).
#include "cli_support.h"
#include "commands.h"

#include <veridicor/dicom/dicom_env.h>

#include <QCoreApplication>
#include <QGuiApplication>
#include <QSurfaceFormat>

#include <array>
#include <cstdio>
#include <cstring>
#include <memory>

namespace {

using veridicor::cli::Command;

constexpr std::array kCommands{
    Command{"dicom-index", "List the DICOM files under paths as patient → study → series → instance JSON",
            &veridicor::cli::runDicomIndex, false},
    Command{"ecg-info", "Describe a DICOM ECG (groups, channels, scaling, annotations) as JSON",
            &veridicor::cli::runEcgInfo, false},
    Command{"ecg-export", "Write one waveform group of a DICOM ECG as CSV in microvolts (--group N --csv)",
            &veridicor::cli::runEcgExport, false},
    Command{"ecg-render",
            "Render an ECG as printed paper (PNG) with the GUI's GPU renderer (needs a display)",
            &veridicor::cli::runEcgRender, true},
    Command{"cine-info", "Image attributes, frame times and ultrasound regions of a cine as JSON",
            &veridicor::cli::runCineInfo, false},
    Command{"cine-frame",
            "Write one cine frame as shown (8-bit RGB PNG): cine-frame FILE --frame N -o out.png",
            &veridicor::cli::runCineFrame, false},
    Command{"verify", "Verify a signed AI finding bundle; print the verdict JSON (0 trusted, 1 untrusted)",
            &veridicor::cli::runVerify, false},
    Command{"sign-finding", "Sign an AI finding for a recording (finding-bundle-v1)",
            &veridicor::cli::runSignFinding, false},
    Command{"sign-model", "Sign a model folder (OMS v1.0, certificate method)", &veridicor::cli::runSignModel,
            false},
    Command{"verify-model", "Verify a model folder against its OMS v1.0 signature",
            &veridicor::cli::runVerifyModel, false},
    Command{"input-digest", "Print a file's digest by a finding-bundle digest method (--method METHOD FILE)",
            &veridicor::cli::runInputDigest, false},
    Command{"audit-verify", "Check a hash-chained audit log and its signed head (0 intact, 1 damaged)",
            &veridicor::cli::runAuditVerify, false},
    Command{"policy-upgrade",
            "Write a version 2 policy.json from a version 1 one, signers pinned to their CAs, for review",
            &veridicor::cli::runPolicyUpgrade, false},
    Command{"reading-sign",
            "Sign a clinician's reading of a recording as a DICOM SR (--key --chain --data --reading -o)",
            &veridicor::cli::runReadingSign, false},
    Command{"reading-verify",
            "Verify a signed reading SR; print the verdict JSON (0 trusted, 1 untrusted)",
            &veridicor::cli::runReadingVerify, false},
    Command{"reading-show", "Print a reading SR's content as JSON, marked unverified",
            &veridicor::cli::runReadingShow, false},
    Command{"report",
            "Write a recording's report as a PDF (--reading R.dcm --data RECORDING [--findings DIR] -o report.pdf)",
            &veridicor::cli::runReport, false, true},
    Command{"adjudication-sign",
            "Sign the adjudication of a signed reading SR (--key --chain --reading-sr --adjudication -o)",
            &veridicor::cli::runAdjudicationSign, false},
    Command{"adjudication-verify",
            "Verify a signed adjudication SR; print the verdict JSON (0 trusted, 1 untrusted)",
            &veridicor::cli::runAdjudicationVerify, false},
    Command{"agreement",
            "Agreement of verified AI findings with signed readings (kappa, PABAK, AC1, PPA/NPA) over PATHS",
            &veridicor::cli::runAgreement, false},
    Command{"make-demo-pki", "Generate a demo PKI and trust store (demo and tests only)",
            &veridicor::cli::runMakeDemoPki, false},
};

void printUsage(FILE* to) {
    // Not checked: usage text that cannot be written has nowhere else to go (static_cast<void>).
    static_cast<void>(std::fprintf(to, "Usage: veridicor-cli <command> [options]\n\nCommands:\n"));
    for (const auto& c : kCommands) {
        static_cast<void>(std::fprintf(to, "  %-14s %s\n", c.name, c.summary));
    }
    static_cast<void>(std::fprintf(
        to, "\n'veridicor-cli <command> --help' describes a command's options.\n"
            "Exit status: 0 success, 1 a negative answer (e.g. untrusted), 2 usage error or bad input.\n"));
}

} // namespace

int main(int argc, char* argv[]) {
    if (argc < 2 || std::strcmp(argv[1], "--help") == 0 || std::strcmp(argv[1], "-h") == 0) {
        printUsage(argc < 2 ? stderr : stdout);
        return argc < 2 ? veridicor::cli::ExitUsage : veridicor::cli::ExitOk;
    }
    if (std::strcmp(argv[1], "--version") == 0) {
        std::printf("veridicor-cli %s\n", VERIDICOR_VERSION);
        return 0;
    }
    const Command* command = nullptr;
    for (const auto& c : kCommands) {
        if (std::strcmp(argv[1], c.name) == 0) {
            command = &c;
        }
    }
    if (command == nullptr) {
        static_cast<void>(std::fprintf(stderr, "veridicor-cli: unknown command '%s'\n\n", argv[1]));
        printUsage(stderr);
        return veridicor::cli::ExitUsage;
    }

    std::unique_ptr<QCoreApplication> app;
    if (command->needsGui) {
        if (qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM")) {
            qputenv("QT_QPA_PLATFORM", "xcb");
        }
        QSurfaceFormat fmt;
        fmt.setVersion(3, 2);
        fmt.setProfile(QSurfaceFormat::CoreProfile);
        QSurfaceFormat::setDefaultFormat(fmt);
        app = std::make_unique<QGuiApplication>(argc, argv);
    } else if (command->offscreenGui) {
        if (qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM")) {
            qputenv("QT_QPA_PLATFORM", "offscreen");
        }
        app = std::make_unique<QGuiApplication>(argc, argv);
    } else {
        app = std::make_unique<QCoreApplication>(argc, argv);
    }
    QCoreApplication::setApplicationName(QStringLiteral("veridicor-cli"));
    QCoreApplication::setApplicationVersion(QStringLiteral(VERIDICOR_VERSION));

    if (auto env = veridicor::dicom::initializeDicom(); !env) {
        return veridicor::cli::fail(command->name, env.error().message);
    }
    QStringList args = QCoreApplication::arguments();
    // args: [program, command, options...] → [ "veridicor-cli <command>", options... ]
    args.removeFirst();
    args[0] = QStringLiteral("veridicor-cli ") + args[0];
    return command->run(args);
}
