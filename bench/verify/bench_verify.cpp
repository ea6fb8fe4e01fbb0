// bench_verify — speed figures for verify/ (printed, never asserted):
//   1. one ECG finding bundle verified end to end (load the DICOM, hash its waveform, chain, signature, model
//      provenance, attachments), and the share spent hashing the input;
//   2. SHA-256 input hashing throughput against `openssl dgst -sha256` on the same bytes, in the same run;
//   3. verifications per second on one core for a bundle with a P-256 signer and one with an Ed25519 signer.
// Usage: bench_verify [path/to/ecg.dcm] (default: ../shared/data/ecg/wave_dfl.dcm when present)
#include <veridicor/dicom/dicom_env.h>
#include <veridicor/dicom/load.h>
#include <veridicor/verify/encoding.h>
#include <veridicor/verify/input_digest.h>
#include <veridicor/verify/json.h>
#include <veridicor/verify/pki.h>
#include <veridicor/verify/signer.h>
#include <veridicor/verify/verifier.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <random>
#include <string>
#include <vector>

#include <unistd.h>

using namespace veridicor;
using namespace veridicor::verify;
using Clock = std::chrono::steady_clock;

namespace {

double ms(Clock::duration d) {
    return std::chrono::duration<double, std::milli>(d).count();
}

double median(std::vector<double> v) {
    std::sort(v.begin(), v.end());
    return v[v.size() / 2];
}

[[noreturn]] void die(const std::string& what) {
    std::fprintf(stderr, "bench_verify: %s\n", what.c_str());
    std::exit(1);
}

std::string predicateFor(const std::string& modelDigest, TimePoint t, std::size_t samples) {
    return "{\"model\": {\"name\": \"ecg-omi-detector\", \"version\": \"2.1.0\", \"digest\": {\"sha256\": "
           "\"" +
           modelDigest + "\"}}, \"producedAt\": \"" +
           formatRfc3339(std::chrono::floor<std::chrono::seconds>(t)) +
           "\", \"input\": {\"modality\": \"ECG\"}, \"findings\": [{\"id\": \"f1\", \"code\": {\"scheme\": "
           "\"SCT\", "
           "\"value\": \"401303003\", \"meaning\": \"Acute ST segment elevation myocardial infarction\"}, "
           "\"text\": "
           "\"Occlusion MI, anterior wall\", \"confidence\": 0.93, \"region\": {\"kind\": \"ecg\", "
           "\"leads\": [\"V2\", "
           "\"V3\", \"V4\"], \"startSeconds\": 1.2, \"endSeconds\": 3.4}, \"explanation\": {\"attachment\": "
           "\"f1-relevance.u8\"}}], \"attachments\": [{\"name\": \"f1-relevance.u8\", \"mediaType\": "
           "\"application/vnd.veridicor.ecg-relevance\", \"leads\": [\"I\", \"II\", \"III\", \"aVR\", "
           "\"aVL\", \"aVF\", "
           "\"V1\", \"V2\", \"V3\", \"V4\", \"V5\", \"V6\"], \"samples\": " +
           std::to_string(samples) + "}]}";
}

} // namespace

