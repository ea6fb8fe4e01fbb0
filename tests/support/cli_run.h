#pragma once
// Running a built program (veridicor-cli) from a test, as a user's shell would: its exit code and both
// streams.

#include <QByteArray>
#include <QProcess>
#include <QProcessEnvironment>
#include <QString>
#include <QStringList>

namespace veridicor::test {

struct CliRun {
    int exitCode = -1; ///< -1 when the program did not start, crashed or ran past the wait
    QByteArray out;
    QByteArray err;
};

/// Runs `program` with `args` in `env` and waits up to `ms` for it.
inline CliRun runProgram(const QString& program, const QStringList& args,
                         const QProcessEnvironment& env = QProcessEnvironment::systemEnvironment(),
                         int ms = 120000) {
    QProcess p;
    p.setProcessEnvironment(env);
    p.start(program, args);
    CliRun r;
    if (!p.waitForFinished(ms) || p.exitStatus() != QProcess::NormalExit) {
        return r;
    }
    r.exitCode = p.exitCode();
    r.out = p.readAllStandardOutput();
    r.err = p.readAllStandardError();
    return r;
}

} // namespace veridicor::test
