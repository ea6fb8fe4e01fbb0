// veridicor-cli sign-model --key KEY.pem --chain CHAIN.pem MODEL_DIR -o MODEL.sig
// Signs a model folder as an OMS v1.0 bundle (certificate method), compatible with
// sigstore/model-transparency.
#include "cli_support.h"
#include "commands.h"

#include <veridicor/verify/oms.h>
#include <veridicor/verify/pki.h>

namespace veridicor::cli {

int runSignModel(const QStringList& args) {
    QCommandLineParser parser;
    parser.setApplicationDescription(
        QStringLiteral("Sign MODEL_DIR with OpenSSF Model Signing v1.0 (certificate method). Every file is "
                       "hashed with SHA-256 "
                       "(or every shard with --shard-size); .git, .gitattributes, .github, .gitignore and "
                       "the signature itself "
                       "are left out and listed in the signed ignore_paths."));
    const QCommandLineOption key(QStringLiteral("key"),
                                 QStringLiteral("Signer's ECDSA private key (PEM, PKCS#8)."),
                                 QStringLiteral("KEY.pem"));
    const QCommandLineOption chain(QStringLiteral("chain"),
                                   QStringLiteral("Signer's certificate chain, leaf first."),
                                   QStringLiteral("CHAIN.pem"));
    const QCommandLineOption output({QStringLiteral("o"), QStringLiteral("output")},
                                    QStringLiteral("The signature to write."), QStringLiteral("MODEL.sig"));
    const QCommandLineOption shard(
        QStringLiteral("shard-size"),
        QStringLiteral("Serialize by shards of this many bytes (method \"shards\")."),
        QStringLiteral("BYTES"));
    const QCommandLineOption ignore(
        QStringLiteral("ignore-path"),
        QStringLiteral("A file or folder (relative to MODEL_DIR) to leave out; repeatable."),
        QStringLiteral("PATH"));
    const QCommandLineOption tsaKey(
        QStringLiteral("tsa-key"),
        QStringLiteral("Add an RFC 3161 timestamp made with this local TSA key (PEM)."), QStringLiteral("K"));
    const QCommandLineOption tsaChain(QStringLiteral("tsa-chain"),
                                      QStringLiteral("The local TSA's certificate chain, leaf first (PEM)."),
                                      QStringLiteral("C"));
    parser.addOptions({key, chain, output, shard, ignore, tsaKey, tsaChain});
    parser.addPositionalArgument(QStringLiteral("model"), QStringLiteral("The model folder."),
                                 QStringLiteral("MODEL_DIR"));
    int code = 0;
    if (!parseOrExplain(parser, args, code)) {
        return code;
    }
    if (!parser.isSet(key) || !parser.isSet(chain) || !parser.isSet(output) ||
        parser.positionalArguments().size() != 1) {
        return fail("sign-model", "usage: sign-model --key KEY.pem --chain CHAIN.pem MODEL_DIR -o MODEL.sig");
    }
    verify::ModelSignOptions options;
    if (parser.isSet(shard)) {
        bool ok = false;
        const qulonglong n = parser.value(shard).toULongLong(&ok);
        if (!ok || n == 0) {
            return fail("sign-model", "--shard-size must be a positive number of bytes");
        }
        options.method = verify::OmsMethod::Shards;
        options.shardSize = n;
    }
    for (const QString& p : parser.values(ignore)) {
        options.ignorePaths.push_back(p.toStdString());
    }
    if (parser.isSet(tsaKey) != parser.isSet(tsaChain)) {
        return fail("sign-model", "--tsa-key and --tsa-chain go together");
    }
    if (parser.isSet(tsaKey)) {
        auto tsa = verify::TimestampAuthority::load(parser.value(tsaKey).toStdString(),
                                                    parser.value(tsaChain).toStdString());
        if (!tsa) {
            return fail("sign-model", tsa.error().message);
        }
        options.timestamp = std::move(*tsa);
    }
    auto identity =
        verify::SigningIdentity::load(parser.value(key).toStdString(), parser.value(chain).toStdString());
    if (!identity) {
        return fail("sign-model", identity.error().message);
    }
    const std::filesystem::path out = parser.value(output).toStdString();
    auto bundle =
        verify::signModel(parser.positionalArguments().front().toStdString(), *identity, options, out);
    if (!bundle) {
        return fail("sign-model", bundle.error().message);
    }
    if (auto w = verify::writeTextFile(out, *bundle); !w) {
        return fail("sign-model", w.error().message);
    }
    return ExitOk;
}

} // namespace veridicor::cli