int main(int argc, char** argv) {
    if (!dicom::initializeDicom()) {
        die("DCMTK is not usable");
    }
    std::filesystem::path ecg =
        argc > 1 ? argv[1] : std::filesystem::path(VERIDICOR_SHARED_DATA) / "ecg/wave_dfl.dcm";
    if (!std::filesystem::exists(ecg)) {
        die("no ECG file: give one, e.g. ../shared/data/ecg/wave_dfl.dcm");
    }
    const auto work =
        std::filesystem::temp_directory_path() / ("veridicor-bench-" + std::to_string(::getpid()));
    const TimePoint t = now();
    auto pki = writeDemoPki(work, t);
    if (!pki) {
        die(pki.error().message);
    }
    auto store = TrustStore::load(pki->trustStore);
    if (!store) {
        die(store.error().message);
    }
    const Verifier verifier(*store);
    auto input = openInput(ecg);
    if (!input) {
        die(input.error().message);
    }
    const auto bundles = work / "bundles";
    if (!writeTextFile(bundles / "f1-relevance.u8", std::string(12 * 2400, '\x40'))) {
        die("cannot write the attachment");
    }
    auto pred = json::parse(predicateFor(pki->ecgModelDigest, t - std::chrono::minutes(1), 2400));
    std::string bundleP256;
    std::string bundleEd;
    for (auto [name, out] : {std::pair<const char*, std::string*>{"finding-signer", &bundleP256},
                             {"finding-signer-ed25519", &bundleEd}}) {
        auto id = SigningIdentity::load(pki->signers / (std::string(name) + ".key.pem"),
                                        pki->signers / (std::string(name) + ".chain.pem"));
        auto b = signFinding(*id, *pred, *input, bundles);
        if (!b) {
            die(b.error().message);
        }
        *out = *b;
    }
    if (!writeTextFile(bundles / "ecg.finding.json", bundleP256)) {
        die("cannot write the bundle");
    }

    std::printf("verify/ benchmarks (one thread; %s; %zu waveform bytes)\n", ecg.filename().c_str(),
                static_cast<std::size_t>(input->hashedBytes));

    // 1. End to end, and the share spent hashing.
    {
        std::vector<double> total;
        std::vector<double> load;
        std::vector<double> hash;
        std::vector<double> rest;
        for (int i = 0; i < 200; ++i) {
            const auto t0 = Clock::now();
            auto loaded = dicom::loadFile(ecg);
            const auto t1 = Clock::now();
            auto in = inputFromDicom(*loaded); // hashes the waveform
            const auto t2 = Clock::now();
            auto v = verifier.verifyFile(bundles / "ecg.finding.json", *in, now());
            const auto t3 = Clock::now();
            if (!v || !v->trusted()) {
                die("the benchmark bundle does not verify");
            }
            total.push_back(ms(t3 - t0));
            load.push_back(ms(t1 - t0));
            hash.push_back(ms(t2 - t1));
            rest.push_back(ms(t3 - t2));
        }
        const double tot = median(total);
        std::printf("\n1. ECG finding bundle, end to end (median of 200): %.3f ms\n", tot);
        std::printf("   load DICOM (DCMTK, deflated): %.3f ms (%.0f%%)\n", median(load),
                    100 * median(load) / tot);
        std::printf("   hash the input (dicom-waveform-v1, SHA-256): %.3f ms (%.1f%%)\n", median(hash),
                    100 * median(hash) / tot);
        std::printf(
            "   verify the bundle (read, chain, signature, model provenance, attachment): %.3f ms (%.0f%%)\n",
            median(rest), 100 * median(rest) / tot);
        std::printf("   (medians of each part; their sum need not equal the median of the whole)\n");
    }

    // 2. Hashing throughput against openssl dgst on the same bytes.
    {
        const std::size_t size = std::size_t{256} << 20;
        const auto file = work / "hash-input.bin";
        {
            std::mt19937_64 rng(1);
            std::vector<std::uint64_t> block(1 << 17);
            std::ofstream out(file, std::ios::binary);
            for (std::size_t written = 0; written < size; written += block.size() * 8) {
                for (auto& w : block) {
                    w = rng();
                }
                out.write(reinterpret_cast<const char*>(block.data()),
                          static_cast<std::streamsize>(block.size() * 8));
            }
        }
        std::string ours;
        std::vector<double> oursMs;
        std::vector<double> theirsMs;
        std::string theirs;
        for (int round = 0; round < 3; ++round) {
            const auto t0 = Clock::now();
            auto d = fileDigest(file);
            oursMs.push_back(ms(Clock::now() - t0));
            ours = *d;
            const std::string cmd = "openssl dgst -sha256 -r '" + file.string() + "'";
            const auto t1 = Clock::now();
            FILE* p = ::popen(cmd.c_str(), "r");
            char buf[256] = {0};
            if (p == nullptr || std::fgets(buf, sizeof buf, p) == nullptr) {
                die("openssl dgst did not run");
            }
            ::pclose(p);
            theirsMs.push_back(ms(Clock::now() - t1));
            theirs = std::string(buf).substr(0, 64);
        }
        // In memory, as for DICOM values (no file reading).
        std::string memory(size / 4, '\0');
        for (std::size_t i = 0; i < memory.size(); ++i) {
            memory[i] = static_cast<char>(i * 131);
        }
        std::vector<double> memMs;
        for (int round = 0; round < 3; ++round) {
            const auto t0 = Clock::now();
            Sha256 h;
            h.update(memory);
            (void)h.finish();
            memMs.push_back(ms(Clock::now() - t0));
        }
        const double mib = static_cast<double>(size) / (1 << 20);
        const double oursRate = mib / (median(oursMs) / 1000);
        const double theirsRate = mib / (median(theirsMs) / 1000);
        std::printf("\n2. SHA-256 of the same %.0f MiB file (page cache warm, median of 3), digests %s\n",
                    mib, ours == theirs ? "agree" : "DISAGREE");
        std::printf("   verify::fileDigest (file-v1): %.0f MiB/s\n", oursRate);
        std::printf("   openssl dgst -sha256:          %.0f MiB/s (process start included)\n", theirsRate);
        std::printf("   ratio: %.2f x\n", oursRate / theirsRate);
        std::printf("   in memory (DICOM values, verify::Sha256): %.0f MiB/s\n",
                    static_cast<double>(memory.size()) / (1 << 20) / (median(memMs) / 1000));
        std::filesystem::remove(file);
    }

    // 3. Verifications per second on one core, with the demo PKI (P-256 CAs) and with P-384 CAs.
    std::printf(
        "\n3. Verifications per second, one core (bundle bytes and input already in memory; the model's OMS\n"
        "   provenance is checked once and then remembered while it cannot change)\n");
    for (const KeyType caKey : {KeyType::EcP256, KeyType::EcP384}) {
        const auto dir = work / (caKey == KeyType::EcP256 ? "pki-p256" : "pki-p384");
        auto pkiN = writeDemoPki(dir, t, caKey);
        const Verifier verifierN(*TrustStore::load(pkiN->trustStore));
        auto predN = json::parse(predicateFor(pkiN->ecgModelDigest, t - std::chrono::minutes(1), 2400));
        const auto reader = attachmentsFromFolder(bundles);
        for (const char* signerName : {"finding-signer", "finding-signer-ed25519"}) {
            auto id = SigningIdentity::load(pkiN->signers / (std::string(signerName) + ".key.pem"),
                                            pkiN->signers / (std::string(signerName) + ".chain.pem"));
            const std::string bundle = *signFinding(*id, *predN, *input, bundles);
            int n = 0;
            const auto t0 = Clock::now();
            while (Clock::now() - t0 < std::chrono::seconds(3)) {
                const Verdict v = verifierN.verify(bundle, *input, t, reader);
                if (!v.trusted()) {
                    die("the benchmark bundle does not verify");
                }
                ++n;
            }
            const double secs = ms(Clock::now() - t0) / 1000;
            std::printf("   %-11s signer, %s root and intermediate: %5.0f verifications/s (%.3f ms each)\n",
                        std::string(signerName) == "finding-signer" ? "ECDSA P-256" : "Ed25519",
                        caKey == KeyType::EcP256 ? "P-256" : "P-384", n / secs, 1000 * secs / n);
        }
    }
    std::filesystem::remove_all(work);
    return 0;
}
