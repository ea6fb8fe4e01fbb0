// veridicor-cli verify-model --trust DIR [--key PUB.pem] [--at RFC3339] --signature MODEL.sig MODEL_DIR
// The full OMS v1.0 check: the signature (certificate or key method), then every file of the model.
#include "cli_support.h"
#include "commands.h"

#include <veridicor/verify/oms.h>
#include <veridicor/verify/trust_store.h>

namespace veridicor::cli {

int runVerifyModel(const QStringList& args) {
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral(
        "Verify an OMS v1.0 model signature and MODEL_DIR against it: the certificate chain to the trust "
        "store's "
        "anchors (or, with --key, the given public key), the signature, and that no file was changed, "
        "removed or "
        "added. Prints JSON. Exit status: 0 verified, 1 not, 2 usage error or unreadable input."));
    const QCommandLineOption trust(QStringLiteral("trust"), QStringLiteral("Trust store folder."),
                                   QStringLiteral("DIR"));
    const QCommandLineOption key(QStringLiteral("key"),
                                 QStringLiteral("Public key for the OMS key method (PEM)."),
                                 QStringLiteral("PUB.pem"));
    const QCommandLineOption at(QStringLiteral("at"), QStringLiteral("Verification time (default: now)."),
                                QStringLiteral("RFC3339"));
    const QCommandLineOption signature(QStringLiteral("signature"), QStringLiteral("The OMS bundle."),
                                       QStringLiteral("MODEL.sig"));
    parser.addOptions({trust, key, at, signature});
    parser.addPositionalArgument(QStringLiteral("model"),
                                 QStringLiteral("The model folder (or single model file)."),
                                 QStringLiteral("MODEL_DIR"));
    int code = 0;
    if (!parseOrExplain(parser, args, code)) {
        return code;
    }
    if (!parser.isSet(trust) || !parser.isSet(signature) || parser.positionalArguments().size() != 1) {
        return fail(
            "verify-model",
            "usage: verify-model --trust DIR [--key PUB.pem] [--at RFC3339] --signature MODEL.sig MODEL_DIR");
    }
    verify::TimePoint when = verify::now();
    if (parser.isSet(at)) {
        auto t = verify::parseRfc3339(parser.value(at).toStdString());
        if (!t) {
            return fail("verify-model",
                        "--at '" + parser.value(at).toStdString() + "' is not an RFC 3339 time");
        }
        when = *t;
    }
    auto store = verify::TrustStore::load(parser.value(trust).toStdString());
    if (!store) {
        return fail("verify-model", store.error().message);
    }
    std::optional<verify::PublicKey> publicKey;
    if (parser.isSet(key)) {
        auto k = verify::PublicKey::load(parser.value(key).toStdString());
        if (!k) {
            return fail("verify-model", k.error().message);
        }
        publicKey = std::move(*k);
    }
    const std::filesystem::path sigPath = parser.value(signature).toStdString();
    auto bytes = verify::readFileBounded(sigPath, std::size_t{64} << 20);
    if (!bytes && bytes.error().code != verify::ErrorCode::TooLarge) {
        return fail("verify-model", bytes.error().message);
    }
    const std::filesystem::path modelDir = parser.positionalArguments().front().toStdString();
    std::error_code ec;
    if (!std::filesystem::is_directory(modelDir, ec) && !std::filesystem::is_regular_file(modelDir, ec)) {
        return fail("verify-model", "the model '" + modelDir.string() + "' is neither a folder nor a file");
    }
    const auto result = verify::verifyModel(bytes ? *bytes : std::string("(over 64 MiB)"), modelDir, *store,
                                            publicKey ? &*publicKey : nullptr, when, sigPath);
    printOut(verify::modelVerificationToJson(result));
    return result.trust == verify::Trust::Trusted ? ExitOk : ExitFailure;
}

} // namespace veridicor::cli
