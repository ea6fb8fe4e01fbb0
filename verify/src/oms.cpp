#include "authenticate.h"
#include "crypto.h"
#include "json_read.h"
#include "safe_text.h"
#include "verdict_json.h"

#include <veridicor/verify/encoding.h>
#include <veridicor/verify/json.h>
#include <veridicor/verify/oms.h>

#include <algorithm>
#include <fstream>
#include <map>
#include <set>

namespace veridicor::verify {

using namespace detail;

namespace {

constexpr std::size_t kMaxModelFiles = 1'000'000;
constexpr int kMaxModelDepth = 128;
constexpr std::int64_t kMaxShardSize = std::int64_t{1} << 50;
const std::vector<std::string> kGitPaths{".git", ".gitattributes", ".github", ".gitignore"};

std::vector<std::string> splitPath(std::string_view p) {
    std::vector<std::string> out;
    std::size_t start = 0;
    while (start <= p.size()) {
        const std::size_t slash = p.find('/', start);
        const std::string_view comp =
            p.substr(start, slash == std::string_view::npos ? p.npos : slash - start);
        out.emplace_back(comp);
        if (slash == std::string_view::npos) {
            break;
        }
        start = slash + 1;
    }
    return out;
}

/// A relative path as the manifest names files: components separated by '/', none empty, "." or "..".
bool isCleanRelativePath(std::string_view p) {
    if (p.empty()) {
        return false;
    }
    for (const auto& c : splitPath(p)) {
        if (c.empty() || c == "." || c == "..") {
            return false;
        }
    }
    return true;
}

/// An ignore path as a list of components ("./a//b/" → {a, b}); nullopt when it leaves the folder or names
/// it.
std::optional<std::vector<std::string>> normaliseIgnorePath(std::string_view p) {
    if (!p.empty() && p.front() == '/') {
        return std::nullopt;
    }
    std::vector<std::string> out;
    for (auto& c : splitPath(p)) {
        if (c.empty() || c == ".") {
            continue;
        }
        if (c == "..") {
            return std::nullopt;
        }
        out.push_back(std::move(c));
    }
    if (out.empty()) {
        return std::nullopt;
    }
    return out;
}

/// Python's ordering of PurePosixPath: component by component, each by code point (= UTF-8 byte order).
bool pathLess(const std::string& a, const std::string& b) {
    const auto ca = splitPath(a);
    const auto cb = splitPath(b);
    return std::lexicographical_compare(ca.begin(), ca.end(), cb.begin(), cb.end());
}

struct LocalFile {
    std::string rel;
    std::filesystem::path abs;
    std::uint64_t size = 0;
};

bool isIgnored(const std::vector<std::string>& comps, const std::vector<std::vector<std::string>>& ignore) {
    for (const auto& ig : ignore) {
        if (ig.size() <= comps.size() && std::equal(ig.begin(), ig.end(), comps.begin())) {
            return true;
        }
    }
    return false;
}

Expected<std::vector<LocalFile>, Error> listModelFiles(const std::filesystem::path& root, bool allowSymlinks,
                                                       const std::vector<std::vector<std::string>>& ignore) {
    std::vector<LocalFile> out;
    std::error_code ec;
    if (std::filesystem::is_regular_file(root, ec)) {
        // A model that is a single file: the reference implementation names it "." (the path relative to
        // itself).
        const auto size = std::filesystem::file_size(root, ec);
        if (ec) {
            return Unexpected{
                Error{ErrorCode::Unreadable, "'" + root.string() + "' cannot be read: " + ec.message()}};
        }
        out.push_back({".", root, size});
        return out;
    }
    if (!std::filesystem::is_directory(root, ec)) {
        return Unexpected{
            Error{ErrorCode::Unreadable, "the model folder '" + root.string() + "' is not a folder"}};
    }
    std::set<std::filesystem::path> visitedDirs;
    struct Pending {
        std::filesystem::path dir;
        std::vector<std::string> comps;
    };
    std::vector<Pending> todo{{root, {}}};
    visitedDirs.insert(std::filesystem::weakly_canonical(root, ec));
    while (!todo.empty()) {
        Pending cur = std::move(todo.back());
        todo.pop_back();
        if (static_cast<int>(cur.comps.size()) > kMaxModelDepth) {
            return Unexpected{Error{ErrorCode::Invalid, "the model folder is nested more than " +
                                                            std::to_string(kMaxModelDepth) + " levels deep"}};
        }
        for (auto it = std::filesystem::directory_iterator(cur.dir, ec);
             !ec && it != std::filesystem::directory_iterator(); it.increment(ec)) {
            const std::string name = it->path().filename().string();
            if (!json::isValidUtf8(name)) {
                return Unexpected{
                    Error{ErrorCode::Invalid, "'" + it->path().string() + "' has a name that is not UTF-8"}};
            }
            std::vector<std::string> comps = cur.comps;
            comps.push_back(name);
            if (isIgnored(comps, ignore)) {
                continue;
            }
            std::string rel;
            for (const auto& c : comps) {
                rel += (rel.empty() ? "" : "/") + c;
            }
            const bool isLink = it->is_symlink(ec);
            if (isLink && !allowSymlinks) {
                return Unexpected{
                    Error{ErrorCode::Invalid, "'" + rel +
                                                  "' is a symbolic link, and the signature does "
                                                  "not allow them"}};
            }
            const auto status = std::filesystem::status(it->path(), ec); // follows links
            if (ec) {
                return Unexpected{
                    Error{ErrorCode::Unreadable, "'" + rel + "' cannot be read: " + ec.message()}};
            }
            if (std::filesystem::is_directory(status)) {
                const auto canon = std::filesystem::weakly_canonical(it->path(), ec);
                if (!visitedDirs.insert(canon).second) {
                    return Unexpected{Error{ErrorCode::Invalid, "'" + rel +
                                                                    "' leads back into the model folder (a "
                                                                    "symbolic link loop)"}};
                }
                todo.push_back({it->path(), std::move(comps)});
            } else if (std::filesystem::is_regular_file(status)) {
                const auto size = std::filesystem::file_size(it->path(), ec);
                if (ec) {
                    return Unexpected{
                        Error{ErrorCode::Unreadable, "'" + rel + "' cannot be read: " + ec.message()}};
                }
                out.push_back({rel, it->path(), size});
                if (out.size() > kMaxModelFiles) {
                    return Unexpected{Error{ErrorCode::TooLarge, "the model folder holds more than " +
                                                                     std::to_string(kMaxModelFiles) +
                                                                     " files"}};
                }
            } else {
                return Unexpected{Error{ErrorCode::Invalid, "'" + rel + "' is neither a file nor a folder"}};
            }
        }
        if (ec) {
            return Unexpected{
                Error{ErrorCode::Unreadable, "'" + cur.dir.string() + "' cannot be listed: " + ec.message()}};
        }
    }
    return out;
}

Expected<std::string, Error> hashRange(const LocalFile& f, std::uint64_t start, std::uint64_t end) {
    std::ifstream in(f.abs, std::ios::binary);
    if (!in) {
        return Unexpected{Error{ErrorCode::Unreadable, "'" + f.rel + "' cannot be opened"}};
    }
    in.seekg(static_cast<std::streamoff>(start));
    Sha256 hasher;
    std::vector<char> buf(std::size_t{1} << 20);
    std::uint64_t left = end - start;
    while (left > 0 && in) {
        const auto want = static_cast<std::streamsize>(std::min<std::uint64_t>(left, buf.size()));
        in.read(buf.data(), want);
        const auto got = static_cast<std::uint64_t>(in.gcount());
        hasher.update(buf.data(), got);
        left -= got;
        if (got == 0) {
            break;
        }
    }
    if (left != 0) {
        return Unexpected{
            Error{ErrorCode::Unreadable, "'" + f.rel + "' ended early (was it changed while being read?)"}};
    }
    return hexEncode(hasher.finish());
}

struct ShardKey {
    std::string path;
    std::uint64_t start = 0;
    std::uint64_t end = 0;
};

bool parseShardName(const std::string& name, ShardKey& key) {
    const auto c2 = name.rfind(':');
    if (c2 == std::string::npos || c2 == 0) {
        return false;
    }
    const auto c1 = name.rfind(':', c2 - 1);
    if (c1 == std::string::npos) {
        return false;
    }
    auto number = [](std::string_view s, std::uint64_t& out) {
        if (s.empty() || s.size() > 19 || (s.size() > 1 && s[0] == '0')) {
            return false;
        }
        out = 0;
        for (const char c : s) {
            if (c < '0' || c > '9') {
                return false;
            }
            out = out * 10 + static_cast<std::uint64_t>(c - '0');
        }
        return true;
    };
    key.path = name.substr(0, c1);
    return number(std::string_view(name).substr(c1 + 1, c2 - c1 - 1), key.start) &&
           number(std::string_view(name).substr(c2 + 1), key.end) && key.end > key.start &&
           (key.path == "." || isCleanRelativePath(key.path));
}

/// The manifest resources of the local files by `method`, in the reference implementation's canonical order.
Expected<std::vector<OmsResource>, Error> hashFiles(const std::vector<LocalFile>& files, OmsMethod method,
                                                    std::uint64_t shardSize) {
    std::vector<OmsResource> out;
    std::vector<LocalFile> sorted = files;
    std::sort(sorted.begin(), sorted.end(),
              [](const LocalFile& a, const LocalFile& b) { return pathLess(a.rel, b.rel); });
    for (const auto& f : sorted) {
        switch (method) {
        case OmsMethod::Files: {
            auto d = hashRange(f, 0, f.size);
            if (!d) {
                return Unexpected{d.error()};
            }
            out.push_back({f.rel, "sha256", std::move(*d)});
            break;
        }
        case OmsMethod::Shards: {
            // An empty file has no shard (as in the reference implementation).
            for (std::uint64_t start = 0; start < f.size;) {
                const std::uint64_t end = std::min(f.size, start + shardSize);
                auto d = hashRange(f, start, end);
                if (!d) {
                    return Unexpected{d.error()};
                }
                out.push_back({f.rel + ":" + std::to_string(start) + ":" + std::to_string(end),
                               "sha256-sharded-" + std::to_string(shardSize), std::move(*d)});
                start = end;
            }
            break;
        }
        }
    }
    return out;
}

std::string rootDigestOf(const std::vector<OmsResource>& resources) {
    Sha256 hasher;
    for (const auto& r : resources) {
        for (std::size_t i = 0; i + 1 < r.digest.size(); i += 2) {
            const auto hexv = [](char c) {
                return c <= '9' ? c - '0' : c - 'a' + 10;
            };
            const auto byte = static_cast<unsigned char>(hexv(r.digest[i]) * 16 + hexv(r.digest[i + 1]));
            hasher.update(&byte, 1);
        }
    }
    return hexEncode(hasher.finish());
}

std::string pathOfResource(const OmsResource& r, OmsMethod method) {
    if (method == OmsMethod::Files) {
        return r.name;
    }
    ShardKey k;
    return parseShardName(r.name, k) ? k.path : r.name;
}

} // namespace

// ---- statement
// -----------------------------------------------------------------------------------------------

Expected<OmsManifest, std::string> parseOmsStatement(std::string_view payload) {
    auto doc = json::parse(payload);
    if (!doc) {
        return Unexpected{"the signed statement is not valid JSON: " + doc.error().message};
    }
    Problem problem;
    ObjectReader top(&*doc, "statement", problem);
    OmsManifest m;
    if (auto t = top.string("_type"); t && *t != kStatementType) {
        // Messages name fields, never their values (see json_read.h).
        problem.set("statement._type is not \"" + std::string(kStatementType) + "\"");
    }
    if (const json::Value* subjects = top.get("subject", json::Type::Array)) {
        if (subjects->asArray().size() != 1) {
            problem.set("statement.subject must hold exactly one entry");
        } else {
            ObjectReader s(&subjects->asArray().front(), "statement.subject[0]", problem);
            m.modelName = s.string("name", true, false).value_or("");
            ObjectReader d(s.get("digest", json::Type::Object), s.path("digest"), problem);
            m.rootDigest = d.string("sha256").value_or("");
            d.rejectUnknown();
            s.rejectUnknown();
            if (!problem.any() && !isSha256Hex(m.rootDigest)) {
                problem.set("statement.subject[0].digest.sha256 must be 64 lowercase hexadecimal characters");
            }
        }
    }
    if (auto pt = top.string("predicateType"); pt && *pt != kOmsPredicateType) {
        problem.set("statement.predicateType is not \"" + std::string(kOmsPredicateType) + "\"");
    }
    const json::Value* pred = top.get("predicate", json::Type::Object);
    top.rejectUnknown();
    if (problem.any()) {
        return Unexpected{problem.message()};
    }
    // OMS v1.0: verifiers ignore predicate fields other than "serialization" and "resources".
    ObjectReader p(pred, "predicate", problem);
    {
        ObjectReader s(p.get("serialization", json::Type::Object), "predicate.serialization", problem);
        const auto method = s.string("method");
        if (method && *method == "files") {
            m.method = OmsMethod::Files;
        } else if (method && *method == "shards") {
            m.method = OmsMethod::Shards;
            m.shardSize = static_cast<std::uint64_t>(s.count("shard_size", kMaxShardSize).value_or(0));
            if (!problem.any() && m.shardSize == 0) {
                problem.set("predicate.serialization.shard_size must be positive");
            }
        } else if (method) {
            problem.set(R"(predicate.serialization.method is not "files" or "shards")");
        }
        m.hashType = s.string("hash_type").value_or("");
        if (!problem.any() && m.hashType != "sha256") {
            problem.set("predicate.serialization.hash_type is not supported (only sha256)");
        }
        m.allowSymlinks = s.boolean("allow_symlinks").value_or(false);
        m.ignorePaths = s.strings("ignore_paths", false).value_or(std::vector<std::string>{});
        for (const auto& ip : m.ignorePaths) {
            if (!problem.any() && !normaliseIgnorePath(ip)) {
                problem.set("predicate.serialization.ignore_paths holds a path that is not inside the model "
                            "folder");
            }
        }
        s.rejectUnknown();
    }
    if (const json::Value* res = p.get("resources", json::Type::Array)) {
        std::set<std::string> names;
        std::size_t i = 0;
        for (const auto& rv : res->asArray()) {
            const std::string path = "predicate.resources[" + std::to_string(i++) + "]";
            ObjectReader r(&rv, path, problem);
            OmsResource out;
            out.name = r.string("name").value_or("");
            out.algorithm = r.string("algorithm").value_or("");
            out.digest = r.string("digest").value_or("");
            r.rejectUnknown();
            if (problem.any()) {
                break;
            }
            if (!isSha256Hex(out.digest)) {
                problem.set(path + ".digest must be 64 lowercase hexadecimal characters");
            } else if (out.algorithm != "sha256" && out.algorithm.rfind("sha256-sharded-", 0) != 0) {
                problem.set(path + ".algorithm is not SHA-256");
            } else if (!names.insert(out.name).second) {
                problem.set(path + ".name is the name of another resource");
            } else if (m.method == OmsMethod::Files && out.name != "." && !isCleanRelativePath(out.name)) {
                problem.set(path + ".name is not a relative path inside the model");
            } else if (ShardKey k; m.method == OmsMethod::Shards &&
                                   (!parseShardName(out.name, k) || k.end - k.start > m.shardSize)) {
                problem.set(path + ".name is not a shard \"path:start:end\" of the shard size");
            }
            m.resources.push_back(std::move(out));
        }
    }
    if (problem.any()) {
        return Unexpected{problem.message()};
    }
    if (rootDigestOf(m.resources) != m.rootDigest) {
        return Unexpected{
            std::string("the manifest is inconsistent: its resources do not hash to the model digest ") +
            m.rootDigest};
    }
    return m;
}

// ---- authentication
// ------------------------------------------------------------------------------------------

OmsAuthentication authenticateModelSignature(std::string_view bundleBytes, const TrustStore& store,
                                             const PublicKey* key, TimePoint at) {
    Authentication a = authenticateBundle(bundleBytes, store, key, at, true, "model signature");
    OmsAuthentication out;
    out.keyMethod = a.keyMethod;
    out.signer = a.signer;
    out.signedAt = a.signedAt;
    out.timestampStableFrom = a.timestampStableFrom;
    out.timestampStableTo = a.timestampStableTo;
    if (a.authentic()) {
        auto manifest = parseOmsStatement(a.bundle->payload);
        if (manifest) {
            out.manifest = std::move(*manifest);
        } else {
            a.checks[2].status = CheckStatus::Failed;
            a.checks[2].reasons.push_back(Reason::Malformed);
            a.checks[2].detail +=
                " But the signed content is not an OMS v1.0 model manifest: " + manifest.error() + ".";
            a.reasons.insert(Reason::Malformed);
        }
    }
    out.checks.assign(a.checks.begin(), a.checks.end());
    out.reasons = sortedReasons(a.reasons);
    return out;
}

// ---- comparing a folder
// --------------------------------------------------------------------------------------

ModelFileComparison compareModelDirectory(const OmsManifest& manifest, const std::filesystem::path& modelDir,
                                          const std::vector<std::filesystem::path>& alsoIgnore) {
    ModelFileComparison cmp;
    std::vector<std::vector<std::string>> ignore;
    for (const auto& ip : manifest.ignorePaths) {
        if (auto n = normaliseIgnorePath(ip)) {
            ignore.push_back(std::move(*n));
        }
    }
    std::error_code ec;
    const auto root = std::filesystem::weakly_canonical(modelDir, ec);
    for (const auto& extra : alsoIgnore) {
        const auto canon = std::filesystem::weakly_canonical(extra, ec);
        const auto rel = canon.lexically_relative(root);
        if (!rel.empty() && *rel.begin() != "..") {
            if (auto n = normaliseIgnorePath(rel.generic_string())) {
                ignore.push_back(std::move(*n));
            }
        }
    }
    auto files = listModelFiles(modelDir, manifest.allowSymlinks, ignore);
    if (!files) {
        cmp.error = files.error().message;
        return cmp;
    }
    auto local =
        hashFiles(*files, manifest.method, manifest.method == OmsMethod::Shards ? manifest.shardSize : 0);
    if (!local) {
        cmp.error = local.error().message;
        return cmp;
    }
    // Group both sides by file: path → (resource name → digest).
    std::map<std::string, std::map<std::string, std::string>> signedByFile;
    std::map<std::string, std::map<std::string, std::string>> localByFile;
    for (const auto& r : manifest.resources) {
        signedByFile[pathOfResource(r, manifest.method)][r.name] = r.digest;
    }
    for (const auto& r : *local) {
        localByFile[pathOfResource(r, manifest.method)][r.name] = r.digest;
    }
    for (const auto& [path, items] : signedByFile) {
        auto it = localByFile.find(path);
        if (it == localByFile.end()) {
            cmp.missing.push_back(path);
        } else if (it->second != items) {
            cmp.changed.push_back(path);
        }
    }
    for (const auto& [path, items] : localByFile) {
        if (signedByFile.count(path) == 0) {
            cmp.extra.push_back(path);
        }
    }
    return cmp;
}

// ---- verify-model
// --------------------------------------------------------------------------------------------

ModelVerification verifyModel(std::string_view bundleBytes, const std::filesystem::path& modelDir,
                              const TrustStore& store, const PublicKey* key, TimePoint at,
                              const std::filesystem::path& signaturePath) {
    ModelVerification v;
    OmsAuthentication auth = authenticateModelSignature(bundleBytes, store, key, at);
    v.keyMethod = auth.keyMethod;
    v.signer = auth.signer;
    std::set<Reason> reasons(auth.reasons.begin(), auth.reasons.end());
    for (const auto& c : auth.checks) {
        std::string name(checkName(c.id));
        if (c.id == CheckId::Chain && auth.keyMethod) {
            name = "key";
        }
        v.checks.push_back(ModelCheck{name, c.status, c.detail});
    }
    ModelCheck files{"files", CheckStatus::NotChecked, "Not checked: the model signature is not authentic."};
    if (auth.authentic()) {
        v.manifest = auth.manifest;
        std::vector<std::filesystem::path> alsoIgnore;
        if (!signaturePath.empty()) {
            alsoIgnore.push_back(signaturePath);
        }
        v.files = compareModelDirectory(*auth.manifest, modelDir, alsoIgnore);
        if (v.files.ok()) {
            files.status = CheckStatus::Passed;
            files.detail = "Every one of the " + std::to_string(auth.manifest->resources.size()) +
                           " signed " +
                           (auth.manifest->method == OmsMethod::Files ? "files" : "file shards") +
                           " is present and unchanged, and there is no unsigned file.";
        } else {
            files.status = CheckStatus::Failed;
            reasons.insert(Reason::DataMismatch);
            if (!v.files.error.empty()) {
                files.detail = "The model folder could not be checked: " + v.files.error + ".";
            } else {
                auto list = [](const std::vector<std::string>& xs) {
                    std::string s;
                    for (const auto& x : xs) {
                        s += (s.empty() ? "" : ", ") + quoteText(x, 256);
                    }
                    return s;
                };
                files.detail = "The model folder is not the signed model:";
                if (!v.files.changed.empty()) {
                    files.detail += " changed " + list(v.files.changed) + ";";
                }
                if (!v.files.missing.empty()) {
                    files.detail += " missing " + list(v.files.missing) + ";";
                }
                if (!v.files.extra.empty()) {
                    files.detail += " not signed " + list(v.files.extra) + ";";
                }
                files.detail.back() = '.';
            }
        }
    }
    v.checks.push_back(files);
    v.reasons = sortedReasons(reasons);
    v.trust = v.reasons.empty() && files.ok() ? Trust::Trusted : Trust::Untrusted;
    if (v.trust == Trust::Untrusted && v.reasons.empty()) {
        v.reasons.push_back(Reason::Malformed);
    }
    return v;
}

std::string modelVerificationToJson(const ModelVerification& v) {
    const auto strings = [](const std::vector<std::string>& xs) {
        json::Value a = json::Value::array();
        for (const auto& x : xs) {
            a.push(json::Value::string(x));
        }
        return a;
    };
    json::Value out = json::Value::object();
    out.set("verdict", json::Value::string(std::string(trustName(v.trust))));
    json::Value reasons = json::Value::array();
    for (const Reason r : v.reasons) {
        reasons.push(json::Value::string(std::string(reasonName(r))));
    }
    out.set("reasons", std::move(reasons));
    out.set("method", json::Value::string(v.keyMethod ? "key" : "certificate"));
    out.set("signer", signerToJson(v.signer));
    if (v.manifest) {
        json::Value model = json::Value::object();
        model.set("name", json::Value::string(v.manifest->modelName));
        model.set("digest", json::Value::string(v.manifest->rootDigest));
        model.set("serialization",
                  json::Value::string(v.manifest->method == OmsMethod::Files ? "files" : "shards"));
        model.set("resources", json::Value::integer(static_cast<std::int64_t>(v.manifest->resources.size())));
        out.set("model", std::move(model));
    } else {
        out.set("model", json::Value());
    }
    json::Value checks = json::Value::array();
    for (const auto& c : v.checks) {
        json::Value check = json::Value::object();
        check.set("name", json::Value::string(c.name));
        check.set("ok", json::Value::boolean(c.ok()));
        check.set("detail", json::Value::string(c.detail));
        checks.push(std::move(check));
    }
    out.set("checks", std::move(checks));
    json::Value files = json::Value::object();
    files.set("changed", strings(v.files.changed));
    files.set("missing", strings(v.files.missing));
    files.set("extra", strings(v.files.extra));
    out.set("files", std::move(files));
    return json::serializeIndented(out, 2) + "\n";
}

// ---- signing
// -------------------------------------------------------------------------------------------------

Expected<OmsManifest, Error> hashModelDirectory(const std::filesystem::path& modelDir,
                                                const ModelSignOptions& options,
                                                const std::filesystem::path& signaturePath) {
    OmsManifest m;
    m.method = options.method;
    m.shardSize = options.method == OmsMethod::Shards ? options.shardSize : 0;
    if (options.method == OmsMethod::Shards && options.shardSize == 0) {
        return Unexpected{Error{ErrorCode::Invalid, "the shard size must be positive"}};
    }
    std::vector<std::string> ignorePaths = options.ignorePaths;
    if (options.ignoreGitPaths) {
        ignorePaths.insert(ignorePaths.end(), kGitPaths.begin(), kGitPaths.end());
    }
    std::error_code ec;
    const auto root = std::filesystem::weakly_canonical(modelDir, ec);
    if (!signaturePath.empty()) {
        const auto rel = std::filesystem::weakly_canonical(signaturePath, ec).lexically_relative(root);
        if (!rel.empty() && *rel.begin() != "..") {
            ignorePaths.push_back(rel.generic_string());
        }
    }
    std::vector<std::vector<std::string>> ignore;
    for (const auto& ip : ignorePaths) {
        auto n = normaliseIgnorePath(ip);
        if (!n) {
            return Unexpected{
                Error{ErrorCode::Invalid, "the ignore path '" + ip + "' is not inside the model folder"}};
        }
        std::string joined;
        for (const auto& c : *n) {
            joined += (joined.empty() ? "" : "/") + c;
        }
        if (std::find(m.ignorePaths.begin(), m.ignorePaths.end(), joined) == m.ignorePaths.end()) {
            m.ignorePaths.push_back(joined);
        }
        ignore.push_back(std::move(*n));
    }
    auto files = listModelFiles(modelDir, false, ignore);
    if (!files) {
        return Unexpected{files.error()};
    }
    auto resources = hashFiles(*files, options.method, m.shardSize);
    if (!resources) {
        return Unexpected{resources.error()};
    }
    m.resources = std::move(*resources);
    m.rootDigest = rootDigestOf(m.resources);
    m.modelName = (root.empty() ? modelDir : root).filename().string();
    return m;
}

Expected<std::string, Error> signModel(const std::filesystem::path& modelDir, const SigningIdentity& identity,
                                       const ModelSignOptions& options,
                                       const std::filesystem::path& signaturePath) {
    if (EVP_PKEY_get_base_id(identity.key().native()) != EVP_PKEY_EC ||
        !isAcceptableKey(identity.key().native())) {
        return Unexpected{Error{ErrorCode::Unsupported,
                                "OMS model signatures need an ECDSA P-256, P-384 or P-521 key (the reference "
                                "implementation verifies only those), not " +
                                    identity.key().description()}};
    }
    auto m = hashModelDirectory(modelDir, options, signaturePath);
    if (!m) {
        return Unexpected{m.error()};
    }
    json::Value serialization = json::Value::object();
    serialization.set("method", json::Value::string(m->method == OmsMethod::Files ? "files" : "shards"));
    serialization.set("hash_type", json::Value::string("sha256"));
    if (m->method == OmsMethod::Shards) {
        serialization.set("shard_size", json::Value::integer(static_cast<std::int64_t>(m->shardSize)));
    }
    serialization.set("allow_symlinks", json::Value::boolean(false));
    if (!m->ignorePaths.empty()) {
        json::Value ig = json::Value::array();
        for (const auto& p : m->ignorePaths) {
            ig.push(json::Value::string(p));
        }
        serialization.set("ignore_paths", std::move(ig));
    }
    json::Value resources = json::Value::array();
    for (const auto& r : m->resources) {
        json::Value item = json::Value::object();
        item.set("name", json::Value::string(r.name));
        item.set("algorithm", json::Value::string(r.algorithm));
        item.set("digest", json::Value::string(r.digest));
        resources.push(std::move(item));
    }
    json::Value predicate = json::Value::object();
    predicate.set("serialization", std::move(serialization));
    predicate.set("resources", std::move(resources));
    json::Value digest = json::Value::object();
    digest.set("sha256", json::Value::string(m->rootDigest));
    json::Value subject = json::Value::object();
    subject.set("name", json::Value::string(m->modelName));
    subject.set("digest", std::move(digest));
    json::Value subjects = json::Value::array();
    subjects.push(std::move(subject));
    json::Value statement = json::Value::object();
    statement.set("_type", json::Value::string(std::string(kStatementType)));
    statement.set("subject", std::move(subjects));
    statement.set("predicateType", json::Value::string(std::string(kOmsPredicateType)));
    statement.set("predicate", std::move(predicate));
    return signDsseBundle(identity, json::serialize(statement), true,
                          options.timestamp ? &*options.timestamp : nullptr);
}

} // namespace veridicor::verify
