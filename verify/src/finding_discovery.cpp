#include "bundle.h"

#include <veridicor/dicom/sniff.h>
#include <veridicor/verify/finding.h>
#include <veridicor/verify/finding_discovery.h>
#include <veridicor/verify/keys.h>
#include <veridicor/verify/verifier.h>

#include <algorithm>
#include <map>
#include <system_error>

namespace veridicor::verify {

namespace {

std::string fileNameOf(const std::filesystem::path& p) {
    return p.filename().string();
}

/// The bundle's name without ".finding.json".
std::string bundleStem(const std::filesystem::path& bundle) {
    const std::string name = fileNameOf(bundle);
    return name.substr(0, name.size() - kFindingFileSuffix.size());
}

/// How well a bundle stem names `fileName` (rule a): 0 when it does not; otherwise larger for a longer name,
/// and an exact file name beats the same text as a name without its extension.
std::size_t nameScore(const std::string& stem, const std::string& fileName) {
    auto matches = [&stem](const std::string& key) {
        if (key.empty()) {
            return false;
        }
        if (stem == key) {
            return true;
        }
        return stem.size() > key.size() + 1 && stem.compare(0, key.size(), key) == 0 &&
               stem[key.size()] == '.';
    };
    std::size_t best = 0;
    if (matches(fileName)) {
        best = 2 * fileName.size() + 1;
    }
    const std::filesystem::path asPath(fileName);
    if (asPath.has_extension() && asPath.has_stem()) {
        const std::string withoutExtension = asPath.stem().string();
        if (withoutExtension != fileName && matches(withoutExtension)) {
            best = std::max(best, 2 * withoutExtension.size());
        }
    }
    return best;
}

std::filesystem::path normalized(const std::filesystem::path& p) {
    std::error_code ec;
    std::filesystem::path abs = std::filesystem::absolute(p, ec);
    return (ec ? p : abs).lexically_normal();
}

struct NameMatch {
    std::optional<std::size_t> recording; ///< best opened recording
    std::size_t recordingScore = 0;
    std::optional<std::filesystem::path> unopened; ///< best DICOM file beside it that is not open
    std::size_t unopenedScore = 0;
};

NameMatch matchByName(const std::filesystem::path& bundle, const std::vector<Recording>& recordings,
                      bool lookBeside) {
    NameMatch m;
    if (!isFindingFileName(bundle)) {
        return m;
    }
    const std::string stem = bundleStem(bundle);
    const std::filesystem::path folder = normalized(bundle).parent_path();
    std::vector<std::filesystem::path> opened;
    opened.reserve(recordings.size());
    for (std::size_t i = 0; i < recordings.size(); ++i) {
        opened.push_back(normalized(recordings[i].path));
        if (opened.back().parent_path() != folder) {
            continue;
        }
        const std::size_t score = nameScore(stem, fileNameOf(opened.back()));
        if (score > m.recordingScore) {
            m.recordingScore = score;
            m.recording = i;
        }
    }
    if (!lookBeside) {
        return m;
    }
    std::error_code ec;
    std::filesystem::directory_iterator it(folder, std::filesystem::directory_options::skip_permission_denied,
                                           ec);
    std::size_t seen = 0;
    for (const std::filesystem::directory_iterator end; !ec && it != end && seen < 100000;
         it.increment(ec), ++seen) {
        std::error_code fe;
        if (!it->is_regular_file(fe) || isFindingFileName(it->path())) {
            continue;
        }
        const std::size_t score = nameScore(stem, fileNameOf(it->path()));
        if (score <= m.unopenedScore || score <= m.recordingScore) {
            continue;
        }
        const std::filesystem::path candidate = normalized(it->path());
        if (std::find(opened.begin(), opened.end(), candidate) != opened.end()) {
            continue;
        }
        // Only what the workstation could open counts: an attachment named like the bundle is not a
        // recording.
        if (dicom::looksLikeDicomFile(candidate)) {
            m.unopenedScore = score;
            m.unopened = candidate;
        }
    }
    return m;
}

std::string plural(std::size_t n, const char* one, const char* many) {
    return std::to_string(n) + " " + (n == 1 ? one : many);
}

} // namespace

bool isFindingFileName(const std::filesystem::path& path) {
    const std::string name = fileNameOf(path);
    return name.size() > kFindingFileSuffix.size() &&
           name.compare(name.size() - kFindingFileSuffix.size(), kFindingFileSuffix.size(),
                        kFindingFileSuffix) == 0;
}

std::vector<std::filesystem::path> findFindingFiles(const std::filesystem::path& path, bool recursive,
                                                    std::size_t max, bool* truncated) {
    std::vector<std::filesystem::path> out;
    bool cut = false;
    std::error_code ec;
    if (std::filesystem::is_regular_file(path, ec)) {
        if (isFindingFileName(path)) {
            out.push_back(path);
        }
    } else if (std::filesystem::is_directory(path, ec)) {
        auto take = [&](const std::filesystem::directory_entry& e) {
            std::error_code fe;
            if (e.is_regular_file(fe) && isFindingFileName(e.path())) {
                if (out.size() >= max) {
                    cut = true;
                    return false;
                }
                out.push_back(e.path());
            }
            return true;
        };
        const auto options = std::filesystem::directory_options::skip_permission_denied;
        if (recursive) {
            std::filesystem::recursive_directory_iterator it(path, options, ec);
            for (const std::filesystem::recursive_directory_iterator end; !ec && it != end;
                 it.increment(ec)) {
                if (!take(*it)) {
                    break;
                }
            }
        } else {
            std::filesystem::directory_iterator it(path, options, ec);
            for (const std::filesystem::directory_iterator end; !ec && it != end; it.increment(ec)) {
                if (!take(*it)) {
                    break;
                }
            }
        }
    }
    std::sort(out.begin(), out.end());
    if (truncated != nullptr) {
        *truncated = cut;
    }
    return out;
}

std::string_view routeDescription(FindingRoute route) {
    switch (route) {
    case FindingRoute::FileName:
        return "its file is named after this recording";
    case FindingRoute::SignedSubject:
        return "its signed subject is this recording's SOP Instance UID";
    case FindingRoute::ShownRecording:
        return "neither its file name nor a verified subject names an open recording, so it was checked "
               "against "
               "the recording on screen";
    case FindingRoute::UnopenedFile:
        return "its file is named after a recording that is not open";
    case FindingRoute::NoRecording:
        return "no recording is open to check it against";
    }
    return "no recording is open to check it against";
}

std::optional<std::size_t> recordingNamedBy(const std::filesystem::path& bundle,
                                            const std::vector<Recording>& recordings) {
    return matchByName(bundle, recordings, false).recording;
}

std::optional<std::filesystem::path> unopenedFileNamedBy(const std::filesystem::path& bundle,
                                                         const std::vector<Recording>& recordings) {
    return matchByName(bundle, recordings, true).unopened;
}

FindingCheckResult checkFindings(const FindingCheckRequest& request) {
    FindingCheckResult result;
    result.at = request.at.value_or(now());

    std::optional<Verifier> verifier;
    if (request.trustStore.empty()) {
        result.trustStoreProblem =
            "No trust store folder is set, so no finding can be verified and none is trusted.";
    } else if (auto store = TrustStore::load(request.trustStore); !store) {
        result.trustStoreProblem = "The trust store '" + request.trustStore.string() +
                                   "' could not be loaded: " + store.error().message +
                                   ". No finding can be verified, so none is trusted.";
    } else {
        result.trustStoreLoaded = true;
        std::size_t approved = store->policy().models.size();
        result.trustStoreSummary =
            plural(store->anchors().size(), "anchor", "anchors") + ", " +
            plural(store->crlCount(), "CRL", "CRLs") + ", " +
            plural(approved, "approved model", "approved models") + ", " +
            plural(store->modelBundles().size(), "model signature", "model signatures");
        verifier.emplace(std::move(*store));
    }

    // Each recording is read once; those the request gives already read (the one on screen, as its view
    // holds it) are not read at all.
    std::map<std::filesystem::path, Expected<InputData, Error>> inputs;
    for (const InputData& given : request.inputs) {
        inputs.emplace(normalized(given.path), given);
    }
    auto inputFor = [&inputs](const std::filesystem::path& p) -> const Expected<InputData, Error>& {
        const std::filesystem::path key = normalized(p);
        auto it = inputs.find(key);
        if (it == inputs.end()) {
            it = inputs.emplace(key, openInput(p)).first;
        }
        return it->second;
    };

    std::size_t kept = 0; // verified bytes held by the verdicts so far
    for (const auto& bundle : request.bundles) {
        if (request.cancel != nullptr && request.cancel->load()) {
            break;
        }
        CheckedFinding cf;
        cf.bundle = bundle;
        const NameMatch byName = matchByName(bundle, request.recordings, true);
        if (byName.unopened && byName.unopenedScore > byName.recordingScore) {
            cf.route = FindingRoute::UnopenedFile;
            cf.recording = *byName.unopened;
            cf.problem = "This finding file is named after '" + byName.unopened->filename().string() +
                         "', which is not open; it is not checked against any other recording.";
            result.findings.push_back(std::move(cf));
            continue;
        }
        auto routeWithoutContent = [&] {
            if (byName.recording) {
                cf.route = FindingRoute::FileName;
                cf.recording = request.recordings[*byName.recording].path;
            } else if (!request.shownRecording.empty()) {
                cf.route = FindingRoute::ShownRecording;
                cf.recording = request.shownRecording;
            } else {
                cf.route = FindingRoute::NoRecording;
            }
        };
        if (!verifier) {
            routeWithoutContent();
            cf.problem = result.trustStoreProblem;
            result.findings.push_back(std::move(cf));
            continue;
        }
        auto bytes = readFileBounded(bundle, detail::kMaxBundleBytes);
        if (!bytes) {
            routeWithoutContent();
            cf.problem =
                bytes.error().code == ErrorCode::TooLarge
                    ? "The finding file is larger than the 64 MiB a finding may have; it was not read."
                    : "The finding file could not be read: " + bytes.error().message + ".";
            result.findings.push_back(std::move(cf));
            continue;
        }
        // Steps 1–3 run once per bundle: for rule b when the name routes nothing, and the same result is
        // then verified (a bundle that goes nowhere is authenticated only if rule b needed it).
        std::optional<AuthenticatedBundle> authenticated;
        if (byName.recording) {
            cf.route = FindingRoute::FileName;
            cf.recording = request.recordings[*byName.recording].path;
        } else {
            authenticated = verifier->authenticate(*bytes, result.at);
            // Only an authenticated statement's subject is read (never that of a bundle that did not verify).
            if (const std::string* subject = authenticated->subjectName()) {
                for (const auto& r : request.recordings) {
                    if (!r.sopInstanceUID.empty() && r.sopInstanceUID == *subject) {
                        cf.route = FindingRoute::SignedSubject;
                        cf.recording = r.path;
                        break;
                    }
                }
            }
        }
        if (cf.recording.empty()) {
            routeWithoutContent();
        }
        if (cf.route == FindingRoute::NoRecording) {
            cf.problem = "No recording is open to check this finding against, so it cannot be trusted.";
            result.findings.push_back(std::move(cf));
            continue;
        }
        const auto& input = inputFor(cf.recording);
        if (!input) {
            cf.problem = "The recording '" + cf.recording.filename().string() +
                         "' could not be read to check this finding against it: " + input.error().message +
                         ".";
            result.findings.push_back(std::move(cf));
            continue;
        }
        Verdict v = verifier->verify(authenticated ? std::move(*authenticated)
                                                   : verifier->authenticate(*bytes, result.at),
                                     *input, attachmentsFromFolder(bundle.parent_path()));
        std::size_t size = v.payload.size();
        for (const auto& a : v.attachments) {
            size += a.bytes.size();
        }
        if (kept + size > request.maxTotalBytes) {
            // Its verified bytes are dropped with `v`: nothing of it can be shown.
            cf.problem =
                "Set aside: the findings of this study hold more than " +
                std::to_string(request.maxTotalBytes >> 20) +
                " MiB of verified data in all, and this one would exceed that; nothing of it is shown.";
            result.findings.push_back(std::move(cf));
            continue;
        }
        kept += size;
        cf.verdict = std::move(v);
        result.findings.push_back(std::move(cf));
    }
    return result;
}

} // namespace veridicor::verify
